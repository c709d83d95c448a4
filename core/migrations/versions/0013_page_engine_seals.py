"""page reading: the OCR engine kept, the clean-ups read after, the red seals found (issue 18)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 20:05:00

Pages read before this have none of them (NULL): their engine was tesseract, with no clean-up recorded.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.add_column(sa.Column('engine', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('steps', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('seals', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_column('seals')
        batch_op.drop_column('steps')
        batch_op.drop_column('engine')
