"""survey may submit from its last page, without the summary

``review_before_submit`` (default on, as before): off, the last page's button
submits, with the privacy notice shown above it.

Revision ID: b8e4f2a9c713
Revises: 7c3d9e2f1a60
Create Date: 2026-12-03 12:40:00.000000

"""
import sqlalchemy as sa

from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8e4f2a9c713'
down_revision = '7c3d9e2f1a60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('review_before_submit', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('review_before_submit')
