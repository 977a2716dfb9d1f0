"""The Ergebnisbericht (survey results report): read back with pdftotext and pypdf,
its numbers against the public snapshot, its hidden cells, the CLI and the staff form."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_babel import force_locale, format_decimal
from pypdf import PdfReader

from app.exports import formats
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.report.document import build, content_language
from app.exports.report.groups import variable_names
from app.exports.report.pdf import html
from app.exports.source import ExportError, Source
from app.extensions import db
from app.processes.models import Process
from app.results import snapshots
from app.results.models import Aggregate
from tests.conftest import submit
from tests.results.conftest import ResultsSurvey, add_responses, build_results_survey, rebuild

BASE = "/en/staff/exports/p/hf12/"


@pytest.fixture
def made(process: Process) -> ResultsSurvey:
    survey = build_results_survey("report-test")
    survey.survey.process_id = process.id
    db.session.commit()
    add_responses(survey, 400)
    rebuild(survey)
    return survey


def _pdf(made: ResultsSurvey, group: int | None = None, lang: str = "de") -> bytes:
    source = Source(
        kind=ExportKind.SURVEY_REPORT,
        format=ExportFormat.PDF,
        locale=lang,
        process_id=made.survey.process_id,
        survey_id=made.survey.id,
        options={"group": group},
    )
    out = io.BytesIO()
    steps: list[tuple[int, int]] = []
    formats.write(source, out, lambda done, total: steps.append((done, total)))
    assert steps and steps[-1][0] == steps[-1][1]
    return out.getvalue()


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext") or "/usr/bin/pdftotext"  # poppler-utils
    run = subprocess.run(  # noqa: S603 (poppler, a fixed command line)
        [pdftotext, "-layout", str(path), "-"], capture_output=True, check=True
    )
    return run.stdout.decode("utf-8")


def _pct(value: float) -> str:
    with force_locale("de"):
        return f"{format_decimal(value, format='#,##0.0')} %"


def _n(value: int) -> str:
    with force_locale("de"):
        return str(format_decimal(value))


def _question(data: dict[str, Any], question_id: int) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == question_id)


def test_whole_survey_report_has_title_n_and_the_public_percentages(
    made: ResultsSurvey, tmp_path: Path
) -> None:
    pdf = _pdf(made)
    text = _text(pdf, tmp_path)
    public = snapshots.public_survey(made.survey.id)
    assert public is not None
    assert "ERGEBNISBERICHT" in text and "Ergebnistest" in text
    n = _n(public["respondents"]["n"])
    assert f"{n} Befragte" in text
    single = _question(public, made.q["single"].id)
    assert f"Beantwortet von {_n(single['n'])}" in text
    shown = next(o for o in single["items"][0]["options"] if not o.get("suppressed"))
    assert _pct(shown["vpct"]) in text
    low, high = shown["ci"]
    with force_locale("de"):
        interval = f"{format_decimal(low, format='#,##0.0')}\u2013"  # an en dash
        interval += f"{format_decimal(high, format='#,##0.0')} %"
    assert interval in text
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 2 and f"Seite 2 von {len(pages)}" in pages[1].extract_text()
    assert all(p.mediabox.width < p.mediabox.height for p in pages)  # A4 portrait


def test_a_group_report_names_the_group_and_shows_its_public_numbers(
    made: ResultsSurvey, tmp_path: Path
) -> None:
    lehre = made.option("town", "lehre")
    text = _text(_pdf(made, lehre.id), tmp_path)
    filtered = snapshots.public_filter(made.survey.id, lehre.id)
    assert filtered is not None and not filtered.get("hidden")
    assert "Ergebnisse für „Gemeinde Lehre“" in text
    group_n = _n(filtered["filter"]["n"])
    assert f"{group_n} Befragte in dieser Gruppe" in text
    single = _question(filtered, made.q["single"].id)
    assert f"Beantwortet von {_n(single['n'])}" in text
    shown = next(o for o in single["items"][0]["options"] if o.get("vpct") is not None)
    assert _pct(shown["vpct"]) in text
    assert "Antworten pro Tag" not in text  # the timeline belongs to the whole survey


def test_a_suppressed_count_is_shown_as_hidden_never_as_its_number(
    made: ResultsSurvey, tmp_path: Path
) -> None:
    stored = snapshots.stored("survey", made.survey.id)
    assert stored is not None
    multi = _question(stored, made.q["multi"].id)["items"][0]
    rare = made.option("multi", "rare")
    assert rare.id in multi["public"]["cells"]  # the fixture's small cell is suppressed
    count = next(o["count"] for o in multi["options"] if o["id"] == rare.id)
    assert 0 < count < made.survey.suppression_threshold
    text = _text(_pdf(made), tmp_path)
    rows = [line for line in text.splitlines() if line.strip().startswith("Rare")]
    assert rows and any("verborgen" in row for row in rows)
    for row in rows:
        assert not re.search(rf"(?<![\d,.]){count}(?![\d,.])", row), row
    assert "„verborgen“: weniger als 5 Antworten" in text


def test_a_group_too_small_to_publish_is_refused(made: ResultsSurvey) -> None:
    diverse = made.option("gender", "diverse")
    filtered = snapshots.public_filter(made.survey.id, diverse.id)
    assert filtered is not None and filtered.get("hidden")
    with pytest.raises(ExportError, match="Zu wenige Befragte"):
        _pdf(made, diverse.id)


def test_the_report_follows_the_export_language(made: ResultsSurvey, tmp_path: Path) -> None:
    text = _text(_pdf(made, lang="en"), tmp_path)
    assert "SURVEY RESULTS REPORT" in text and "Answered by" in text
    assert "Page 1 of" in text or "Page 2 of" in text


# --- the command line ------------------------------------------------------------------


def test_cli_writes_a_group_report(runner: Any, made: ResultsSurvey, tmp_path: Path) -> None:
    name = next(n for n, qid in variable_names(made.survey).items() if qid == made.q["town"].id)
    out = tmp_path / "lehre.pdf"
    args = ["export", "report", "report-test", "--filter", f"{name}=lehre", "--lang", "de"]
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"questions written to {out}" in result.output
    assert "Gemeinde Lehre" in _text(out.read_bytes(), tmp_path)
    by_id = runner.invoke(
        args=[*args[:3], "--filter", f"{made.q['town'].id}=lehre", "--out", str(out)]
    )
    assert by_id.exit_code == 0, by_id.output


@pytest.mark.parametrize(
    ("survey", "spec", "message"),
    [
        ("nope", None, "no survey with the address 'nope'"),
        ("report-test", "q99=lehre", "the survey has no question 'q99'"),
        ("report-test", "town", "is not of the form QUESTION=VALUE"),
        ("report-test", "q01=1", "is not a demographic question"),
        ("report-test", "TOWN=atlantis", "has no option 'atlantis'"),
        ("report-test", "GENDER=diverse", "too few respondents in the group"),
    ],
)
def test_cli_refuses_unknown_surveys_and_filters_with_code_2(
    runner: Any, made: ResultsSurvey, tmp_path: Path, survey: str, spec: str | None, message: str
) -> None:
    names = {qid: n for n, qid in variable_names(made.survey).items()}
    if spec is not None:
        spec = spec.replace("TOWN", names[made.q["town"].id])
        spec = spec.replace("GENDER", names[made.q["gender"].id])
    args = ["export", "report", survey, "--out", str(tmp_path / "x.pdf")]
    result = runner.invoke(args=args + (["--filter", spec] if spec else []))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "x.pdf").exists()


# --- the staff form --------------------------------------------------------------------


def test_staff_request_a_group_report_as_a_background_job(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    lehre = made.option("town", "lehre")
    page = staff_client.get(BASE).get_data(as_text=True)
    assert 'value="survey_report"' in page and f'value="{lehre.id}"' in page
    diverse = made.option("gender", "diverse")
    assert f'value="{diverse.id}"' not in page  # too small: not offered
    form = {
        "kind": "survey_report",
        "survey": str(made.survey.id),
        "group": str(lehre.id),
        "format": "pdf",
        "language": "de",
    }
    response = submit(staff_client, BASE, form)
    assert response.status_code == 302, response.get_data(as_text=True)
    job = db.session.query(ExportJob).order_by(ExportJob.id.desc()).first()
    assert job is not None and job.kind == ExportKind.SURVEY_REPORT
    assert job.options == {"group": lehre.id} and job.survey_id == made.survey.id
    assert job.status == ExportStatus.DONE, job.error
    assert job.filename.startswith("ergebnisbericht-report-test-lehre-de-")
    download = staff_client.get(f"{BASE}{job.id}/download")
    assert download.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)
    assert "Gemeinde Lehre" in text
    job_page = staff_client.get(f"{BASE}{job.id}").get_data(as_text=True)
    assert "Results of one group only" in job_page and "Gemeinde Lehre" in job_page


def test_the_survey_page_link_preselects_the_report(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    page = staff_client.get(f"{BASE}?survey={made.survey.id}&kind=survey_report")
    html = page.get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="survey_report"', html)
    assert re.search(r'<input checked[^>]*value="pdf"', html)
    assert re.search(rf'<option selected value="{made.survey.id}"', html)


def test_the_form_refuses_a_group_of_another_survey_or_a_hidden_one(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    form = {
        "kind": "survey_report",
        "survey": str(made.survey.id),
        "format": "pdf",
        "language": "en",
    }
    diverse = made.option("gender", "diverse")
    response = submit(staff_client, BASE, form | {"group": str(diverse.id)})
    assert response.status_code == 400
    assert "Please choose one of the groups of this survey." in response.get_data(as_text=True)
    response = submit(staff_client, BASE, form | {"format": "xlsx"})
    assert response.status_code == 400
    assert "This format is not available" in response.get_data(as_text=True)
    assert db.session.query(ExportJob).count() == 0


def test_a_report_asked_before_the_first_results_queues_them(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    stored = sa.delete(Aggregate).where(Aggregate.scope == "survey")
    db.session.execute(stored.where(Aggregate.scope_id == made.survey.id))
    db.session.commit()
    form = {
        "kind": "survey_report",
        "survey": str(made.survey.id),
        "format": "pdf",
        "language": "en",
    }
    response = submit(staff_client, BASE, form)
    assert response.status_code == 400
    assert "The results of this survey are being computed" in response.get_data(as_text=True)
    assert db.session.query(ExportJob).count() == 0
    # The rebuild was queued (tests rebuild inline): the next request finds the results.
    assert snapshots.public_survey(made.survey.id) is not None
    assert submit(staff_client, BASE, form).status_code == 302


def test_an_arabic_report_reads_right_to_left_and_a_german_question_left_to_right(
    made: ResultsSurvey,
) -> None:
    with force_locale("ar"), content_language("ar"):
        report = build(made.survey, {"group": None}, "ar", lambda done: None)
        page = html(report)
    assert '<html lang="ar" dir="rtl">' in page
    assert page.count('class="question-block" dir="ltr"') == len(report.results.questions)
    assert "<svg" in page and "<style>.chart" in page  # the chart colours reach the SVG
