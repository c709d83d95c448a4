"""The audit trail: `dangan audit verify` names the first broken link after an edit, a deletion or a
reordering; on PostgreSQL the table refuses UPDATE, DELETE and TRUNCATE; exports verify on their own."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from api.cli import app
from core import audit
from core.db import utcnow as trail_now
from tests.support.tamper import append_only_off
from workflows.trail import stored_checkpoints

COLUMNS = (
    "at",
    "actor",
    "role",
    "action",
    "object_type",
    "object_id",
    "archive_no",
    "result",
    "client",
    "reference",
    "details",
    "prev_hash",
    "hash",
)


@pytest.fixture
def cli(monkeypatch, settings, tmp_path):
    """A CLI on an initialised archive with an auditor (`--user aud`) and ten events."""
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["users", "add", "aud", "--role", "auditor"]).exit_code == 0
    return runner


@pytest.fixture
def trail(cli, settings):
    from workflows.runtime import Runtime

    runtime = Runtime(settings)
    with runtime.factory() as session, session.begin():
        for i in range(10):
            audit.record(session, actor="alice", action="view", object_type="document", object_id=i)
    yield runtime
    runtime.close()


def _ids(runtime) -> list[int]:
    with runtime.factory() as session:
        return list(session.execute(text("SELECT id FROM audit_event ORDER BY id")).scalars())


def _tamper(runtime, sql: str, **params) -> None:
    with runtime.factory() as session, session.begin(), append_only_off(session):
        session.execute(text(sql), params)


def _verify(cli, *args: str):
    return cli.invoke(app, ["audit", "verify", *args])


def test_intact_chain_exits_0(cli, trail):
    result = _verify(cli)
    assert result.exit_code == 0 and "intact" in result.stdout


def test_edited_row_is_named(cli, trail):
    target = _ids(trail)[-4]
    _tamper(trail, "UPDATE audit_event SET actor = 'mallory' WHERE id = :id", id=target)
    result = _verify(cli)
    assert result.exit_code == 1 and str(target) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_deleted_row_breaks_the_next_link(cli, trail):
    ids = _ids(trail)
    _tamper(trail, "DELETE FROM audit_event WHERE id = :id", id=ids[-4])
    result = _verify(cli)
    assert result.exit_code == 1 and f" {ids[-3]}" in result.stderr


def test_reordered_rows_are_named(cli, trail):
    first, second = _ids(trail)[-5:-3]
    with trail.factory() as session, session.begin(), append_only_off(session):
        cols = ", ".join(COLUMNS)
        rows = {
            r[0]: r[1:]
            for r in session.execute(
                text(f"SELECT id, {cols} FROM audit_event WHERE id IN (:a, :b)"), {"a": first, "b": second}
            )
        }
        assign = ", ".join(f"{c} = :{c}" for c in COLUMNS)
        for target, source in ((first, second), (second, first)):
            session.execute(
                text(f"UPDATE audit_event SET {assign} WHERE id = :id"),
                {"id": target, **dict(zip(COLUMNS, rows[source], strict=True))}
                | {"details": json.dumps(rows[source][COLUMNS.index("details")])},
            )
    result = _verify(cli)
    assert result.exit_code == 1 and f" {first}" in result.stderr


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'mallory'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event CASCADE",
    ],
)
def test_postgresql_refuses_to_change_the_trail(trail, statement):
    if trail.engine.dialect.name != "postgresql":
        pytest.skip(
            "the append-only trigger is PostgreSQL's; on SQLite the hash chain alone guards the trail"
        )
    with pytest.raises(DBAPIError, match="append-only"), trail.factory() as session, session.begin():
        session.execute(text(statement))
    with trail.factory() as session:
        assert audit.verify_chain(session).intact


def test_verify_needs_an_auditor_or_admin(cli, trail):
    assert cli.invoke(app, ["users", "add", "clerk", "--role", "staff"]).exit_code == 0
    refused = _verify(cli, "--user", "clerk")
    assert refused.exit_code == 2 and "auditor" in refused.stderr
    assert _verify(cli, "--user", "aud").exit_code == 0


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_verifies_on_its_own_and_any_tampering_is_named(cli, trail, tmp_path, fmt):
    out = tmp_path / f"trail.{fmt}"
    exported = cli.invoke(app, ["audit", "export", "--format", fmt, "--output", str(out), "--user", "aud"])
    assert exported.exit_code == 0, exported.stderr
    assert _verify(cli, "--file", str(out), "--user", "aud").exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    head, rows = (lines[:1], lines[1:]) if fmt == "csv" else ([], lines)
    ids = [_row_id(line, fmt) for line in rows]

    k = next(i for i, row in enumerate(rows) if "alice" in row)  # the first of the trail's own events
    edited = [*head, *rows[:k], rows[k].replace("alice", "mallory"), *rows[k + 1 :]]
    dropped = [*head, *rows[:k], *rows[k + 1 :]]
    swapped = [*head, *rows[:k], rows[k + 1], rows[k], *rows[k + 2 :]]
    for name, content, broken in (
        ("edited", edited, ids[k]),
        ("dropped", dropped, ids[k + 1]),
        ("swapped", swapped, ids[k + 1]),
    ):
        bad = tmp_path / f"{name}.{fmt}"
        bad.write_text("".join(content), encoding="utf-8")
        result = _verify(cli, "--file", str(bad), "--user", "aud")
        assert result.exit_code == 1 and f" {broken}" in result.stderr, (name, result.stderr)


def _row_id(line: str, fmt: str) -> int:
    return json.loads(line)["id"] if fmt == "jsonl" else int(line.split(",", 1)[0])


def test_a_time_slice_starts_from_the_hash_before_it(cli, trail, tmp_path):
    with trail.factory() as session:
        before, start = session.scalars(
            select(audit.AuditEvent).order_by(audit.AuditEvent.id.desc()).limit(6)
        ).all()[-2:][::-1]
    out = tmp_path / "slice.jsonl"
    result = cli.invoke(
        app, ["audit", "export", "--from", start.at.isoformat(), "--output", str(out), "--user", "aud"]
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["id"] == start.id and rows[0]["prev_hash"] == before.hash == start.prev_hash
    assert _verify(cli, "--file", str(out), "--user", "aud").exit_code == 0


def test_only_auditors_export_and_each_export_is_audited(cli, trail, tmp_path):
    refused = cli.invoke(app, ["audit", "export", "--format", "csv"])  # the local admin
    assert refused.exit_code == 2 and "auditor" in refused.stderr
    assert cli.invoke(app, ["audit", "export", "--format", "csv", "--user", "aud"]).exit_code == 0
    with trail.factory() as session:
        rows = session.execute(
            text("SELECT actor, result FROM audit_event WHERE action = 'audit.export' ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [("admin", "denied"), ("aud", "ok")]


def test_auditors_search_the_trail_by_time_through_the_api(world):
    auditor = world.client("auditor")
    everything = auditor.get("/api/audit").json()
    assert everything["total"] >= 1 and {"prev_hash", "hash"} <= set(everything["events"][0])
    assert auditor.get("/api/audit", params={"from": "2999-01-01"}).json()["total"] == 0
    assert auditor.get("/api/audit", params={"to": "2000-01-01"}).json()["total"] == 0
    bad = auditor.get("/api/audit", params={"from": "last tuesday"})
    assert bad.status_code == 400 and bad.json()["error"] == "audit.bad_time"


def _head(runtime) -> tuple[int, str]:
    with runtime.factory() as session:
        return tuple(session.execute(text("SELECT last_event_id, last_hash FROM audit_head")).one())


def test_init_makes_a_private_key_file_and_checkpoints_an_archive_with_a_past(cli, trail, settings):
    assert stat.S_IMODE(settings.audit_key_path.stat().st_mode) == 0o600
    with trail.factory() as session:
        actions = list(session.execute(text("SELECT action FROM audit_event ORDER BY id LIMIT 2")).scalars())
    assert actions == ["audit.key_start", "init"]
    assert list(trail.store.list("checkpoints/")) == []  # a new archive has nothing to guard yet
    assert cli.invoke(app, ["init"]).exit_code == 0  # as at every start of `dangan serve`
    [checkpoint] = stored_checkpoints(trail)
    assert checkpoint.head_id == _head(trail)[0] - 1  # the chain records the checkpoint right after it
    with trail.factory() as session:
        assert audit.verify_chain(session, checkpoints=[checkpoint]).intact


def test_recomputed_chain_after_an_edit_fails_naming_the_row(cli, trail):
    target = _ids(trail)[-4]
    with trail.factory() as session, session.begin(), append_only_off(session):
        session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": target})
        prev = session.execute(
            text("SELECT hash FROM audit_event WHERE id = :id"), {"id": target - 1}
        ).scalar()
        for event in session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.id >= target).order_by(audit.AuditEvent.id)
        ):
            event.prev_hash, event.hash = prev, ""
            event.hash = prev = audit.event_hash(event)
        session.flush()
        session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})
    result = _verify(cli)
    assert result.exit_code == 1 and f" {target}" in result.stderr and "audit key" in result.stderr


def test_truncated_tail_fails_naming_the_checkpoint(cli, trail):
    checkpoint = cli.invoke(app, ["audit", "checkpoint", "--json", "--user", "aud"])
    assert checkpoint.exit_code == 0, checkpoint.stderr
    made = json.loads(checkpoint.stdout)
    with trail.factory() as session, session.begin():
        keep, keep_hash = session.execute(
            text("SELECT id, hash FROM audit_event WHERE id < :id ORDER BY id DESC LIMIT 1"),
            {"id": made["head_id"] - 3},
        ).one()
        session.execute(
            text("UPDATE audit_head SET last_event_id = :id, last_hash = :h"), {"id": keep, "h": keep_hash}
        )
        with append_only_off(session):
            session.execute(text("DELETE FROM audit_event WHERE id > :id"), {"id": keep})
    result = _verify(cli, "--user", "aud")
    assert result.exit_code == 1 and made["name"] in result.stderr and "checkpoint" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    names = {info.key for info in trail.store.list("checkpoints/")}
    assert _verify(cli).exit_code == 1 and {info.key for info in trail.store.list("checkpoints/")} == names


def test_forged_event_appended_without_the_key_fails_naming_it(cli, trail):
    head_id, head_hash = _head(trail)
    with trail.factory() as session, session.begin():
        forged = audit.AuditEvent(
            id=head_id + 1, at=trail_now(), actor="aud", role="auditor", action="audit.search",
            object_type="", object_id="", archive_no="", result="ok", client="", reference="",
            details={}, prev_hash=head_hash, hash="",
        )  # fmt: skip
        forged.hash = audit.event_hash(forged)
        session.add(forged)  # no trigger refuses an INSERT
        session.flush()
        session.execute(
            text("UPDATE audit_head SET last_event_id = :id, last_hash = :h"),
            {"id": forged.id, "h": forged.hash},
        )
    result = _verify(cli)
    assert result.exit_code == 1 and f" {head_id + 1}" in result.stderr


def test_intact_verify_writes_a_checkpoint_and_checks_them_all(cli, trail):
    before = len(list(trail.store.list("checkpoints/")))
    first = _verify(cli, "--user", "aud")
    assert first.exit_code == 0 and "checkpoints" in first.stdout
    assert len(list(trail.store.list("checkpoints/"))) == before + 1
    with trail.factory() as session:
        rows = session.execute(
            text("SELECT actor, action FROM audit_event WHERE action LIKE 'audit.%' ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows][-2:] == [("aud", "audit.verify"), ("aud", "audit.checkpoint")]


def test_checkpoints_are_written_by_auditors_and_admins_only(cli, trail):
    assert cli.invoke(app, ["users", "add", "clerk", "--role", "staff"]).exit_code == 0
    refused = cli.invoke(app, ["audit", "checkpoint", "--user", "clerk"])
    assert refused.exit_code == 2 and "auditor" in refused.stderr
    assert cli.invoke(app, ["audit", "checkpoint"]).exit_code == 0


def test_key_rotation_is_the_admins_and_the_chain_and_exports_still_verify(cli, trail, tmp_path):
    refused = cli.invoke(app, ["audit", "rotate-key", "--user", "aud"])
    assert refused.exit_code == 2 and "admin" in refused.stderr
    rotated = cli.invoke(app, ["audit", "rotate-key", "--json"])
    assert rotated.exit_code == 0, rotated.stderr
    ids = json.loads(rotated.stdout)
    assert ids["old_key_id"] != ids["new_key_id"]
    with trail.factory() as session, session.begin():
        audit.record(session, actor="alice", action="view", object_type="document", object_id=99)
    verified = _verify(cli, "--user", "aud")
    assert verified.exit_code == 0, verified.stderr
    out = tmp_path / "trail.jsonl"
    assert cli.invoke(app, ["audit", "export", "--output", str(out), "--user", "aud"]).exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["key_id"] for r in rows} == {ids["old_key_id"], ids["new_key_id"]}
    assert _verify(cli, "--file", str(out), "--user", "aud").exit_code == 0
    with trail.factory() as session:
        details = session.execute(
            text("SELECT details FROM audit_event WHERE action = 'audit.key_rotate' AND result = 'ok'")
        ).scalar()
    assert (json.loads(details) if isinstance(details, str) else details) == ids
