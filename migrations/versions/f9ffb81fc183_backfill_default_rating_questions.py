"""backfill the default rating questions of processes that have none

Rating questions are created with the process (``create_process``). Processes created
before that, or with an empty list, got the defaults only when their goal page was
first shown, which wrote during a GET. This gives every such process the three
defaults once, so the goal page only reads.

The questions are written out here rather than imported, so the migration stays as
it ran even if the defaults in the code change later. Downgrade leaves the questions
in place: they cannot be told apart from questions staff kept on purpose.

Revision ID: f9ffb81fc183
Revises: ed85dbacc1cd
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f9ffb81fc183'
down_revision = 'ed85dbacc1cd'
branch_labels = None
depends_on = None

DEFAULT_QUESTIONS = [
    {
        "key": "direction",
        "scale": "agreement",
        "prompt": {"de": "Stimmt die Richtung?", "en": "Is the direction right?"},
    },
    {
        "key": "importance",
        "scale": "importance",
        "prompt": {
            "de": "Wie wichtig ist Ihnen dieses Ziel?",
            "en": "How important is this goal to you?",
        },
    },
    {
        "key": "ambition",
        "scale": "yes_no_undecided",
        "prompt": {
            "de": "Sollte das Ziel mutiger formuliert werden?",
            "en": "Should the goal be more ambitious?",
        },
    },
]

process = sa.table("process", sa.column("id", sa.Integer))
rating_question = sa.table(
    "rating_question",
    sa.column("process_id", sa.Integer),
    sa.column("key", sa.String(32)),
    sa.column("position", sa.Integer),
    sa.column("scale", sa.String(32)),
    sa.column("prompt", sa.JSON),
)


def upgrade():
    bind = op.get_bind()
    without_questions = bind.execute(
        sa.select(process.c.id)
        .where(
            ~sa.exists().where(rating_question.c.process_id == process.c.id)
        )
        .order_by(process.c.id)
    ).scalars().all()
    rows = [
        {"process_id": process_id, "position": position, **question}
        for process_id in without_questions
        for position, question in enumerate(DEFAULT_QUESTIONS)
    ]
    if rows:
        op.bulk_insert(rating_question, rows)


def downgrade():
    pass
