"""custody: inspections of locations (POL-12); indexes that let the ledgers derive places at scale

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-07 19:45:00

The place of an item stays derived from its last movement: (item_id, id) finds the last one per item, and
to_location_id finds the movements into a location (the ledger's location filter).
"""

from alembic import op
import sqlalchemy as sa
import core.db


revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custody_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(length=100), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["custody_location.id"],
            name=op.f("fk_custody_inspection_location_id_custody_location"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_inspection")),
    )
    with op.batch_alter_table("custody_inspection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_inspection_inspected_on"), ["inspected_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_custody_inspection_location_id"), ["location_id"], unique=False)
    with op.batch_alter_table("custody_movement", schema=None) as batch_op:
        batch_op.create_index("ix_custody_movement_item_latest", ["item_id", "id"], unique=False)
        batch_op.create_index("ix_custody_movement_to_location", ["to_location_id", "item_id", "id"], unique=False)
        batch_op.create_index("ix_custody_movement_kind", ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("custody_movement", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_movement_kind")
        batch_op.drop_index("ix_custody_movement_to_location")
        batch_op.drop_index("ix_custody_movement_item_latest")
    with op.batch_alter_table("custody_inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_inspection_location_id"))
        batch_op.drop_index(batch_op.f("ix_custody_inspection_inspected_on"))
    op.drop_table("custody_inspection")
