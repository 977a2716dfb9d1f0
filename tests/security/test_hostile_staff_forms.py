"""The payload corpus (tests/security/payloads.py) through the staff forms that
tests/security/test_hostile_forms.py does not post: moderation notes and block reasons
(shown on the comment's moderation page and in the audit log and its CSV), the survey
builder's texts (survey title, introduction and thank-you text, page title and
introduction, question and help text, option labels; shown on the builder's pages,
the preview and the public survey page), paper entry (the batch label, and open and
"other" answers typed from a returned questionnaire: the entry page after saving and the
form refused and shown again), and the texts staff type that the Abwägung
export carries (offline input: author and text; official replies), read back from its
CSV (formula guard) and XLSX (string cells only).

Offline input, hide reasons and the goal editor's texts on pages: test_hostile_forms.py.
Each page is compared with the same page rendered with harmless text first
(tests/security/inert.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.comments.models import Comment
from app.exports.models import ExportJob
from app.extensions import db
from app.goals.models import Goal
from app.moderation.models import ModerationNote
from app.participation.models import Participant
from app.processes.models import Process
from app.staff.offline_forms import local_today
from app.staff.offline_services import AUTHOR_MAX_LENGTH
from app.surveys.models import Answer, Question, Response, Survey
from app.surveys.paper.services import BATCH_MAX
from tests.conftest import login_as, submit
from tests.factories import make_comment, make_goal, make_process, make_user
from tests.security.inert import assert_inert, shapes
from tests.security.payloads import PAYLOADS
from tests.security.test_hostile_surveys import _other, _survey, _texts
from tests.surveys.conftest import staff_button

HARMLESS = "Harmless text, see https://example.org/info and\na second line"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SURVEYS = "/en/staff/surveys"
AUDIT = "/en/moderation/audit"


@pytest.fixture
def process(app: Flask) -> Process:
    process = make_process("hf12")
    make_goal(process, "1", "Erstes Ziel")
    return process


@pytest.fixture
def admin(app: Flask, process: Process) -> FlaskClient:
    client = app.test_client()
    login_as(client, make_user("admin@example.org", "Admin", is_admin=True))
    return client


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.get_data(as_text=True))


# --- moderation notes and block reasons ------------------------------------------------


def _note_and_block(client: FlaskClient, goal: Goal, text: str) -> Comment:
    """A new participant's comment, with ``text`` as an internal note and as the reason
    the participant is blocked for."""
    comment = make_comment(goal, "Ein Kommentar")
    db.session.commit()
    url = f"/en/moderation/comments/{comment.id}"
    noted = submit(client, f"{url}/notes", {"text": text}, form_url=url)
    assert noted.status_code == 302, (text, noted.status_code)
    data = {"duration": "7", "reason": text[:1000]}
    blocked = submit(client, f"{url}/block", data, form_url=url)
    assert blocked.status_code == 302, (text, blocked.status_code)
    return comment


def _audit_pages(client: FlaskClient) -> list[str]:
    """Every page of the audit log (50 events each), first to last."""
    found, page = [], 1
    while True:
        found.append(_page(client, f"{AUDIT}?page={page}"))
        if 'rel="next"' not in found[-1]:
            return found
        page += 1


def test_moderation_notes_and_block_reasons_are_inert(
    app: Flask, process: Process, admin: FlaskClient
) -> None:
    goal = db.session.scalars(sa.select(Goal)).one()
    # Two audit events each: more than one page, so the baseline has the page links.
    harmless = [_note_and_block(admin, goal, f"{HARMLESS} {n}") for n in range(30)]
    comment_page = shapes(_page(admin, f"/en/moderation/comments/{harmless[0].id}"))
    audit_pages = set().union(*(shapes(html) for html in _audit_pages(admin)))

    comments = [_note_and_block(admin, goal, payload) for payload in PAYLOADS]

    notes = db.session.scalars(sa.select(ModerationNote).order_by(ModerationNote.id)).all()
    assert [n.text for n in notes[len(harmless) :]] == [p.strip() for p in PAYLOADS]  # as typed
    blocked = db.session.scalars(sa.select(Participant).where(Participant.block_reason != ""))
    assert {p.block_reason for p in blocked} >= {p[:1000].strip() for p in PAYLOADS}
    for comment, payload in zip(comments, PAYLOADS, strict=True):
        page = _page(admin, f"/en/moderation/comments/{comment.id}")
        assert_inert(page, comment_page, payload)
    audit = _audit_pages(admin)
    for number, html in enumerate(audit, start=1):
        assert_inert(html, audit_pages, f"audit page {number}")
    # The log shows each change as JSON, with < and > as \u003c and \u003e (tojson).
    assert any("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html for html in audit)
    _audit_csv_is_guarded(admin)


def _audit_csv_is_guarded(client: FlaskClient) -> None:
    """Each audited text is inside a JSON cell ({...}), so no cell starts a formula; the
    texts come back unchanged from the JSON."""
    response = client.get("/en/moderation/audit.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    after = [json.loads(row[-1]) for row in rows[1:] if row[1] == "moderation_note.create"]
    assert {a["text"] for a in after} >= {p.strip() for p in PAYLOADS}


# --- the survey builder --------------------------------------------------------------------


def _new_survey(client: FlaskClient, process: Process) -> tuple[Survey, int, Question]:
    """A survey with one page and one single-choice question, built through the forms."""
    settings = _settings_data(process, HARMLESS)
    assert submit(client, f"{SURVEYS}/new", settings).status_code == 302
    survey = db.session.scalars(sa.select(Survey).where(Survey.slug == "umfrage")).one()
    url = f"{SURVEYS}/{survey.id}/sections/new"
    assert submit(client, url, {"title_de": "Seite", "title_en": "Page"}).status_code == 302
    db.session.expire_all()
    section = survey.sections[0].id
    url = f"{SURVEYS}/{survey.id}/sections/{section}/questions/new"
    data = {"kind": "single_choice", "prompt_de": "Frage", "options_de": "Ja\nNein"}
    assert submit(client, url, data).status_code == 302
    db.session.expire_all()
    return survey, section, survey.questions[0]


def _settings_data(process: Process, text: str) -> dict[str, str]:
    data = {
        "slug": "umfrage",
        "process_id": str(process.id),
        "default_locale": "de",
        "access_mode": "open",
        "results_visibility": "after_close",
        "opens_at": "",
        "closes_at": "",
    }
    for lang in ("de", "en"):
        data |= {f"title_{lang}": text, f"intro_{lang}": text, f"thanks_{lang}": text}
    return data


def _write_texts(
    client: FlaskClient, process: Process, built: tuple[Survey, int, Question], text: str
) -> None:
    """``text`` as every text of the survey, its page, its question and an option."""
    survey, section, question = built
    base = f"{SURVEYS}/{survey.id}"
    line = " ".join(text.split())  # an option label is one line
    posts: list[tuple[str, dict[str, Any]]] = [
        (f"{base}/settings", _settings_data(process, text)),
        (f"{base}/sections/{section}/edit", {f"{k}_{lang}": text for k in ("title", "intro")
                                              for lang in ("de", "en")}),
        (f"{base}/questions/{question.id}/edit",
         {"kind": "single_choice", "prompt_de": text, "prompt_en": text, "help_de": text}),
        (f"{base}/questions/{question.id}/options/{question.options[0].id}/edit",
         {"value": "1", "label_de": line, "label_en": line}),
    ]  # fmt: skip
    for url, data in posts:
        response = submit(client, url, data)
        assert response.status_code == 302, (url, text, response.get_data(as_text=True)[-1500:])


def test_survey_builder_texts_are_inert(app: Flask, process: Process, admin: FlaskClient) -> None:
    built = _new_survey(admin, process)
    survey = built[0]
    _write_texts(admin, process, built, HARMLESS)
    assert staff_button(admin, survey, f"{SURVEYS}/{survey.id}/state", state="open").status_code
    base = f"{SURVEYS}/{survey.id}"
    question, option = built[2], built[2].options[0]
    staff_pages = (
        f"{base}/",
        f"{base}/settings",
        f"{base}/preview",
        f"{base}/sections/{built[1]}/edit",
        f"{base}/questions/{question.id}/edit",
        f"{base}/questions/{question.id}/options/{option.id}/edit",
    )
    public = app.test_client()
    public_pages = ("/en/surveys/umfrage/", "/de/surveys/umfrage/", "/en/surveys/")
    baseline = {url: shapes(_page(admin, url)) for url in staff_pages}
    baseline |= {url: shapes(_page(public, url)) for url in public_pages}
    assert "a second line" in _page(public, public_pages[0])

    for payload in PAYLOADS:
        _write_texts(admin, process, built, payload)
        db.session.expire_all()
        assert survey.title["de"] == payload.strip() and question.prompt["en"] == payload.strip()
        for url in staff_pages:
            assert_inert(_page(admin, url), baseline[url], f"{url}: {payload}")
        for url in public_pages:
            assert_inert(_page(public, url), baseline[url], f"{url}: {payload}")


# --- paper entry -------------------------------------------------------------------------


def _paper(client: FlaskClient, questions: dict[str, Question], text: str) -> dict[str, str]:
    """One questionnaire typed in with ``text`` as the batch label and in every open
    field: first refused (the required choice left out), then saved. Returns both pages."""
    survey_id = questions["single"].section.survey_id
    batch = " ".join(text.split())[:BATCH_MAX]
    url = f"/en/staff/surveys/{survey_id}/paper/entry"
    page = client.get(url, query_string={"batch": batch}).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    data = hidden | {"batch": batch} | _texts(questions, text)
    refused = client.post(url, data=data)
    assert refused.status_code == 200, text
    data[questions["single"].field_name] = _other(questions["single"])
    saved = client.post(url, data=data)
    assert saved.status_code == 302, (text, saved.get_data(as_text=True)[-1500:])
    entry = client.get(saved.headers["Location"]).get_data(as_text=True)
    return {"refused": refused.get_data(as_text=True), "entry": entry}


def test_paper_entry_batches_and_answers_are_inert(
    app: Flask, process: Process, admin: FlaskClient
) -> None:
    questions = _survey(process)
    baseline = {name: shapes(html) for name, html in _paper(admin, questions, HARMLESS).items()}
    for payload in PAYLOADS:
        for name, html in _paper(admin, questions, payload).items():
            assert_inert(html, baseline[name], f"{name}: {payload}")
    long_texts = db.session.scalars(
        sa.select(Answer.value_text)
        .where(Answer.question_id == questions["long"].id)
        .order_by(Answer.id)
    ).all()
    assert long_texts[1:] == [p.strip() for p in PAYLOADS]  # as typed
    batches = set(db.session.scalars(sa.select(Response.batch_label)))
    assert len(batches) == len({" ".join(p.split())[:BATCH_MAX] for p in PAYLOADS}) + 1


# --- the Abwägung export ---------------------------------------------------------------


def _offline(client: FlaskClient, body: str, author: str) -> Comment:
    url = "/en/staff/p/hf12/offline/new"
    page = _page(client, url)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]*)"', page)
    data = {
        "goal": "1",
        "channel": "letter",
        "received_on": local_today().isoformat(),
        "author_name": author,
        "stakeholder_group": "citizen",
        "kind": "suggestion",
        "body": body,
        "idempotency_key": key.group(1) if key else "",
    }
    response = submit(client, url, data)
    assert response.status_code == 302, body
    letter = db.session.scalars(sa.select(Comment).order_by(Comment.id.desc())).first()
    assert letter is not None
    return letter


def _export(client: FlaskClient, fmt: str) -> bytes:
    form = {"kind": "assessment", "format": fmt, "language": "en"}
    assert submit(client, "/en/staff/exports/p/hf12/", form).status_code == 302
    job = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert job is not None
    response = client.get(f"/en/staff/exports/p/hf12/{job.id}/download")
    assert response.status_code == 200, job.status
    return bytes(response.data)


def _read_back(cells: list[str]) -> set[str]:
    """The cells as written and, for those with an apostrophe in front (the guard, or
    a payload's own), without it."""
    return set(cells) | {cell[1:] for cell in cells if cell.startswith("'")}


def test_staff_texts_are_guarded_in_the_abwaegung_csv_and_xlsx(
    app: Flask, process: Process, admin: FlaskClient
) -> None:
    texts = {p.strip() for p in PAYLOADS}
    for payload in PAYLOADS:
        letter = _offline(admin, payload, payload[:AUTHOR_MAX_LENGTH])
        url = f"/en/moderation/comments/{letter.id}"
        data = {"author_label": "Amt", "body": payload}
        reply = submit(admin, f"{url}/official-reply", data, form_url=url)
        assert reply.status_code == 302, payload

    rows = list(csv.reader(io.StringIO(_export(admin, "csv").decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    found = _read_back(cells)
    assert texts <= found
    formulas = {t for t in texts if t.startswith(FORMULA_START)}
    assert formulas and {"'" + t for t in formulas} <= set(cells)  # kept, guarded
    replies = {f"Amt: {t}" for t in texts}  # the official reply, after its author label
    assert replies <= set(cells)

    workbook = load_workbook(io.BytesIO(_export(admin, "xlsx")))
    values = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in values if c.data_type == "f"]  # no formula cell
    strings = _read_back([str(c.value) for c in values if c.data_type == "s"])
    assert texts <= strings
