"""backup, restore and fixity: each object's last check and quarantine, operation runs

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-07 20:10:00

object_check keeps, per stored object, when it was last re-hashed, what was found and whether it is
quarantined (FIX-3, FIX-4); operation_run the backups, verifies, restores, fixity runs and repairs
(POL-6, PRS-1). The scheduled jobs' runs are 0015's job_run.
"""

from alembic import op
import sqlalchemy as sa
import core.db


revision = '0014'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('object_check',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('checked_at', core.db.UTCDateTime(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('actual_sha256', sa.String(length=64), nullable=True),
    sa.Column('quarantined_at', core.db.UTCDateTime(), nullable=True),
    sa.Column('repaired_at', core.db.UTCDateTime(), nullable=True),
    sa.Column('repaired_from', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_object_check'))
    )
    with op.batch_alter_table('object_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_object_check_checked_at'), ['checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_object_check_quarantined_at'), ['quarantined_at'], unique=False)

    op.create_table('operation_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('generation', sa.String(length=40), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('started_at', core.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', core.db.UTCDateTime(), nullable=True),
    sa.Column('objects', sa.Integer(), nullable=False),
    sa.Column('copied', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_run'))
    )
    with op.batch_alter_table('operation_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_run_kind'), ['kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('operation_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_run_kind'))
    op.drop_table('operation_run')
    with op.batch_alter_table('object_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_object_check_quarantined_at'))
        batch_op.drop_index(batch_op.f('ix_object_check_checked_at'))
    op.drop_table('object_check')
