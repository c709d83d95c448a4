"""handovers: lists (移交清单), their lines and steps (signatures, counts, returns), numbering series

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07 19:32:42

A file's list and its certificates' list share one number (POL-8): unique per kind, prefix, year and seq.
"""

from alembic import op
import sqlalchemy as sa
import core.db


revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('custody_handover_series',
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_no', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_custody_handover_series'))
    )
    op.create_table('custody_handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('file_handover_id', sa.Integer(), nullable=True),
    sa.Column('preparer_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('finished_on', sa.Date(), nullable=False),
    sa.Column('preparer_due', sa.Date(), nullable=False),
    sa.Column('reviewer_due', sa.Date(), nullable=True),
    sa.Column('due_estimated', sa.Boolean(), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=60), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_custody_handover_customer_id_customer')),
    sa.ForeignKeyConstraint(['file_handover_id'], ['custody_handover.id'], name=op.f('fk_custody_handover_file_handover_id_custody_handover')),
    sa.ForeignKeyConstraint(['location_id'], ['custody_location.id'], name=op.f('fk_custody_handover_location_id_custody_location')),
    sa.ForeignKeyConstraint(['preparer_id'], ['account.id'], name=op.f('fk_custody_handover_preparer_id_account')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['account.id'], name=op.f('fk_custody_handover_reviewer_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_handover')),
    sa.UniqueConstraint('kind', 'prefix', 'year', 'seq', name=op.f('uq_custody_handover_kind'))
    )
    with op.batch_alter_table('custody_handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_handover_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_handover_file_handover_id'), ['file_handover_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_handover_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_handover_preparer_id'), ['preparer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_handover_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_handover_status'), ['status'], unique=False)

    op.create_table('custody_handover_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('certificate_no', sa.String(length=100), nullable=False),
    sa.Column('pieces', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('remarks', sa.String(length=500), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_custody_handover_item_document_id_document')),
    sa.ForeignKeyConstraint(['handover_id'], ['custody_handover.id'], name=op.f('fk_custody_handover_item_handover_id_custody_handover'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['custody_item.id'], name=op.f('fk_custody_handover_item_item_id_custody_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_handover_item')),
    sa.UniqueConstraint('handover_id', 'position', name=op.f('uq_custody_handover_item_handover_id'))
    )
    with op.batch_alter_table('custody_handover_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_handover_item_handover_id'), ['handover_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_handover_item_item_id'), ['item_id'], unique=False)

    op.create_table('custody_handover_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('exception', sa.Text(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handover_id'], ['custody_handover.id'], name=op.f('fk_custody_handover_step_handover_id_custody_handover'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_handover_step'))
    )
    with op.batch_alter_table('custody_handover_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_handover_step_handover_id'), ['handover_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('custody_handover_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_handover_step_handover_id'))

    op.drop_table('custody_handover_step')
    with op.batch_alter_table('custody_handover_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_handover_item_item_id'))
        batch_op.drop_index(batch_op.f('ix_custody_handover_item_handover_id'))

    op.drop_table('custody_handover_item')
    with op.batch_alter_table('custody_handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_handover_status'))
        batch_op.drop_index(batch_op.f('ix_custody_handover_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_custody_handover_preparer_id'))
        batch_op.drop_index(batch_op.f('ix_custody_handover_number'))
        batch_op.drop_index(batch_op.f('ix_custody_handover_file_handover_id'))
        batch_op.drop_index(batch_op.f('ix_custody_handover_customer_id'))

    op.drop_table('custody_handover')
    op.drop_table('custody_handover_series')
