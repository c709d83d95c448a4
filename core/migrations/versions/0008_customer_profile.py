"""customer profile: profile fields, suggestions from licences, contacts, timeline entries, revisions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 17:30:00

A customer file gains its profile (POL-1: names, codes, addresses, region, contact channels, industry,
nature, capital and credit limit in fen, founding date, kind, grade, status date and reason), the values
ingest offers from licences, and its contacts, timeline and revisions (POL-10, POL-11).
"""

from alembic import op
import sqlalchemy as sa
import core.db


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_TEXT_COLUMNS = (
    ('legal_rep', 100),
    ('registered_address', 300),
    ('business_address', 300),
    ('province', 40),
    ('city', 40),
    ('phone', 60),
    ('fax', 60),
    ('email', 200),
    ('website', 200),
    ('industry', 100),
    ('nature', 60),
    ('kind', 20),
    ('grade', 1),
    ('credit_standing', 100),
)


def upgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('former_names', sa.JSON(), server_default='[]', nullable=False))
        for name, length in _TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
        batch_op.add_column(sa.Column('registered_capital', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('founded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('business_scope', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('credit_limit', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('status_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('suggested', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('last_contact', sa.Date(), nullable=True))

    op.create_table('customer_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=True),
    sa.Column('phones', sa.JSON(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('preferences', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_contact_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_contact'))
    )
    with op.batch_alter_table('customer_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_contact_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', core.db.UTCDateTime(), nullable=False),
    sa.Column('approved_by', sa.String(length=100), nullable=True),
    sa.Column('approved_at', core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_entry_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_entry'))
    )
    with op.batch_alter_table('customer_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_entry_customer_id'), ['customer_id'], unique=False)

    op.create_table('customer_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', core.db.UTCDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_revision_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_revision'))
    )
    with op.batch_alter_table('customer_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_revision_customer_id'), ['customer_id'], unique=False)


def downgrade() -> None:
    for table in ('customer_revision', 'customer_entry', 'customer_contact'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_customer_id'))
        op.drop_table(table)
    with op.batch_alter_table('customer', schema=None) as batch_op:
        for name in ('last_contact', 'suggested', 'status_reason', 'status_on', 'credit_limit',
                     'business_scope', 'founded_on', 'registered_capital'):
            batch_op.drop_column(name)
        for name, _length in reversed(_TEXT_COLUMNS):
            batch_op.drop_column(name)
        batch_op.drop_column('former_names')
