"""Who gets what: the one table the authorization matrix checks every route against.

Each entry maps ``(endpoint, method)`` to the answer of each of the nine roles of
``world.ROLES``. Most entries use an audience below; ``ok`` is what an allowed role
gets. A route without an entry fails ``test_every_route_has_a_policy_entry``.

Answers:

- ``OK``: 200. ``DENIED``: 403. ``HIDDEN``: 404 from a permission check (the page
  is not shown to this role, so it is not admitted to exist). ``LOGIN``: a redirect
  to the sign-in page (the staff and moderation areas, ``login_required``).
- ``to(endpoint)``: a 302 to that page. ``to(endpoint, "error")`` also names the
  category of the flashed message, where that is the only difference between being
  refused and being served (the participation gate answers with a message and a
  redirect back to the goal page, not with a 403).

A POST is sent with a valid CSRF token and the minimal form of ``CALLS`` (usually
empty). An *allowed* POST gets the view's own answer after the permission check,
exactly one of:

- 200: the form shown again with its errors (a new thing needs fields the empty
  form lacks);
- a 302 to a named page other than sign-in: the change was made (an edit form keeps
  the stored value of a field that is not sent, so an empty edit saves "no changes"),
  or a rule of the feature refused it with a message (the survey of the data set has
  a response, so its pages, questions, options and rows stay as they are).

Never 401/403, a sign-in redirect or a permission 404. A refused POST gets the
answer of the check that refuses it: ``LOGIN`` before the staff and moderation
areas, 403 inside them, the participation gate's message on public pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GET, POST = "GET", "POST"


@dataclass(frozen=True)
class Outcome:
    status: int
    target: str | None = None  # the endpoint a redirect leads to
    flash: str | None = None  # the category of the first flashed message, if it matters

    def admits(self, seen: Outcome) -> bool:
        same = (self.status, self.target) == (seen.status, seen.target)
        return same and (self.flash is None or self.flash == seen.flash)

    def __str__(self) -> str:
        if self.target is None:
            return str(self.status)
        flash = f" [{self.flash}]" if self.flash else ""
        return f"{self.status} → {self.target}{flash}"


def to(endpoint: str, flash: str | None = None) -> Outcome:
    return Outcome(302, endpoint, flash)


OK = Outcome(200)
DENIED = Outcome(403)
HIDDEN = Outcome(404)
LOGIN = to("accounts.login")
Access = tuple[Outcome, ...]  # one answer per role, in the order of world.ROLES


def row(
    anonymous: Outcome,
    participant: Outcome,
    blocked: Outcome,
    suspended: Outcome,
    other_moderator: Outcome,
    moderator: Outcome,
    other_staff: Outcome,
    staff: Outcome,
    admin: Outcome,
) -> Access:
    return (
        anonymous,
        participant,
        blocked,
        suspended,
        other_moderator,
        moderator,
        other_staff,
        staff,
        admin,
    )


# --- audiences ------------------------------------------------------------------------


def everyone(ok: Outcome) -> Access:
    return row(ok, ok, ok, ok, ok, ok, ok, ok, ok)


def signed_in(ok: Outcome) -> Access:
    return row(LOGIN, ok, ok, ok, ok, ok, ok, ok, ok)


def contributors(ok: Outcome, refused: Outcome) -> Access:
    """The participation gate of an account-mode process: verified, unblocked accounts."""
    return row(refused, ok, refused, refused, ok, ok, ok, ok, ok)


def author(ok: Outcome, others: Outcome) -> Access:
    """Only the author of the comment (the participant)."""
    return row(others, ok, others, others, others, others, others, others, others)


def moderation_area(ok: Outcome) -> Access:
    """policy.can_moderate_anywhere: moderators and staff of any process, admins."""
    return row(LOGIN, DENIED, DENIED, DENIED, ok, ok, ok, ok, ok)


def process_moderators(ok: Outcome) -> Access:
    """policy.can_moderate: moderators and staff of the process, admins."""
    return row(LOGIN, DENIED, DENIED, DENIED, DENIED, ok, DENIED, ok, ok)


def staff_area(ok: Outcome) -> Access:
    """policy.can_enter_staff_area (and can_view_audit): staff of any process, admins."""
    return row(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, ok, ok, ok)


def process_staff(ok: Outcome) -> Access:
    """policy.can_manage_process (and can_manage_survey): staff of the process, admins."""
    return row(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, ok, ok)


def process_staff_preview(ok: Outcome) -> Access:
    """A public page that exists before its phase only for the process's staff."""
    return row(HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, ok, ok)


def admins(ok: Outcome) -> Access:
    return row(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, ok)


GATE_REFUSAL = to("goals.detail", "error")  # the gate's message, back on the goal page
SURVEY_START = row(
    anonymous=to("surveys.intro", "info"),  # "please sign in" (an account survey)
    participant=to("surveys.page"),
    blocked=to("surveys.intro", "error"),
    suspended=to("surveys.intro", "error"),
    other_moderator=to("surveys.page"),
    moderator=to("surveys.page"),
    other_staff=to("surveys.page"),
    staff=to("surveys.page"),
    admin=to("surveys.page"),
)
# policy.can_delete_own_account: every account but an admin's
SELF_DELETION = row(LOGIN, OK, OK, OK, OK, OK, OK, OK, DENIED)
NO_RESPONSE_YET = to("surveys.intro", "error")  # a fresh browser has no response to go on


# --- the table ------------------------------------------------------------------------

POLICY: dict[tuple[str, str], Access] = {
    # infrastructure: no user data
    ("core.healthz", GET): everyone(OK),
    ("core.readyz", GET): everyone(OK),
    ("core.root", GET): everyone(to("processes.home")),
    ("core.vendor", GET): everyone(OK),
    ("static", GET): everyone(OK),
    # the open-data API: what anonymous visitors see, the same for every role
    ("api.openapi", GET): everyone(OK),
    ("api.processes", GET): everyone(OK),
    ("api.process", GET): everyone(OK),
    ("api.process_revisions", GET): everyone(OK),
    ("api.goal_revisions", GET): everyone(OK),
    ("api.contributions", GET): everyone(OK),
    ("api.process_results", GET): everyone(OK),
    ("api.surveys", GET): everyone(OK),
    ("api.survey_results", GET): everyone(OK),  # visible: false until they are public
    ("api.datapackage", GET): everyone(OK),  # built at once without a broker
    ("api_reference.reference", GET): everyone(OK),
    # accounts (the links carry a signed token)
    ("accounts.check_mail", GET): everyone(OK),
    ("accounts.forgot_password", GET): everyone(OK),
    ("accounts.forgot_password", POST): everyone(OK),
    ("accounts.login", GET): everyone(OK),
    ("accounts.login", POST): everyone(OK),
    ("accounts.logout", POST): everyone(to("processes.home")),
    ("accounts.register", GET): everyone(OK),
    ("accounts.register", POST): everyone(OK),
    ("accounts.resend_verification", POST): signed_in(to("processes.home")),
    ("accounts.reset_password", GET): everyone(OK),
    ("accounts.reset_password", POST): everyone(OK),
    ("accounts.verify", GET): everyone(to("processes.home")),
    ("participation.confirm", GET): everyone(to("processes.home")),
    # public pages of a published process
    ("processes.home", GET): everyone(OK),
    ("processes.detail", GET): everyone(OK),
    ("goals.detail", GET): everyone(OK),
    ("goals.easy_language", POST): everyone(to("processes.detail")),
    ("assessment_public.goal_changes", GET): everyone(OK),
    ("assessment_public.report", GET): process_staff_preview(OK),  # results phase: public
    ("pages.accessibility", GET): everyone(OK),
    ("pages.accessibility", POST): everyone(OK),
    ("pages.easy_language", GET): everyone(OK),
    ("pages.privacy", GET): everyone(OK),
    # privacy self-service: own data for every account; guests by a mailed link
    ("privacy.my_data", GET): signed_in(OK),
    ("privacy.download", GET): signed_in(OK),
    ("privacy.delete_account", GET): SELF_DELETION,
    ("privacy.delete_account", POST): SELF_DELETION,  # no password sent: the form again
    ("privacy.guest_request", GET): everyone(OK),
    ("privacy.guest_request", POST): everyone(OK),
    ("privacy.guest_data", GET): everyone(OK),
    ("privacy.guest_download", GET): everyone(OK),
    ("privacy.guest_delete", POST): everyone(OK),  # not confirmed: the form again
    ("pages.sign_language", GET): everyone(OK),
    # contributions (participation.services.gate; edit and delete: the author only)
    ("comments.create", POST): contributors(OK, GATE_REFUSAL),
    ("comments.reply", GET): everyone(OK),  # the refusal is shown instead of the form
    ("comments.reply", POST): contributors(OK, GATE_REFUSAL),
    ("comments.edit", GET): author(OK, GATE_REFUSAL),
    ("comments.edit", POST): author(to("goals.detail", "success"), GATE_REFUSAL),
    ("comments.delete", GET): author(OK, DENIED),
    ("comments.delete", POST): author(to("goals.detail", "success"), DENIED),
    ("comments.more", GET): everyone(OK),
    ("comments.report", GET): everyone(OK),  # anyone may report, blocked or not
    ("comments.report", POST): everyone(OK),
    ("comments.vote", POST): contributors(to("goals.detail", "success"), GATE_REFUSAL),
    ("ratings.rate", POST): contributors(OK, to("goals.detail", "error")),
    # answering surveys (an open account survey of the published process)
    ("surveys.index", GET): everyone(OK),
    ("surveys.intro", GET): everyone(OK),
    ("surveys.start", POST): SURVEY_START,
    ("surveys.page", GET): everyone(NO_RESPONSE_YET),
    ("surveys.page", POST): everyone(NO_RESPONSE_YET),
    ("surveys.review", GET): everyone(NO_RESPONSE_YET),
    ("surveys.submit", POST): everyone(NO_RESPONSE_YET),
    ("surveys.saved", GET): everyone(NO_RESPONSE_YET),
    ("surveys.resume_here", GET): everyone(NO_RESPONSE_YET),
    ("surveys.resume", GET): everyone(OK),
    ("surveys.resume", POST): everyone(OK),
    ("surveys.resume_link", GET): everyone(to("surveys.page", "success")),  # a resume code
    ("surveys.thanks", GET): everyone(OK),
    # moderation
    ("moderation.index", GET): moderation_area(OK),
    ("moderation.process_queue", GET): process_moderators(OK),
    ("moderation.bulk", POST): process_moderators(to("moderation.index")),
    ("moderation.comment", GET): process_moderators(OK),
    ("moderation.add_note", POST): process_moderators(to("moderation.comment")),
    ("moderation.official_reply", POST): process_moderators(to("moderation.comment")),
    ("moderation.block", POST): process_moderators(to("moderation.comment")),
    ("moderation.unblock", POST): process_moderators(to("moderation.comment")),
    ("moderation.audit", GET): staff_area(OK),
    ("moderation.audit_csv", GET): staff_area(OK),
    # the staff area: processes, phases, goals, offline input
    ("staff.index", GET): staff_area(OK),
    ("staff.create_process", GET): admins(OK),
    ("staff.create_process", POST): admins(OK),
    ("staff.process", GET): process_staff(OK),
    ("staff.edit_process", GET): process_staff(OK),
    ("staff.edit_process", POST): process_staff(OK),
    ("staff.add_phase", GET): process_staff(OK),
    ("staff.add_phase", POST): process_staff(OK),
    ("staff.edit_phase", GET): process_staff(OK),
    ("staff.edit_phase", POST): process_staff(OK),
    ("staff.delete_phase", POST): process_staff(to("staff.process")),
    ("staff.add_goal", GET): process_staff(OK),
    ("staff.add_goal", POST): process_staff(OK),
    ("staff.edit_goal", GET): process_staff(OK),
    ("staff.edit_goal", POST): process_staff(to("staff.process")),  # "no changes"
    ("staff.move_goal", GET): process_staff(OK),
    ("staff.move_goal", POST): process_staff(OK),
    ("staff.shift_goal", POST): process_staff(to("staff.process")),
    ("staff.import_goals", GET): process_staff(OK),
    ("staff.import_goals", POST): process_staff(OK),
    ("staff.offline_list", GET): process_staff(OK),
    ("staff.offline_new", GET): process_staff(OK),
    ("staff.offline_new", POST): process_staff(OK),
    ("staff.stakeholder_groups", GET): admins(OK),
    ("staff.stakeholder_groups", POST): admins(OK),  # the empty form shown with its errors
    ("staff.stakeholder_revoke", POST): admins(to("staff.stakeholder_groups")),
    ("translate.report", GET): process_staff(OK),
    ("translate.edit", GET): process_staff(OK),
    ("translate.edit", POST): process_staff(to("translate.edit")),
    # site pages and accessibility feedback
    ("privacy.consent_versions", GET): admins(OK),
    ("privacy.consent_versions", POST): admins(OK),  # an empty text: the form again
    ("pages.edit_page", GET): admins(OK),
    ("pages.edit_page", POST): admins(to("pages.accessibility")),
    ("pages.feedback_list", GET): staff_area(OK),
    ("pages.resolve_feedback", POST): staff_area(to("pages.feedback_list")),
    # Abwägung
    ("assessment.index", GET): process_staff(OK),
    ("assessment.bulk_tag", POST): process_staff(to("assessment.index")),
    ("assessment.edit", GET): process_staff(OK),
    ("assessment.edit", POST): process_staff(OK),
    ("assessment.edit_answer", GET): process_staff(OK),
    ("assessment.edit_answer", POST): process_staff(OK),
    ("assessment.tags", GET): process_staff(OK),
    ("assessment.tags", POST): process_staff(OK),
    ("assessment.rename_tag", POST): process_staff(to("assessment.tags")),
    ("assessment.delete_tag", POST): process_staff(to("assessment.tags")),
    # exports
    ("exports.index", GET): process_staff(OK),
    ("exports.start", POST): process_staff(to("exports.job")),
    ("exports.job", GET): process_staff(OK),
    ("exports.status", GET): process_staff(OK),
    ("exports.download", GET): process_staff(OK),
    # results pages: the world's survey shows results after it closes (it is open),
    # so only its staff see them; the process shows its ratings at once
    ("results.survey", GET): process_staff_preview(OK),
    ("results.crosstab", GET): process_staff_preview(OK),
    ("results.process", GET): everyone(OK),
    ("results_staff.survey", GET): process_staff(OK),
    ("results_staff.crosstab", GET): process_staff(OK),
    ("results_staff.process", GET): process_staff(OK),
    # the survey builder (a survey of the process; without one: admins only)
    ("survey_staff.index", GET): staff_area(OK),
    ("survey_staff.create", GET): staff_area(OK),  # into a process they manage
    ("survey_staff.create", POST): staff_area(OK),
    ("survey_staff.survey", GET): process_staff(OK),
    ("survey_staff.settings", GET): process_staff(OK),
    ("survey_staff.settings", POST): process_staff(OK),
    ("survey_staff.change_state", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.copy", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.preview", GET): process_staff(OK),
    ("survey_staff.new_section", GET): process_staff(OK),
    ("survey_staff.new_section", POST): process_staff(OK),
    ("survey_staff.edit_section", GET): process_staff(OK),
    ("survey_staff.edit_section", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.move_section", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.delete_section", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.new_question", GET): process_staff(OK),
    ("survey_staff.new_question", POST): process_staff(OK),
    ("survey_staff.edit_question", GET): process_staff(OK),
    ("survey_staff.edit_question", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.change_kind", POST): process_staff(to("survey_staff.edit_question")),
    ("survey_staff.move_question", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.delete_question", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.new_option", GET): process_staff(OK),
    ("survey_staff.new_option", POST): process_staff(OK),
    ("survey_staff.edit_option", GET): process_staff(OK),
    ("survey_staff.edit_option", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.move_option", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.delete_option", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.add_preset", GET): process_staff(OK),
    ("survey_staff.add_preset", POST): process_staff(OK),
    ("survey_staff.goal_matrix", GET): process_staff(OK),
    ("survey_staff.goal_matrix", POST): process_staff(OK),
    ("survey_staff.new_row", GET): process_staff(OK),
    ("survey_staff.new_row", POST): process_staff(OK),
    ("survey_staff.edit_row", GET): process_staff(OK),
    ("survey_staff.edit_row", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.move_row", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.delete_row", POST): process_staff(to("survey_staff.survey")),
    ("survey_staff.paper_start", GET): process_staff(OK),
    ("survey_staff.paper_start", POST): process_staff(OK),
    ("survey_staff.paper_entry", GET): process_staff(OK),
    ("survey_staff.paper_entry", POST): process_staff(to("survey_staff.paper_entry")),
    # weighting (app/results/margin_views.py); an empty form is shown again with its errors
    ("results_weighting.weighting", GET): process_staff(OK),
    ("results_weighting.save_shares", POST): process_staff(OK),
    ("results_weighting.upload_margins", POST): process_staff(OK),
    ("results_weighting.clear_margins", POST): process_staff(to("results_weighting.weighting")),
    ("results_weighting.representativeness", GET): process_staff(OK),
    # rating questions (app/ratings/question_views.py); the process has no rating yet
    ("rating_staff.questions", GET): process_staff(OK),
    ("rating_staff.new_question", GET): process_staff(OK),
    ("rating_staff.new_question", POST): process_staff(OK),  # no text: the form again
    ("rating_staff.edit_question", GET): process_staff(OK),
    ("rating_staff.edit_question", POST): process_staff(to("rating_staff.questions")),
    ("rating_staff.move_question", POST): process_staff(to("rating_staff.questions")),
    ("rating_staff.delete_question", POST): process_staff(to("rating_staff.questions")),
    # the survey's results are public only after it closes: hidden from all but its staff
    ("results_public.representativeness", GET): row(
        anonymous=HIDDEN,
        participant=HIDDEN,
        blocked=HIDDEN,
        suspended=HIDDEN,
        other_moderator=HIDDEN,
        moderator=HIDDEN,
        other_staff=HIDDEN,
        staff=OK,
        admin=OK,
    ),
}


# --- what is sent besides the CSRF token -------------------------------------------------


@dataclass(frozen=True)
class Call:
    form: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ref:
    """A form value taken from the data set, like a URL argument of that name."""

    name: str


CALLS: dict[tuple[str, str], Call] = {
    ("comments.more", GET): Call(headers={"HX-Request": "true"}),  # htmx's "load more"
    ("comments.vote", POST): Call(form={"value": "up"}),
    ("moderation.bulk", POST): Call(form={"comment_ids": Ref("comment_id"), "action": "approve"}),
    ("moderation.add_note", POST): Call(form={"text": "Prüfen."}),
    ("moderation.official_reply", POST): Call(form={"body": "Danke.", "author_label": "Amt"}),
    ("moderation.block", POST): Call(form={"duration": "1", "reason": "Test"}),
    ("staff.shift_goal", POST): Call(form={"direction": "up"}),
    ("rating_staff.move_question", POST): Call(form={"direction": "down"}),
    ("exports.start", POST): Call(form={"kind": "assessment", "format": "csv", "language": "en"}),
    ("survey_staff.paper_entry", GET): Call(query={"batch": "Mai"}),
    ("survey_staff.paper_entry", POST): Call(query={"batch": "Mai"}),
}
