"""The staff weighting page: margins typed or uploaded as CSV, validated with the
message next to the field (input kept), saved and audited; the rebuild task writes
the weights, and the page shows the convergence report."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.extensions import db
from app.processes.models import Process
from app.results import weighting_status
from app.results.models import Aggregate, PopulationMargin
from app.surveys.models import Response
from tests.conftest import csrf_token
from tests.results.conftest import ResultsSurvey, add_responses, build_results_survey

GOOD_CSV = """question;category;share
municipality;Gemeinde Lehre;50,5
municipality;velpke;30
municipality;Nord-Elm;19,5 %
"""


@pytest.fixture
def made(app: Flask, process: Process) -> ResultsSurvey:
    survey = build_results_survey()
    survey.survey.process_id = process.id
    add_responses(survey, 120)
    return survey


def _url(made: ResultsSurvey, tail: str = "") -> str:
    return f"/en/staff/surveys/{made.survey.id}/weighting{tail}"


def _post(client: FlaskClient, made: ResultsSurvey, tail: str, data: dict[str, Any]) -> Any:
    token = csrf_token(client, _url(made))
    return client.post(_url(made, tail), data={"csrf_token": token, **data})


def _town_shares(made: ResultsSurvey, lehre: str, velpke: str, nord: str) -> dict[str, str]:
    return {
        f"share_{made.option('town', 'lehre').id}": lehre,
        f"share_{made.option('town', 'velpke').id}": velpke,
        f"share_{made.option('town', 'nord').id}": nord,
    }


def _field_error(page: str, field_id: str) -> str:
    match = re.search(
        rf'id="{re.escape(field_id)}-error-1"[^>]*>.*?<span class="kern-body">(.*?)</span>',
        page,
        re.S,
    )
    return match.group(1) if match else ""


def _input_value(page: str, field_id: str) -> str | None:
    tag = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', page)
    assert tag, f"no input {field_id}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def _weights() -> list[float]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Response.weight).order_by(Response.id)))


def _margins() -> dict[int, float]:
    rows = db.session.execute(sa.select(PopulationMargin.option_id, PopulationMargin.share))
    return {option_id: share for option_id, share in rows}


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_page_lists_every_demographic_question_with_a_field_per_option(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    page = staff_client.get(_url(made)).get_data(as_text=True)
    assert "No population margins are saved" in page
    for key in ("age", "gender", "town"):
        assert f'id="margin-{made.q[key].id}"' in page
        for option in made.q[key].options:
            present = f'id="share_{option.id}"' in page
            assert present is not option.is_no_answer  # "keine Angabe" has no share
    assert f'id="margin-{made.q["single"].id}"' not in page  # not demographic


def test_typed_shares_are_saved_weighted_audited_and_reported(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    assert set(_weights()) == {1.0}
    data = _town_shares(made, "50,5", "30", "19,5") | {"trim_cap": "4", "source": "Zensus 2022"}
    response = _post(staff_client, made, "/shares", data)
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(made))
    assert _margins() == {
        made.option("town", "lehre").id: 50.5,
        made.option("town", "velpke").id: 30.0,
        made.option("town", "nord").id: 19.5,
    }
    assert "results.margins_saved" in _actions()
    weights = _weights()
    assert len(set(weights)) > 1  # raked: the weights are stored per response
    assert sum(weights) / len(weights) == pytest.approx(1.0)
    page = staff_client.get(_url(made)).get_data(as_text=True)
    assert "The population margins have been saved" in page
    report = re.search(r'<table[^>]*id="convergence-report".*?</table>', page, re.S)
    assert report, page
    text = re.sub(r"<[^>]+>", " ", report.group(0))
    for label in (
        "Converged",
        "Iterations",
        "Largest deviation",
        "Effective sample size (Kish)",
        "Design effect",
    ):
        assert label in text
    assert re.search(r"Converged\s+yes", text)
    assert _input_value(page, f"share_{made.option('town', 'lehre').id}") == "50,5"
    assert "Zensus 2022" in page


def test_shares_that_do_not_add_up_are_refused_at_the_question_input_kept(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    data = _town_shares(made, "50", "30", "10")
    response = _post(staff_client, made, "/shares", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    fieldset = re.search(rf'id="margin-{made.q["town"].id}".*?</fieldset>', page, re.S)
    assert fieldset and "add up to 90.0 percent" in fieldset.group(0)
    assert _input_value(page, f"share_{made.option('town', 'nord').id}") == "10"
    assert 'id="error-summary"' in page
    assert _margins() == {} and "results.margins_saved" not in _actions()
    assert set(_weights()) == {1.0}


def test_a_missing_and_a_wrong_share_are_shown_next_to_their_fields(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    lehre, velpke = made.option("town", "lehre").id, made.option("town", "velpke").id
    data = _town_shares(made, "viel", "", "19,5")
    page = _post(staff_client, made, "/shares", data).get_data(as_text=True)
    assert "“viel” is not a number" in _field_error(page, f"share_{lehre}")
    assert _input_value(page, f"share_{lehre}") == "viel"
    data = _town_shares(made, "50", "", "50")
    page = _post(staff_client, made, "/shares", data).get_data(as_text=True)
    assert "has no share. Every option needs one." in _field_error(page, f"share_{velpke}")
    data = _town_shares(made, "0", "50", "50")
    page = _post(staff_client, made, "/shares", data).get_data(as_text=True)
    assert "above 0 and at most 100" in _field_error(page, f"share_{lehre}")
    assert _margins() == {}


def test_an_empty_form_and_a_bad_cap_are_refused(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    page = _post(staff_client, made, "/shares", {}).get_data(as_text=True)
    assert "Enter the population shares of at least one question." in page
    data = _town_shares(made, "50,5", "30", "19,5") | {"trim_cap": "0,5"}
    page = _post(staff_client, made, "/shares", data).get_data(as_text=True)
    assert "from 1 to 50" in _field_error(page, "trim_cap")
    assert _input_value(page, "trim_cap") == "0,5"
    assert _margins() == {}


def _upload(client: FlaskClient, made: ResultsSurvey, text: str, name: str = "m.csv") -> Any:
    file = (io.BytesIO(text.encode("utf-8")), name)
    return _post(client, made, "/upload", {"upload-file": file, "upload-trim_cap": "5"})


def test_a_good_csv_is_saved_and_weights_are_stored(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    response = _upload(staff_client, made, GOOD_CSV)
    assert response.status_code == 302
    assert len(_margins()) == 3
    assert len(set(_weights())) > 1
    status = weighting_status.weighting_status(made.survey)
    assert status.state == weighting_status.WeightState.DONE
    assert status.report is not None and status.report["converged"] is True


def test_csv_problems_are_listed_with_their_lines_next_to_the_file_field(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    bad = GOOD_CSV.replace("velpke;30", "Wolfsburg;30").replace("19,5 %", "zwanzig")
    page = _upload(staff_client, made, bad).get_data(as_text=True)
    errors = re.findall(
        r'id="upload-file-error-\d+"[^>]*>.*?<span class="kern-body">(.*?)</span>', page, re.S
    )
    assert any("Line 3" in e and "Wolfsburg" in e for e in errors), errors
    assert any("Line 4" in e and "zwanzig" in e for e in errors), errors
    sums = GOOD_CSV.replace("19,5 %", "9,5")
    page = _upload(staff_client, made, sums).get_data(as_text=True)
    assert "add up to 90.0 percent" in page
    page = _upload(staff_client, made, "frage;kategorie;anteil\n").get_data(as_text=True)
    assert "The first line must name the columns" in page
    page = _upload(staff_client, made, GOOD_CSV, name="m.xlsx").get_data(as_text=True)
    assert "Please upload a CSV file." in page
    assert _margins() == {} and set(_weights()) == {1.0}


def test_clearing_the_margins_returns_the_weights_to_one(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    assert _upload(staff_client, made, GOOD_CSV).status_code == 302
    assert len(set(_weights())) > 1
    response = _post(staff_client, made, "/clear", {})
    assert response.status_code == 302
    assert _margins() == {} and set(_weights()) == {1.0}
    assert "results.margins_cleared" in _actions()


def test_pending_until_the_rebuild_stored_weights_for_the_saved_margins(
    app: Flask, made: ResultsSurvey
) -> None:
    from app.results.margins import parse_margins_csv, save_margins

    entries, problems = parse_margins_csv(made.survey, GOOD_CSV)
    assert problems == []
    save_margins(made.survey, entries)
    db.session.flush()  # not committed: the rebuild has not run
    status = weighting_status.weighting_status(made.survey)
    assert status.state == weighting_status.WeightState.PENDING and status.report is None
    db.session.commit()  # the (inline) rebuild runs
    status = weighting_status.weighting_status(made.survey)
    assert status.state == weighting_status.WeightState.DONE
    row = db.session.scalar(sa.select(Aggregate).where(Aggregate.scope == "survey"))
    assert row is not None and row.dirty_since is None


def test_other_staff_may_not_see_or_change_the_weighting(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    from app.accounts.models import Role
    from tests.conftest import login_as
    from tests.factories import make_process, make_user

    other = make_process("other")
    login_as(client, make_user("o@example.org", "Other", process=other, role=Role.STAFF))
    assert client.get(_url(made)).status_code == 403


def test_a_cap_that_cannot_be_held_is_explained(
    staff_client: FlaskClient, made: ResultsSurvey
) -> None:
    # Nord-Elm answered rarely (sample weight 0.4 of 9.4): 19.5 % needs weights above 2.
    data = _town_shares(made, "50,5", "30", "19,5") | {"trim_cap": "2"}
    assert _post(staff_client, made, "/shares", data).status_code == 302
    status = weighting_status.weighting_status(made.survey)
    assert status.report is not None and status.report["cap_respected"] is False
    page = staff_client.get(_url(made)).get_data(as_text=True)
    assert 'id="cap-exceeded"' in page
