"""The public goal page, built in one place from the goals, ratings and comments services.

``goals.views.detail`` shows it. The rating and comment views show it again with
their posted form when that form is invalid (``rating_form=`` / ``comment_form=``),
so the errors stand next to the fields and what was typed stays. Building the page
only reads: a GET never writes or commits. The number of queries does not grow with
the number of comments.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import orm as so

from app.assessment.services.visibility import public_assessments
from app.comments import fragments
from app.comments import listing as comment_listing
from app.comments.forms import SORT_LABELS, CommentForm, comment_form
from app.core import policy
from app.extensions import db
from app.goals import services
from app.goals.models import Goal
from app.moderation.services import official_replies
from app.participation.services import current_participant, gate, identity
from app.processes.models import ParticipationMode, Process, ResultsVisibility
from app.processes.services import get_process_or_404
from app.ratings import services as ratings
from app.ratings.forms import RatingForm, rating_form
from app.ratings.models import RatingQuestion
from app.results.models import Aggregate
from app.results.services import process_counts


def visible_goal_or_404(slug: str, code: str) -> tuple[Process, Goal]:
    """The process and goal named in the URL, if the visitor may see them (else 404).

    One query: the process with its phases (joined: a handful of rows) and the goal,
    instead of three round trips on every comment and rating POST."""
    rows = (
        db.session.execute(
            sa.select(Process, Goal)
            .outerjoin(Goal, sa.and_(Goal.process_id == Process.id, Goal.code == code))
            .where(Process.slug == slug)
            .options(so.joinedload(Process.phases))
        )
        .unique()
        .all()
    )
    if not rows:
        abort(404)
    process, goal = rows[0]
    if not policy.can_view_process(current_user, process) or goal is None:
        abort(404)
    return process, goal


def visible_place_or_404(slug: str, code: str) -> tuple[Process, services.Place]:
    """Like :func:`visible_goal_or_404`, with the trail and sub-goals from the same query."""
    process = get_process_or_404(slug)
    if not policy.can_view_process(current_user, process):
        abort(404)
    return process, services.place_or_404(process.id, code)


def render(
    process: Process,
    goal: Goal,
    *,
    place: services.Place | None = None,
    rating_form: RatingForm | None = None,
    comment_form: CommentForm | None = None,
) -> str:
    """The goal page; a posted form given here is shown instead of an empty one.
    ``place``: where the goal stands, if the caller has read it already."""
    counts = process_counts(process.id)  # read once: rating results and comment count
    refusal = gate(process)  # why this visitor cannot take part, asked once
    return render_template(
        "goals/detail.html",
        **goal_context(process, place or services.place(goal)),
        **rating_section(process, goal, rating_form, counts, refusal),
        **comment_section(process, goal, comment_form, counts, refusal),
    )


def goal_context(process: Process, place: services.Place) -> dict[str, Any]:
    """The goal, its current text, the trail above it and its sub-goals."""
    goal, trail, subgoals = place.goal, place.trail, place.subgoals
    revisions = services.current_revisions([goal.id, *(g.id for g in trail + subgoals)])
    return {
        "process": process,
        "goal": goal,
        "revision": revisions[goal.id],
        "trail": trail,
        "subgoals": subgoals,
        "revisions": revisions,
        # Revisions are numbered 1, 2, 3 … and never deleted: the newest number counts them.
        "revision_count": revisions[goal.id].number,
    }


# --- rating -------------------------------------------------------------------------


def _rating_hidden_note(process: Process) -> str:
    if process.results_visibility == ResultsVisibility.AFTER_PHASE:
        return _("Results are shown after the participation phase.")
    return _("Results are only visible to staff.")


def _empty_rating_form(process: Process, goal: Goal, questions: list[RatingQuestion]) -> RatingForm:
    """The form with the visitor's stored answers ticked."""
    who = identity(process, named=False)
    answers = ratings.current_answers(goal, who.participant)
    return rating_form(process, questions, who, answers=answers)


def _phase_end(process: Process) -> datetime | None:
    phase = process.participation_phase()
    return phase.ends_at if phase is not None else None


def rating_section(
    process: Process,
    goal: Goal,
    form: RatingForm | None,
    counts: Aggregate | None,
    refusal: str | None,
) -> dict[str, Any]:
    """The rating form (or why there is none) and the results, if the visitor may see them."""
    questions = ratings.rating_questions(process, goal)
    if refusal is None and form is None:
        form = _empty_rating_form(process, goal, questions)
    visible = policy.can_see_rating_results(current_user, process)
    return {
        "rating_form": form if refusal is None else None,
        "rating_refusal": refusal,
        "rating_closed": not process.is_participation_open(),
        "rating_results": (
            ratings.goal_results(process, goal, questions, ratings.numbers_in(counts, goal))
            if visible
            else None
        ),
        "rating_hidden_note": None if visible else _rating_hidden_note(process),
        "rating_phase_end": _phase_end(process),
        "rating_asked": bool(questions),  # none may be asked about goals of this level
    }


# --- comments -----------------------------------------------------------------------


def comment_sort() -> comment_listing.Sort:
    """The sort order the visitor chose (newest unless a known one was asked for)."""
    return comment_listing.parse_sort(request.values.get("sort", ""))


def comment_count(counts: Aggregate | None, goal: Goal) -> int:
    """Read from the stored aggregate, like every count on the public pages."""
    per_goal = (counts.data or {}).get("per_goal", {}) if counts is not None else {}
    return int(per_goal.get(str(goal.id), {}).get("comments", 0))


def comment_listing_context(process: Process, goal: Goal, refusal: str | None) -> dict[str, Any]:
    """One page of comments with their official replies and public assessments;
    ``refusal`` is what :func:`gate` says for this visitor."""
    viewer = current_participant()
    shown_page = comment_listing.listing(goal.id, comment_sort(), request.args.get("after"), viewer)
    shown = [c.id for t in shown_page.threads for c in (t.comment, *t.replies)]
    return {
        "comments": shown_page,
        "comment_fragments": fragments.rendered(shown_page, process, goal, refusal is None),
        "official_replies": official_replies(shown),
        "comment_assessments": public_assessments(process, shown),  # one query at most
        "comment_can_take_part": refusal is None,
    }


def comment_section(
    process: Process,
    goal: Goal,
    form: CommentForm | None,
    counts: Aggregate | None,
    refusal: str | None,
) -> dict[str, Any]:
    """The comment form (or why there is none) and the first page of comments."""
    if form is None and refusal is None:
        form = comment_form(process)
    return comment_listing_context(process, goal, refusal) | {
        "comment_form": form,
        "comment_refusal": refusal,
        "comment_account_mode": process.participation_mode == ParticipationMode.ACCOUNT,
        "comment_closed": not process.is_participation_open(),
        "comment_count": comment_count(counts, goal),
        "comment_sorts": SORT_LABELS,
    }
