"""export formats ods, docx and pdf (the Auswertung as spreadsheet and document)

Widens the CHECK constraint of ``export_job.format``. On SQLite the batch mode
copies the table; the column is reflected as a plain string so the old constraint
is not carried over.

Revision ID: b7c3e1d9a2f4
Revises: f9ffb81fc183
Create Date: 2026-12-02 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c3e1d9a2f4'
down_revision = 'f9ffb81fc183'
branch_labels = None
depends_on = None

OLD = ("csv", "xlsx")
NEW = ("csv", "xlsx", "ods", "docx", "pdf")


def _check(formats: tuple[str, ...]) -> str:
    return "format IN (" + ", ".join(f"'{value}'" for value in formats) + ")"


def _replace(formats: tuple[str, ...]) -> None:
    with op.batch_alter_table(
        "export_job", reflect_args=[sa.Column("format", sa.String(32), nullable=False)]
    ) as batch_op:
        batch_op.drop_constraint(op.f("ck_export_job_export_format"), type_="check")
        batch_op.create_check_constraint("export_format", _check(formats))


def upgrade():
    _replace(NEW)


def downgrade():
    op.execute(sa.text("DELETE FROM export_job WHERE format IN ('ods', 'docx', 'pdf')"))
    _replace(OLD)
