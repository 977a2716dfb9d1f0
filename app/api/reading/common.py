"""Small helpers: translated fields, phases, cursors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.i18n import localize
from app.processes.models import Phase


def localized(value: dict[str, str] | None, lang: str, fallback: str) -> dict[str, Any]:
    item = localize(value, lang, fallback)
    return {"text": item.text, "lang": item.lang, "fallback": item.is_fallback}


def localized_or_none(value: dict[str, str] | None, lang: str, fallback: str) -> Any:
    return localized(value, lang, fallback) if any((value or {}).values()) else None


def languages_of(value: dict[str, str] | None) -> list[str]:
    return sorted(code for code, text in (value or {}).items() if text)


def phase(item: Phase, lang: str, fallback: str, now: datetime) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": localized_or_none(item.title, lang, fallback),
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "status": item.status(now),
    }


def encode_cursor(last_id: int) -> str:
    return str(last_id)


MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger cursor is past every row


def decode_cursor(cursor: str | None) -> int | None:
    """The id a page continues after (the parameter's pattern admits digits only)."""
    return min(int(cursor), MAX_ID) if cursor else None


def page(rows: list[Any], limit: int, last_id: Any) -> tuple[list[Any], str | None]:
    """The first ``limit`` rows and the cursor after them (None on the last page)."""
    shown = rows[:limit]
    more = len(rows) > limit and bool(shown)
    return shown, encode_cursor(last_id(shown[-1])) if more else None
