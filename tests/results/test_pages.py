"""The results pages: served from stored snapshots, obeying the survey's visibility,
never showing a suppressed number publicly; staff dashboards warn and audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.extensions import db
from app.participation.models import StakeholderGroup
from app.results import snapshots
from app.results.filters import GroupParams
from app.results.models import Aggregate
from app.surveys.models import ResultsVisibility, SurveyState
from tests.conftest import counting_queries, login_as
from tests.factories import (
    make_comment,
    make_goal,
    make_participant,
    make_process,
    make_ratings,
    make_user,
)
from tests.results.conftest import ResultsSurvey, add_responses, build_results_survey, rebuild


def _public(made: ResultsSurvey) -> None:
    made.survey.results_visibility = ResultsVisibility.LIVE
    db.session.commit()


def _url(made: ResultsSurvey, query: str = "") -> str:
    return f"/en/surveys/{made.survey.slug}/results{query}"


def _section(html: str, question_id: int) -> str:
    """The HTML of one question's section on the page."""
    start = html.index(f'aria-labelledby="q{question_id}-heading"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def _counts(statement: str) -> bool:
    """Whether a statement reads answers or responses (not merely a column named so)."""
    return re.search(r"\b(survey_answer|survey_response)\b", statement) is not None


def _audits() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "results.unsuppressed_view")
    )


# --- visibility and the stored snapshot ------------------------------------------------


def test_results_are_hidden_until_the_survey_closes(client: FlaskClient, made: ResultsSurvey):
    made.survey.results_visibility = ResultsVisibility.AFTER_CLOSE
    db.session.commit()
    assert client.get(_url(made)).status_code == 404
    made.survey.state = SurveyState.CLOSED
    db.session.commit()
    assert client.get(_url(made)).status_code == 200


def test_staff_only_results_are_not_public(client: FlaskClient, made: ResultsSurvey):
    made.survey.results_visibility = ResultsVisibility.STAFF
    made.survey.state = SurveyState.CLOSED
    db.session.commit()
    assert client.get(_url(made)).status_code == 404
    assert client.get(_url(made, "/crosstab")).status_code == 404
    login_as(client, make_user("admin@example.org", is_admin=True))
    assert client.get(_url(made)).status_code == 200


def test_without_a_snapshot_the_page_says_so_and_queues_the_count(client: FlaskClient, app):
    made = build_results_survey("empty-results")
    _public(made)
    page = client.get(_url(made)).get_data(as_text=True)
    assert "The results are being computed." in page
    assert "results-question" not in page
    # The queued rebuild ran (eagerly, in tests) after the request's commit.
    assert snapshots.stored("survey", made.survey.id) is not None
    page = client.get(_url(made)).get_data(as_text=True)
    assert "being computed" not in page
    assert "0 respondents" in page


def test_the_page_reads_the_snapshot_and_never_counts(client: FlaskClient, made: ResultsSurvey):
    _public(made)
    rebuild(made)
    with counting_queries() as small:
        assert client.get(_url(made)).status_code == 200
    add_responses(made, 300, seed=7)
    rebuild(made)
    with counting_queries() as large:
        page = client.get(_url(made)).get_data(as_text=True)
    assert len(large) == len(small) <= 15
    assert not [s for s in large if _counts(s)]
    assert "700 respondents" in page
    assert "As of" in page
    lehre, town = made.option("town", "lehre"), made.q["town"]
    assert lehre.value == "lehre"
    for query in ("?group=municipality.lehre", f"/crosstab?by={town.id}&show=column"):
        with counting_queries() as statements:
            assert client.get(_url(made, query)).status_code == 200
        assert len(statements) <= 15
        assert not [s for s in statements if _counts(s)]


# --- what the public page shows -------------------------------------------------------


def test_public_page_shows_distributions_intervals_and_statistics(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    _public(made)
    data = rebuild(made)
    html = client.get(_url(made)).get_data(as_text=True)
    scale = next(e for e in data["questions"] if e["id"] == made.q["scale"].id)
    first = scale["items"][0]["options"][0]
    section = _section(html, made.q["scale"].id)
    assert f"Answered by {scale['n']}" in section
    assert f"{first['vpct']:.1f} %" in section
    assert "Median" in section and "Quartiles" in section
    assert '<svg class="chart chart--likert"' in section  # a diverging bar
    assert "Mean rank" in _section(html, made.q["rank"].id)
    assert "Borda" in _section(html, made.q["rank"].id)
    assert '<svg class="chart chart--timeline"' in html
    assert 'style="' not in html  # CSP: no inline styles, charts included


def test_a_suppressed_cell_never_shows_its_number(client: FlaskClient, made: ResultsSurvey):
    _public(made)
    data = rebuild(made)
    rare = made.option("multi", "rare")
    entry = next(e for e in data["questions"] if e["id"] == made.q["multi"].id)
    cell = next(o for o in entry["items"][0]["options"] if o["id"] == rare.id)
    assert 0 < cell["count"] < 5  # the test data makes it small
    section = _section(client.get(_url(made)).get_data(as_text=True), made.q["multi"].id)
    row = re.search(r"<tr[^>]*>\s*<th[^>]*>Rare</th>(.*?)</tr>", section, re.S)
    assert row is not None
    assert "hidden" in row.group(1)
    assert not re.search(rf">\s*{cell['count']}\s*<", row.group(1))
    assert f"{cell['pct']:.1f}" not in row.group(1)


def test_filter_by_a_group_shows_the_whole_page_for_it(client: FlaskClient, made: ResultsSurvey):
    _public(made)
    rebuild(made)
    lehre = made.option("town", "lehre")
    public = snapshots.public_filter(made.survey.id, lehre.id)
    assert public is not None and not public.get("hidden")
    html = client.get(_url(made, "?group=municipality.lehre")).get_data(as_text=True)
    assert "Results for “Gemeinde Lehre”" in html
    assert f"{public['filter']['n']} respondents in this group" in html
    assert html.count("results-question") >= len(public["questions"]) - 1
    assert "chart--timeline" not in html


def test_a_group_below_the_threshold_shows_no_results(client: FlaskClient, made: ResultsSurvey):
    _public(made)
    data = rebuild(made)
    small = next(
        g
        for d in snapshots.public_survey(made.survey.id)["demographics"]  # type: ignore[index]
        for g in d["groups"]
        if g["hidden"] and g["option_id"] is not None
    )
    assert small["option_id"] is not None and data
    param = GroupParams.of(made.survey.id).param(small["option_id"])
    html = client.get(_url(made, f"?group={param}")).get_data(as_text=True)
    assert "Too few respondents in this group." in html
    assert "results-question" not in html
    assert client.get(_url(made, "?group=999999")).status_code == 404


def test_crosstab_counts_row_and_column_percentages(client: FlaskClient, made: ResultsSurvey):
    _public(made)
    rebuild(made)
    question, town = made.q["single"], made.q["town"]
    table = snapshots.public_crosstab(made.survey.id, town.id)
    assert table is not None
    lehre = str(made.option("town", "lehre").id)
    column = table["questions"][str(question.id)]["columns"][lehre]["items"][0]
    car = column["options"][0]
    assert not car.get("suppressed")
    query = f"/crosstab?question={question.id}&by={town.id}&show="
    counts = client.get(_url(made, query + "counts")).get_data(as_text=True)
    assert '<th scope="col" class="kern-table__header results-num">Gemeinde Lehre</th>' in counts
    assert f">{car['count']}<" in counts
    rows = client.get(_url(made, query + "row")).get_data(as_text=True)
    assert f"{car['rpct']:.1f} %" in rows
    columns = client.get(_url(made, query + "column")).get_data(as_text=True)
    assert f"{car['pct']:.1f} %" in columns


def _suppressed_crosstab_cell(made: ResultsSurvey) -> tuple[int, int, int, int, int]:
    """(by, question, column position, option position, staff count) of a hidden cell."""
    for by in ("town", "gender", "age"):
        by_id = made.q[by].id
        table = snapshots.public_crosstab(made.survey.id, by_id)
        staff = snapshots.stored("survey_crosstab", by_id)
        assert table is not None and staff is not None
        for key in ("single", "multi", "scale"):
            qid = made.q[key].id
            for column, group in enumerate(table["groups"]):
                shown = table["questions"][str(qid)]["columns"][group["key"]]
                if shown.get("hidden"):
                    continue
                for position, option in enumerate(shown["items"][0]["options"]):
                    raw = staff["questions"][str(qid)]["columns"][group["key"]]["items"][0]
                    if option.get("suppressed") and raw["options"][position]["count"] > 0:
                        count = raw["options"][position]["count"]
                        return by_id, qid, column, position, count
    raise AssertionError("the test data has no suppressed cross-tab cell")


def test_crosstab_hides_suppressed_cells(client: FlaskClient, made: ResultsSurvey):
    _public(made)
    rebuild(made)
    by, question, column, position, count = _suppressed_crosstab_cell(made)
    html = client.get(_url(made, f"/crosstab?question={question}&by={by}")).get_data(as_text=True)
    body = html[html.index("<tbody") : html.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[position], re.S)
    assert "hidden" in cells[column]
    assert str(count) not in cells[column]


# --- staff ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: FlaskClient, made: ResultsSurvey) -> FlaskClient:
    login_as(client, make_user("admin@example.org", is_admin=True))
    return client


def test_staff_dashboard_warns_and_audits_every_subgroup_view(
    admin_client: FlaskClient, made: ResultsSurvey
) -> None:
    data = rebuild(made)
    base = f"/en/staff/results/surveys/{made.survey.id}/"
    before = _audits()
    html = admin_client.get(base).get_data(as_text=True)
    assert "Unsuppressed numbers for staff" in html
    assert _audits() == before  # the whole survey is no subgroup
    entry = next(e for e in data["questions"] if e["id"] == made.q["multi"].id)
    rare = next(
        o for o in entry["items"][0]["options"] if o["id"] == made.option("multi", "rare").id
    )
    row = re.search(r"<th[^>]*>Rare</th>(.*?)</tr>", _section(html, made.q["multi"].id), re.S)
    assert row is not None and f">{rare['count']}<" in row.group(1)  # staff see it
    assert "Weighted" not in _section(html, made.q["multi"].id)  # no weights: one column
    diverse = made.option("gender", "diverse")
    assert diverse.value == "diverse"
    html = admin_client.get(f"{base}?group=gender.diverse").get_data(as_text=True)
    assert "Unsuppressed numbers for staff" in html and "Results for" in html
    assert _audits() == before + 1
    admin_client.get(f"{base}crosstab?by={made.q['town'].id}")
    assert _audits() == before + 2


def test_staff_of_another_process_get_no_dashboard(client: FlaskClient, made: ResultsSurvey):
    from app.accounts.models import Role

    other = make_process("other")
    login_as(client, make_user("s@example.org", process=other, role=Role.STAFF))
    assert client.get(f"/en/staff/results/surveys/{made.survey.id}/").status_code == 403


# --- process results (the Trialog) ------------------------------------------------------


@pytest.fixture
def rated(app: Any) -> Any:
    process = make_process("trialog")
    goal = make_goal(process, "1", "Digitale Verwaltung")
    for number in range(7):
        make_ratings(goal, {"direction": 4 + number % 2, "importance": 5, "ambition": 1})
    for number in range(6):
        council = make_participant(f"Rat {number}")
        make_comment(
            goal,
            "Als Gemeinderat",
            author=council,
            group=StakeholderGroup.COUNCIL,
            stakeholder_confirmed=True,  # granted by an admin: the Trialog counts it
        )
        make_ratings(goal, {"direction": 2, "importance": 3, "ambition": 2}, author=council)
    admin = make_participant("Verwaltung")
    make_comment(
        goal,
        "Aus der Verwaltung",
        author=admin,
        group=StakeholderGroup.ADMINISTRATION,
        stakeholder_confirmed=True,
    )
    make_ratings(goal, {"direction": 1, "importance": 1, "ambition": 3}, author=admin)
    from app.results.tasks import run_rebuild

    run_rebuild("process", process.id)
    return process


def test_process_results_show_the_trialog(client: FlaskClient, rated: Any) -> None:
    html = client.get(f"/en/p/{rated.slug}/results").get_data(as_text=True)
    assert "1 Digitale Verwaltung" in html
    assert "Municipal council" in html and "Citizen" in html
    assert '<svg class="chart chart--likert"' in html
    administration = re.search(r"<th[^>]*>Administration</th>(.*?)</tr>", html, re.S)
    assert administration is not None and "hidden" in administration.group(1)
    assert "Consensus" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Aggregate)) >= 1


def test_staff_process_results_list_consensus_and_are_audited(
    client: FlaskClient, rated: Any
) -> None:
    login_as(client, make_user("admin@example.org", is_admin=True))
    before = _audits()
    html = client.get(f"/en/staff/results/p/{rated.slug}/").get_data(as_text=True)
    assert "Consensus and divisive comments (staff only)" in html
    assert "Unsuppressed numbers for staff" in html
    assert _audits() == before + 1


def test_process_results_follow_the_visibility(client: FlaskClient, rated: Any) -> None:
    from app.processes.models import ResultsVisibility as ProcessVisibility

    rated.results_visibility = ProcessVisibility.STAFF
    db.session.commit()
    assert client.get(f"/en/p/{rated.slug}/results").status_code == 404


def test_survey_process_and_staff_pages_link_to_the_results(
    client: FlaskClient, made: ResultsSurvey, rated: Any
) -> None:
    intro = f"/en/surveys/{made.survey.slug}/"
    assert _url(made) not in client.get(intro).get_data(as_text=True)  # not public yet
    _public(made)
    assert _url(made) in client.get(intro).get_data(as_text=True)
    process_page = client.get(f"/en/p/{rated.slug}/").get_data(as_text=True)
    assert f"/en/p/{rated.slug}/results" in process_page
    login_as(client, make_user("admin@example.org", is_admin=True))
    staff_page = client.get(f"/en/staff/surveys/{made.survey.id}/").get_data(as_text=True)
    assert f"/en/staff/results/surveys/{made.survey.id}/" in staff_page
    staff_process = client.get(f"/en/staff/p/{rated.slug}/").get_data(as_text=True)
    assert f"/en/staff/results/p/{rated.slug}/" in staff_process


def test_staff_see_weighted_and_unweighted_side_by_side(
    admin_client: FlaskClient, made: ResultsSurvey
) -> None:
    from app.results.margins import MarginEntry, save_margins

    shares = {"lehre": 40, "velpke": 35, "nord": 25}
    town = made.q["town"]
    entries = [MarginEntry(town.id, made.option("town", v).id, s) for v, s in shares.items()]
    save_margins(made.survey, entries, trim_cap=20.0, source="Zensus 2022")
    db.session.commit()
    data = rebuild(made)
    assert data["weighted"]
    html = admin_client.get(f"/en/staff/results/surveys/{made.survey.id}/").get_data(as_text=True)
    section = _section(html, made.q["single"].id)
    entry = next(e for e in data["questions"] if e["id"] == made.q["single"].id)
    car = entry["items"][0]["options"][0]
    assert "Weighted %" in section and "% of valid answers" in section
    assert f"{car['vpct']:.1f} %" in section and f"{car['wvpct']:.1f} %" in section
    assert "design effect" in html


def test_a_missing_crosstab_row_is_queued_not_counted(
    client: FlaskClient, made: ResultsSurvey, monkeypatch: pytest.MonkeyPatch
) -> None:
    _public(made)
    rebuild(made)
    town = made.q["town"]
    db.session.execute(
        sa.delete(Aggregate).where(
            Aggregate.scope == "survey_crosstab", Aggregate.scope_id == town.id
        )
    )
    db.session.commit()
    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(
        "app.results.presenting.triggers.changed",
        lambda scope, scope_id: queued.append((scope, scope_id)) or True,
    )
    lehre = made.option("town", "lehre")
    with counting_queries() as statements:
        html = client.get(_url(made, "?group=municipality.lehre")).get_data(as_text=True)
    assert lehre.value == "lehre"
    assert "The results are being computed." in html and "Refresh the page" in html
    assert "results-question" not in html
    assert queued == [("survey", made.survey.id)]
    assert not [s for s in statements if _counts(s)]
    crosstab = client.get(_url(made, f"/crosstab?by={town.id}")).get_data(as_text=True)
    assert "The results are being computed." in crosstab


def test_public_numbers_are_rendered_once_per_snapshot_version(
    client: FlaskClient, made: ResultsSurvey, app: Any
) -> None:
    from flask import template_rendered

    _public(made)
    rebuild(made)
    rendered: list[str] = []

    def note(sender: Any, template: Any, context: Any, **extra: Any) -> None:
        rendered.append(template.name)

    template_rendered.connect(note, app)
    try:
        first = client.get(_url(made)).get_data(as_text=True)
        second = client.get(_url(made)).get_data(as_text=True)
        assert rendered.count("results/_results.html") == 1
        assert first == second
        client.get("/de" + _url(made)[3:])  # another language is rendered apart
        assert rendered.count("results/_results.html") == 2
        add_responses(made, 50, seed=9)
        rebuild(made)
        third = client.get(_url(made)).get_data(as_text=True)
        assert rendered.count("results/_results.html") == 3
        assert "450 respondents" in third
    finally:
        template_rendered.disconnect(note, app)


def test_crosstab_of_a_number_question_shows_statistics_per_group(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    _public(made)
    rebuild(made)
    number, town = made.q["number"], made.q["town"]
    table = snapshots.public_crosstab(made.survey.id, town.id)
    assert table is not None
    lehre = table["questions"][str(number.id)]["columns"][str(made.option("town", "lehre").id)]
    stats = lehre["items"][0]["stats"]
    html = client.get(_url(made, f"/crosstab?question={number.id}&by={town.id}")).get_data(
        as_text=True
    )
    row = re.search(r"<th[^>]*>Gemeinde Lehre</th>(.*?)</tr>", html, re.S)
    assert row is not None
    assert f">{lehre['n']}<" in row.group(1) and f"{stats['mean']:.1f}" in row.group(1)
