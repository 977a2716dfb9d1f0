"""Imports every model module so that metadata and Alembic see all tables."""

from app.accounts.models import ProcessRole, Role, User
from app.assessment.models import Assessment, ProcessTag
from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentVote, Report
from app.exports.models import ExportJob
from app.goals.models import Goal, GoalRevision
from app.moderation.models import ModerationNote, OfficialReply
from app.ops.models import OutboxTask
from app.pages.models import AccessibilityFeedback, SitePage
from app.participation.models import Participant
from app.privacy.models import ConsentVersion
from app.processes.models import Phase, Process
from app.ratings.models import Rating, RatingQuestion
from app.results.models import Aggregate
from app.surveys.models import (
    Answer,
    InvitationCode,
    MatrixRow,
    Option,
    Participation,
    Question,
    Response,
    Section,
    Survey,
)

__all__ = [
    "AccessibilityFeedback",
    "Aggregate",
    "Answer",
    "Assessment",
    "AuditEvent",
    "Comment",
    "CommentVote",
    "ConsentVersion",
    "ExportJob",
    "Goal",
    "GoalRevision",
    "InvitationCode",
    "MatrixRow",
    "ModerationNote",
    "OfficialReply",
    "Option",
    "OutboxTask",
    "Participant",
    "Participation",
    "Phase",
    "Process",
    "ProcessRole",
    "ProcessTag",
    "Question",
    "Rating",
    "RatingQuestion",
    "Report",
    "Response",
    "Role",
    "Section",
    "SitePage",
    "Survey",
    "User",
]
