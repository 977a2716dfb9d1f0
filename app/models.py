"""Imports every model module so that metadata and Alembic see all tables."""

from app.accounts.models import ProcessRole, Role, User
from app.comments.models import Comment, CommentVote, Report
from app.goals.models import Goal, GoalRevision
from app.participation.models import Participant
from app.processes.models import Phase, Process
from app.ratings.models import Rating, RatingQuestion
from app.results.models import Aggregate

__all__ = [
    "Aggregate",
    "Comment",
    "CommentVote",
    "Goal",
    "GoalRevision",
    "Participant",
    "Phase",
    "Process",
    "ProcessRole",
    "Rating",
    "RatingQuestion",
    "Report",
    "Role",
    "User",
]
