"""customer lifecycle: follow-up visits, grade rules, merges, offboarding

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 19:40:00

A sale schedules policy 8's follow-up visits (customer_followup); grades are computed by rules a manager
edits (customer_grade_rule, seeded with defaults) from the annual sales, the years as a customer and the
credit standing, and a person's grade is marked as overriding them (grade_source); a merged file points to
the file it went into (merged_into, merged_at); an employee's leaving keeps its report (offboarding, POL-5).
"""

from alembic import op
import sqlalchemy as sa
import core.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The rules a fresh archive grades by (policy 9 §2: by sales; policy 3: years of business, credit standing);
# managers change them. Money in fen.
DEFAULT_RULES = (
    ('A', 500_000_000, 3, ['优', '良好']),
    ('B', 100_000_000, 1, []),
    ('C', 10_000_000, None, []),
    ('D', None, None, []),
)


def upgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annual_sales', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('customer_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('grade_source', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('merged_into', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_at', core.db.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_customer_merged_into_customer'), 'customer', ['merged_into'], ['id']
        )

    op.create_table('customer_followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('sale_entry_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_entry_id', sa.Integer(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_followup_customer_id_customer')),
    sa.ForeignKeyConstraint(['done_entry_id'], ['customer_entry.id'], name=op.f('fk_customer_followup_done_entry_id_customer_entry')),
    sa.ForeignKeyConstraint(['sale_entry_id'], ['customer_entry.id'], name=op.f('fk_customer_followup_sale_entry_id_customer_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_followup'))
    )
    with op.batch_alter_table('customer_followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_followup_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_followup_sale_entry_id'), ['sale_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_followup_due_on'), ['due_on'], unique=False)

    rules = op.create_table('customer_grade_rule',
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('min_annual_sales', sa.BigInteger(), nullable=True),
    sa.Column('min_years', sa.Integer(), nullable=True),
    sa.Column('credit_standings', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('grade', name=op.f('pk_customer_grade_rule'))
    )
    now = core.db.utcnow()
    op.bulk_insert(rules, [
        {'grade': g, 'min_annual_sales': sales, 'min_years': years, 'credit_standings': credit,
         'updated_by': 'system', 'updated_at': now}
        for g, sales, years, credit in DEFAULT_RULES
    ])

    op.create_table('offboarding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=100), nullable=False),
    sa.Column('successor', sa.String(length=100), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offboarding'))
    )
    with op.batch_alter_table('offboarding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offboarding_login'), ['login'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('offboarding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offboarding_login'))
    op.drop_table('offboarding')
    op.drop_table('customer_grade_rule')
    with op.batch_alter_table('customer_followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_followup_due_on'))
        batch_op.drop_index(batch_op.f('ix_customer_followup_sale_entry_id'))
        batch_op.drop_index(batch_op.f('ix_customer_followup_customer_id'))
    op.drop_table('customer_followup')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_customer_merged_into_customer'), type_='foreignkey')
        for name in ('merged_at', 'merged_into', 'grade_source', 'customer_since', 'annual_sales'):
            batch_op.drop_column(name)
