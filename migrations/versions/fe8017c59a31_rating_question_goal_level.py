"""Rating questions may be asked about the goals of one level only (issue 11 item 7).

Revision ID: fe8017c59a31
Revises: a6296ca687c5
Create Date: 2026-12-02 18:07:43.302144

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fe8017c59a31"
down_revision = "a6296ca687c5"
branch_labels = None
depends_on = None


def upgrade():
    # NULL: the question is asked about every goal (all existing questions).
    with op.batch_alter_table("rating_question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_level", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("rating_question", schema=None) as batch_op:
        batch_op.drop_column("goal_level")
