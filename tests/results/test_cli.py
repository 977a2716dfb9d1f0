"""`flask results rebuild SLUG` counts a survey or a process now, with a progress bar."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.results import snapshots
from tests.factories import make_goal, make_process
from tests.results.conftest import add_responses, build_results_survey


def test_rebuild_a_survey_by_its_slug(app: Flask, runner: Any) -> None:
    made = build_results_survey()
    add_responses(made, 30)
    result = runner.invoke(args=["results", "rebuild", "results-test"])
    assert result.exit_code == 0, result.output
    assert "survey results-test rebuilt in" in result.output
    data = snapshots.stored("survey", made.survey.id)
    assert data is not None and data["respondents"]["n"] == 30


def test_rebuild_a_process_by_its_slug(app: Flask, runner: Any) -> None:
    process = make_process("hf12")
    make_goal(process, "1")
    result = runner.invoke(args=["results", "rebuild", "hf12"])
    assert result.exit_code == 0, result.output
    assert snapshots.stored("process_results", process.id) is not None


def test_an_unknown_slug_is_an_error(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["results", "rebuild", "gibt-es-nicht"])
    assert result.exit_code == 1
    assert "no survey or process with the address 'gibt-es-nicht'" in result.output
