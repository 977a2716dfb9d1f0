"""Every route has a permission decision, and the staff/moderation routes keep to it.

A new route without an entry in ``DECISIONS`` fails this suite: decide who may use
it (and let the view ask ``app.core.policy``) before adding it here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.participation.models import StakeholderGroup
from tests.conftest import login_as
from tests.factories import make_goal, make_process, make_user

PUBLIC = "public"  # anyone; contributions are gated by participation.services.gate
LOGIN = "login"  # any signed-in user (or a signed token in the URL)
STAFF = "staff"  # staff of the process or admin (policy.can_manage_process/staff area)
MODERATOR = "moderator"  # moderator or staff of the process, or admin (policy.can_moderate)
ADMIN = "admin"  # site admins only
EXEMPT = "exempt"  # no user data: health checks, vendored and static files

DECISIONS: dict[str, str] = {
    # infrastructure
    "core.healthz": EXEMPT,  # liveness probe for the orchestrator
    "core.readyz": EXEMPT,  # readiness probe
    "core.root": EXEMPT,  # redirects to the preferred language
    "core.vendor": EXEMPT,  # KERN/htmx files from node_modules
    "static": EXEMPT,  # CSS
    # accounts
    "accounts.login": PUBLIC,
    "accounts.register": PUBLIC,
    "accounts.check_mail": PUBLIC,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": PUBLIC,  # signed token
    "accounts.verify": PUBLIC,  # signed token
    "accounts.resend_verification": LOGIN,
    "accounts.logout": LOGIN,
    # public participation
    "processes.home": PUBLIC,
    "processes.detail": PUBLIC,  # unpublished: policy.can_view_process
    "goals.detail": PUBLIC,
    "goals.easy_language": PUBLIC,  # a preference in the session
    "comments.create": PUBLIC,
    "comments.reply": PUBLIC,
    "comments.edit": PUBLIC,  # author only (comments.services.can_edit)
    "comments.delete": PUBLIC,  # author only (comments.services.can_remove)
    "comments.more": PUBLIC,
    "comments.report": PUBLIC,
    "comments.vote": PUBLIC,
    "ratings.rate": PUBLIC,
    "participation.confirm": PUBLIC,  # signed token
    "pages.accessibility": PUBLIC,
    "pages.easy_language": PUBLIC,
    "pages.sign_language": PUBLIC,
    "assessment_public.goal_changes": PUBLIC,
    "assessment_public.report": PUBLIC,
    "surveys.index": PUBLIC,
    "surveys.intro": PUBLIC,
    "surveys.start": PUBLIC,
    "surveys.page": PUBLIC,
    "surveys.review": PUBLIC,
    "surveys.submit": PUBLIC,
    "surveys.thanks": PUBLIC,
    "surveys.saved": PUBLIC,
    "surveys.resume": PUBLIC,
    "surveys.resume_here": PUBLIC,
    "surveys.resume_link": PUBLIC,
    # staff
    "pages.edit_page": ADMIN,
    "pages.feedback_list": STAFF,
    "pages.resolve_feedback": STAFF,
    "staff.index": STAFF,
    "staff.create_process": ADMIN,
    "staff.process": STAFF,
    "staff.edit_process": STAFF,
    "staff.add_phase": STAFF,
    "staff.edit_phase": STAFF,
    "staff.delete_phase": STAFF,
    "staff.add_goal": STAFF,
    "staff.edit_goal": STAFF,
    "staff.move_goal": STAFF,
    "staff.shift_goal": STAFF,
    "staff.import_goals": STAFF,
    "staff.offline_new": STAFF,
    "staff.offline_list": STAFF,
    "translate.report": STAFF,
    "translate.edit": STAFF,
    "assessment.index": STAFF,
    "assessment.edit": STAFF,
    "assessment.edit_answer": STAFF,
    "assessment.bulk_tag": STAFF,
    "assessment.tags": STAFF,
    "assessment.rename_tag": STAFF,
    "assessment.delete_tag": STAFF,
    # exports (staff of the process: policy.can_manage_process)
    "exports.index": STAFF,
    "exports.start": STAFF,
    "exports.job": STAFF,
    "exports.status": STAFF,
    "exports.download": STAFF,
    # the survey builder (survey_staff: staff area, policy.can_enter_staff_area)
    "survey_staff.add_preset": STAFF,
    "survey_staff.change_kind": STAFF,
    "survey_staff.change_state": STAFF,
    "survey_staff.copy": STAFF,
    "survey_staff.create": STAFF,
    "survey_staff.delete_option": STAFF,
    "survey_staff.delete_question": STAFF,
    "survey_staff.delete_row": STAFF,
    "survey_staff.delete_section": STAFF,
    "survey_staff.edit_option": STAFF,
    "survey_staff.edit_question": STAFF,
    "survey_staff.edit_row": STAFF,
    "survey_staff.edit_section": STAFF,
    "survey_staff.goal_matrix": STAFF,
    "survey_staff.index": STAFF,
    "survey_staff.move_option": STAFF,
    "survey_staff.move_question": STAFF,
    "survey_staff.move_row": STAFF,
    "survey_staff.move_section": STAFF,
    "survey_staff.new_option": STAFF,
    "survey_staff.new_question": STAFF,
    "survey_staff.new_row": STAFF,
    "survey_staff.new_section": STAFF,
    "survey_staff.paper_entry": STAFF,
    "survey_staff.paper_start": STAFF,
    "survey_staff.preview": STAFF,
    "survey_staff.settings": STAFF,
    "survey_staff.survey": STAFF,
    # moderation
    "moderation.index": MODERATOR,
    "moderation.process_queue": MODERATOR,
    "moderation.bulk": MODERATOR,
    "moderation.comment": MODERATOR,
    "moderation.add_note": MODERATOR,
    "moderation.official_reply": MODERATOR,
    "moderation.block": MODERATOR,
    "moderation.unblock": MODERATOR,
    "moderation.audit": STAFF,
    "moderation.audit_csv": STAFF,
}


def test_every_route_has_a_permission_decision(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - DECISIONS.keys())
    assert missing == [], f"routes without a permission decision: {missing}"


def test_every_restricted_route_needs_a_signed_in_user(app: Flask) -> None:
    """Anonymous visitors reach no staff, moderation or admin page (GET where possible)."""
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if DECISIONS.get(rule.endpoint) not in (STAFF, MODERATOR, ADMIN):
            continue
        values = {name: "1" if name.endswith("_id") else "x" for name in rule.arguments}
        values["lang_code"] = "en"
        url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
        method = "GET" if "GET" in (rule.methods or ()) else "POST"
        response = client.open(url, method=method)
        assert response.status_code in (302, 401, 400), (rule.endpoint, response.status_code)
        if response.status_code == 302:
            assert "/account/login" in response.headers["Location"], rule.endpoint


# --- the matrix over staff and moderation routes by role ----------------------------

ROLES = ("anonymous", "citizen", "other_moderator", "moderator", "staff", "admin")
OK, DENIED, SIGN_IN = "ok", "denied", "sign_in"


def _expect(kind: str, role: str) -> str:
    """What ``role`` gets on a route of ``kind`` (process-specific routes)."""
    if role == "anonymous":
        return SIGN_IN
    allowed = {
        MODERATOR: ("moderator", "staff", "admin"),
        STAFF: ("staff", "admin"),
        ADMIN: ("admin",),
    }[kind]
    return OK if role in allowed else DENIED


MATRIX: list[tuple[str, str]] = [
    ("/en/staff/p/hf12/", STAFF),
    ("/en/staff/p/hf12/settings", STAFF),
    ("/en/staff/p/hf12/phases/new", STAFF),
    ("/en/staff/p/hf12/goals/new", STAFF),
    ("/en/staff/p/hf12/goals/1/edit", STAFF),
    ("/en/staff/p/hf12/goals/1/move", STAFF),
    ("/en/staff/p/hf12/import", STAFF),
    ("/en/staff/p/hf12/offline/new", STAFF),
    ("/en/staff/p/hf12/offline/", STAFF),
    ("/en/staff/translate/p/hf12/", STAFF),
    ("/en/staff/translate/p/hf12/en", STAFF),
    ("/en/staff/exports/p/hf12/", STAFF),
    ("/en/staff/new", ADMIN),
    ("/en/moderation/p/hf12/", MODERATOR),
    ("/en/moderation/comments/{comment}", MODERATOR),
]
# Not process-specific: moderation for every role, the staff area for staff and admins.
OVERVIEWS: list[tuple[str, dict[str, str]]] = [
    (
        "/en/moderation/",
        {"citizen": DENIED, "other_moderator": OK, "moderator": OK, "staff": OK, "admin": OK},
    ),
    (
        "/en/moderation/audit",
        {"citizen": DENIED, "other_moderator": DENIED, "moderator": DENIED},
    ),
    (
        "/en/staff/",
        {"citizen": DENIED, "other_moderator": DENIED, "moderator": DENIED, "staff": OK},
    ),
    ("/en/staff/surveys/", {"citizen": DENIED, "other_moderator": DENIED, "moderator": DENIED}),
    (
        "/en/staff/site/feedback",
        {"citizen": DENIED, "other_moderator": DENIED, "moderator": DENIED},
    ),
]


@pytest.fixture
def users(app: Flask) -> dict[str, User | None]:
    process = make_process("hf12")
    other = make_process("other")
    goal = make_goal(process, "1", "Ziel")
    db.session.add(
        Comment(
            goal_id=goal.id,
            author_name="A",
            kind="suggestion",
            stakeholder_group=StakeholderGroup.CITIZEN,
            body="Text",
            status=CommentStatus.PENDING,
        )
    )
    db.session.commit()
    return {
        "anonymous": None,
        "citizen": make_user("c@example.org", "Citizen"),
        "other_moderator": make_user("o@example.org", "O", process=other, role=Role.MODERATOR),
        "moderator": make_user("m@example.org", "M", process=process, role=Role.MODERATOR),
        "staff": make_user("s@example.org", "S", process=process, role=Role.STAFF),
        "admin": make_user("a@example.org", "A", is_admin=True),
    }


def _outcome(status: int, location: str) -> str:
    if status == 200:
        return OK
    if status == 403:
        return DENIED
    if status == 401 or (status == 302 and "/account/login" in location):
        return SIGN_IN
    return f"unexpected {status}"


def _client_for(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        login_as(client, user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_staff_and_moderation_routes_by_role(
    app: Flask, users: dict[str, User | None], role: str
) -> None:
    client = _client_for(app, users[role])
    comment_id = db.session.query(Comment.id).scalar()
    check: Callable[[str], str] = lambda url: _outcome(  # noqa: E731
        (r := client.get(url)).status_code, r.headers.get("Location", "")
    )
    for template, kind in MATRIX:
        url = template.format(comment=comment_id)
        assert check(url) == _expect(kind, role), (url, role)
    for url, expected in OVERVIEWS:
        want = SIGN_IN if role == "anonymous" else expected.get(role, OK)
        assert check(url) == want, (url, role)
