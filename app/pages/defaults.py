"""Texts the pages start with until an admin edits them (content, not UI strings).

They live in ``default_texts/<key>.<lang>.txt`` so that editors can change them
without touching code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from app.pages.models import PageKey

TEXTS = Path(__file__).resolve().parent / "default_texts"


@cache
def default_body(key: PageKey) -> dict[str, str]:
    return {
        path.name.split(".")[1]: path.read_text(encoding="utf-8").strip()
        for path in sorted(TEXTS.glob(f"{key.value}.*.txt"))
    }
