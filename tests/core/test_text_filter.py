"""One filter for typed text (issue 13, item 11): control characters, lone surrogates and bidi
overrides never reach the database, in any public text field, and never cause a 500.

Run on PostgreSQL too (``MITWIRKEN_TEST_DB=postgresql``): there a NUL byte in text
makes the INSERT fail.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
import sqlalchemy as sa
import wtforms
from flask import Flask
from flask.testing import FlaskClient

import app as app_package
from app.accounts.models import User
from app.comments.models import Comment, Report
from app.core.forms import Form, Subform
from app.core.text import clean_text
from app.extensions import db
from app.pages.models import AccessibilityFeedback
from app.participation.models import Participant
from app.processes.models import ParticipationMode
from app.surveys.models import Answer
from tests.conftest import csrf_token
from tests.factories import make_comment, make_goal, make_process
from tests.surveys.conftest import kitchen_sink, page_one_data, page_url, start

NUL = "\x00"
SURROGATE = "\ud800"  # lone: not encodable as UTF-8 (sent as the bytes ED A0 80)
RLO, PDF = "\u202e", "\u202c"  # right-to-left override … pop
EVIL = f"Mehr{NUL} Radwege {RLO}bitte{PDF} {SURROGATE}jetzt"
UNWANTED = (NUL, SURROGATE, RLO, PDF, "\x07")
# What the forms see: NUL and bytes that are not UTF-8 never get that far, the input
# guard answers 400 first (app/core/input_guard.py, tests/security/test_hostile_input.py).
POSTED = f"Mehr\x07 Radwege {RLO}bitte{PDF} jetzt"


def test_clean_text_removes_what_nobody_types_and_keeps_what_people_write() -> None:
    assert clean_text(EVIL) == "Mehr Radwege bitte jetzt"
    assert clean_text("a\x07b\x7fc\x85d\ufeffe\u2066f\u2069") == "abcdef"
    kept = "Zeile 1\r\nZeile\t2 \u200fمرحبا\u200e 👩\u200d💻 Straße"  # noqa: RUF001
    assert clean_text(kept) == kept


def _app_modules() -> list[Any]:
    names = [m.name for m in pkgutil.walk_packages(app_package.__path__, "app.")]
    return [importlib.import_module(name) for name in names]


def test_every_form_of_the_app_passes_the_shared_filter() -> None:
    forms = {
        cls
        for module in _app_modules()
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, wtforms.form.BaseForm) and cls.__module__.startswith("app.")
    } - {Form, Subform}
    assert len(forms) > 30
    strays = sorted(c.__qualname__ for c in forms if not issubclass(c, (Form, Subform)))
    assert strays == []


# --- posting to every public text field --------------------------------------------


def _post_raw(client: FlaskClient, url: str, data: dict[str, str], form_url: str) -> Any:
    """POST ``data`` as the browser would send it, lone surrogates as their bytes."""
    fields = {"csrf_token": csrf_token(client, form_url), **data}
    body = "&".join(
        f"{quote_from_bytes(k.encode())}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in fields.items()
    )
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def _stored_texts(query: Any) -> list[str]:
    db.session.expire_all()
    return [value for row in db.session.execute(query) for value in row if value]


GOAL = "/en/p/hf12/goals/1.1"


def _goal(mode: ParticipationMode = ParticipationMode.ANONYMOUS) -> Any:
    process = make_process(participation_mode=mode)
    return make_goal(process, "1.1", "Mehr Radwege")


def _comment_anonymously(client: FlaskClient) -> tuple[Any, list[str]]:
    _goal()
    data = {
        "body": POSTED,
        "pseudonym": POSTED,
        "kind": "suggestion",
        "stakeholder_group": "citizen",
    }
    response = _post_raw(client, GOAL, data, GOAL)
    return response, _stored_texts(sa.select(Comment.body, Participant.pseudonym).join(Participant))


def _comment_as_guest(client: FlaskClient) -> tuple[Any, list[str]]:
    _goal(ParticipationMode.GUEST)
    data = {
        "body": POSTED,
        "pseudonym": "Gast",
        "email": f"gast\x07{RLO}@example.org",
        "kind": "suggestion",
        "stakeholder_group": "citizen",
    }
    response = _post_raw(client, GOAL, data, GOAL)
    return response, _stored_texts(sa.select(Comment.body, Participant.email).join(Participant))


def _reply_edit_report(client: FlaskClient) -> tuple[Any, list[str]]:
    goal = _goal()
    first = make_comment(goal, "Erster Kommentar")
    reply_url = f"{GOAL}/comments/{first.id}/reply"
    data = {
        "body": POSTED,
        "pseudonym": "Bea",
        "kind": "suggestion",
        "stakeholder_group": "citizen",
    }
    assert _post_raw(client, reply_url, data, reply_url).status_code == 302
    own = db.session.scalars(sa.select(Comment).where(Comment.parent_id == first.id)).one()
    edit_url = f"{GOAL}/comments/{own.id}/edit"
    assert _post_raw(client, edit_url, {"body": POSTED + " 2"}, edit_url).status_code == 302
    report_url = f"{GOAL}/comments/{first.id}/report"
    response = _post_raw(client, report_url, {"reason": "other", "text": POSTED}, report_url)
    return response, _stored_texts(sa.select(Comment.body)) + _stored_texts(sa.select(Report.text))


def _rate_as_guest(client: FlaskClient) -> tuple[Any, list[str]]:
    _goal(ParticipationMode.GUEST)
    data = {"q_direction": "4", "rating_email": f"r\x07{RLO}@example.org"}
    response = _post_raw(client, f"{GOAL}/rate", data, GOAL)
    return response, _stored_texts(sa.select(Participant.email))


def _register(client: FlaskClient) -> tuple[Any, list[str]]:
    url = "/en/account/register"
    data = {
        "email": "neu\x07@example.org",
        "display_name": f"Neue{RLO} Nutzerin\x07",
        "password": "ein sehr sicheres Passwort 1",
        "password_confirm": "ein sehr sicheres Passwort 1",
    }
    response = _post_raw(client, url, data, url)
    return response, _stored_texts(sa.select(User.email, User.display_name))


def _feedback(client: FlaskClient) -> tuple[Any, list[str]]:
    url = "/en/barrierefreiheit"
    data = {"message": POSTED, "page_url": "/de/p", "contact": f"ich{RLO}@example.org"}
    response = _post_raw(client, url, data, url)
    fb = AccessibilityFeedback
    return response, _stored_texts(sa.select(fb.message, fb.page_url, fb.contact))


def _survey_texts(client: FlaskClient) -> tuple[Any, list[str]]:
    sink = kitchen_sink()
    start(client, sink)
    other = sink.oid("single", "other")
    data = page_one_data(sink) | {
        sink.name("single"): other,
        f"{sink.name('single')}_other": POSTED,
    }
    response = _post_raw(client, page_url(sink, 1), data, page_url(sink, 1))
    assert response.status_code == 302
    text = {sink.name("short"): f"kurz\x07{RLO}", sink.name("long"): POSTED}
    response = _post_raw(client, page_url(sink, 3), text, page_url(sink, 3))
    return response, _stored_texts(sa.select(Answer.value_text))


FIELDS: dict[str, Callable[[FlaskClient], tuple[Any, list[str]]]] = {
    "comment body and pseudonym": _comment_anonymously,
    "guest comment and e-mail": _comment_as_guest,
    "reply, edit and report": _reply_edit_report,
    "guest rating e-mail": _rate_as_guest,
    "registration": _register,
    "accessibility feedback": _feedback,
    "survey answers": _survey_texts,
}


@pytest.mark.parametrize("case", FIELDS)
def test_bad_characters_in_public_text_fields_never_reach_the_database(
    app: Flask, client: FlaskClient, case: str
) -> None:
    response, stored = FIELDS[case](client)
    # Accepted and cleaned: nothing was left to refuse, and never a 500.
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert stored, "nothing was stored"
    for text in stored:
        assert not any(char in text for char in UNWANTED), repr(text)
