"""privacy notice page

The site page key "privacy" (Datenschutzerklärung) joins the check constraint.

Revision ID: 5e1f0a2b7c31
Revises: c63930174b54
Create Date: 2026-12-02 17:55:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1f0a2b7c31'
down_revision = 'c63930174b54'
branch_labels = None
depends_on = None

OLD_KEYS = "key IN ('easy_language', 'sign_language', 'accessibility')"
NEW_KEYS = "key IN ('easy_language', 'sign_language', 'accessibility', 'privacy')"


def _check(keys: str) -> None:
    with op.batch_alter_table('site_page', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_site_page_page_key'), type_='check')
        batch_op.create_check_constraint('page_key', keys)


def upgrade():
    _check(NEW_KEYS)


def downgrade():
    op.execute("DELETE FROM site_page WHERE key = 'privacy'")
    _check(OLD_KEYS)
