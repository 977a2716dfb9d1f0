"""Rating results per goal, from the stored process aggregate only (as the goal
pages show them); public as ``policy.can_see_rating_results`` decides for anyone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import force_locale

from app.api.reading.common import localized
from app.core import policy
from app.goals.services import flatten, goal_tree
from app.processes.models import Process, ResultsVisibility
from app.ratings.models import SCALE_VALUES, RatingQuestion
from app.ratings.services import SCALE_LABELS, public_mean, question_result, rating_questions
from app.results import snapshots
from app.results.models import Aggregate


def visible_from(proc: Process) -> datetime | None:
    """When hidden results become public: the end of the participation phase."""
    phase = proc.participation_phase()
    if proc.results_visibility == ResultsVisibility.AFTER_PHASE and phase is not None:
        return phase.ends_at
    return None


def _question(question: RatingQuestion, lang: str, fallback: str) -> dict[str, Any]:
    return {
        "key": question.key,
        "scale": question.scale,
        "prompt": localized(question.prompt, lang, fallback),
        "answers": [
            {"value": value, "label": str(SCALE_LABELS[question.scale][value])}
            for value in SCALE_VALUES[question.scale]
        ],
    }


def _question_result(question: RatingQuestion, counts: dict[str, int]) -> dict[str, Any]:
    """One question's answers as the goal page shows them (suppressed, the Trialog's
    pattern): a hidden count and its percent are null with ``suppressed`` true."""
    result = question_result(question, counts)
    return {
        "key": question.key,
        "total": result.total,
        "hidden": result.hidden,
        "counts": [
            {
                "value": row.value,
                "count": row.count,
                "percent": row.percent,
                "suppressed": row.suppressed,
            }
            for row in result.rows
        ],
    }


# --- the Trialog: ratings per stakeholder group, suppressed -------------------------------


def _distribution(dist: dict[str, Any]) -> dict[str, Any]:
    """A public (suppressed) rating distribution: hidden ones carry no number."""
    if dist.get("hidden"):
        return {"hidden": True, "n": None, "valid": None, "mean": None, "counts": []}
    stats = dist.get("stats") or {}
    return {
        "hidden": False,
        "n": dist.get("n"),
        "valid": dist.get("valid"),
        "mean": stats.get("mean"),
        "counts": [
            {
                "value": option["id"],
                "count": option.get("count"),
                "percent": option.get("pct"),
                "valid_percent": option.get("vpct"),
                "suppressed": bool(option.get("suppressed")),
            }
            for option in dist.get("options", [])
        ],
    }


def _trialog(public: dict[str, Any] | None, groups: list[str]) -> dict[str, Any] | None:
    """One goal's ratings overall and per stakeholder group, as the public results
    page of the process shows them (``snapshots.public_process``)."""
    if public is None:
        return None
    by_group = public["raters_by_group"]
    return {
        "raters": public["raters"],
        "groups": [
            {"group": g, "raters": by_group.get(g), "hidden": by_group.get(g) is None}
            for g in groups
        ],
        "questions": [
            {
                "key": key,
                "overall": _distribution(question["overall"]),
                "groups": [
                    {"group": g} | _distribution(question["groups"].get(g, {"hidden": True}))
                    for g in groups
                ],
            }
            for key, question in public["questions"].items()
        ],
    }


def _goals(proc: Process, stored: Aggregate | None, questions: list[RatingQuestion]) -> list[Any]:
    per_goal = (stored.data if stored else {}).get("per_goal", {})
    public = snapshots.public_process(proc.id) or {"ratings": {}, "groups": []}
    rows = []
    for node in flatten(goal_tree(proc.id)):
        numbers = per_goal.get(str(node.goal.id), {})
        distribution = numbers.get("distribution", {})
        rows.append(
            {
                "goal": node.goal.code,
                "ratings": int(numbers.get("ratings", 0)),
                "mean_agreement": public_mean(questions, numbers),
                "questions": [_question_result(q, distribution.get(q.key, {})) for q in questions],
                "trialog": _trialog(
                    public["ratings"].get(str(node.goal.id)), list(public["groups"])
                ),
            }
        )
    return rows


def process_results(proc: Process, stored: Aggregate | None, lang: str) -> dict[str, Any]:
    visible = policy.can_see_rating_results(None, proc)
    questions = rating_questions(proc)
    with force_locale(lang):
        described = [_question(q, lang, proc.default_locale) for q in questions]
    return {
        "process": proc.slug,
        "visible": visible,
        "visible_from": None if visible else visible_from(proc),
        "as_of": stored.computed_at if stored and visible else None,
        "questions": described,
        "goals": _goals(proc, stored, questions) if visible else [],
    }
