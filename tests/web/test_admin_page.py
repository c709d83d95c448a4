"""The admin page: positions assigned and taken away, level rules edited; refusals and bad input shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from access.models import ApiToken, LevelRule, User
from access.rules import DEFAULT_RULES
from core.audit import AuditEvent


def _positions(world, login: str) -> set[str]:
    with world.runtime.factory() as session:
        return set(session.scalar(select(User).where(User.login == login)).positions)


def _rule(world, level: str) -> tuple[list[str], list[str], int]:
    with world.runtime.factory() as session:
        row = session.get(LevelRule, level)
        return list(row.readers), list(row.chain), row.rank


def test_admin_assigns_and_removes_a_position(tab, world):
    admin = tab("admin", "en")
    page = admin.get("/admin")
    assert 'action="/admin/users/bob/positions"' in page.text
    assert 'id="positions"' in page.text and "Marketing director" in page.text  # the positions list
    given = admin.post("/admin/users/bob/positions", {"position": "marketing_director", "held": "1"})
    assert given.status_code == 303 and _positions(world, "bob") == {"marketing_director"}
    assert "Marketing director" in admin.get("/admin").text.split('id="user-bob"')[1].split("</td>")[0]
    taken = admin.post("/admin/users/bob/positions", {"position": "marketing_director", "held": "0"})
    assert taken.status_code == 303 and _positions(world, "bob") == set()
    with world.runtime.factory() as session:
        changes = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "permission.change", AuditEvent.actor == "admin")
        ).all()
        assert [e.details.get("held") for e in changes if e.details.get("position")] == [True, False]


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "Unknown position: janitor"), ("zh-CN", "未知的职务：janitor")]
)
def test_unknown_position_is_shown_beside_the_user_in_the_chosen_language(tab, world, lang, words):
    refused = tab("admin", lang).post("/admin/users/bob/positions", {"position": "janitor", "held": "1"})
    assert refused.status_code == 400 and 'id="err-position-bob"' in refused.text
    assert words in refused.text and _positions(world, "bob") == set()


def test_position_of_an_unknown_user_is_not_found(tab):
    missing = tab("admin").post("/admin/users/ghost/positions", {"position": "gm", "held": "1"})
    assert missing.status_code == 404 and "ghost" in missing.text


@pytest.mark.parametrize("login", ["alice", "mgr1", "archivist", "auditor"])
def test_only_an_admin_assigns_positions(tab, world, login):
    refused = tab(login).post("/admin/users/bob/positions", {"position": "gm", "held": "1"})
    assert refused.status_code == 403 and _positions(world, "bob") == set()
    with world.runtime.factory() as session:
        assert session.scalar(
            select(AuditEvent).where(AuditEvent.actor == login, AuditEvent.result == "denied")
        )


def test_admin_edits_a_level_rule(tab, world):
    admin = tab("admin", "en")
    form = admin.get("/admin")
    assert 'action="/admin/levels/company"' in form.text and 'id="company-readers"' in form.text
    saved = admin.post(
        "/admin/levels/company",
        {"readers": "gm，deputy_gm, gm", "chain": "requester_manager → gm", "rank": "3"},
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin?saved_level=company")
    assert _rule(world, "company") == (["gm", "deputy_gm"], ["requester_manager", "gm"], 3)
    shown = admin.get(saved.headers["location"])
    assert "The rule of level Company is saved" in shown.text and 'value="gm, deputy_gm"' in shown.text
    with world.runtime.factory() as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "permission.change", AuditEvent.object_id == "company"
            )
        )
        assert event.details["before"]["readers"] == list(DEFAULT_RULES["company"].readers)
        assert event.details["after"]["readers"] == ["gm", "deputy_gm"]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (
            {"readers": "gm, janitor", "chain": "gm"},
            "company-readers",
            "Unknown codes in the level rule: janitor",
        ),
        (
            {"readers": "gm", "chain": "everyone"},
            "company-chain",
            "Unknown codes in the level rule: everyone",
        ),
        ({"readers": " , ", "chain": "gm"}, "company-readers", "This field is required"),
        ({"readers": "gm", "chain": "gm", "rank": "high"}, "company-rank", "whole number from 0 to 99"),
        ({"readers": "gm", "chain": "gm", "rank": "9" * 30}, "company-rank", "whole number from 0 to 99"),
    ],
)
def test_invalid_level_rule_is_refused_beside_its_field(tab, world, data, field, words):
    refused = tab("admin", "en").post("/admin/levels/company", data)
    assert refused.status_code == 400, refused.text
    assert f'id="err-{field}"' in refused.text and words in refused.text
    assert f'value="{data["readers"]}"' in refused.text  # what was typed stays in the field
    assert _rule(world, "company")[0] == list(DEFAULT_RULES["company"].readers)


def test_invalid_level_rule_is_explained_in_chinese(tab):
    refused = tab("admin").post("/admin/levels/company", {"readers": "janitor", "chain": ""})
    assert refused.status_code == 400 and "密级规则中有未知代码：janitor" in refused.text


def test_unknown_level_is_a_bad_request_not_a_crash(tab):
    refused = tab("admin", "en").post("/admin/levels/secret", {"readers": "gm", "chain": "gm"})
    assert refused.status_code == 400 and "Unknown level: secret" in refused.text


@pytest.mark.parametrize("login", ["alice", "mgr1", "gm", "auditor"])
def test_only_an_admin_changes_level_rules(tab, world, login):
    for data in ({"readers": "everyone", "chain": ""}, {"readers": "", "chain": "", "rank": "x"}):
        refused = tab(login).post("/admin/levels/company", data)
        assert refused.status_code == 403
    assert _rule(world, "company")[0] == list(DEFAULT_RULES["company"].readers)
    with world.runtime.factory() as session:
        assert session.scalar(
            select(AuditEvent).where(
                AuditEvent.actor == login,
                AuditEvent.action == "permission.change",
                AuditEvent.result == "denied",
            )
        )


def test_admin_sees_a_users_tokens_and_revokes_one(tab, world):
    admin = tab("admin", "en")
    assert 'href="/admin/users/alice/tokens"' in admin.get("/admin").text
    page = admin.get("/admin/users/alice/tokens")
    assert page.status_code == 200 and "API tokens of alice" in page.text and "tests" in page.text
    with world.runtime.factory() as session:
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == world.users["alice"]))
    revoked = admin.post(f"/admin/tokens/{token_id}/revoke", {"login": "alice"})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/admin/users/alice/tokens"
    assert "Revoked" in admin.get("/admin/users/alice/tokens").text
    assert world.client("alice").get("/api/me").status_code == 401
    with world.runtime.factory() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(("token.list", "token.revoke")))
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.actor, e.action) for e in events] == [
        ("admin", "token.list"),
        ("admin", "token.revoke"),
        ("admin", "token.list"),
    ]


@pytest.mark.parametrize("login", ["alice", "auditor"])
def test_only_an_admin_sees_anothers_tokens(tab, login):
    assert tab(login).get("/admin/users/bob/tokens").status_code == 403


# --- issue 14: backup and integrity on the admin page ---
@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh-CN", ["备份与完整性", "缺失", "完成"]), ("en", ["Backup and integrity", "missing", "complete"])],
)
def test_the_admin_page_shows_the_last_backup_and_the_quarantined_objects(tab, world, tmp_path, lang, words):
    from records.models import Document
    from tests.retention.conftest import add_record
    from workflows.backup import run_backup
    from workflows.fixity import run_fixity

    runtime = world.runtime
    doc = add_record(world, title="函件")
    run_backup(runtime, dest=str(tmp_path / "b"), actor="admin")
    with runtime.factory() as session:
        document = session.get_one(Document, doc)
        key, archive_no = document.object_key, document.archive_no
    (runtime.settings.objects_dir / key).unlink()
    run_fixity(runtime, actor="admin", everything=True)
    page = tab("admin", lang).get("/admin")
    assert page.status_code == 200 and 'id="quarantine"' in page.text and archive_no in page.text
    assert all(word in page.text for word in words)
