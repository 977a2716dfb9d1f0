"""Staff edit a process's rating questions: add, reword, reorder, remove.

Until the first rating of the process arrives every change is allowed. After it,
only the texts may change (the prompt in each language): a new, removed, moved or
re-scaled question, or one asked about other goals, would make the stored ratings
mean something else. A process keeps at least one question. Functions flush and
audit (``rating_question.*``); the caller commits.
"""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa

from app.audit.services import record
from app.extensions import db
from app.processes.models import Process
from app.ratings.models import Rating, RatingQuestion, ScaleKind
from app.ratings.services import rating_questions
from app.results.tasks import schedule_process_recount

PROMPT_MAX = 500  # as the staff form's text fields


class RatingQuestionErrorCode(enum.StrEnum):
    """Why a change was refused; views map these to a translated message."""

    LOCKED = "locked"  # ratings exist: only texts may change
    LAST_QUESTION = "last_question"
    PROMPT_MISSING = "prompt_missing"  # no text in the process's default language
    LEVEL_UNKNOWN = "level_unknown"


class RatingQuestionError(ValueError):
    def __init__(self, code: RatingQuestionErrorCode, message: str, *, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def ratings_started(process: Process) -> bool:
    """Whether any rating of the process exists (confirmed or not)."""
    return (
        db.session.scalar(
            sa.select(Rating.id)
            .join(RatingQuestion, Rating.question_id == RatingQuestion.id)
            .where(RatingQuestion.process_id == process.id)
            .limit(1)
        )
        is not None
    )


def _snapshot(question: RatingQuestion) -> dict[str, Any]:
    return {
        "key": question.key,
        "position": question.position,
        "scale": question.scale.value,
        "prompt": dict(question.prompt),
        "goal_level": question.goal_level,
    }


def _audit(action: str, question: RatingQuestion, actor: Any, **states: Any) -> None:
    record(action, question, actor=actor, process_id=question.process_id, **states)


def locked_error() -> RatingQuestionError:
    return RatingQuestionError(
        RatingQuestionErrorCode.LOCKED,
        "the process has ratings: only the texts of its questions may change",
        field="scale",
    )


def _unlocked(process: Process) -> None:
    if ratings_started(process):
        raise locked_error()


def _clean_prompt(process: Process, prompt: dict[str, str]) -> dict[str, str]:
    cleaned = {lang: text.strip() for lang, text in prompt.items() if text and text.strip()}
    if not cleaned.get(process.default_locale):
        raise RatingQuestionError(
            RatingQuestionErrorCode.PROMPT_MISSING,
            f"the question needs a text in {process.default_locale}",
            field=f"prompt_{process.default_locale}",
        )
    return {lang: text[:PROMPT_MAX] for lang, text in cleaned.items()}


def _check_level(process: Process, level: int | None) -> None:
    if level is not None and not 0 <= level < max(len(process.level_names), 1):
        raise RatingQuestionError(
            RatingQuestionErrorCode.LEVEL_UNKNOWN, f"no goal level {level}", field="goal_level"
        )


def _new_key(process: Process) -> str:
    taken = {q.key for q in rating_questions(process)}
    number = len(taken) + 1
    while f"q{number}" in taken:
        number += 1
    return f"q{number}"


def add_question(
    process: Process,
    *,
    scale: ScaleKind,
    prompt: dict[str, str],
    goal_level: int | None = None,
    actor: Any,
) -> RatingQuestion:
    """A new question at the end; refused once ratings exist."""
    _unlocked(process)
    texts = _clean_prompt(process, prompt)
    _check_level(process, goal_level)
    existing = rating_questions(process)
    question = RatingQuestion(
        process_id=process.id,
        key=_new_key(process),
        scale=scale,
        prompt=texts,
        goal_level=goal_level,
        position=max((q.position for q in existing), default=-1) + 1,
    )
    db.session.add(question)
    db.session.flush()
    _audit("rating_question.create", question, actor, after=_snapshot(question))
    schedule_process_recount(process.id)
    return question


def update_question(
    question: RatingQuestion,
    *,
    prompt: dict[str, str],
    scale: ScaleKind | None = None,
    goal_level: int | None = None,
    actor: Any,
) -> None:
    """Reword (always); change the scale or the goal level (only before ratings).

    ``scale`` None keeps it; a ``goal_level`` equal to the stored one is no change.
    """
    process = db.session.get(Process, question.process_id)
    assert process is not None
    texts = _clean_prompt(process, prompt)
    new_scale = question.scale if scale is None else scale
    if new_scale != question.scale or goal_level != question.goal_level:
        _unlocked(process)
        _check_level(process, goal_level)
    before = _snapshot(question)
    question.prompt, question.scale, question.goal_level = texts, new_scale, goal_level
    db.session.flush()
    _audit("rating_question.update", question, actor, before=before, after=_snapshot(question))
    schedule_process_recount(process.id)


def move_question(question: RatingQuestion, direction: str, *, actor: Any) -> bool:
    """Swap with the neighbour above (``up``) or below; False at the edge."""
    process = db.session.get(Process, question.process_id)
    assert process is not None
    _unlocked(process)
    ordered = rating_questions(process)
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    db.session.flush()
    _audit("rating_question.move", question, actor, after={"order": [q.key for q in ordered]})
    schedule_process_recount(process.id)
    return True


def delete_question(question: RatingQuestion, *, actor: Any) -> None:
    """Remove a question; refused once ratings exist, and for the last one."""
    process = db.session.get(Process, question.process_id)
    assert process is not None
    _unlocked(process)
    if len(rating_questions(process)) <= 1:
        raise RatingQuestionError(
            RatingQuestionErrorCode.LAST_QUESTION,
            "a process keeps at least one rating question",
            field="question",
        )
    before = _snapshot(question)
    _audit("rating_question.delete", question, actor, before=before)
    db.session.delete(question)
    db.session.flush()
    schedule_process_recount(process.id)
