"""The bench process: the HF12 goal tree of the demo, anonymous participation, open now.

Built through the app's own services (a few dozen objects), like staff would.
"""

from __future__ import annotations

from datetime import timedelta

from app.db import utcnow
from app.demo.content import DemoGoal
from app.demo.content_city import HF12
from app.goals.editing import GoalTexts, create_goal
from app.goals.models import Goal
from app.processes.editing import create_process, save_phase
from app.processes.models import ParticipationMode, PhaseKind, Process
from bench.settings import PROCESS_SLUG


def create_bench_process() -> tuple[Process, dict[str, Goal]]:
    """The process and its 26 goals by code."""
    process = create_process(
        slug=PROCESS_SLUG,
        title={lang: f"[Benchmark] {text}" for lang, text in HF12.title.items()},
        summary=dict(HF12.summary),
        level_names=[dict(name) for name in HF12.level_names],
        is_published=True,
        participation_mode=ParticipationMode.ANONYMOUS,
        # The Abwägung export is measured over the 100,000 contributions alone.
        assess_survey_answers=False,
        actor=None,  # the system, as for the command line
    )
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    save_phase(
        process,
        kind=PhaseKind.INFORMATION,
        starts_at=today - timedelta(days=60),
        ends_at=today - timedelta(days=30),
        actor=None,
    )
    save_phase(
        process,
        kind=PhaseKind.PARTICIPATION,
        starts_at=today - timedelta(days=30),
        ends_at=today + timedelta(days=365),
        actor=None,
    )
    goals: dict[str, Goal] = {}
    for demo_goal in HF12.goals:
        _add_goal(process, demo_goal, None, goals)
    return process, goals


def _add_goal(
    process: Process, demo: DemoGoal, parent: Goal | None, goals: dict[str, Goal]
) -> None:
    goal = create_goal(
        process,
        code=demo.code,
        texts=GoalTexts(
            title=dict(demo.title), body=dict(demo.body), easy_body=dict(demo.easy_body)
        ),
        parent=parent,
        change_note="Benchmark",
        author=None,
    )
    goals[demo.code] = goal
    for child in demo.children:
        _add_goal(process, child, goal, goals)
