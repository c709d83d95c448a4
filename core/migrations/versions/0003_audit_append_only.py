"""audit trail append-only: on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of audit_event

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:00:00

The application never updates or deletes an audit event (core.audit.record writes each row once,
complete); the trigger makes the database refuse it too, whoever asks, short of the table's owner
disabling the trigger (which PostgreSQL itself logs). On SQLite there is nothing to do: whoever can
write the file can drop a trigger, so the hash chain is the protection there.
"""

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
