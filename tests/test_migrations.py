"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from typing import Any

from flask import Flask


def test_models_and_migrations_do_not_drift(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_downgrade_to_empty_and_upgrade_again(app: Flask, runner: Any) -> None:
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0
