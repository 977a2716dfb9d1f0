"""Public results pages: a survey (filtered by a demographic group or not), its
cross-tabs, and the goal ratings of a process (the Trialog).

Served from stored snapshots only (``app.results.snapshots``, suppressed); when a
snapshot is missing the page says the results are being computed and a rebuild is
queued (``presenting.queue_missing``). Whether the public sees results at all is
``policy.can_see_survey_results`` / ``can_see_rating_results``.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from app.core import policy
from app.extensions import db
from app.i18n import current_lang
from app.processes.services import get_process_or_404
from app.results import filters, page_cache, presenting, process_presenting, snapshots
from app.results.triggers import PROCESS_SCOPE, SURVEY_SCOPE
from app.surveys.lookups import get_survey_or_404
from app.surveys.models import Survey


def _survey(slug: str) -> Survey:
    survey = get_survey_or_404(slug, questionnaire=False)
    # Results that are not (yet) public are not admitted to exist.
    visible = policy.can_view_survey(current_user, survey)
    if not visible or not policy.can_see_survey_results(current_user, survey):
        abort(404)
    return survey


def _computing(template: str, **context: Any) -> str:
    db.session.commit()  # the queued rebuild (if any) goes out after the commit
    return render_template(template, computing=True, **context)


def selected_group(survey: Survey) -> filters.Selection:
    """``?group=`` of a results page: unknown → 404, an old option id → redirect (see
    ``app.results.filters``; the caller returns ``redirect_to`` as a response)."""
    selection = filters.select(survey.id, request.args.get("group"))
    if selection.unknown:
        abort(404)
    return selection


def group_redirect(endpoint: str, selection: filters.Selection, **values: Any) -> Any:
    args: dict[str, Any] = request.args.to_dict() | {"group": selection.redirect_to}
    return redirect(url_for(endpoint, **values, **args), code=301)


def survey(slug: str) -> ResponseReturnValue:
    """The public results page; public viewers get it from ``page_cache`` (see there)."""
    survey = _survey(slug)
    selection = selected_group(survey)
    if selection.redirect_to:
        return group_redirect("results.survey", selection, slug=survey.slug)
    option_id = selection.option_id
    if not page_cache.public_viewer():
        return _survey_page(survey, option_id)[0]
    stamp = snapshots.stamp(SURVEY_SCOPE, survey.id)
    if stamp is None:
        return _survey_page(survey, option_id)[0]
    digest = page_cache.texts_digest(survey)
    key = f"survey|{survey.id}|{stamp[0]}|{stamp[1]}|{digest}|{current_lang()}|{option_id}"
    return page_cache.page(key, lambda: _survey_page(survey, option_id))


def _survey_page(survey: Survey, option_id: int | None) -> tuple[str, bool]:
    """The rendered page, and whether it may be kept (not while results are computed)."""
    data = snapshots.public_survey(survey.id)
    if data is None:
        presenting.queue_missing(SURVEY_SCOPE, survey.id)
        return _computing("results/survey.html", survey=survey, staff=False), False
    labels = presenting.Labels.of(survey)
    context = _filter_context(survey, data, labels, option_id)
    page = render_template("results/survey.html", survey=survey, staff=False, **context)
    return page, not context.get("computing")


def _filter_context(
    survey: Survey, data: dict[str, Any], labels: presenting.Labels, option_id: int | None
) -> dict[str, Any]:
    params = filters.GroupParams.of(survey.id)
    context: dict[str, Any] = {
        "demographics": presenting.demographics(data, labels, public=True, params=params),
        "selected": option_id,
        "as_of": presenting.as_of(data),
        "head": {"respondents": data.get("respondents"), "weighted": data.get("weighted")},
    }
    digest = page_cache.texts_digest(survey)
    key = ("survey", survey.id, data["version"], data["as_of"], digest, current_lang(), option_id)
    if option_id is None:
        context["results_html"] = page_cache.rendered(
            key, lambda: numbers(presenting.survey_results(data, survey, labels), survey)
        )
        return context
    group = presenting.find_group(data, option_id)
    if group is None:
        abort(404)
    context["group"] = {
        "label": labels.option(option_id),
        "prompt": labels.prompt(group["question_id"]),
    }
    filtered = snapshots.public_filter(survey.id, option_id)
    if filtered is None or filtered.get("hidden"):
        context["too_few"] = True
        return context
    if not filtered["questions"] and data["questions"]:
        presenting.queue_missing(SURVEY_SCOPE, survey.id)
        db.session.commit()
        context["computing"] = True
        return context
    context["group"]["n"] = filtered["filter"]["n"]
    context["results_html"] = page_cache.rendered(
        key,
        lambda: numbers(
            presenting.survey_results(filtered, survey, labels, timeline=False), survey
        ),
    )
    return context


def numbers(results: presenting.SurveyResults, survey: Survey, **context: Any) -> Markup:
    """The rendered charts and tables of a survey results page (an autoescaped template)."""
    html = render_template("results/_results.html", results=results, survey=survey, **context)
    return Markup(html)  # noqa: S704


def crosstab(slug: str) -> str:
    survey = _survey(slug)
    data = snapshots.public_survey(survey.id)
    if data is None:
        presenting.queue_missing(SURVEY_SCOPE, survey.id)
        return _computing("results/crosstab.html", survey=survey, staff=False)
    labels = presenting.Labels.of(survey)
    context = crosstab_context(data, labels)
    by = context["by"]
    if by is not None and context["question"] is not None:
        table = snapshots.public_crosstab(survey.id, by)
        if table is None:
            presenting.queue_missing(SURVEY_SCOPE, survey.id)
            db.session.commit()
            context["computing"] = True
        else:
            context["crosstables"] = crosstab_tables(table, data, labels, context)
    return render_template("results/crosstab.html", survey=survey, staff=False, **context)


def crosstab_context(data: dict[str, Any], labels: presenting.Labels) -> dict[str, Any]:
    """The cross-tab form's choices and the chosen values (valid ones only)."""
    demographics = [d["question_id"] for d in data.get("demographics", [])]
    by = request.args.get("by", type=int)
    by = by if by in demographics else (demographics[0] if demographics else None)
    questions = presenting.crosstab_questions(data, labels, by) if by is not None else []
    question = request.args.get("question", type=int)
    if question not in {qid for qid, _p in questions}:
        question = questions[0][0] if questions else None
    mode = request.args.get("show", "counts")
    mode = mode if mode in presenting.CROSSTAB_MODES else "counts"
    return {
        "as_of": presenting.as_of(data),
        "by_choices": [(qid, labels.prompt(qid)) for qid in demographics],
        "question_choices": questions,
        "by": by,
        "question": question,
        "mode": mode,
        "crosstables": [],
    }


def crosstab_tables(
    table: dict[str, Any],
    data: dict[str, Any],
    labels: presenting.Labels,
    context: dict[str, Any],
) -> list[presenting.CrossTable]:
    question = context["question"]
    entry = table["questions"].get(str(question))
    overall = next((q for q in data["questions"] if q["id"] == question), None)
    if entry is None or overall is None or overall.get("hidden"):
        return []
    groups = table.get("groups") or next(
        d["groups"] for d in data["demographics"] if d["question_id"] == context["by"]
    )
    if entry["kind"] == "number":
        context["group_stats"] = presenting.crosstab_stats(entry, groups, labels)
        return []
    if entry["kind"] == "ranking":
        return presenting.crosstab_ranking(entry, overall, groups, labels, context["mode"])
    return presenting.crosstab_tables(entry, overall, groups, labels, context["mode"])


def process(slug: str) -> str:
    process = get_process_or_404(slug)
    visible = policy.can_view_process(current_user, process)
    if not visible or not policy.can_see_rating_results(current_user, process):
        abort(404)
    data = snapshots.public_process(process.id)
    if data is None:
        presenting.queue_missing(PROCESS_SCOPE, process.id)
        return _computing("results/process.html", process=process, staff=False)
    digest = page_cache.process_texts_digest(process.id)  # texts now, numbers stored
    key = ("process", process.id, data["version"], data["as_of"], digest, current_lang())
    view = process_presenting.ProcessResults(presenting.as_of(data), data["threshold"], [])
    goals = page_cache.rendered(
        key, lambda: goal_tables(process_presenting.process_results(process, data))
    )
    return render_template(
        "results/process.html", process=process, staff=False, view=view, goals_html=goals
    )


def goal_tables(view: process_presenting.ProcessResults, **context: Any) -> Markup:
    """The rendered rating tables and charts of every rated goal."""
    return Markup(render_template("results/_process_goals.html", view=view, **context))  # noqa: S704
