"""document counts for the customer analysis: documents per file department, owner, status, type and level

Revision ID: 0016
Revises: 0018
Create Date: 2026-12-07 23:10:00

The customer analysis (issue 12, POL-2) counts the readable documents per type; read from the documents that
is a pass over all of them (about a second at 1M). document_count keeps the same counts grouped by what the
permission rule and the list's cheap filters look at (records.document_counts), kept on every write; here it
is filled from the documents that exist (not destroyed, in a file). Two indexes on customer hold every column
the analysis' other passes read (its profile dimensions in one pass, new files per month).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0018"
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO document_count (department, owner, status, merged, doc_type, level, documents)
SELECT coalesce(c.department, ''), coalesce(c.owner, ''), c.status, c.merged_into IS NOT NULL,
       coalesce(d.doc_type, ''), d.level, count(*)
FROM document d JOIN customer c ON c.id = d.customer_id
WHERE d.state != 'destroyed'
GROUP BY coalesce(c.department, ''), coalesce(c.owner, ''), c.status, c.merged_into IS NOT NULL,
         coalesce(d.doc_type, ''), d.level
"""


def upgrade() -> None:
    op.create_table(
        "document_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_count")),
        sa.UniqueConstraint(
            "department",
            "owner",
            "status",
            "merged",
            "doc_type",
            "level",
            name=op.f("uq_document_count_department"),
        ),
    )
    op.execute(sa.text(BACKFILL))
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customer_analysis",
            [
                "status",
                "grade",
                "industry",
                "province",
                "kind",
                "level",
                "department",
                "owner",
                "merged_into",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_customer_analysis_month",
            ["merged_into", "created_at", "status", "department", "owner"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_analysis_month")
        batch_op.drop_index("ix_customer_analysis")
    op.drop_table("document_count")
