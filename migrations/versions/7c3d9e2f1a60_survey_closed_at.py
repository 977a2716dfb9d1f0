"""survey remembers when it was closed

Retention counted from ``coalesce(closes_at, updated_at)``, so fixing a typo in a
closed survey's texts (which moves ``updated_at``) postponed the deletion of its
resume drafts and code links. ``closed_at`` is set when the survey closes, by hand
or on time. Closed surveys get the earlier of their end and their last change.

Revision ID: 7c3d9e2f1a60
Revises: a7d3c9e2f410
Create Date: 2026-12-03 08:40:00.000000

"""
import sqlalchemy as sa

import app.db
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c3d9e2f1a60'
down_revision = 'a7d3c9e2f410'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', app.db.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE survey SET closed_at = CASE"
        " WHEN closes_at IS NOT NULL AND closes_at < updated_at THEN closes_at"
        " ELSE updated_at END"
        " WHERE state = 'closed'"
    )


def downgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
