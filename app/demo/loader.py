"""Loading the demo content; idempotent, flushes only (the caller commits once).

Processes are found by slug, users by e-mail, goals by code within their process.
Whatever already exists is left as it is, so a second load changes nothing.
What is created goes through the same services as staff changes and is audited like
them: processes and phases with no actor (the command line), goals by their author.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.accounts.services import create_user, find_user_by_email, grant_role
from app.db import utcnow
from app.demo.content import DEMO_PASSWORD, USERS, DemoGoal, DemoProcess, DemoUser
from app.demo.content_city import HF12
from app.demo.content_county import COUNTY
from app.demo.discussion import load_discussion
from app.demo.evaluation import load_evaluation
from app.demo.survey_loader import load_demo_survey
from app.extensions import db
from app.goals.editing import GoalTexts, create_goal
from app.goals.models import Goal
from app.processes.editing import create_process, save_phase
from app.processes.models import Process
from app.results.services import process_counts
from app.results.tasks import schedule_process_recount

logger = logging.getLogger(__name__)

PROCESSES: tuple[DemoProcess, ...] = (HF12, COUNTY)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    description: str
    created: bool


@dataclass
class ProcessReport:
    slug: str
    created: bool
    goals: int = 0
    goals_created: int = 0
    discussion_added: bool = False
    evaluation_added: bool = False
    phases_created: int = 0
    roles_granted: int = 0


@dataclass
class LoadReport:
    logins: list[DemoLogin] = field(default_factory=list)
    processes: list[ProcessReport] = field(default_factory=list)
    survey_created: bool = False

    @property
    def changed(self) -> bool:
        return (
            self.survey_created
            or any(login.created for login in self.logins)
            or any(
                p.created
                or p.goals_created
                or p.phases_created
                or p.roles_granted
                or p.discussion_added
                or p.evaluation_added
                for p in self.processes
            )
        )


def load_demo(now: datetime | None = None) -> LoadReport:
    """Create whatever part of the demo content is missing; phases start relative to ``now``."""
    today = (now or utcnow()).replace(hour=0, minute=0, second=0, microsecond=0)
    report = LoadReport()
    users: list[tuple[DemoUser, User]] = []
    for demo_user in USERS:
        user, created = _ensure_user(demo_user)
        users.append((demo_user, user))
        report.logins.append(
            DemoLogin(demo_user.email, DEMO_PASSWORD, demo_user.description, created)
        )
    # Goals are written by the demo staff member, as they would be in real use.
    author = next((user for demo_user, user in users if demo_user.role == Role.STAFF), None)
    processes = [(demo, _ensure_process(demo, today, users)) for demo in PROCESSES]
    for demo, (process, process_report) in processes:
        _ensure_goals(demo, process, author, process_report)
        if demo.with_discussion:
            accounts = [user for _demo_user, user in users]
            process_report.discussion_added = load_discussion(process, accounts)
            process_report.evaluation_added = load_evaluation(process, author)
        report.processes.append(process_report)
    report.survey_created = load_demo_survey()
    logger.info("demo content loaded (changed: %s)", report.changed)
    return report


def _ensure_user(demo: DemoUser) -> tuple[User, bool]:
    user = find_user_by_email(demo.email)
    if user is not None:
        return user, False
    user = create_user(
        demo.email, demo.display_name, DEMO_PASSWORD, is_admin=demo.is_admin, verified=True
    )
    return user, True


def _ensure_process(
    demo: DemoProcess, today: datetime, users: list[tuple[DemoUser, User]]
) -> tuple[Process, ProcessReport]:
    process = db.session.scalar(sa.select(Process).where(Process.slug == demo.slug))
    report = ProcessReport(slug=demo.slug, created=process is None)
    if process is None:
        process = create_process(
            slug=demo.slug,
            title=dict(demo.title),
            summary=dict(demo.summary),
            level_names=[dict(name) for name in demo.level_names],
            is_published=True,
            participation_mode=demo.participation_mode,
            moderation_mode=demo.moderation_mode,
            actor=None,
        )
    if not process.phases:
        for phase in demo.phases:
            save_phase(
                process,
                kind=phase.kind,
                starts_at=today + timedelta(days=phase.starts_in_days),
                ends_at=today + timedelta(days=phase.ends_in_days),
                actor=None,
            )
            report.phases_created += 1
    for demo_user, user in users:
        if demo_user.role is not None and not user.has_role(process.id, demo_user.role):
            grant_role(user, process, demo_user.role)
            report.roles_granted += 1
    return process, report


def _ensure_goals(
    demo: DemoProcess, process: Process, author: User | None, report: ProcessReport
) -> None:
    existing = {
        goal.code: goal
        for goal in db.session.scalars(sa.select(Goal).where(Goal.process_id == process.id))
    }
    for demo_goal in demo.goals:
        _ensure_goal(process, demo_goal, None, existing, author, report)
    if report.created or report.goals_created or process_counts(process.id) is None:
        # create_goal schedules this too; once more is free (the queue de-duplicates) and
        # covers a process whose counts were never computed.
        schedule_process_recount(process.id)


def _ensure_goal(
    process: Process,
    demo: DemoGoal,
    parent: Goal | None,
    existing: dict[str, Goal],
    author: User | None,
    report: ProcessReport,
) -> None:
    goal = existing.get(demo.code)
    if goal is None:
        goal = create_goal(
            process,
            code=demo.code,
            texts=GoalTexts(
                title=dict(demo.title), body=dict(demo.body), easy_body=dict(demo.easy_body)
            ),
            parent=parent,
            author=author,
            change_note="Demo content",
        )
        existing[demo.code] = goal
        report.goals_created += 1
    report.goals += 1
    for child in demo.children:
        _ensure_goal(process, child, goal, existing, author, report)
