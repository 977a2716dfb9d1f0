"""Placeholder, replaced by the ratings feature."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from app.goals.models import Goal
from app.processes.models import Process

bp = Blueprint("ratings", __name__, template_folder="templates")


def goal_context(process: Process, goal: Goal) -> dict[str, Any]:
    return {}
