"""A ranking question by any demographic question (issue 11, cross-tabs): how many
ranked each item, the mean rank and the average Borda score per group, on the staff
dashboard and, suppressed, on the public page. The numbers are checked against pandas
from the raw answers."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.results import snapshots
from app.results.survey_public import _ranking_table
from app.surveys.models import ResultsVisibility
from tests.conftest import login_as
from tests.factories import make_user
from tests.results.conftest import ResultsSurvey, answers_frame, rebuild

TOP_N = 3  # the test survey's ranking: five items, the top three ranked


def _expected(made: ResultsSurvey, by: str) -> pd.DataFrame:
    """Per (group, item): ranked, mean rank, Borda average over the group's respondents."""
    frame = answers_frame(made.survey.id)
    groups = frame[frame.question_id == made.q[by].id].set_index("response_id")["option_id"]
    ranks = frame[frame.question_id == made.q["rank"].id].copy()
    ranks["group"] = ranks.response_id.map(groups).fillna(-1).astype(int)
    ranks["points"] = TOP_N - ranks["rank"] + 1
    respondents = ranks.groupby("group").response_id.nunique()
    out = ranks.groupby(["group", "option_id"]).agg(
        ranked=("response_id", "nunique"), mean_rank=("rank", "mean"), points=("points", "sum")
    )
    out["borda_avg"] = out.points / out.index.get_level_values("group").map(respondents)
    return out


def test_the_snapshot_has_mean_rank_and_borda_per_group(made: ResultsSurvey) -> None:
    rebuild(made)
    expected = _expected(made, "town")
    crosstab = snapshots.stored("survey_crosstab", made.q["town"].id)
    assert crosstab is not None
    columns = crosstab["questions"][str(made.q["rank"].id)]["columns"]
    checked = 0
    for key, column in columns.items():
        group = -1 if key == "none" else int(key)
        for item in column["ranking"]["items"]:
            if (group, item["id"]) not in expected.index:
                assert item["ranked"] == 0
                continue
            row = expected.loc[(group, item["id"])]
            assert item["ranked"] == row.ranked
            assert item["mean_rank"] == pytest.approx(row.mean_rank, abs=1e-4)
            assert item["borda_avg"] == pytest.approx(row.borda_avg, abs=1e-4)
            checked += 1
    assert checked >= 10


def _table(html: str, measure: str) -> list[list[str]]:
    """The body cells (row header first) of the cross-tab table whose caption names
    ``measure``."""
    start = html.index(measure, html.index("<caption"))
    body = html[html.index("<tbody", start) : html.index("</tbody>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [
            re.sub(r"<[^>]+>", " ", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def test_staff_see_every_group_by_counts_percentages_mean_rank_and_borda(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    rebuild(made)
    login_as(client, make_user("admin@example.org", is_admin=True))
    expected = _expected(made, "town")
    rank, town = made.q["rank"], made.q["town"]
    lehre = made.option("town", "lehre").id
    base = f"/en/staff/results/surveys/{made.survey.id}/crosstab?question={rank.id}&by={town.id}"
    html = client.get(base + "&show=counts").get_data(as_text=True)
    assert f'<option value="{rank.id}" selected>' in html  # rankings are offered
    assert "Unsuppressed numbers for staff" in html
    first = made.option("rank", "a").id
    row = expected.loc[(lehre, first)]
    counts = _table(html, "Ranked among the top 3")
    assert counts[0][0] == "A" and counts[0][1] == str(int(row.ranked))  # Lehre is column 1
    assert _table(html, "Mean rank")[0][1] == f"{row.mean_rank:.2f}"
    assert _table(html, "Average Borda score")[0][1] == f"{row.borda_avg:.2f}"
    column = client.get(base + "&show=column").get_data(as_text=True)
    respondents = made_respondents(made, lehre)
    assert (
        _table(column, "Ranked among the top 3")[0][1] == f"{100 * row.ranked / respondents:.1f} %"
    )
    everyone = int(expected.xs(first, level="option_id").ranked.sum())
    by_row = client.get(base + "&show=row").get_data(as_text=True)
    assert _table(by_row, "Ranked among the top 3")[0][1] == f"{100 * row.ranked / everyone:.1f} %"


def made_respondents(made: ResultsSurvey, option_id: int) -> int:
    frame = answers_frame(made.survey.id)
    town = frame[(frame.question_id == made.q["town"].id) & (frame.option_id == option_id)]
    ranks = frame[frame.question_id == made.q["rank"].id]
    return int(ranks[ranks.response_id.isin(town.response_id)].response_id.nunique())


def _hides(public: dict, rank: str, group: dict, index: int) -> bool:
    column = public["questions"][rank]["columns"][group["key"]]
    if group["hidden"] or column.get("hidden"):
        return True
    return bool(column["ranking"]["items"][index].get("suppressed"))


def test_the_public_ranking_crosstab_hides_small_groups_and_items(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    made.survey.results_visibility = ResultsVisibility.LIVE
    db.session.commit()
    rebuild(made)
    staff = snapshots.stored("survey_crosstab", made.q["gender"].id)
    public = snapshots.public_crosstab(made.survey.id, made.q["gender"].id)
    assert staff is not None and public is not None
    rank = str(made.q["rank"].id)
    # "diverse" is rare in the test data: its column (or its items) are hidden
    hidden = []
    for position, group in enumerate(public["groups"]):
        column = public["questions"][rank]["columns"][group["key"]]
        raw = staff["questions"][rank]["columns"][group["key"]]["ranking"]["items"]
        for index, item in enumerate(raw):
            if 0 < item["ranked"] < made.survey.suppression_threshold:
                shown = column.get("ranking", {}).get("items", [{}] * len(raw))[index]
                assert column.get("hidden") or group["hidden"] or shown.get("suppressed")
                hidden.append((position, index, item))
    assert hidden, "the test data has no small ranking cell"
    # the overall mean rank is public: per item, the hidden groups hold 0 or ≥ k rankers
    for index in {index for _, index, _ in hidden}:
        mass = sum(
            staff["questions"][rank]["columns"][group["key"]]["ranking"]["items"][index]["ranked"]
            for group in public["groups"]
            if _hides(public, rank, group, index)
        )
        assert mass == 0 or mass >= made.survey.suppression_threshold
    url = (
        f"/en/surveys/{made.survey.slug}/results/crosstab?question={rank}&by={made.q['gender'].id}"
    )
    html = client.get(url).get_data(as_text=True)
    for measure in ("Ranked among the top 3", "Mean rank", "Average Borda score"):
        table = _table(html, measure)
        for position, index, item in hidden:
            column = 1 + position  # the row header first, then one column per group
            assert table[index][column] == "hidden"
            assert f"{item['mean_rank']:.2f}" not in table[index][column]


def test_a_ranking_row_hides_groups_until_they_hold_k_rankers() -> None:
    # item 7 ranked by 1 and 2 people of two groups: with the overall mean rank public,
    # hiding only those two would give their combined ranks; the group of 6 joins them
    overall = {"items": [{"id": 7}], "public": {"items": [], "hidden": False}}
    rankers = [1, 2, 6, 40]
    columns = [{"ranking": {"n": 50, "items": [{"ranked": r}]}} for r in rankers]
    _ranking_table(overall, columns, set(), 5)
    hidden = [c["ranking"]["public"]["items"] for c in columns]
    assert hidden == [[7], [7], [7], []]
