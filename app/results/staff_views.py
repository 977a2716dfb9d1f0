"""Staff results dashboards: a survey (filtered or not, cross-tabs) and a process.

Unsuppressed numbers with a visible warning; every view of subgroup data (a filter,
a cross-tab, the process split by stakeholder group) is audited as
``results.unsuppressed_view`` by ``app.results.snapshots`` before rendering, and the
view commits that event. Served from stored snapshots only.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.core import policy
from app.core.staff_area import acting_user, managed_process
from app.extensions import db
from app.results import filters, presenting, process_presenting, snapshots
from app.results.public_views import (
    crosstab_context,
    crosstab_tables,
    goal_tables,
    group_redirect,
    numbers,
    selected_group,
)
from app.results.triggers import PROCESS_SCOPE, SURVEY_SCOPE
from app.surveys.models import Survey


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    policy.require(policy.can_manage_survey(current_user, survey))
    return survey


def survey(survey_id: int) -> ResponseReturnValue:
    survey = _survey(survey_id)
    selection = selected_group(survey)
    if selection.redirect_to:
        return group_redirect("results_staff.survey", selection, survey_id=survey.id)
    data = snapshots.staff_survey(survey)
    if data is None:
        presenting.queue_missing(SURVEY_SCOPE, survey.id)
        db.session.commit()
        return render_template("results/survey.html", survey=survey, staff=True, computing=True)
    labels = presenting.Labels.of(survey)
    option_id = selection.option_id
    params = filters.GroupParams.of(survey.id)
    context: dict[str, Any] = {
        "demographics": presenting.demographics(data, labels, public=False, params=params),
        "selected": option_id,
        "as_of": presenting.as_of(data),
        "weighting": data.get("weighting") or {},
    }
    context["head"] = {"respondents": data.get("respondents"), "weighted": data.get("weighted")}
    if option_id is None:
        results = presenting.survey_results(data, survey, labels)
    else:
        group = presenting.find_group(data, option_id)
        filtered = snapshots.staff_filter(survey, option_id, acting_user())
        if group is None or filtered is None:
            abort(404)
        db.session.commit()  # the audit event of this view
        context["group"] = {
            "label": labels.option(option_id),
            "prompt": labels.prompt(group["question_id"]),
            "n": group["n"],
        }
        results = presenting.survey_results(filtered, survey, labels, timeline=False)
    context["results_html"] = numbers(results, survey, staff=True, weighting=context["weighting"])
    return render_template("results/survey.html", survey=survey, staff=True, **context)


def crosstab(survey_id: int) -> str:
    survey = _survey(survey_id)
    data = snapshots.staff_survey(survey)
    if data is None:
        presenting.queue_missing(SURVEY_SCOPE, survey.id)
        db.session.commit()
        return render_template("results/crosstab.html", survey=survey, staff=True, computing=True)
    labels = presenting.Labels.of(survey)
    context = crosstab_context(data, labels)
    if context["by"] is not None and context["question"] is not None:
        table = snapshots.staff_crosstab(survey, context["by"], acting_user())
        db.session.commit()  # the audit event (or the queued rebuild)
        if table is None:
            presenting.queue_missing(SURVEY_SCOPE, survey.id)
            db.session.commit()
            context["computing"] = True
        else:
            context["crosstables"] = crosstab_tables(table, data, labels, context)
    return render_template("results/crosstab.html", survey=survey, staff=True, **context)


def process(slug: str) -> str:
    process = managed_process(slug)
    data = snapshots.staff_process(process, acting_user())
    db.session.commit()  # the audit event of this view
    if data is None:
        presenting.queue_missing(PROCESS_SCOPE, process.id)
        db.session.commit()
        return render_template("results/process.html", process=process, staff=True, computing=True)
    view = process_presenting.process_results(process, data)
    process_presenting.with_consensus(view, process, data)
    goals = goal_tables(view, staff=True)
    return render_template(
        "results/process.html", process=process, staff=True, view=view, goals_html=goals
    )
