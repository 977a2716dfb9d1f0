"""Readable filter addresses (``?group=municipality.lehre``): typed by a road-show
presenter, stable when a label is reworded; old option-id addresses redirect."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.results.filters import GroupParams, select
from app.surveys.builder.parts import add_demographic_question
from app.surveys.models import ResultsVisibility
from tests.conftest import login_as
from tests.factories import make_user
from tests.results.conftest import ResultsSurvey, build_results_survey, rebuild


def _url(made: ResultsSurvey, query: str = "") -> str:
    return f"/en/surveys/{made.survey.slug}/results{query}"


@pytest.fixture
def public(made: ResultsSurvey) -> ResultsSurvey:
    made.survey.results_visibility = ResultsVisibility.LIVE
    db.session.commit()
    rebuild(made)
    return made


def test_every_demographic_option_has_a_readable_parameter(made: ResultsSurvey) -> None:
    params = GroupParams.of(made.survey.id)
    lehre, female = made.option("town", "lehre"), made.option("gender", "female")
    assert params.param(lehre.id) == "municipality.lehre"
    assert params.param(female.id) == "gender.female"
    assert params.param(made.option("age", "18-29").id) == "age_band.18-29"
    assert params.param(made.option("town", "na").id) == "municipality.na"
    assert select(made.survey.id, "municipality.lehre").option_id == lehre.id
    assert select(made.survey.id, str(lehre.id)).redirect_to == "municipality.lehre"
    assert select(made.survey.id, "municipality.atlantis").unknown
    assert select(made.survey.id, "").option_id is None
    # not a demographic option: no filter
    assert select(made.survey.id, str(made.option("single", "car").id)).unknown


def test_a_second_question_of_the_same_preset_is_named_by_its_id(app: Flask) -> None:
    made = build_results_survey("two-presets")  # no responses yet: questions can be added
    section = made.q["town"].section
    second = add_demographic_question(section, "municipality", choices=[("lehre", {"de": "L"})])
    db.session.commit()
    params = GroupParams.of(made.survey.id)
    assert params.param(made.option("town", "lehre").id) == "municipality.lehre"
    assert params.param(second.options[0].id) == f"q{second.id}.lehre"


def test_the_public_page_by_readable_address_and_old_id(
    client: FlaskClient, public: ResultsSurvey
) -> None:
    html = client.get(_url(public, "?group=municipality.lehre")).get_data(as_text=True)
    assert "Results for “Gemeinde Lehre”" in html
    # the form offers the readable values and marks the chosen one
    assert '<option value="municipality.lehre" selected>' in html
    lehre = public.option("town", "lehre")
    old = client.get(_url(public, f"?group={lehre.id}"))
    assert old.status_code == 301
    assert old.headers["Location"].endswith(
        f"/en/surveys/{public.survey.slug}/results?group=municipality.lehre"
    )
    assert client.get(_url(public, "?group=municipality.atlantis")).status_code == 404
    assert client.get(_url(public, "?group=999999")).status_code == 404


def test_the_address_survives_a_reworded_label(client: FlaskClient, public: ResultsSurvey) -> None:
    lehre = public.option("town", "lehre")
    lehre.label = {"de": "Einheitsgemeinde Lehre"}
    db.session.commit()
    html = client.get(_url(public, "?group=municipality.lehre")).get_data(as_text=True)
    assert "Results for “Einheitsgemeinde Lehre”" in html


def test_the_staff_dashboard_uses_the_same_addresses(
    client: FlaskClient, public: ResultsSurvey
) -> None:
    login_as(client, make_user("admin@example.org", is_admin=True))
    base = f"/en/staff/results/surveys/{public.survey.id}/"
    html = client.get(base + "?group=gender.female").get_data(as_text=True)
    assert "Results for “" in html and "Unsuppressed numbers for staff" in html
    old = client.get(f"{base}?group={public.option('gender', 'female').id}")
    assert old.status_code == 301
    assert old.headers["Location"].endswith(f"{base}?group=gender.female")


def test_municipalities_typed_by_staff_get_readable_values(app: Flask) -> None:
    from app.surveys.builder.services import add_preset

    made = build_results_survey("typed-towns")
    names = ["Gemeinde Lehre", "Königslutter am Elm", "Königslutter am Elm", "NA", " ", "m2"]
    question = add_preset(made.q["town"].section, "municipality", names=names, actor=None)
    db.session.commit()
    values = [o.value for o in question.options]
    # a repeated name, the "keine Angabe" value and an m<n> lookalike get m<n>
    assert values == ["gemeinde-lehre", "koenigslutter-am-elm", "m3", "m4", "m5", "na"]
    params = GroupParams.of(made.survey.id)
    assert params.param(question.options[0].id) == f"q{question.id}.gemeinde-lehre"
