"""custody: the last movement of each item marked, so a place's items are read from an index

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 23:30:00

An item's place stays the destination of its last movement. `latest` marks which movement that is (one per
item, a unique partial index says so); `custody.items.add_movement` moves the mark in the transaction that
records a movement, and `dangan check` compares it with the highest id. A cabinet's items are then the marked
movements into its subtree (a partial index on to_location_id), instead of every movement ever made into it
each probed for a later one (bench/custody.py: p95 338 ms at 100k items and 1M movements).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("custody_movement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latest", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE custody_movement SET latest = true WHERE id IN "
        "(SELECT max(id) FROM custody_movement GROUP BY item_id)"
    )
    with op.batch_alter_table("custody_movement", schema=None) as batch_op:
        batch_op.create_index(
            "uq_custody_movement_latest_item",
            ["item_id"],
            unique=True,
            sqlite_where=sa.text("latest = 1"),
            postgresql_where=sa.text("latest"),
        )
        batch_op.create_index(
            "ix_custody_movement_latest_place",
            ["to_location_id", "item_id"],
            unique=False,
            sqlite_where=sa.text("latest = 1"),
            postgresql_where=sa.text("latest"),
        )


def downgrade() -> None:
    with op.batch_alter_table("custody_movement", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_movement_latest_place")
        batch_op.drop_index("uq_custody_movement_latest_item")
        batch_op.drop_column("latest")
