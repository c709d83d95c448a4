"""customer aliases: short names of customer files, learned from their names and edited by staff (issue 18)

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-08 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_customer_alias_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_alias")),
        sa.UniqueConstraint("customer_id", "alias", name=op.f("uq_customer_alias_customer_id")),
    )
    with op.batch_alter_table("customer_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_alias_alias"), ["alias"], unique=False)
        batch_op.create_index(batch_op.f("ix_customer_alias_customer_id"), ["customer_id"], unique=False)
    # Files already open learn theirs with `dangan customers alias learn` (the names are read in Python).


def downgrade() -> None:
    with op.batch_alter_table("customer_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_alias_customer_id"))
        batch_op.drop_index(batch_op.f("ix_customer_alias_alias"))
    op.drop_table("customer_alias")
