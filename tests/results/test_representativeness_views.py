"""Representativeness: participants vs population per margin, as a table and a
server-rendered SVG bar chart with a one-sentence summary; staff unsuppressed,
the public only when the survey's results are public, with small cells hidden."""

from __future__ import annotations

import math
import re

import pytest
from flask import Flask, g
from flask.testing import FlaskClient

from app.extensions import db
from app.processes.models import Process
from app.results import representativeness
from app.results.margins import parse_margins_csv, save_margins
from app.surveys.models import ResultsVisibility
from tests.results.conftest import ResultsSurvey, add_responses, build_results_survey

MARGINS = """question;category;share
municipality;lehre;40
municipality;velpke;35
municipality;nord;25
"""


@pytest.fixture
def made(app: Flask, process: Process) -> ResultsSurvey:
    survey = build_results_survey()
    survey.survey.process_id = process.id
    add_responses(survey, 150)
    entries, problems = parse_margins_csv(survey.survey, MARGINS)
    assert problems == []
    save_margins(survey.survey, entries)
    db.session.commit()  # the rebuild runs (inline in tests) and stores the margins table
    return survey


def _staff_url(made: ResultsSurvey) -> str:
    return f"/en/staff/surveys/{made.survey.id}/representativeness"


def _public_url(made: ResultsSurvey) -> str:
    return f"/en/surveys/{made.survey.slug}/representativeness"


def _rows(page: str, question_id: int) -> list[list[str]]:
    table = re.search(rf'id="margin-{question_id}-table".*?</table>', page, re.S)
    assert table, page
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)[1:]
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def test_staff_see_table_chart_and_summary_per_margin(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    page = staff_client.get(_staff_url(made)).get_data(as_text=True)
    town = made.q["town"].id
    rows = _rows(page, town)
    assert [row[0] for row in rows] == ["Gemeinde Lehre", "Velpke", "Nord-Elm"]
    assert [row[1] for row in rows] == ["40.0 %", "35.0 %", "25.0 %"]
    # the generated sample is skewed towards Lehre (weights 6 : 3 : 0.4)
    view = representativeness.staff_view(made.survey)
    lehre = view.margins[0].categories[0]
    assert lehre.sample is not None and lehre.sample > 50 and lehre.count is not None
    assert rows[0][2] == f"{lehre.sample:.1f} %" and rows[0][3] == str(lehre.count)
    summary = re.search(rf'id="margin-{town}-summary">(.*?)</p>', page, re.S)
    assert summary and "“Gemeinde Lehre” is over-represented most" in summary.group(1)
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svg and 'role="img"' in svg.group(0)
    assert svg.group(0).count('class="bar-population"') == 3
    assert svg.group(0).count('class="bar-sample"') == 3
    assert "style=" not in svg.group(0)  # classes only (strict CSP)


def test_bar_lengths_follow_the_shares(app: Flask, made: ResultsSurvey) -> None:
    view = representativeness.staff_view(made.survey)
    chart, categories = view.margins[0].chart, view.margins[0].categories
    shares = [c.population for c in categories] + [c.sample or 0.0 for c in categories]
    top = math.ceil(max(shares) / 10) * 10  # the axis ends at the next multiple of 10
    assert chart.ticks[-1] == (chart.plot_x + chart.plot_width, f"{top} %")
    for row, category in zip(chart.rows, categories, strict=True):
        assert row.population.width == pytest.approx(
            chart.plot_width * category.population / top, abs=0.01
        )
        assert row.sample is not None
        assert row.sample.width == pytest.approx(
            chart.plot_width * (category.sample or 0.0) / top, abs=0.01
        )


def test_summary_says_mirrors_when_every_gap_is_small(app: Flask) -> None:
    categories = [
        representativeness.Category("A", 50.0, 51.0, 51, None, 1.0),
        representativeness.Category("B", 50.0, 49.0, 49, None, -1.0),
    ]
    with app.test_request_context("/en/"):
        g.lang_code = "en"
        text = representativeness._summary("Ort", categories)
    assert "participation mirrors the population" in text


def test_public_view_is_hidden_until_the_results_are_public(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    assert made.survey.results_visibility == ResultsVisibility.AFTER_CLOSE
    assert client.get(_public_url(made)).status_code == 404
    made.survey.results_visibility = ResultsVisibility.LIVE
    db.session.commit()
    page = client.get(_public_url(made)).get_data(as_text=True)
    rows = _rows(page, made.q["town"].id)
    assert len(rows[0]) == 5  # no count column for the public
    assert "Number of participants" not in page


def test_public_view_hides_small_categories(client: FlaskClient, made: ResultsSurvey) -> None:
    made.survey.results_visibility = ResultsVisibility.LIVE
    made.survey.suppression_threshold = 40  # Nord-Elm has fewer respondents than this
    db.session.commit()
    from app.results.tasks import run_rebuild

    run_rebuild("survey", made.survey.id)
    view = representativeness.staff_view(made.survey)
    nord = view.margins[0].categories[2]
    assert nord.count is not None and 0 < nord.count < 40
    page = client.get(_public_url(made)).get_data(as_text=True)
    rows = _rows(page, made.q["town"].id)
    assert rows[2][2] == "hidden (fewer than 40)"
    hidden = sum(1 for row in rows if row[2] == "hidden (fewer than 40)")
    assert hidden >= 2  # secondary suppression: the shown shares must not give it away
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svg and svg.group(0).count('class="bar-sample"') == 3 - hidden
    assert [row[1] for row in rows] == ["40.0 %", "35.0 %", "25.0 %"]  # population stays


def test_without_margins_the_view_says_so(
    staff_client: FlaskClient, app: Flask, process: Process
) -> None:
    plain = build_results_survey("plain")
    plain.survey.process_id = process.id
    db.session.commit()
    page = staff_client.get(f"/en/staff/surveys/{plain.survey.id}/representativeness")
    assert page.status_code == 200
    assert 'id="no-margins"' in page.get_data(as_text=True)


def test_before_any_response_the_population_shares_are_shown(
    staff_client: FlaskClient, app: Flask, process: Process
) -> None:
    empty = build_results_survey("empty")
    empty.survey.process_id = process.id
    entries, problems = parse_margins_csv(empty.survey, MARGINS)
    assert problems == []
    save_margins(empty.survey, entries)
    db.session.commit()
    page = staff_client.get(f"/en/staff/surveys/{empty.survey.id}/representativeness")
    assert page.status_code == 200
    rows = _rows(page.get_data(as_text=True), empty.q["town"].id)
    dash = "\N{EN DASH}"  # no participants' share yet
    assert [row[1:3] for row in rows] == [["40.0 %", dash], ["35.0 %", dash], ["25.0 %", dash]]
    assert "too few participants" in page.get_data(as_text=True)
