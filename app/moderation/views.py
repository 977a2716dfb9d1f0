"""The moderation area: queue, bulk actions, blocks, notes and official replies.

Every view: policy check → validate → service (which records the audit event) →
commit → redirect. The audit log is :mod:`app.moderation.audit_views`; the URLs are
declared in :mod:`app.moderation.routes`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.comments.labels import CHANNEL_LABELS, COMMENT_STATUS_LABELS
from app.comments.models import Channel, Comment, CommentStatus
from app.core import policy
from app.extensions import db, login_manager
from app.goals.models import Goal
from app.moderation import forms
from app.moderation import services as mod
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import Participant, StakeholderGroup
from app.processes.models import Process
from app.processes.services import all_processes, get_process_or_404

TAB_LABELS = {
    mod.Tab.PENDING: _l("Waiting for review"),
    mod.Tab.REPORTED: _l("Reported"),
    mod.Tab.PUBLISHED: _l("Recently published"),
    mod.Tab.HIDDEN: _l("Hidden"),
}
# What the bulk form offers on each tab, and on the page of a comment in each status.
TAB_ACTIONS = {
    mod.Tab.PENDING: ("approve", "hide"),
    mod.Tab.REPORTED: ("approve", "hide"),
    mod.Tab.PUBLISHED: ("hide",),
    mod.Tab.HIDDEN: ("restore",),
}
STATUS_ACTIONS = {
    CommentStatus.UNCONFIRMED: ("hide",),
    CommentStatus.PENDING: ("approve", "hide"),
    CommentStatus.PUBLISHED: ("hide",),
    CommentStatus.HIDDEN: ("restore",),
    CommentStatus.REMOVED: (),
}
Transition = Callable[[Comment, Process, User], bool]


def moderators_only() -> ResponseReturnValue | None:
    """Signed-in admins, staff and moderators only, for every page of the blueprint."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    policy.require(policy.can_moderate_anywhere(current_user))
    return None


# --- helpers ----------------------------------------------------------------------


def _actor() -> User:
    user = current_user._get_current_object()
    assert isinstance(user, User)  # moderators_only admits signed-in users only
    return user


def _enum_arg(name: str, enum_cls: Any) -> Any:
    try:
        return enum_cls(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> mod.QueueFilter:
    return mod.QueueFilter(
        goal_id=request.args.get("goal", type=int),
        kind=request.args.get("kind", ""),
        stakeholder_group=_enum_arg("group", StakeholderGroup),
        channel=_enum_arg("channel", Channel),
    )


def current_page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _safe_next(default: str) -> str:
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _moderated_comment(comment_id: int) -> tuple[Comment, Process]:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    process = mod.process_of(comment)
    policy.require(policy.can_moderate(current_user, process))
    return comment, process


def _visible_processes() -> list[Process]:
    return [p for p in all_processes() if policy.can_moderate(current_user, p)]


# --- the queue --------------------------------------------------------------------


def _queue_page(process: Process | None) -> str:
    tab = _enum_arg("tab", mod.Tab) or mod.Tab.PENDING
    ids = {process.id} if process is not None else policy.moderated_process_ids(current_user)
    pagination = mod.queue(ids, tab, _filters(), current_page())
    goals: list[Goal] = []
    if process is not None:
        goals = list(
            db.session.scalars(
                sa.select(Goal).where(Goal.process_id == process.id).order_by(Goal.code)
            )
        )
    return render_template(
        "moderation/queue.html",
        process=process,
        processes=_visible_processes(),
        tab=tab,
        tabs=TAB_LABELS,
        pagination=pagination,
        places=mod.goals_of([c.id for c in pagination.items]),
        reasons=mod.open_report_reasons([c.id for c in pagination.items]),
        actions=TAB_ACTIONS[tab],
        goals=goals,
        args={k: v for k, v in request.args.items() if k != "page"},
        form=forms.BulkForm(next=request.full_path),
        group_labels=STAKEHOLDER_LABELS,
        channel_labels=CHANNEL_LABELS,
    )


def index() -> str:
    return _queue_page(None)


def process_queue(slug: str) -> str:
    process = get_process_or_404(slug)
    policy.require(policy.can_moderate(current_user, process))
    return _queue_page(process)


def _transition(action: str, form: forms.BulkForm) -> Transition | None:
    if action == "approve":
        return mod.approve
    if action == "restore":
        return mod.restore
    if action == "hide":
        reason = form.hide_reason()
        return (lambda c, p, u: mod.hide(c, p, u, reason)) if reason else None
    abort(400)


def _selected() -> list[tuple[Comment, Process]]:
    ids = request.form.getlist("comment_ids", type=int)
    places = mod.goals_of(ids)
    chosen = []
    for comment_id in ids:
        comment = db.session.get(Comment, comment_id)
        if comment is None or comment_id not in places:
            abort(404)
        process = places[comment_id][1]
        policy.require(policy.can_moderate(current_user, process))
        chosen.append((comment, process))
    return chosen


def bulk() -> Response:
    form = forms.BulkForm()
    if not form.validate_on_submit():
        abort(400)
    back = _safe_next(url_for(".index"))
    chosen = _selected()
    if not chosen:
        flash(_("Please select at least one contribution."), "error")
        return redirect(back)
    action = request.form.get("action", "")
    transition = _transition(action, form)
    if transition is None:
        flash(_("Please choose a reason for hiding."), "error")
        return redirect(back)
    done = 0
    for comment, process in chosen:
        if transition(comment, process, _actor()):
            done += 1
    db.session.commit()
    flash(
        ngettext("%(num)d contribution changed.", "%(num)d contributions changed.", done), "success"
    )
    return redirect(back)


# --- one comment ------------------------------------------------------------------


def _detail_page(comment: Comment, process: Process, **forms_: Any) -> str:
    participant = db.session.get(Participant, comment.participant_id or 0)
    reply = mod.official_reply(comment)
    reply_form = forms_.get("reply_form") or forms.OfficialReplyForm(obj=reply)
    reports = mod.open_reports(comment)
    return render_template(
        "moderation/comment.html",
        comment=comment,
        process=process,
        goal=db.session.get(Goal, comment.goal_id),
        participant=participant,
        reports=reports,
        notes=mod.notes(comment),
        note_form=forms_.get("note_form") or forms.NoteForm(),
        reply_form=reply_form,
        reply=reply,
        block_form=forms_.get("block_form") or forms.BlockForm(),
        action_form=forms.ActionForm(),
        bulk_form=forms.BulkForm(next=url_for(".comment", comment_id=comment.id)),
        actions=_comment_actions(comment, bool(reports)),
        group_labels=STAKEHOLDER_LABELS,
        channel_labels=CHANNEL_LABELS,
        status_labels=COMMENT_STATUS_LABELS,
    )


def _comment_actions(comment: Comment, reported: bool) -> tuple[str, ...]:
    """A published comment with open reports may be confirmed ("approve" keeps it and
    closes the reports); without reports there is nothing to approve."""
    if comment.status == CommentStatus.PUBLISHED and reported:
        return ("approve", "hide")
    return STATUS_ACTIONS[comment.status]


def comment(comment_id: int) -> str:
    found, process = _moderated_comment(comment_id)
    return _detail_page(found, process)


def _to_comment(comment: Comment) -> Response:
    return redirect(url_for(".comment", comment_id=comment.id))


def add_note(comment_id: int) -> ResponseReturnValue:
    found, process = _moderated_comment(comment_id)
    form = forms.NoteForm()
    if not form.validate_on_submit():
        return _detail_page(found, process, note_form=form), 400
    mod.add_note(found, process, _actor(), form.text.data or "")
    db.session.commit()
    flash(_("The note has been saved."), "success")
    return _to_comment(found)


def official_reply(comment_id: int) -> ResponseReturnValue:
    found, process = _moderated_comment(comment_id)
    form = forms.OfficialReplyForm()
    if not form.validate_on_submit():
        return _detail_page(found, process, reply_form=form), 400
    mod.save_official_reply(
        found, process, _actor(), form.author_label.data or "", form.body.data or ""
    )
    db.session.commit()
    flash(_("The official reply has been published."), "success")
    return _to_comment(found)


def _participant_of(comment: Comment) -> Participant:
    participant = db.session.get(Participant, comment.participant_id or 0)
    if participant is None:
        abort(404)  # offline input has no participant to block
    return participant


def block(comment_id: int) -> ResponseReturnValue:
    found, process = _moderated_comment(comment_id)
    participant = _participant_of(found)
    form = forms.BlockForm()
    if not form.validate_on_submit():
        return _detail_page(found, process, block_form=form), 400
    mod.block(
        participant,
        mod.BlockDuration(form.duration.data),
        form.reason.data or "",
        actor=_actor(),
        process=process,
    )
    db.session.commit()
    flash(_("The participant has been blocked."), "success")
    return _to_comment(found)


def unblock(comment_id: int) -> Response:
    found, process = _moderated_comment(comment_id)
    participant = _participant_of(found)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    mod.unblock(participant, actor=_actor(), process=process)
    db.session.commit()
    flash(_("The block has been lifted."), "success")
    return _to_comment(found)
