"""Weighted results: raking to saved margins, weights stored per response, weighted
numbers against pandas and statsmodels, Kish n_eff, representativeness."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from app.extensions import db
from app.results.margins import MarginEntry, save_margins
from app.surveys.models import Response
from tests.results.conftest import ResultsSurvey, answers_frame, rebuild, responses_frame

AGE = {"under-18": 5, "18-29": 15, "30-44": 22, "45-59": 25, "60-74": 21, "75-plus": 12}
TOWN = {"lehre": 40, "velpke": 35, "nord": 25}


def _margins(made: ResultsSurvey, cap: float = 20.0) -> None:
    entries = [MarginEntry(made.q["age"].id, made.option("age", v).id, s) for v, s in AGE.items()]
    entries += [
        MarginEntry(made.q["town"].id, made.option("town", v).id, s) for v, s in TOWN.items()
    ]
    save_margins(made.survey, entries, trim_cap=cap, source="Zensus 2022")
    db.session.commit()


def _entry(data: dict[str, Any], question_id: int) -> dict[str, Any]:
    return next(e for e in data["questions"] if e["id"] == question_id)


@pytest.fixture
def weighted(made: ResultsSurvey) -> dict[str, Any]:
    _margins(made)
    return rebuild(made)


def test_weighted_margins_match_the_population(
    made: ResultsSurvey, weighted: dict[str, Any]
) -> None:
    frame = answers_frame(made.survey.id)
    for key, shares in (("age", AGE), ("town", TOWN)):
        answers = frame[frame.question_id == made.q[key].id]
        known = answers[answers.option_id.isin([made.option(key, v).id for v in shares])]
        for value, share in shares.items():
            mine = known[known.option_id == made.option(key, value).id]["w"].sum()
            assert 100 * mine / known["w"].sum() == pytest.approx(share, abs=1e-5)
    report = weighted["weighting"]["report"]
    assert report["converged"] and report["cap_respected"]


def test_weights_are_stored_per_response_with_mean_one(
    made: ResultsSurvey, weighted: dict[str, Any]
) -> None:
    responses = responses_frame(made.survey.id)
    assert responses["w"].mean() == pytest.approx(1.0, abs=1e-9)
    assert responses["w"].nunique() > 1
    weights = responses["w"].to_numpy()
    n_eff = weights.sum() ** 2 / (weights**2).sum()
    report = weighted["weighting"]["report"]
    assert report["n_eff"] == pytest.approx(n_eff, abs=0.01)
    assert report["deff"] == pytest.approx(len(weights) / n_eff, abs=1e-4)
    assert weighted["respondents"]["wn"] == pytest.approx(weights.sum(), abs=1e-3)


def test_weighted_counts_percentages_and_intervals(
    made: ResultsSurvey, weighted: dict[str, Any]
) -> None:
    frame = answers_frame(made.survey.id)
    question = made.q["scale"]
    answers = frame[frame.question_id == question.id]
    na_ids = {o.id for o in question.options if o.is_no_answer}
    valid = answers[~answers.option_id.isin(na_ids)]
    dist = _entry(weighted, question.id)["items"][0]
    n_eff = valid["w"].sum() ** 2 / (valid["w"] ** 2).sum()
    assert dist["neff"] == pytest.approx(n_eff, abs=0.01)
    for option in dist["options"]:
        mine = answers[answers.option_id == option["id"]]["w"].sum()
        assert option["wcount"] == pytest.approx(mine, abs=1e-3)
        assert option["wpct"] == pytest.approx(100 * mine / answers["w"].sum(), abs=0.006)
        if option["na"]:
            continue
        share = mine / valid["w"].sum()
        assert option["wvpct"] == pytest.approx(100 * share, abs=0.006)
        low, high = proportion_confint(share * n_eff, n_eff, method="wilson")
        assert option["wci"] == pytest.approx([100 * low, 100 * high], abs=0.006)


def test_weighted_mean_sd_and_quartiles(made: ResultsSurvey, weighted: dict[str, Any]) -> None:
    frame = answers_frame(made.survey.id)
    answers = frame[(frame.question_id == made.q["scale"].id) & frame.value.notna()]
    stats = _entry(weighted, made.q["scale"].id)["items"][0]["wstats"]
    described = DescrStatsW(answers["value"].to_numpy(), weights=answers["w"].to_numpy())
    n = len(answers)
    assert stats["mean"] == pytest.approx(described.mean, abs=1e-6)
    assert stats["sd"] == pytest.approx(np.sqrt(described.var * n / (n - 1)), abs=1e-6)
    values, weights = answers["value"].to_numpy(), answers["w"].to_numpy()
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    median = values[order][np.searchsorted(cumulative, 0.5 - 1e-12)]
    assert stats["median"] == pytest.approx(median, abs=1e-9)


def test_representativeness_compares_sample_and_population(
    made: ResultsSurvey, weighted: dict[str, Any]
) -> None:
    frame = answers_frame(made.survey.id)
    margin = next(
        m for m in weighted["weighting"]["margins"] if m["question_id"] == made.q["town"].id
    )
    answers = frame[frame.question_id == made.q["town"].id]
    known = answers[answers.option_id.isin([made.option("town", v).id for v in TOWN])]
    for category in margin["categories"]:
        count = int((known.option_id == category["option_id"]).sum())
        assert category["count"] == count
        assert category["sample"] == pytest.approx(100 * count / len(known), abs=0.006)
        assert category["weighted"] == pytest.approx(category["population"], abs=0.006)
        assert category["diff_pp"] == pytest.approx(
            category["sample"] - category["population"], abs=0.011
        )
    assert margin["missing"] == weighted["respondents"]["n"] - len(known)


def test_trimming_caps_the_weights(made: ResultsSurvey) -> None:
    _margins(made, cap=1.5)
    data = rebuild(made)
    report = data["weighting"]["report"]
    weights = db.session.scalars(sa.select(Response.weight)).all()
    assert report["trim_rounds"] >= 1 and report["trimmed_cells"] >= 1
    assert max(weights) == pytest.approx(report["max_weight"], abs=1e-6)
    assert report["cap_respected"] == (max(weights) <= 1.5 * 1.001)
    assert report["converged"]  # the margins still hold after trimming


def test_without_margins_the_weights_return_to_one(made: ResultsSurvey) -> None:
    from app.results.margins import clear_margins

    _margins(made)
    rebuild(made)
    clear_margins(made.survey)
    db.session.commit()
    data = rebuild(made)
    assert data["weighting"]["active"] is False and data["weighted"] is False
    assert set(db.session.scalars(sa.select(Response.weight))) == {1.0}
    assert "wcount" not in _entry(data, made.q["scale"].id)["items"][0]["options"][0]


@pytest.mark.parametrize("by", ["town", "gender"])  # a margin question, and another one
def test_weighted_crosstab_columns(made: ResultsSurvey, weighted: dict[str, Any], by: str) -> None:
    from app.results.snapshots import stored

    frame = answers_frame(made.survey.id)
    groups = frame[frame.question_id == made.q[by].id].set_index("response_id")["option_id"]
    answers = frame[frame.question_id == made.q["multi"].id].copy()
    answers["group"] = answers.response_id.map(groups).fillna(-1).astype(int)
    crosstab = stored("survey_crosstab", made.q[by].id)
    assert crosstab is not None
    columns = crosstab["questions"][str(made.q["multi"].id)]["columns"]
    for key, column in columns.items():
        mine = answers[answers.group == (-1 if key == "none" else int(key))]
        respondents = mine.drop_duplicates("response_id")
        dist = column["items"][0]
        assert dist["wn"] == pytest.approx(respondents["w"].sum(), abs=1e-3)
        if len(respondents) > 1:
            n_eff = respondents["w"].sum() ** 2 / (respondents["w"] ** 2).sum()
            assert dist["neff"] == pytest.approx(n_eff, abs=0.01)  # no "keine Angabe" here
        for option in dist["options"]:
            expected = mine[mine.option_id == option["id"]]["w"].sum()
            assert option["wcount"] == pytest.approx(expected, abs=1e-3)
