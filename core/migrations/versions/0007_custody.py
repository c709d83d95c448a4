"""custody: locations, items, movements, loans and their incidents; the company's calendar days

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 17:30:00

An item's place is not a column: it is the destination of its last movement (custody.models).
"""

from alembic import op
import sqlalchemy as sa
import core.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_override',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_override'))
    )
    op.create_table('custody_location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['custody_location.id'], name=op.f('fk_custody_location_parent_id_custody_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_location')),
    sa.UniqueConstraint('code', name=op.f('uq_custody_location_code')),
    sa.UniqueConstraint('path', name=op.f('uq_custody_location_path'))
    )
    with op.batch_alter_table('custody_location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_location_parent_id'), ['parent_id'], unique=False)

    op.create_table('custody_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('pieces', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_custody_item_customer_id_customer')),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_custody_item_document_id_document')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_item'))
    )
    with op.batch_alter_table('custody_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_item_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_item_document_id'), ['document_id'], unique=False)

    op.create_table('custody_loan_series',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_no', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_custody_loan_series'))
    )
    op.create_table('custody_loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slip_no', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('renewal_days', sa.Integer(), nullable=True),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.Column('requested_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_by', sa.String(length=100), nullable=True),
    sa.Column('approved_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('out_by', sa.String(length=100), nullable=True),
    sa.Column('out_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_by', sa.String(length=100), nullable=True),
    sa.Column('returned_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['borrower_id'], ['account.id'], name=op.f('fk_custody_loan_borrower_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_loan')),
    sa.UniqueConstraint('slip_no', name=op.f('uq_custody_loan_slip_no')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_custody_loan_year'))
    )
    with op.batch_alter_table('custody_loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_loan_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_loan_status'), ['status'], unique=False)

    op.create_table('custody_loan_item',
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['custody_item.id'], name=op.f('fk_custody_loan_item_item_id_custody_item')),
    sa.ForeignKeyConstraint(['loan_id'], ['custody_loan.id'], name=op.f('fk_custody_loan_item_loan_id_custody_loan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('loan_id', 'item_id', name=op.f('pk_custody_loan_item'))
    )
    op.create_table('custody_incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('expected_pieces', sa.Integer(), nullable=False),
    sa.Column('expected_pages', sa.Integer(), nullable=False),
    sa.Column('counted_pieces', sa.Integer(), nullable=False),
    sa.Column('counted_pages', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reported_by', sa.String(length=100), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['custody_loan.id'], name=op.f('fk_custody_incident_loan_id_custody_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_incident'))
    )
    with op.batch_alter_table('custody_incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_incident_loan_id'), ['loan_id'], unique=False)

    op.create_table('custody_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_location_id', sa.Integer(), nullable=True),
    sa.Column('to_location_id', sa.Integer(), nullable=True),
    sa.Column('holder', sa.String(length=100), nullable=True),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_location_id'], ['custody_location.id'], name=op.f('fk_custody_movement_from_location_id_custody_location')),
    sa.ForeignKeyConstraint(['item_id'], ['custody_item.id'], name=op.f('fk_custody_movement_item_id_custody_item')),
    sa.ForeignKeyConstraint(['loan_id'], ['custody_loan.id'], name=op.f('fk_custody_movement_loan_id_custody_loan')),
    sa.ForeignKeyConstraint(['to_location_id'], ['custody_location.id'], name=op.f('fk_custody_movement_to_location_id_custody_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_movement'))
    )
    with op.batch_alter_table('custody_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_movement_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_movement_loan_id'), ['loan_id'], unique=False)


def downgrade() -> None:
    for table in ('custody_movement', 'custody_incident', 'custody_loan_item', 'custody_loan',
                  'custody_loan_series', 'custody_item', 'custody_location', 'calendar_override'):
        op.drop_table(table)
