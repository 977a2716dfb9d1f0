"""deleted accounts: comment author NULL, audit events marked actor_deleted

A deleted account's comments kept the German "gelöschte:r Nutzer:in" as their author
name, so every language showed it in German. The author is now NULL and each page,
mail and export shows "deleted user" in its own language (Comment.display_author);
existing rows are converted (online comments without a participant, the only ones
erasure wrote it to).

A deleted staff account's audit events lost their actor (ON DELETE SET NULL) and
looked like system events. ``actor_deleted`` marks them when the account is deleted,
so the log shows "deleted account" there and "system" only for real system events.
Events of accounts deleted before this revision cannot be told apart and stay
"system".

Revision ID: a7d3c9e2f410
Revises: 5f2c8e1a9b47
Create Date: 2026-12-03 08:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7d3c9e2f410'
down_revision = '5f2c8e1a9b47'
branch_labels = None
depends_on = None

DELETED_AUTHOR = "gelöschte:r Nutzer:in"  # what erasure stored until this revision


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.alter_column('author_name', existing_type=sa.String(length=120), nullable=True)
    op.execute(
        sa.text(
            "UPDATE comment SET author_name = NULL WHERE author_name = :deleted "
            "AND participant_id IS NULL AND channel = 'online'"
        ).bindparams(deleted=DELETED_AUTHOR)
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('actor_deleted', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('actor_deleted')
    op.execute(
        sa.text("UPDATE comment SET author_name = :deleted WHERE author_name IS NULL").bindparams(
            deleted=DELETED_AUTHOR
        )
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.alter_column('author_name', existing_type=sa.String(length=120), nullable=False)
