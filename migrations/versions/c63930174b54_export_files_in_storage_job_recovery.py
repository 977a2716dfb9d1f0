"""export files in storage, job recovery

The finished file moves out of the database into the export storage
(app.exports.storage); jobs get a heartbeat, an attempt counter and a claim token
so that the beat sweep can recover them; formats sav/ods/docx/pdf and the status
"expired" join the check constraints.

Files that were stored in ``export_job.content`` are not carried over: those jobs
become "expired" (staff start the export again; exports are rebuilt from the data).

Revision ID: c63930174b54
Revises: aa828453c213
Create Date: 2026-12-02 15:43:48.743649

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = 'c63930174b54'
down_revision = 'aa828453c213'
branch_labels = None
depends_on = None

OLD_FORMATS = "format IN ('csv', 'xlsx')"
NEW_FORMATS = "format IN ('csv', 'xlsx', 'sav', 'ods', 'docx', 'pdf')"
OLD_STATUSES = "status IN ('queued', 'running', 'done', 'failed')"
NEW_STATUSES = "status IN ('queued', 'running', 'done', 'failed', 'expired')"


def _checks(batch_op, formats: str, statuses: str) -> None:
    batch_op.drop_constraint(batch_op.f('ck_export_job_export_format'), type_='check')
    batch_op.drop_constraint(batch_op.f('ck_export_job_export_status'), type_='check')
    batch_op.create_check_constraint('export_format', formats)
    batch_op.create_check_constraint('export_status', statuses)


def upgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', app.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('storage_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('size', sa.BigInteger(), server_default='0', nullable=False))
        _checks(batch_op, NEW_FORMATS, NEW_STATUSES)
    op.execute("UPDATE export_job SET queued_at = created_at")
    op.execute("UPDATE export_job SET status = 'expired' WHERE status = 'done'")
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.alter_column('queued_at', existing_type=app.db.UTCDateTime(), nullable=False)
        batch_op.alter_column('attempts', server_default=None)
        batch_op.alter_column('size', server_default=None)
        batch_op.create_index('ix_export_job_status_queued_at', ['status', 'queued_at'], unique=False)
        batch_op.drop_column('content')


def downgrade():
    op.execute("DELETE FROM export_job WHERE format NOT IN ('csv', 'xlsx')")
    op.execute(
        "UPDATE export_job SET status = 'failed', error = 'file not kept by the downgrade' "
        "WHERE status IN ('done', 'expired')"
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
        batch_op.drop_index('ix_export_job_status_queued_at')
        _checks(batch_op, OLD_FORMATS, OLD_STATUSES)
        batch_op.drop_column('size')
        batch_op.drop_column('storage_key')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('attempts')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('queued_at')
