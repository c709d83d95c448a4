"""operations: scheduled job runs, notification channels and delivery

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-09 10:00:00

Each attempt at a scheduled job is a row (job_run), claimed once per slot so that several workers do not run
the same job twice; a user chooses the channels their notifications go out by (notify_channels, e-mail
address, language); a notification records when it was sent out by those channels and how (the outbox).
Notifications already stored count as delivered: only new ones go out.
"""

from alembic import op
import sqlalchemy as sa
import core.db


revision = '0015'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('slot', sa.String(length=60), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('started_at', core.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', core.db.UTCDateTime(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('retry_at', core.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('name', 'slot', 'attempt', name=op.f('uq_job_run_name'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_run_name'), ['name'], unique=False)

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('notify_channels', sa.JSON(), nullable=True))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_at', core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('delivery', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_delivered_at'), ['delivered_at'], unique=False)
    op.execute(sa.text("UPDATE notification SET delivered_at = created_at"))


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_delivered_at'))
        batch_op.drop_column('delivery')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('delivered_at')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('notify_channels')
        batch_op.drop_column('language')
        batch_op.drop_column('email')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_run_name'))
    op.drop_table('job_run')
