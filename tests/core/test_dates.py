"""Dates and times: deadlines are local days ("bis einschließlich 26.01.2027") that end
at 23:59:59 Europe/Berlin; one Babel format per kind of value on every page (``medium``
for a date, ``medium`` date and ``short`` time for a moment); export file names in
local time."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.exports import build
from app.extensions import db
from app.processes.models import Phase, Process
from app.surveys.models import Survey
from tests.conftest import submit
from tests.factories import make_comment, make_goal, make_survey

BERLIN = ZoneInfo("Europe/Berlin")
TEMPLATES = Path(__file__).parents[2] / "app"


def _local(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BERLIN)


def test_a_phase_is_entered_as_days_and_ends_at_the_end_of_its_last_day(
    staff_client: FlaskClient, process: Process
) -> None:
    url = f"/de/staff/p/{process.slug}/phases/new"
    data = {"kind": "results", "starts_at": "2027-03-01", "ends_at": "2027-03-26"}
    sent = submit(staff_client, url, data | {"title_de": "", "title_en": ""})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    phase = db.session.scalars(sa.select(Phase).order_by(Phase.id.desc())).first()
    assert phase is not None
    start, end = _local(phase.starts_at), _local(phase.ends_at)
    assert (start.date().isoformat(), start.hour, start.minute) == ("2027-03-01", 0, 0)
    assert (end.date().isoformat(), end.hour, end.minute, end.second) == ("2027-03-26", 23, 59, 59)
    staff_page = staff_client.get(f"/de/staff/p/{process.slug}/").get_data(as_text=True)
    assert "01.03.2027" in staff_page and "26.03.2027" in staff_page
    edit = staff_client.get(f"/de/staff/p/{process.slug}/phases/{phase.id}/edit")
    assert 'value="2027-03-26"' in edit.get_data(as_text=True)


def test_a_survey_closing_at_local_midnight_is_open_until_and_including_the_day_before(
    client: FlaskClient, app: Flask
) -> None:
    survey = make_survey("frist")
    survey.closes_at = datetime(2027, 1, 27, 0, 0, tzinfo=BERLIN).astimezone(UTC)
    db.session.commit()
    intro = client.get("/de/surveys/frist/").get_data(as_text=True)
    assert "Offen bis einschließlich 26.01.2027" in intro
    assert "01:00" not in intro


def test_staff_enter_the_last_day_of_a_survey(staff_client: FlaskClient, process: Process) -> None:
    survey = make_survey("frist", process=process)
    data = {
        "slug": "frist",
        "title_de": "Frist",
        "process_id": str(process.id),
        "default_locale": "de",
        "access_mode": "open",
        "results_visibility": "staff",
        "opens_at": "2027-01-01",
        "closes_at": "2027-01-26",
    }
    sent = submit(staff_client, f"/de/staff/surveys/{survey.id}/settings", data)
    assert sent.status_code == 302, sent.get_data(as_text=True)
    saved = db.session.scalar(sa.select(Survey).where(Survey.slug == "frist"))
    assert saved is not None and saved.closes_at is not None and saved.opens_at is not None
    end = _local(saved.closes_at)
    assert (end.date().isoformat(), end.hour, end.minute, end.second) == ("2027-01-26", 23, 59, 59)
    assert _local(saved.opens_at).hour == 0


def test_a_comment_shows_its_moment_as_medium_date_and_short_time(
    client: FlaskClient, process: Process
) -> None:
    goal = make_goal(process, "1.1")
    make_comment(goal, created_at=datetime(2026, 11, 22, 6, 15, tzinfo=UTC))
    page = client.get(f"/de/p/{process.slug}/goals/1.1").get_data(as_text=True)
    assert "22.11.2026, 07:15" in page
    assert "22.11.26" not in page


FORMAT_CALL = re.compile(r"format_(date|datetime|time)\(([^()]*(?:\([^()]*\))?[^()]*)\)")


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("**/templates/**/*.html")), ids=str)
def test_templates_use_one_format_per_kind_of_value(path: Path) -> None:
    """Pages format through format_day, format_moment and format_deadline only (the
    print documents of the exports have their own ``day`` helper)."""
    calls = FORMAT_CALL.findall(path.read_text(encoding="utf-8"))
    assert calls == []


def test_export_file_names_use_local_time(app: Flask, monkeypatch: Any) -> None:
    winter_evening = datetime(2027, 1, 26, 23, 30, tzinfo=UTC)  # 00:30 on the 27th in Berlin
    monkeypatch.setattr(build, "utcnow", lambda: winter_evening)

    class Source:
        kind = build.ExportKind.SURVEY_RESPONSES
        locale = "de"

        @staticmethod
        def survey() -> Any:
            return type("S", (), {"slug": "umfrage"})()

    with app.test_request_context("/de/"):
        assert build.file_name(Source(), "csv") == "survey-umfrage-de-20270127-0030.csv"  # type: ignore[arg-type]
