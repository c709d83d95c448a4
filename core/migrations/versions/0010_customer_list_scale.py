"""customer list at scale: a stored pinyin sort key, the current/ended flag, indexes for every filter and sort

Revision ID: 0010
Revises: 0012
Create Date: 2026-12-07 19:45:00

The customer list (POL-2) sorts by name in pinyin order, by grade or by last contact, current files before
former and lost ones (POL-11), in the database: the pinyin key and the ended flag are columns the model keeps
on every write (records.models.Customer), filled here for the files that exist.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0012"
branch_labels = None
depends_on = None

_SINGLE = (
    "status",
    "level",
    "department",
    "owner",
    "created_at",
    "updated_at",
    "province",
    "city",
    "industry",
    "kind",
    "grade",
)
_COMPOSITE = (
    ("ix_customer_list_name", ["ended", "name_key", "id"]),
    ("ix_customer_list_grade", ["ended", "grade", "name_key"]),
    ("ix_customer_list_contact", ["ended", "last_contact", "name_key"]),
)
_ENDED = ("former", "lost")


def upgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("ended", sa.Boolean(), server_default=sa.false(), nullable=False))

    from records.models import name_sort_key

    connection = op.get_bind()
    customer = sa.table(
        "customer",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("status", sa.String),
        sa.column("name_key", sa.String),
        sa.column("ended", sa.Boolean),
    )
    rows = connection.execute(sa.select(customer.c.id, customer.c.name, customer.c.status)).all()
    for row in rows:
        connection.execute(
            customer.update()
            .where(customer.c.id == row.id)
            .values(name_key=name_sort_key(row.name), ended=row.status in _ENDED)
        )

    with op.batch_alter_table("customer", schema=None) as batch_op:
        for column in _SINGLE:
            batch_op.create_index(batch_op.f(f"ix_customer_{column}"), [column], unique=False)
        for name, columns in _COMPOSITE:
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(
            "ix_document_type_scope", ["doc_type", "level", "customer_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_type_scope")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        for name, _columns in reversed(_COMPOSITE):
            batch_op.drop_index(name)
        for column in reversed(_SINGLE):
            batch_op.drop_index(batch_op.f(f"ix_customer_{column}"))
        batch_op.drop_column("ended")
        batch_op.drop_column("name_key")
