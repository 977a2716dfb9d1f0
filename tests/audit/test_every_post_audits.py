"""Audit completeness: every staff and moderation POST route writes an audit event.

Each route is driven with valid data; a ``request_finished`` receiver reads
``g.audit_recorded``, which :func:`app.audit.services.record` sets. A new POST route
in these blueprints without a driver here fails the suite.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g, request_finished
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.assessment.models import ProcessTag
from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.goals.models import Goal
from app.pages.models import AccessibilityFeedback
from app.participation.models import (
    Participant,
    ParticipantKind,
    StakeholderGrant,
    StakeholderGroup,
)
from app.processes.models import Phase, Process
from app.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Section,
    Survey,
)
from tests.conftest import FIXTURES, login_as, submit
from tests.factories import make_goal, make_process, make_user
from tests.staff.conftest import goal_form, phase_form, process_form
from tests.surveys.conftest import (
    Sink,
    kitchen_sink,
    page_one_data,
    page_three_data,
    page_two_data,
)

AUDITED_BLUEPRINTS = (
    "staff",
    "results_staff",
    "rating_staff",
    "moderation",
    "exports",
    "translate",
    "assessment",
    "survey_staff",
)
# Staff POST routes in blueprints that also serve public pages.
AUDITED_ENDPOINTS = ("pages.resolve_feedback", "pages.edit_page")
STAFF = "/en/staff/p/hf12"
MOD = "/en/moderation"


def _comment_id() -> int:
    return int(db.session.scalars(sa.select(Comment.id)).one())


def _phase_id() -> int:
    return int(db.session.scalars(sa.select(Phase.id)).first() or 0)


def _process_id() -> int:
    return int(db.session.scalars(sa.select(Process.id).where(Process.slug == "hf12")).one())


def _goal_id(code: str) -> int:
    return int(db.session.scalars(sa.select(Goal.id).where(Goal.code == code)).one())


Driver = Callable[[FlaskClient], Any]


def _detail(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    page = f"{MOD}/comments/{_comment_id()}"
    return submit(client, f"{page}/{path}", data, form_url=page)


def _unblock(client: FlaskClient) -> Any:
    _detail(client, "block", {"duration": "1"})
    return _detail(client, "unblock", {})


def _import(client: FlaskClient) -> Any:
    content = (FIXTURES / "goals.csv").read_bytes()
    return submit(
        client,
        f"{STAFF}/import",
        {"file": (io.BytesIO(content), "goals.csv")},
        content_type="multipart/form-data",
    )


def _offline(client: FlaskClient) -> Any:
    data = {
        "goal": "2",
        "channel": "letter",
        "received_on": "2020-01-01",
        "author_name": "Workshop",
        "stakeholder_group": "organisation",
        "kind": "criticism",
        "body": "Per Brief",
    }
    return submit(client, f"{STAFF}/offline/new", data)


def _grant(client: FlaskClient) -> Any:
    data = {"email": "mod@example.org", "group": "administration", "scope": ""}
    return submit(client, "/en/staff/site/stakeholder-groups", data)


def _revoke(client: FlaskClient) -> Any:
    user = db.session.scalars(sa.select(User).where(User.email == "mod@example.org")).one()
    grant = StakeholderGrant(user_id=user.id, group=StakeholderGroup.COUNCIL)
    db.session.add(grant)
    db.session.commit()
    url = f"/en/staff/site/stakeholder-groups/{grant.id}/revoke"
    return submit(client, url, {}, form_url="/en/staff/site/stakeholder-groups")


DRIVERS: dict[str, Driver] = {
    "staff.stakeholder_groups": _grant,
    "staff.stakeholder_revoke": _revoke,
    "staff.create_process": lambda c: submit(c, "/en/staff/new", process_form()),
    "staff.edit_process": lambda c: submit(c, f"{STAFF}/settings", process_form(slug="hf12")),
    "staff.add_phase": lambda c: submit(
        c, f"{STAFF}/phases/new", phase_form("2031-01-01", "2031-02-01")
    ),
    "staff.edit_phase": lambda c: submit(
        c,
        f"{STAFF}/phases/{_phase_id()}/edit",
        phase_form("2020-01-01", "2040-02-01"),
    ),
    "staff.delete_phase": lambda c: submit(
        c, f"{STAFF}/phases/{_phase_id()}/delete", {}, form_url=f"{STAFF}/"
    ),
    "staff.add_goal": lambda c: submit(c, f"{STAFF}/goals/new", goal_form("3", parent="0")),
    "staff.edit_goal": lambda c: submit(c, f"{STAFF}/goals/1/edit", goal_form("1", "Neu")),
    "staff.move_goal": lambda c: submit(c, f"{STAFF}/goals/1.1/move", {"parent": "0"}),
    "staff.shift_goal": lambda c: submit(
        c, f"{STAFF}/goals/1/shift", {"direction": "down"}, form_url=f"{STAFF}/"
    ),
    "staff.import_goals": _import,
    "staff.offline_new": _offline,
    "moderation.bulk": lambda c: submit(
        c,
        f"{MOD}/bulk",
        {"action": "approve", "comment_ids": [str(_comment_id())]},
        form_url=f"{MOD}/",
    ),
    "moderation.add_note": lambda c: _detail(c, "notes", {"text": "Notiz"}),
    "moderation.official_reply": lambda c: _detail(
        c, "official-reply", {"author_label": "Verwaltung", "body": "Antwort"}
    ),
    "moderation.block": lambda c: _detail(c, "block", {"duration": "7"}),
    "moderation.unblock": _unblock,
    "translate.edit": lambda c: submit(
        c, "/en/staff/translate/p/hf12/en", {f"t_process_{_process_id()}_summary": "Draft"}
    ),
    "exports.start": lambda c: submit(
        c,
        "/en/staff/exports/p/hf12/",
        {"kind": "assessment", "format": "csv", "language": "en"},
    ),
}


ASSESS = "/en/staff/assessment/p/hf12"


def _published_comment_id() -> int:
    """The fixture's comment, published so that it joins the assessment table."""
    comment = db.session.scalars(sa.select(Comment)).one()
    comment.status = CommentStatus.PUBLISHED
    db.session.commit()
    return comment.id


def _assessment_data() -> dict[str, str]:
    return {
        "consideration": "partly",
        "rationale": "Teilweise",
        "stakeholder_group": "citizen",
        "goal_revision": "0",
        "version": "0",
        "after": "stay",
    }


def _survey_answer_id() -> int:
    survey = Survey(process_id=_process_id(), slug="audit-umfrage", title={"de": "Umfrage"})
    survey.sections = [Section(questions=[Question(kind=QuestionKind.LONG_TEXT, prompt={})])]
    db.session.add(survey)
    db.session.flush()
    response = Response(survey_id=survey.id, state=ResponseState.SUBMITTED)
    db.session.add(response)
    db.session.flush()
    answer = Answer(response_id=response.id, question_id=survey.questions[0].id, value_text="Ja")
    db.session.add(answer)
    db.session.commit()
    return answer.id


def _topic_id() -> int:
    tag = ProcessTag(process_id=_process_id(), name="Personal")
    db.session.add(tag)
    db.session.commit()
    return tag.id


def _bulk_tag(client: FlaskClient) -> Any:
    data = {
        "tag": str(_topic_id()),
        "comments": [str(_published_comment_id())],
        "answers": [str(_survey_answer_id())],
    }
    return submit(client, f"{ASSESS}/bulk-tag", data, form_url=f"{ASSESS}/")


def _resolve_feedback(client: FlaskClient) -> Any:
    feedback = AccessibilityFeedback(message="Kontrast zu gering", due_on=date(2030, 1, 1))
    db.session.add(feedback)
    db.session.commit()
    return submit(
        client,
        f"/en/staff/site/feedback/{feedback.id}/resolve",
        {"note": "Behoben"},
        form_url="/en/staff/site/feedback",
    )


DRIVERS.update(
    {
        "assessment.edit": lambda c: submit(
            c, f"{ASSESS}/contributions/{_published_comment_id()}", _assessment_data()
        ),
        "assessment.edit_answer": lambda c: submit(
            c, f"{ASSESS}/answers/{_survey_answer_id()}", _assessment_data()
        ),
        "assessment.bulk_tag": _bulk_tag,
        "assessment.tags": lambda c: submit(c, f"{ASSESS}/tags", {"name": "Personal"}),
        "assessment.rename_tag": lambda c: submit(
            c, f"{ASSESS}/tags/{_topic_id()}/rename", {"name": "Team"}, form_url=f"{ASSESS}/tags"
        ),
        "assessment.delete_tag": lambda c: submit(
            c, f"{ASSESS}/tags/{_topic_id()}/delete", {}, form_url=f"{ASSESS}/tags"
        ),
        "pages.resolve_feedback": _resolve_feedback,
        "pages.edit_page": lambda c: submit(
            c,
            "/en/staff/site/pages/accessibility",
            {"body-de": "Neue Erklärung.", "body-en": "New statement."},
        ),
    }
)


# --- the survey builder and paper entry (survey_staff) -------------------------------

SURVEYS = "/en/staff/surveys"
DOWN = {"direction": "down"}
SinkPath = Callable[[Sink], str]
SinkData = Callable[[Sink], dict[str, Any]]


def _texts(prefix: str, text: str) -> dict[str, str]:
    return {f"{prefix}_de": text, f"{prefix}_en": text}


def _survey_form(slug: str) -> dict[str, str]:
    return {
        "slug": slug,
        **_texts("title", "Umfrage"),
        "process_id": str(_process_id()),
        "default_locale": "de",
        "access_mode": "open",
        "results_visibility": "after_close",
        "opens_at": "",
        "closes_at": "",
    }


def _on_sink(path: SinkPath, data: SinkData | None = None, *, button: bool = False) -> Driver:
    """A driver: build the kitchen-sink survey of hf12 (open, every kind, no responses),
    then post ``data`` to ``path`` below its staff page. A ``button`` (a POST-only route)
    takes its CSRF token from the survey page, a form from its own page."""

    def drive(client: FlaskClient) -> Any:
        sink = kitchen_sink(process_id=_process_id())
        base = f"{SURVEYS}/{sink.survey.id}"
        url = f"{base}/{path(sink)}"
        payload = data(sink) if data else {}
        return submit(client, url, payload, form_url=f"{base}/" if button else url)

    return drive


def _fixed(data: dict[str, Any]) -> SinkData:
    return lambda sink: data


def _survey_path(tail: str) -> SinkPath:
    return lambda sink: tail


def _section(tail: str, number: int = 0) -> SinkPath:
    return lambda sink: f"sections/{sink.survey.sections[number].id}/{tail}"


def _question(key: str, tail: str) -> SinkPath:
    return lambda sink: f"questions/{sink.q[key].id}/{tail}"


def _option(tail: str) -> SinkPath:
    return lambda sink: f"questions/{sink.q['multi'].id}/options/{sink.oid('multi', 'x')}/{tail}"


def _row(tail: str) -> SinkPath:
    return lambda sink: f"questions/{sink.q['matrix'].id}/rows/{sink.q['matrix'].rows[0].id}/{tail}"


def _paper_answers(sink: Sink) -> dict[str, Any]:
    return page_one_data(sink) | page_two_data(sink) | page_three_data(sink)


DRIVERS.update(
    {
        "survey_staff.create": lambda c: submit(c, f"{SURVEYS}/new", _survey_form("neu")),
        "survey_staff.settings": _on_sink(
            _survey_path("settings"), lambda sink: _survey_form(sink.survey.slug)
        ),
        "survey_staff.change_state": _on_sink(
            _survey_path("state"), _fixed({"state": "closed"}), button=True
        ),
        "survey_staff.copy": _on_sink(_survey_path("copy"), _fixed({"slug": "kopie"}), button=True),
        "survey_staff.new_section": _on_sink(
            _survey_path("sections/new"), _fixed(_texts("title", "Neu"))
        ),
        "survey_staff.edit_section": _on_sink(_section("edit"), _fixed(_texts("title", "Start"))),
        "survey_staff.move_section": _on_sink(_section("move"), _fixed(DOWN), button=True),
        "survey_staff.delete_section": _on_sink(_section("delete", 1), button=True),
        "survey_staff.add_preset": _on_sink(_section("preset"), _fixed({"preset": "age_band"})),
        "survey_staff.goal_matrix": _on_sink(
            _section("goal-matrix"), lambda sink: {"process_id": str(_process_id()), "root_id": "0"}
        ),
        "survey_staff.new_question": _on_sink(
            _section("questions/new"), _fixed({"kind": "short_text", **_texts("prompt", "Neu")})
        ),
        "survey_staff.edit_question": _on_sink(
            _question("short", "edit"), _fixed(_texts("prompt", "Kurz"))
        ),
        "survey_staff.change_kind": _on_sink(
            _question("short", "kind"), _fixed({"change-kind": "long_text"}), button=True
        ),
        "survey_staff.move_question": _on_sink(
            _question("multi", "move"), _fixed(DOWN), button=True
        ),
        "survey_staff.delete_question": _on_sink(_question("date", "delete"), button=True),
        "survey_staff.new_option": _on_sink(
            _question("multi", "options/new"), _fixed(_texts("label", "Neu"))
        ),
        "survey_staff.edit_option": _on_sink(
            _option("edit"), _fixed(_texts("label", "Iks") | {"value": "x"})
        ),
        "survey_staff.move_option": _on_sink(_option("move"), _fixed(DOWN), button=True),
        "survey_staff.delete_option": _on_sink(_option("delete"), button=True),
        "survey_staff.new_row": _on_sink(
            _question("matrix", "rows/new"), _fixed(_texts("label", "Drei"))
        ),
        "survey_staff.edit_row": _on_sink(_row("edit"), _fixed(_texts("label", "Eins"))),
        "survey_staff.move_row": _on_sink(_row("move"), _fixed(DOWN), button=True),
        "survey_staff.delete_row": _on_sink(_row("delete"), button=True),
        "survey_staff.paper_start": _on_sink(_survey_path("paper"), _fixed({"batch": "Box 1"})),
        "survey_staff.paper_entry": _on_sink(
            _survey_path("paper/entry?batch=Box+1"), _paper_answers
        ),
    }
)


# --- weighting (results_staff) and rating questions (rating_staff) ----------------------


def _weighted_sink() -> tuple[str, dict[str, str]]:
    """The kitchen-sink survey with a gender question: its weighting URL and shares."""
    from app.surveys.builder.parts import add_demographic_question

    sink = kitchen_sink(process_id=_process_id())
    gender = add_demographic_question(sink.survey.sections[0], "gender")
    db.session.commit()
    options = [o for o in gender.options if not o.is_no_answer]
    shares = {f"share_{o.id}": "0" for o in options}
    shares |= {f"share_{options[0].id}": "50", f"share_{options[1].id}": "49"}
    shares[f"share_{options[-1].id}"] = "1"
    return f"{SURVEYS}/{sink.survey.id}/weighting", shares


def _save_shares(client: FlaskClient) -> Any:
    url, shares = _weighted_sink()
    return submit(client, f"{url}/shares", shares, form_url=url)


def _upload_margins(client: FlaskClient) -> Any:
    url, _shares = _weighted_sink()
    text = "question;category;share\ngender;female;50\ngender;male;49\ngender;diverse;1\n"
    file = (io.BytesIO(text.encode()), "margins.csv")
    return submit(client, f"{url}/upload", {"upload-file": file}, form_url=url)


def _clear_margins(client: FlaskClient) -> Any:
    url, _shares = _weighted_sink()
    return submit(client, f"{url}/clear", {}, form_url=url)


RATING_QUESTIONS = f"{STAFF}/rating-questions"


def _rating_question_id(index: int) -> int:
    from app.ratings.models import RatingQuestion

    ids = db.session.scalars(
        sa.select(RatingQuestion.id)
        .where(RatingQuestion.process_id == _process_id())
        .order_by(RatingQuestion.position)
    ).all()
    return int(ids[index])


def _rating_button(tail: str, data: dict[str, Any], index: int = 0) -> Driver:
    def drive(client: FlaskClient) -> Any:
        url = f"{RATING_QUESTIONS}/{_rating_question_id(index)}/{tail}"
        return submit(client, url, data, form_url=f"{RATING_QUESTIONS}/")

    return drive


def _edit_rating_question(client: FlaskClient) -> Any:
    url = f"{RATING_QUESTIONS}/{_rating_question_id(0)}/edit"
    data = _texts("prompt", "Richtung?") | {"scale": "agreement", "goal_level": ""}
    return submit(client, url, data)


DRIVERS.update(
    {
        "results_weighting.save_shares": _save_shares,
        "results_weighting.upload_margins": _upload_margins,
        "results_weighting.clear_margins": _clear_margins,
        "rating_staff.new_question": lambda c: submit(
            c,
            f"{RATING_QUESTIONS}/new",
            _texts("prompt", "Klar?") | {"scale": "yes_no_undecided", "goal_level": ""},
        ),
        "rating_staff.edit_question": _edit_rating_question,
        "rating_staff.move_question": _rating_button("move", DOWN),
        "rating_staff.delete_question": _rating_button("delete", {}, index=-1),
    }
)


def test_every_audited_post_route_has_a_driver(app: Flask) -> None:
    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and (
            rule.endpoint.split(".")[0] in AUDITED_BLUEPRINTS or rule.endpoint in AUDITED_ENDPOINTS
        )
    }
    assert sorted(posts - DRIVERS.keys()) == []


@pytest.fixture
def audited(app: Flask) -> Iterator[list[tuple[str, bool]]]:
    """(method path, wrote an audit event) for each finished request."""
    seen: list[tuple[str, bool]] = []

    def _finished(sender: Flask, response: Any, **extra: Any) -> None:
        from flask import request

        seen.append((f"{request.method} {request.path}", bool(g.get("audit_recorded"))))

    request_finished.connect(_finished, app)
    yield seen
    request_finished.disconnect(_finished, app)


@pytest.fixture
def admin_client(client: FlaskClient) -> FlaskClient:
    process: Process = make_process("hf12")
    one = make_goal(process, "1", "Eins")
    make_goal(process, "2", "Zwei")
    make_goal(process, "1.1", "Unterziel", parent=one)
    participant = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym="Bernd")
    db.session.add(participant)
    db.session.flush()
    db.session.add(
        Comment(
            goal_id=one.id,
            participant_id=participant.id,
            author_name="Bernd",
            kind="suggestion",
            stakeholder_group=StakeholderGroup.CITIZEN,
            body="Text",
            status=CommentStatus.PENDING,
        )
    )
    db.session.commit()
    make_user("mod@example.org", "Mod", process=process, role=Role.MODERATOR)
    login_as(client, make_user("admin@example.org", "Admin", is_admin=True))
    return client


@pytest.mark.parametrize("endpoint", sorted(DRIVERS))
def test_post_route_writes_an_audit_event(
    admin_client: FlaskClient, audited: list[tuple[str, bool]], endpoint: str
) -> None:
    response = DRIVERS[endpoint](admin_client)
    assert response.status_code == 302, (endpoint, response.get_data(as_text=True)[:2000])
    posts = [(path, wrote) for path, wrote in audited if path.startswith("POST")]
    assert posts and all(wrote for _, wrote in posts), (endpoint, posts)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
