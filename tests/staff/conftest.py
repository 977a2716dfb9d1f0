"""Shared by the staff-area tests: a process as an admin creates it (no phase yet),
and the form data of the process, phase and goal forms."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.processes.models import Process
from tests.factories import make_process


@pytest.fixture
def process(app: Flask) -> Process:
    return make_process("hf12", phase=None)


def process_form(**overrides: str) -> dict[str, str]:
    data = {
        "slug": "mobility",
        "title_de": "Mobilität 2030",
        "title_en": "Mobility 2030",
        "summary_de": "Wie kommen wir voran?",
        "summary_en": "",
        "default_locale": "de",
        "is_published": "y",
        "participation_mode": "guest",
        "moderation_mode": "pre",
        "report_threshold": "5",
        "comment_max_length": "2000",
        "level_0_de": "Feld",
        "level_0_en": "Field",
        "level_1_de": "",
        "level_1_en": "",
        "level_2_de": "Maßnahme",
        "level_2_en": "",
    }
    return data | overrides


def phase_form(start: str, end: str, kind: str = "participation") -> dict[str, str]:
    """The phase form; ``start`` and ``end`` are its first and last day (``2030-01-31``)."""
    return {"kind": kind, "starts_at": start, "ends_at": end, "title_de": "", "title_en": ""}


def goal_form(code: str, title: str = "Titel", **extra: str) -> dict[str, str]:
    data = {"code": code, "title_de": title, "title_en": "", "body_de": "", "body_en": ""}
    return data | {"easy_de": "", "easy_en": "", "change_note": ""} | extra


def page_of(response: Any) -> str:
    return str(response.get_data(as_text=True))
