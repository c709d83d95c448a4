"""credential epochs for tokens, token lifetimes, the audit chain's signing key

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:40:00

account.credentials_epoch moves on at every password change, reset and disabling; api_token keeps the
epoch it was made under and is refused once they differ. Tokens made without an expiry get one now:
90 days from the upgrade (the default lifetime, DANGAN_TOKEN_DAYS_DEFAULT), so that none lives forever.
audit_head.key_id names the key the next audit event is signed with (the chain itself records each key
as it comes into use; see core.audit). audit_event is not altered: its append-only trigger (0003) stays.
"""

from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa
import core.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credentials_epoch', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credentials_epoch', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))
    token = sa.table('api_token', sa.column('expires_at', core.db.UTCDateTime(timezone=True)))
    op.execute(
        token.update()
        .where(token.c.expires_at.is_(None))
        .values(expires_at=datetime.now(UTC) + timedelta(days=90))
    )


def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('key_id')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('credentials_epoch')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('credentials_epoch')
