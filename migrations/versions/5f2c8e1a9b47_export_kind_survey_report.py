"""export kind survey_report (the Ergebnisbericht)

The results report of a survey (a PDF of its public results, optionally for one
demographic group) is a new export kind; it joins the check constraint.

Revision ID: 5f2c8e1a9b47
Revises: 88b163bbdd1a
Create Date: 2026-12-02 19:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5f2c8e1a9b47'
down_revision = '88b163bbdd1a'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('assessment', 'survey_responses')"
NEW_KINDS = "kind IN ('assessment', 'survey_responses', 'survey_report')"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_export_job_export_kind'), type_='check')
        batch_op.create_check_constraint('export_kind', kinds)


def upgrade():
    _kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM export_job WHERE kind = 'survey_report'")
    _kinds(OLD_KINDS)
