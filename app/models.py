"""Imports every model module so that metadata and Alembic see all tables."""

from app.accounts.models import ProcessRole, Role, User
from app.goals.models import Goal, GoalRevision
from app.processes.models import Phase, Process
from app.results.models import Aggregate

__all__ = ["Aggregate", "Goal", "GoalRevision", "Phase", "Process", "ProcessRole", "Role", "User"]
