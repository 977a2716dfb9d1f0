"""`make run` shows the county survey weighted: `flask demo load` saves its demo
margins, `flask demo responses … --if-empty` adds responses once, and the
representativeness view compares them with the population."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.demo.survey_content import SLUG
from app.extensions import db
from app.results import representativeness, weighting_status
from app.surveys.models import Response, Survey


def _responses() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Response)) or 0


def test_demo_survey_is_weighted_and_compared_with_the_population(app: Flask, runner: Any) -> None:
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    args = ["demo", "responses", SLUG, "--count", "300", "--seed", "1", "--if-empty"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert _responses() == 300
    again = runner.invoke(args=args)
    assert again.exit_code == 0 and "none added" in again.output
    assert _responses() == 300

    survey = db.session.scalars(sa.select(Survey).where(Survey.slug == SLUG)).one()
    status = weighting_status.weighting_status(survey)
    assert status.state == weighting_status.WeightState.DONE
    assert status.report is not None and status.report["n"] == 300
    view = representativeness.staff_view(survey)
    assert len(view.margins) == 3  # age band, gender, municipality
    for margin in view.margins:
        assert sum(c.population for c in margin.categories) == pytest.approx(100.0, abs=0.5)
        assert any(c.sample is not None for c in margin.categories)
