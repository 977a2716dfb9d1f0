"""Every statistic of a survey snapshot against an independent computation (pandas,
numpy, statsmodels) from the raw answers of generated responses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from app.results.survey_queries import OVERALL
from tests.results.conftest import (
    ResultsSurvey,
    answers_frame,
    rebuild,
    responses_frame,
)

PCT = 0.005 + 1e-9  # the snapshot rounds percentages to two decimals
ROUND = 1e-6


def _entry(data: dict[str, Any], question_id: int) -> dict[str, Any]:
    return next(e for e in data["questions"] if e["id"] == question_id)


def _wilson(count: int, n: int) -> list[float]:
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    return [100 * low, 100 * high]


def _check_choice(dist: dict[str, Any], answers: pd.DataFrame, na_ids: set[int], base: int) -> None:
    counts = answers["option_id"].value_counts()
    na_count = int(counts[counts.index.isin(na_ids)].sum())
    valid = base - na_count
    assert dist["n"] == base and dist["valid"] == valid
    for option in dist["options"]:
        count = int(counts.get(option["id"], 0))
        assert option["count"] == count
        assert option["pct"] == pytest.approx(100 * count / base, abs=PCT)
        denominator = base if option["na"] else valid
        if not option["na"]:
            assert option["vpct"] == pytest.approx(100 * count / valid, abs=PCT)
        assert option["ci"] == pytest.approx(_wilson(count, denominator), abs=PCT)


def _check_stats(stats: dict[str, Any], values: pd.Series) -> None:
    assert stats["n"] == len(values)
    assert stats["mean"] == pytest.approx(values.mean(), abs=ROUND)
    assert stats["sd"] == pytest.approx(values.std(ddof=1), abs=ROUND)
    assert stats["min"] == values.min() and stats["max"] == values.max()
    for key, p in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        expected = np.quantile(values.to_numpy(), p, method="averaged_inverted_cdf")
        assert stats[key] == pytest.approx(expected, abs=ROUND)


def test_single_choice_and_scale_counts_percentages_intervals_and_statistics(
    made: ResultsSurvey,
) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    for key in ("scale", "single", "age", "town"):
        question = made.q[key]
        answers = frame[frame.question_id == question.id]
        entry = _entry(data, question.id)
        na_ids = {o.id for o in question.options if o.is_no_answer}
        assert entry["n"] == answers.response_id.nunique() == len(answers)
        _check_choice(entry["items"][0], answers, na_ids, len(answers))
    scale = made.q["scale"]
    scores = frame[(frame.question_id == scale.id) & frame.value.notna()]["value"]
    _check_stats(_entry(data, scale.id)["items"][0]["stats"], scores)


def test_multiple_choice_is_counted_per_option_of_respondents(made: ResultsSurvey) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    question = made.q["multi"]
    answers = frame[frame.question_id == question.id]
    respondents = answers.response_id.nunique()
    entry = _entry(data, question.id)
    assert entry["n"] == respondents < len(answers)  # several ticks per respondent
    _check_choice(entry["items"][0], answers, set(), respondents)
    assert sum(o["count"] for o in entry["items"][0]["options"]) == len(answers)


def test_matrix_distribution_per_row_with_statistics(made: ResultsSurvey) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    question = made.q["matrix"]
    answers = frame[frame.question_id == question.id]
    entry = _entry(data, question.id)
    assert entry["n"] == answers.response_id.nunique()
    na_ids = {o.id for o in question.options if o.is_no_answer}
    for item, row in zip(entry["items"], question.rows, strict=True):
        of_row = answers[answers.row_id == row.id]
        assert item["row_id"] == row.id
        _check_choice(item, of_row, na_ids, len(of_row))
        _check_stats(item["stats"], of_row[of_row.value.notna()]["value"])


def test_ranking_mean_rank_and_borda_per_item(made: ResultsSurvey) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    question = made.q["rank"]
    answers = frame[frame.question_id == question.id]
    ranking = _entry(data, question.id)["ranking"]
    top_n = 3
    assert ranking["n"] == answers.response_id.nunique()
    for item in ranking["items"]:
        ranks = answers[answers.option_id == item["id"]]["rank"]
        assert item["ranked"] == len(ranks)
        assert item["by_rank"] == [int((ranks == r).sum()) for r in range(1, top_n + 1)]
        assert item["mean_rank"] == pytest.approx(ranks.mean(), abs=1e-4)
        assert item["borda"] == int((top_n + 1 - ranks).sum())
        assert item["borda_avg"] == pytest.approx(item["borda"] / ranking["n"], abs=1e-4)


def test_numbers_statistics_and_histogram(made: ResultsSurvey) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    values = frame[frame.question_id == made.q["number"].id]["value"]
    item = _entry(data, made.q["number"].id)["items"][0]
    _check_stats(item["stats"], values)
    histogram = values.value_counts().sort_index()
    assert [[v, c] for v, c, _w in item["histogram"]] == [
        [float(v), int(c)] for v, c in histogram.items()
    ]


def test_text_questions_count_who_answered(made: ResultsSurvey) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    texts = frame[frame.question_id == made.q["text"].id]
    assert _entry(data, made.q["text"].id)["n"] == texts.response_id.nunique() > 0


def test_other_texts_are_counted_for_staff(made: ResultsSurvey) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    other = made.option("single", "other")
    texts = frame[frame.option_id == other.id]["text"].value_counts()
    stored = data["staff"]["other_texts"][str(other.id)]
    assert dict((t, n) for t, n in stored["texts"]) == {t: int(n) for t, n in texts.items()}
    assert stored["distinct"] == len(texts) and stored["more"] == 0
    options = _entry(data, made.q["single"].id)["items"][0]["options"]
    assert next(o for o in options if o["id"] == other.id)["count"] == int(texts.sum())


def test_timeline_per_day_and_channel(made: ResultsSurvey) -> None:
    data = rebuild(made)
    responses = responses_frame(made.survey.id)
    expected = responses.groupby(["day", "channel"]).size()
    stored = {
        (d["day"], channel): d[channel] for d in data["timeline"] for channel in ("online", "paper")
    }
    for (day, channel), n in expected.items():
        assert stored[(day.isoformat(), channel)] == n
    assert sum(stored.values()) == len(responses) == data["respondents"]["n"]
    assert data["respondents"]["paper"] == int((responses.channel == "paper").sum())


def _demographic(data: dict[str, Any], question_id: int) -> dict[str, Any]:
    return next(d for d in data["demographics"] if d["question_id"] == question_id)


def test_group_sizes_include_those_who_did_not_answer(made: ResultsSurvey) -> None:
    data = rebuild(made)
    frame = answers_frame(made.survey.id)
    town = made.q["town"]
    chosen = frame[frame.question_id == town.id].set_index("response_id")["option_id"]
    groups = {g["key"]: g["n"] for g in _demographic(data, town.id)["groups"]}
    for option in town.options:
        assert groups[str(option.id)] == int((chosen == option.id).sum())
    assert groups["none"] == data["respondents"]["n"] - len(chosen) > 0
    assert OVERALL == -1


def test_crosstab_counts_row_and_column_percentages(made: ResultsSurvey) -> None:
    rebuild(made)
    from app.results.snapshots import stored

    frame = answers_frame(made.survey.id)
    town = made.q["town"]
    crosstab = stored("survey_crosstab", town.id)
    assert crosstab is not None
    towns = frame[frame.question_id == town.id].set_index("response_id")["option_id"]
    scale = made.q["scale"]
    answers = frame[frame.question_id == scale.id].copy()
    answers["town"] = answers.response_id.map(towns).fillna(-1).astype(int)
    table = pd.crosstab(answers.option_id, answers.town)
    columns = crosstab["questions"][str(scale.id)]["columns"]
    for group, column in columns.items():
        key = -1 if group == "none" else int(group)
        dist = column["items"][0]
        assert dist["n"] == int(table[key].sum()) if key in table else dist["n"] == 0
        for option in dist["options"]:
            count = int(table.at[option["id"], key]) if key in table else 0
            assert option["count"] == count
            row_total = int(table.loc[option["id"]].sum())
            assert option["rpct"] == pytest.approx(100 * count / row_total, abs=PCT)
            if dist["n"]:
                assert option["pct"] == pytest.approx(100 * count / dist["n"], abs=PCT)


def test_crosstab_columns_add_up_to_the_overall_counts(made: ResultsSurvey) -> None:
    data = rebuild(made)
    from app.results.snapshots import stored

    for demographic in data["demographics"]:
        crosstab = stored("survey_crosstab", demographic["question_id"])
        assert crosstab is not None
        for question_id, table in crosstab["questions"].items():
            overall = _entry(data, int(question_id))
            assert sum(c["n"] for c in table["columns"].values()) == overall["n"]
            for index, item in enumerate(overall.get("items", [])):
                for position, option in enumerate(item["options"]):
                    column_sum = sum(
                        c["items"][index]["options"][position]["count"]
                        for c in table["columns"].values()
                    )
                    assert column_sum == option["count"]
