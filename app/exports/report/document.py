"""What the Ergebnisbericht shows: the public results views of one survey, whole or
for one demographic group, with the facts of its title page.

Reads the stored public snapshot (and, for a group, its cross-tab column) through
``app.results.snapshots`` and turns it into the views of ``app.results.presenting``,
the same the public results pages render: suppressed cells arrive as "hidden" and
stay so. Nothing here counts answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import g
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from app.exports.source import ExportError
from app.i18n import tr_text
from app.results import presenting, snapshots
from app.surveys.models import Survey


@dataclass(frozen=True)
class Group:
    option_id: int
    label: str
    prompt: str
    n: int | None


@dataclass
class Report:
    survey: Survey
    title: str
    lang: str
    period: str
    as_of: str  # the snapshot's moment, in the export language
    threshold: int
    group: Group | None
    respondents: dict[str, Any]
    results: presenting.SurveyResults

    @property
    def hidden_questions(self) -> set[int]:
        """Questions with something hidden (a cell, a distribution or all of it)."""
        out = set()
        for view in self.results.questions:
            items = view.items
            if (
                view.hidden
                or view.ranking_hidden
                or any(i.hidden or i.any_suppressed for i in items)
                or (view.ranking and any(item.suppressed for item in view.ranking))
            ):
                out.add(view.id)
        return out


@contextmanager
def content_language(lang: str) -> Iterator[None]:
    """Texts staff wrote (question prompts, options) in ``lang``, as on a page in it."""
    before = g.get("lang_code")
    g.lang_code = lang
    try:
        yield
    finally:
        g.lang_code = before


def _period(survey: Survey, data: dict[str, Any]) -> str:
    start: date | None = survey.opens_at.date() if survey.opens_at else None
    end: date | None = survey.closes_at.date() if survey.closes_at else None
    days = [date.fromisoformat(d["day"]) for d in data.get("timeline") or []]
    if start is None and days:
        start = days[0]
    if end is None and days:
        end = days[-1]
    if start is None or end is None:
        return ""
    return _(
        "%(start)s to %(end)s",
        start=format_date(start, "medium"),
        end=format_date(end, "medium"),
    )


def _group(
    survey: Survey, data: dict[str, Any], option_id: int, labels: presenting.Labels
) -> tuple[Group, dict[str, Any]]:
    found = presenting.find_group(data, option_id)
    if found is None:
        raise ExportError(_("The chosen group is not a group of this survey."))
    filtered = snapshots.public_filter(survey.id, option_id)
    if filtered is None or filtered.get("hidden"):
        raise ExportError(
            _(
                "Too few respondents in this group: results are published only for groups "
                "of at least %(k)d people.",
                k=survey.suppression_threshold,
            )
        )
    if data["questions"] and not filtered["questions"]:
        raise ExportError(_("The results of this survey are being computed; try again shortly."))
    group = Group(
        option_id,
        labels.option(option_id),
        labels.prompt(found["question_id"]),
        filtered["filter"]["n"],
    )
    return group, filtered


def build(
    survey: Survey, options: dict[str, Any], lang: str, progress: Callable[[int], None]
) -> Report:
    """The report of ``survey`` (``options["group"]``: an option id, or None for all)."""
    data = snapshots.public_survey(survey.id)
    if data is None:
        raise ExportError(_("The results of this survey are being computed; try again shortly."))
    labels = presenting.Labels.of(survey)
    option_id = options.get("group")
    group, shown = (
        (None, data) if option_id is None else _group(survey, data, int(option_id), labels)
    )
    results = presenting.survey_results(shown, survey, labels, timeline=group is None)
    progress(len(results.questions))
    moment = presenting.as_of(data)
    return Report(
        survey=survey,
        title=tr_text(survey.title, survey.default_locale),
        lang=lang,
        period=_period(survey, data),
        as_of=f"{format_date(moment, 'medium')} {format_time(moment, 'short')}",
        threshold=results.threshold,
        group=group,
        respondents=data.get("respondents") or {},
        results=results,
    )
