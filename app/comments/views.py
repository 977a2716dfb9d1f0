"""Comments on the goal page: write, reply, edit, delete, support, report, load more."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.comments import reactions, services
from app.comments.forms import (
    BodyForm,
    CommentForm,
    ConfirmForm,
    ReportForm,
    comment_form,
)
from app.comments.labels import CHANNEL_LABELS, REPORT_REASON_LABELS
from app.comments.models import Comment, CommentStatus, ReportReason
from app.comments.text import render_comment
from app.core import honeypot
from app.core.security import account_key, not_signed_in, signed_in
from app.extensions import db, limiter
from app.goals import page as goal_page
from app.goals import services as goal_services
from app.goals.models import Goal
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import (
    CONFIRMED_GROUPS,
    Participant,
    ParticipantKind,
)
from app.participation.services import (
    ParticipationRefusedError,
    current_participant,
    gate,
    identity,
    participant_for,
    reporter,
)
from app.processes.models import ParticipationMode, Process

bp = Blueprint("comments", __name__, template_folder="templates")

# Anonymous and guest visitors are limited by address; signed-in accounts by their id,
# more generously (staff entering offline input are not limited at all).
CONTRIBUTION_LIMIT = "5 per minute;30 per hour"
VOTE_LIMIT = "30 per minute;300 per hour"
REPORT_LIMIT = "10 per minute;50 per hour"
ACCOUNT_CONTRIBUTION_LIMIT = "10 per minute;60 per hour"
ACCOUNT_VOTE_LIMIT = "60 per minute;600 per hour"
ACCOUNT_REPORT_LIMIT = "20 per minute;100 per hour"
VOTE_VALUES = {"up": 1, "down": -1}


@bp.app_template_filter("comment_text")
def _comment_text(text: str) -> Any:
    return render_comment(text)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "stakeholder_labels": STAKEHOLDER_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "report_reason_labels": REPORT_REASON_LABELS,
    }


# --- loading ----------------------------------------------------------------------


def _load(slug: str, code: str) -> tuple[Process, Goal]:
    return goal_page.visible_goal_or_404(slug, code)


def _load_comment(goal: Goal, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.goal_id != goal.id:
        abort(404)
    return comment


def _goal_url(goal: Goal, process: Process, anchor: str = "comments", **args: Any) -> str:
    return url_for("goals.detail", slug=process.slug, code=goal.code, _anchor=anchor, **args)


# --- the form and who fills it in -----------------------------------------------------


def _is_anonymous_in_guest_mode(process: Process, participant: Participant | None) -> bool:
    """A browser known only from a report is no proven address in guest mode."""
    return (
        process.participation_mode == ParticipationMode.GUEST
        and participant is not None
        and participant.kind == ParticipantKind.ANONYMOUS
    )


def _author(process: Process, form: CommentForm) -> Participant:
    pseudonym = form.pseudonym.data if "pseudonym" in form else ""
    email = form.email.data if "email" in form else ""
    participant = participant_for(process, pseudonym or "", email or "")
    if "notify" in form:
        participant.notify_replies = bool(form.notify.data)
    return participant


def _refused_on_form(form: CommentForm, message: str) -> bool:
    """Show a refusal next to the identity field; False if the form has none."""
    for name in ("email", "pseudonym"):
        if name in form:
            form[name].errors = [*form[name].errors, message]
            return True
    return False


def _published_message(comment: Comment) -> str:
    if comment.status == CommentStatus.UNCONFIRMED:
        return _("Please confirm your e-mail address: we have sent you a link.")
    if comment.status == CommentStatus.PENDING:
        return _("Your comment will be published after review.")
    return _("Your comment is published.")


def _done(process: Process, goal: Goal, comment: Comment, *, commit: bool = False) -> Response:
    message = _published_message(comment)
    url = _goal_url(goal, process, anchor=f"comment-{comment.id}")
    if commit:  # after reading them: the commit expires the objects
        db.session.commit()
    flash(message, "success")
    return redirect(url)


def _save(
    process: Process, goal: Goal, form: CommentForm, parent: Comment | None
) -> Response | None:
    """Store the comment and redirect; None if the form must be shown again."""
    if honeypot.caught(form):  # a bot: the answer of success, nothing stored
        flash(_("Your comment is published."), "success")
        return redirect(_goal_url(goal, process))
    key = form.key
    earlier = services.find_by_key(key) if key else None
    if earlier is not None:  # a retried or double-clicked form
        return _done(process, goal, earlier)
    try:
        participant = _author(process, form)
    except ParticipationRefusedError as refusal:
        if _refused_on_form(form, str(refusal)):
            return None
        flash(str(refusal), "error")
        return redirect(_goal_url(goal, process))
    draft = services.Draft(
        body=form.body.data or "",
        kind=(form.kind.data if "kind" in form else "") or "",
        stakeholder_group=form.group,
        idempotency_key=key,
        organisation_name=form.organisation_name.data or "",
        # The form offers Gemeinderat and Verwaltung only to accounts granted them.
        confirmed=form.group in CONFIRMED_GROUPS,
    )
    try:
        comment = services.create_comment(process, goal, participant, draft, parent)
    except services.DuplicateSubmissionError as duplicate:
        comment = duplicate.comment
    return _done(process, goal, comment, commit=True)


def _refuse(process: Process, goal: Goal, message: str) -> Response:
    flash(message, "error")
    return redirect(_goal_url(goal, process))


# --- the goal page --------------------------------------------------------------------


@bp.route("/p/<slug>/goals/<code>", methods=["POST"])
@limiter.limit(CONTRIBUTION_LIMIT, exempt_when=signed_in)
@limiter.limit(ACCOUNT_CONTRIBUTION_LIMIT, key_func=account_key, exempt_when=not_signed_in)
def create(slug: str, code: str) -> str | Response:
    """The goal page's comment form posts to the goal page's own address."""
    process, goal = _load(slug, code)
    refusal = gate(process)
    if refusal:
        return _refuse(process, goal, refusal)
    form = comment_form(process)
    if form.validate_on_submit():
        saved = _save(process, goal, form, None)
        if saved is not None:
            return saved
    # The goal page again, with the errors next to the fields and the text kept.
    return goal_page.render(process, goal, comment_form=form)


@bp.route("/p/<slug>/goals/<code>/comments")
def more(slug: str, code: str) -> str | Response:
    """The next page of comments as a fragment, for htmx's "load more"."""
    process, goal = _load(slug, code)
    if not request.headers.get("HX-Request"):
        return redirect(_goal_url(goal, process, **request.args.to_dict()))
    return render_template(
        "comments/_more.html",
        process=process,
        goal=goal,
        **goal_page.comment_listing_context(process, goal, gate(process)),
    )


# --- one comment ----------------------------------------------------------------------


def _published_comment(goal: Goal, comment_id: int) -> Comment:
    comment = _load_comment(goal, comment_id)
    if comment.status != CommentStatus.PUBLISHED:
        abort(404)
    return comment


def _page_context(process: Process, goal: Goal, comment: Comment) -> dict[str, Any]:
    revision = goal_services.current_revision(goal)
    return {"process": process, "goal": goal, "revision": revision, "comment": comment}


@bp.route("/p/<slug>/goals/<code>/comments/<int:comment_id>/reply", methods=["GET", "POST"])
@limiter.limit(CONTRIBUTION_LIMIT, methods=["POST"], exempt_when=signed_in)
@limiter.limit(
    ACCOUNT_CONTRIBUTION_LIMIT, methods=["POST"], key_func=account_key, exempt_when=not_signed_in
)
def reply(slug: str, code: str, comment_id: int) -> str | Response:
    process, goal = _load(slug, code)
    target = _published_comment(goal, comment_id)
    # A reply to a reply joins the thread of the top-level comment.
    parent = target if target.parent_id is None else _load_comment(goal, target.parent_id)
    refusal = gate(process)
    if refusal and request.method == "POST":
        return _refuse(process, goal, refusal)
    form = comment_form(process) if refusal is None else None
    if form is not None and form.validate_on_submit():
        saved = _save(process, goal, form, parent)
        if saved is not None:
            return saved
    return render_template(
        "comments/reply.html",
        form=form,
        refusal=refusal,
        account_mode=process.participation_mode == ParticipationMode.ACCOUNT,
        **_page_context(process, goal, target),
    )


@bp.route("/p/<slug>/goals/<code>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(slug: str, code: str, comment_id: int) -> str | Response:
    process, goal = _load(slug, code)
    comment = _load_comment(goal, comment_id)
    refusal = gate(process)
    if refusal:
        return _refuse(process, goal, refusal)
    if not services.can_edit(comment, current_participant()):
        return _refuse(
            process,
            goal,
            _("A comment can only be changed by its author within 15 minutes of writing it."),
        )
    form = BodyForm(process, data={"body": comment.body})
    if form.validate_on_submit():
        services.edit_comment(comment, form.body.data or "", process)
        db.session.commit()
        if comment.status == CommentStatus.PENDING:
            flash(_("Your changes are saved and will be published after review."), "success")
        else:
            flash(_("Your changes are saved."), "success")
        return redirect(_goal_url(goal, process, anchor=f"comment-{comment.id}"))
    return render_template("comments/edit.html", form=form, **_page_context(process, goal, comment))


@bp.route("/p/<slug>/goals/<code>/comments/<int:comment_id>/delete", methods=["GET", "POST"])
def delete(slug: str, code: str, comment_id: int) -> str | Response:
    process, goal = _load(slug, code)
    comment = _load_comment(goal, comment_id)
    if not services.can_remove(comment, current_participant()):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.remove_comment(comment, process.id)
        db.session.commit()
        flash(_("Your comment has been deleted."), "success")
        return redirect(_goal_url(goal, process))
    return render_template(
        "comments/delete.html", form=form, **_page_context(process, goal, comment)
    )


def _voter(process: Process) -> Participant:
    """Who supports: the known participant, in anonymous mode a new one by cookie."""
    refusal = gate(process)
    if refusal:
        raise ParticipationRefusedError(refusal)
    if signed_in():
        return participant_for(process)
    known = identity(process)
    if (
        known.participant is not None
        and not known.needs_pseudonym
        and not _is_anonymous_in_guest_mode(process, known.participant)
    ):
        return known.participant
    if process.participation_mode == ParticipationMode.ANONYMOUS:
        return reporter()
    raise ParticipationRefusedError(
        _(
            "You can support comments once you have confirmed your e-mail address"
            " with a contribution."
        )
    )


@bp.route("/p/<slug>/goals/<code>/comments/<int:comment_id>/vote", methods=["POST"])
@limiter.limit(VOTE_LIMIT, exempt_when=signed_in)
@limiter.limit(ACCOUNT_VOTE_LIMIT, key_func=account_key, exempt_when=not_signed_in)
def vote(slug: str, code: str, comment_id: int) -> Response:
    process, goal = _load(slug, code)
    comment = _published_comment(goal, comment_id)
    value = VOTE_VALUES.get(request.form.get("value", ""))
    if value is None:
        abort(400)
    try:
        participant = _voter(process)
    except ParticipationRefusedError as refusal:
        return _refuse(process, goal, str(refusal))
    now = reactions.vote(comment, participant, value, shown=_shown_vote())
    db.session.commit()
    messages = {
        1: _("You support this comment."),
        -1: _("You do not support this comment."),
        0: _("Your vote has been withdrawn."),
    }
    flash(messages[now], "success")
    after = request.form.get("after") or None
    return redirect(
        _goal_url(
            goal,
            process,
            anchor=f"comment-{comment.id}",
            sort=goal_page.comment_sort().value,
            after=after,
        )
    )


def _shown_vote() -> int | None:
    """The vote the form showed (its hidden ``shown`` field), if it sent a valid one."""
    shown = request.form.get("shown", "")
    return int(shown) if shown in ("-1", "0", "1") else None


@bp.route("/p/<slug>/goals/<code>/comments/<int:comment_id>/report", methods=["GET", "POST"])
@limiter.limit(REPORT_LIMIT, methods=["POST"], exempt_when=signed_in)
@limiter.limit(
    ACCOUNT_REPORT_LIMIT, methods=["POST"], key_func=account_key, exempt_when=not_signed_in
)
def report(slug: str, code: str, comment_id: int) -> str | Response:
    process, goal = _load(slug, code)
    comment = _published_comment(goal, comment_id)
    form = ReportForm()
    if form.validate_on_submit():
        saved = reactions.report_comment(
            comment, reporter(), ReportReason(form.reason.data), form.text.data or "", process
        )
        db.session.commit()
        if saved:
            flash(_("Thank you. The moderators will review this comment."), "success")
        else:
            flash(_("You have already reported this comment."), "info")
        return redirect(_goal_url(goal, process, anchor=f"comment-{comment.id}"))
    already = reactions.has_reported(comment, current_participant())
    return render_template(
        "comments/report.html", form=form, already=already, **_page_context(process, goal, comment)
    )
