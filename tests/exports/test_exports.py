"""Exports: the Abwägung table and survey responses, built as jobs and downloaded."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.assessment.models import Assessment, Consideration, ProcessTag
from app.audit.models import AuditEvent
from app.comments.models import Channel, Comment, CommentStatus
from app.exports import build, services
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.processes.models import Process
from app.surveys.answering.answers import insert_answers
from app.surveys.answering.validation import AnswerRow
from app.surveys.models import Response, ResponseChannel, ResponseState
from tests.conftest import csrf_token, login_as, submit
from tests.factories import make_goal, make_process, make_user
from tests.surveys.conftest import Sink, kitchen_sink

BASE = "/en/staff/exports/p/hf12/"
SECRET_WORDS = (
    "citizen@example.org",
    "guest@example.org",
    "Bürgerin A",
    "Gast Name",
    "Frau Müller",
)


def _participant(kind: ParticipantKind, pseudonym: str, **values: Any) -> Participant:
    item = Participant(kind=kind, pseudonym=pseudonym, **values)
    db.session.add(item)
    db.session.flush()
    return item


def _comment(goal: Goal, body: str, participant: Participant | None, **values: Any) -> Comment:
    fields: dict[str, Any] = {
        "kind": "suggestion",
        "stakeholder_group": StakeholderGroup.CITIZEN,
        "status": CommentStatus.PUBLISHED,
        "author_name": participant.pseudonym if participant else "",
    }
    item = Comment(
        goal_id=goal.id,
        participant_id=participant.id if participant else None,
        body=body,
        **(fields | values),
    )
    db.session.add(item)
    db.session.flush()
    return item


@pytest.fixture
def contributions(process: Process, staff: User) -> dict[str, Any]:
    """Two goals (2 before 1 in the tree), comments of every kind, one assessment."""
    second = make_goal(process, "2", "Zweites Ziel")
    first = make_goal(process, "1", "Erstes Ziel")
    db.session.execute(sa.update(Goal).where(Goal.id == second.id).values(position=0))
    db.session.execute(sa.update(Goal).where(Goal.id == first.id).values(position=1))
    citizen = make_user("citizen@example.org", "Bürgerin A")
    account = _participant(ParticipantKind.ACCOUNT, "Bürgerin A", user_id=citizen.id)
    guest = _participant(ParticipantKind.GUEST, "Gast Name", email="guest@example.org")
    staff_voice = _participant(ParticipantKind.ACCOUNT, "Sachbearbeiterin", user_id=staff.id)
    items = {
        "a1": _comment(first, 'Mehr Homeoffice; bitte "flexibel"\nund fair', account),
        "g1": _comment(first, "=SUMME(A1:A9) ist kein Beitrag", guest),
        "a2": _comment(second, "Zweiter Beitrag derselben Person", account),
        "hidden": _comment(first, "Versteckt", guest, status=CommentStatus.HIDDEN),
        "pending": _comment(first, "Wartet", guest, status=CommentStatus.PENDING),
        "letter": _comment(
            first,
            "Per Brief eingegangen",
            None,
            author_name="Frau Müller",
            channel=Channel.LETTER,
            received_on=date(2024, 3, 1),  # a private letter: its author is a citizen
        ),
    }
    items["reply"] = _comment(
        first, "Antwort der Verwaltung", staff_voice, parent_id=items["a1"].id
    )
    tag = ProcessTag(process_id=process.id, name="Personal")
    db.session.add(tag)
    revision = db.session.scalar(sa.select(GoalRevision).where(GoalRevision.goal_id == first.id))
    db.session.add(
        Assessment(
            comment_id=items["a1"].id,
            process_id=process.id,
            stakeholder_group=StakeholderGroup.CITIZEN,
            consideration=Consideration.CONSIDERED,
            rationale="Wird in 1 aufgenommen.",
            goal_revision_id=revision.id if revision else None,
            tags=[tag],
        )
    )
    db.session.commit()
    return items


def _start(client: FlaskClient, **data: Any) -> Any:
    form = {"kind": "assessment", "format": "csv", "language": "en"} | data
    return submit(client, BASE, form)


def _latest_job() -> ExportJob:
    db.session.expire_all()
    job = db.session.scalar(sa.select(ExportJob).order_by(ExportJob.id.desc()).limit(1))
    assert job is not None
    return job


def _download(client: FlaskClient, job: ExportJob) -> Any:
    response = client.get(f"{BASE}{job.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _no_personal_data(content: str) -> None:
    for word in SECRET_WORDS:
        assert word not in content, word


# --- the Abwägung table ----------------------------------------------------------------


def test_assessment_csv_is_built_and_downloaded(
    staff_client: FlaskClient, contributions: dict[str, Any]
) -> None:
    """The pipeline end to end; the table's content is tested in tests/exports/."""
    response = _start(staff_client)
    job = _latest_job()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}{job.id}")
    assert job.status == ExportStatus.DONE and job.progress == 100
    page = staff_client.get(f"{BASE}{job.id}").get_data(as_text=True)
    assert "Ready" in page and f"{job.id}/download" in page

    download = _download(staff_client, job)
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].endswith(".csv")
    rows = _csv_rows(download.data)
    assert rows[0][:4] == ["No.", "Goal", "Goal title", "Kind"]
    # Published comments, the reply and the letter; not hidden or pending ones.
    assert len(rows) - 1 == 5 == job.row_count
    _no_personal_data(download.data.decode("utf-8-sig"))


# --- survey responses -----------------------------------------------------------------


def _survey_with_responses(process: Process) -> Sink:
    sink = kitchen_sink(process_id=process.id)
    q = sink.q
    respondent = make_user("respondent@example.org", "Gast Name")
    first = Response(
        survey_id=sink.survey.id,
        state=ResponseState.SUBMITTED,
        submitted_on=date(2024, 5, 2),
        user_id=respondent.id,
        browser_key_hash="f" * 64,
    )
    second = Response(
        survey_id=sink.survey.id,
        state=ResponseState.SUBMITTED,
        channel=ResponseChannel.PAPER,
        submitted_on=date(2024, 5, 3),
        weight=1.5,
    )
    draft = Response(survey_id=sink.survey.id, state=ResponseState.IN_PROGRESS)
    db.session.add_all([first, second, draft])
    db.session.flush()
    x, other = sink.option("multi", "x"), sink.option("multi", "other")
    r1, r2 = sink.option("rank", "r1"), sink.option("rank", "r2")
    four = sink.option("matrix", "4")
    rows = q["matrix"].rows
    insert_answers(
        first.id,
        {
            q["single"].id: [AnswerRow(q["single"].id, option_id=sink.option("single", "a").id)],
            q["multi"].id: [
                AnswerRow(q["multi"].id, item=x.id, option_id=x.id),
                AnswerRow(q["multi"].id, item=other.id, option_id=other.id, value_text="Radwege"),
            ],
            q["matrix"].id: [
                AnswerRow(q["matrix"].id, item=row.id, row_id=row.id, option_id=four.id)
                for row in rows
            ],
            q["rank"].id: [
                AnswerRow(q["rank"].id, item=r2.id, option_id=r2.id, rank=1),
                AnswerRow(q["rank"].id, item=r1.id, option_id=r1.id, rank=2),
            ],
            q["number"].id: [AnswerRow(q["number"].id, value_number=42.0)],
            q["long"].id: [AnswerRow(q["long"].id, value_text="Bitte mehr Bänke aufstellen")],
            q["date"].id: [AnswerRow(q["date"].id, value_date=date(2024, 1, 31))],
        },
    )
    insert_answers(
        second.id,
        {q["single"].id: [AnswerRow(q["single"].id, option_id=sink.option("single", "b").id)]},
    )
    insert_answers(
        draft.id, {q["long"].id: [AnswerRow(q["long"].id, value_text="Nicht abgeschickt")]}
    )
    db.session.commit()
    return sink


def test_survey_export_needs_a_survey_of_the_process(
    staff_client: FlaskClient, process: Process
) -> None:
    response = _start(staff_client, kind="survey_responses", format="xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This process has no survey." in page
    assert re.search(r'<input checked[^>]*value="xlsx"', page), "the chosen format is kept"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 0


# --- jobs -------------------------------------------------------------------------------


@pytest.fixture
def queue_nothing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs stay queued: nothing is sent to Celery."""
    queued: list[int] = []
    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, job_id: queued.append(job_id))
    return queued


def test_double_submit_reuses_the_queued_job(
    staff_client: FlaskClient, contributions: dict[str, Any], queue_nothing: list[int]
) -> None:
    first = _start(staff_client)
    second = _start(staff_client)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1
    assert len(queue_nothing) == 1
    page = staff_client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already being built" in page
    _start(staff_client, format="xlsx")  # a different export is a new job
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 2


def test_job_page_polls_only_while_the_job_is_pending(
    staff_client: FlaskClient, contributions: dict[str, Any], queue_nothing: list[int]
) -> None:
    _start(staff_client)
    job = _latest_job()
    page = staff_client.get(f"{BASE}{job.id}").get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in page and 'aria-live="polite"' in page
    assert "<progress" in page and "Refresh" in page and "<script>" not in page
    assert staff_client.get(f"{BASE}{job.id}/download").status_code == 404

    build.run_job(job.id)
    fragment = staff_client.get(f"{BASE}{job.id}/status").get_data(as_text=True)
    assert "hx-trigger" not in fragment and 'hx-swap-oob="innerHTML"' in fragment
    assert "Ready" in fragment and "download" in fragment
    assert 'value="100"' in fragment
    done = staff_client.get(f"{BASE}{job.id}").get_data(as_text=True)
    assert "hx-trigger" not in done and "Refresh" not in done


def test_a_failing_build_ends_as_failed_with_a_message(
    staff_client: FlaskClient,
    contributions: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("the goal tree is broken")

    monkeypatch.setattr("app.exports.auswertung.entries.Entries.sections", broken)
    _start(staff_client)
    job = _latest_job()
    assert job.status == ExportStatus.FAILED
    assert "the goal tree is broken" in job.error
    assert job.storage_key is None and job.size == 0
    page = staff_client.get(f"{BASE}{job.id}").get_data(as_text=True)
    assert "Failed" in page and "the goal tree is broken" in page
    assert staff_client.get(f"{BASE}{job.id}/download").status_code == 404
    assert any("failed" in record.message for record in caplog.records)


def test_progress_is_committed_between_chunks(
    staff_client: FlaskClient, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    goal = make_goal(process, "1", "Ziel")
    for number in range(30):
        _comment(goal, f"Beitrag {number}", None, author_name="Workshop")
    db.session.commit()
    monkeypatch.setattr("app.exports.auswertung.entries.CHUNK", 7)
    seen: list[int] = []
    original = build.ProgressReporter.__call__

    def spy(self: Any, rows: int, total: int) -> None:
        original(self, rows, total)
        seen.append(db.session.scalar(sa.select(ExportJob.progress)) or 0)

    monkeypatch.setattr(build.ProgressReporter, "__call__", spy)
    _start(staff_client)
    assert seen[:4] == [23, 46, 70, 93]
    assert _latest_job().progress == 100


def test_only_the_newest_twenty_jobs_are_kept(
    staff_client: FlaskClient, process: Process, staff: User
) -> None:
    for _ in range(25):
        db.session.add(
            ExportJob(
                process_id=process.id,
                kind=ExportKind.ASSESSMENT,
                format=ExportFormat.CSV,
                locale="en",
                options={},
                status=ExportStatus.DONE,
                storage_key="0-old.csv",
                size=1,
            )
        )
    db.session.commit()
    _start(staff_client)
    ids = db.session.scalars(sa.select(ExportJob.id).order_by(ExportJob.id)).all()
    assert len(ids) == 20
    assert ids[-1] == _latest_job().id
    listing = staff_client.get(BASE).get_data(as_text=True)
    assert listing.count("/download") == 20


def test_index_shows_an_empty_state_and_the_form(staff_client: FlaskClient) -> None:
    page = staff_client.get(BASE).get_data(as_text=True)
    assert "No exports yet" in page
    assert 'name="csrf_token"' in page and 'name="kind"' in page
    assert '<option selected value="en">' in page or 'value="en" selected' in page


def test_start_and_download_are_audited(
    staff_client: FlaskClient, contributions: dict[str, Any], staff: User
) -> None:
    _start(staff_client)
    job = _latest_job()
    _download(staff_client, job)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "export_job")
    ).all()
    assert [e.action for e in events] == ["export.request", "export.download"]
    assert all(e.actor_id == staff.id and e.object_id == job.id for e in events)


# --- permissions --------------------------------------------------------------------------


def test_only_staff_of_the_process_may_export(
    app: Flask, process: Process, contributions: dict[str, Any]
) -> None:
    other = make_process("other")
    outsiders = {
        "citizen": make_user("c2@example.org", "C"),
        "moderator": make_user("m@example.org", "M", process=process, role=Role.MODERATOR),
        "other staff": make_user("o@example.org", "O", process=other, role=Role.STAFF),
    }
    job, _ = services.request_export(
        process, kind=ExportKind.ASSESSMENT, fmt=ExportFormat.CSV, locale="en"
    )
    db.session.commit()
    for name, user in outsiders.items():
        client = app.test_client()
        login_as(client, user)
        for url in (BASE, f"{BASE}{job.id}", f"{BASE}{job.id}/status", f"{BASE}{job.id}/download"):
            assert client.get(url).status_code == 403, (name, url)
        form = {"csrf_token": csrf_token(client, "/en/"), "kind": "assessment", "format": "csv"}
        assert client.post(BASE, data=form | {"language": "en"}).status_code == 403, name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1
    anonymous = app.test_client().get(f"{BASE}{job.id}/download")
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]


def test_a_job_of_another_process_is_not_found(
    staff_client: FlaskClient, staff: User, process: Process
) -> None:
    other = make_process("other")
    job, _ = services.request_export(
        other, kind=ExportKind.ASSESSMENT, fmt=ExportFormat.CSV, locale="en"
    )
    db.session.commit()
    assert staff_client.get(f"{BASE}{job.id}").status_code == 404
    assert staff_client.get(f"{BASE}{job.id}/download").status_code == 404
