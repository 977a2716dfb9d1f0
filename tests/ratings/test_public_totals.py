"""Small-cell suppression of the public rating totals (issue 11, item 4).

The goal page, the process page, the API and the open-data rows show a goal's rating
counts with the Trialog's public pattern: a small cell is hidden, and so is a further
cell, so that no hidden one follows from the total minus the shown ones. The mean is
shown only where its distribution allows it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.api.package_results import ratings as rating_tables
from app.api.reading.results import process_results
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from app.ratings.services import question_result, rating_questions, save_ratings
from app.results import snapshots
from app.results.services import process_counts
from tests.factories import make_goal, make_participant

GOAL_URL = "/en/p/hf12/goals/1"
RESULTS = "/api/v1/processes/hf12/results"
# Seven raters: five say "agree" (4), two "disagree" (2) — a small cell of 2. Every
# other answer is 0, and a zero is no complement (a reader fills it in): the five are
# hidden with the two, so "7 minus the shown zeros" leaves two cells to split 7.
DIRECTIONS = [4, 4, 4, 4, 4, 2, 2]
SMALL, SMALL_PERCENT = 2, round(100 * 2 / 7, 2)  # 28.57
MEAN = round((5 * 4 + 2 * 2) / 7, 2)  # 3.43: with n = 7 it would give the 2 away


def _rate(process: Process, goal: Goal, directions: list[int]) -> None:
    questions = {q.key: q.id for q in rating_questions(process)}
    for index, direction in enumerate(directions):
        person = make_participant(f"Rater {index}")
        answers = {"direction": direction, "importance": 5, "ambition": 1}
        save_ratings(process, goal, person, {questions[k]: v for k, v in answers.items()})
    db.session.commit()


@pytest.fixture
def goal(process: Process) -> Goal:
    goal = make_goal(process, "1", "Digitale Verwaltung")
    _rate(process, goal, DIRECTIONS)
    return goal


def _results_section(client: FlaskClient) -> str:
    page = client.get(GOAL_URL).get_data(as_text=True)
    start = page.index('id="rating-results-heading"')
    return page[start : page.index("</section>", start)]


def _cells(section: str) -> list[str]:
    """The text of every numeric cell of the result tables."""
    cells = re.findall(r'<td class="kern-table__cell[^"]*"[^>]*>(.*?)</td>', section, re.DOTALL)
    return [re.sub(r"<[^>]+>", " ", cell).split()[-1] for cell in cells]


def _api_direction(client: FlaskClient) -> dict[str, Any]:
    body = client.get(RESULTS).get_json()
    goal = next(g for g in body["goals"] if g["goal"] == "1")
    return next(q for q in goal["questions"] if q["key"] == "direction")


def test_goal_page_hides_the_small_cell_and_its_complement(client: FlaskClient, goal: Goal) -> None:
    section = _results_section(client)
    cells = _cells(section)
    assert "7 ratings" in section
    assert "71%" not in cells  # the five who agree are the complement
    assert str(SMALL) not in cells and "29%" not in cells
    # The two rows (disagree, agree) show no number at all.
    hidden = re.findall(r'colspan="2">.*?<span class="visually-hidden">hidden</span>', section)
    assert len(hidden) == 2
    assert "Values below 5 are hidden" in section
    assert "Mean agreement" not in section and "3.4" not in section


def test_process_page_shows_no_mean_of_a_suppressed_distribution(
    client: FlaskClient, goal: Goal
) -> None:
    page = client.get("/en/p/hf12/").get_data(as_text=True)
    counts = re.search(r'<span class="goal-tree__counts">(.*?)</span>\s*</li>', page, re.S)
    assert counts is not None
    assert re.sub(r"\s+", " ", counts.group(1)) == "0 comments · 7 ratings"
    assert "Ø" not in page and "mean agreement" not in page


def test_api_hides_what_the_goal_page_hides(client: FlaskClient, goal: Goal) -> None:
    body = client.get(RESULTS).get_json()
    rated = next(g for g in body["goals"] if g["goal"] == "1")
    assert rated["ratings"] == 7 and rated["mean_agreement"] is None
    direction = next(q for q in rated["questions"] if q["key"] == "direction")
    assert direction["total"] == 7
    shown = [c for c in direction["counts"] if not c["suppressed"]]
    hidden = [c for c in direction["counts"] if c["suppressed"]]
    assert {c["value"] for c in hidden} == {2, 4}  # no zero as the complement
    assert all(c["count"] is None and c["percent"] is None for c in hidden)
    # The total minus the shown counts leaves two non-zero hidden cells to split it.
    assert all(c["count"] == 0 for c in shown)
    assert direction["total"] - sum(c["count"] for c in shown) == SMALL + 5
    answers = json.dumps(rated["questions"])
    assert f'"count": {SMALL},' not in answers and str(SMALL_PERCENT) not in answers
    assert str(MEAN) not in json.dumps(body)


def test_api_equals_the_public_trialog_number_for_number(
    client: FlaskClient, process: Process, goal: Goal
) -> None:
    public = snapshots.public_process(process.id)
    assert public is not None
    trialog = public["ratings"][str(goal.id)]["questions"]
    body = client.get(RESULTS).get_json()
    rated = next(g for g in body["goals"] if g["goal"] == "1")
    for question in rated["questions"]:
        overall = trialog[question["key"]]["overall"]
        expected = [(o["id"], o["count"], o["pct"]) for o in overall["options"]]
        counts = [(c["value"], c["count"], c["percent"]) for c in question["counts"]]
        assert counts == expected
        assert question["total"] == overall["n"]
    direction = next(q for q in rated["trialog"]["questions"] if q["key"] == "direction")
    assert [c["count"] for c in direction["overall"]["counts"]] == [
        c["count"] for c in _api_direction(client)["counts"]
    ]


def test_the_public_results_page_hides_the_same_cells(client: FlaskClient, goal: Goal) -> None:
    html = client.get("/en/p/hf12/results").get_data(as_text=True)
    start = html.index("Is the direction right?")
    overall = re.search(
        r"<tr class=\"kern-table__row\">.*?</tr>", html[html.index("<tbody", start) :], re.S
    )
    assert overall is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", overall.group(0), re.S)
    counts = [c for c in _api_direction(client)["counts"] if c["value"] != 0]
    # One cell per answer ("no answer" apart), then "answered" and the mean.
    assert [("results-hidden" in cell) for cell in cells[:5]] == [c["suppressed"] for c in counts]
    assert cells[2] == "0.0 %" and cells[4:6] == ["0.0 %", "7"]  # the five are hidden too
    assert cells[6] == "\u2013"  # no mean either
    assert "28.6 %" not in html and "71.4 %" not in html


def test_open_data_rows_leave_suppressed_counts_empty(process: Process, goal: Goal) -> None:
    results = process_results(process, process_counts(process.id), "en")
    table = next(t for t in rating_tables(results) if t.name == "ratings")
    direction = [row for row in table.rows if row[0] == "1" and row[1] == "direction"]
    by_value = {row[2]: row for row in direction}
    assert by_value[2][4:] == ["", "", "true"]
    assert by_value[4][4:] == ["", "", "true"]  # the complement: not a zero
    assert sum(1 for row in direction if row[6] == "true") == 2


def test_enough_alike_raters_make_every_number_and_the_mean_public(
    client: FlaskClient, process: Process, goal: Goal
) -> None:
    _rate(process, goal, [2, 2, 2])  # now five disagree as well
    direction = _api_direction(client)
    counts = {c["value"]: c["count"] for c in direction["counts"]}
    assert counts == {1: 0, 2: 5, 3: 0, 4: 5, 5: 0, 0: 0}
    body = client.get(RESULTS).get_json()
    assert next(g for g in body["goals"] if g["goal"] == "1")["mean_agreement"] == 3.0
    assert "Ø 3.0" in client.get("/en/p/hf12/").get_data(as_text=True)


def test_a_question_with_too_few_answers_shows_none(process: Process) -> None:
    question = next(q for q in rating_questions(process) if q.key == "direction")
    result = question_result(question, {"4": 3, "2": 1})
    assert result.hidden and result.total is None
    assert all(row.count is None and row.percent is None for row in result.rows)
