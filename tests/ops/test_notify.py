"""The notification service: every message also goes out by the channels its recipient chose — e-mail to a
real SMTP server (aiosmtpd on 127.0.0.1) and a group robot through Apprise to a local HTTP receiver — in the
recipient's language, with a title and a link and nothing confidential; the daily reminders go the same way.

Apprise's dingtalk://, wecombot:// and feishu:// schemes post to the vendors' fixed hosts (oapi.dingtalk.com,
qyapi.weixin.qq.com, open.feishu.cn) and cannot be pointed at localhost, so the robot channels are configured
here with Apprise's json:// URL at the local receiver; that the vendor URLs are accepted is checked apart.
"""

from __future__ import annotations

from datetime import date, timedelta

import apprise
import pytest
from sqlalchemy import select

from access.models import Grant, Notification, User
from access.notifications import notify
from access.requests import approve, request_access
from core.db import utcnow
from core.errors import DanganError
from custody.models import Loan
from tests.api.world import add_document
from tests.support.receivers import smtp_server, webhook_receiver
from workflows.notify import deliver_pending, set_channels
from workflows.reminders import remind

SECRET_REASON = "核对抵押物评估报告XYZ-机密"


@pytest.fixture
def outlets(runtime):
    """An SMTP server and a robot receiver, configured as the archive's e-mail and DingTalk/WeCom channels."""
    with smtp_server() as (smtp_port, mailbox), webhook_receiver() as (hook_port, hook):
        runtime.settings = runtime.settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
                "smtp_security": "none",
                "notify_dingtalk_url": _secret(f"json://127.0.0.1:{hook_port}/dingtalk"),
                "notify_wecom_url": _secret(f"json://127.0.0.1:{hook_port}/wecom"),
                "base_url": "https://dangan.example.cn",
            }
        )
        yield mailbox, hook


def _secret(value: str):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    return SecretStr(value)


def _choose(
    runtime, login: str, channels: list[str], *, email: str | None = None, language: str | None = None
):  # type: ignore[no-untyped-def]
    with runtime.factory() as session, session.begin():
        me = session.scalar(select(User).where(User.login == login))
        set_channels(session, runtime.settings, actor=me, login=login, channels=channels, email=email,
                     language=language)  # fmt: skip


def test_access_request_and_decision_go_out_by_each_recipients_channels_in_their_language(
    runtime, company, outlets
):
    mailbox, hook = outlets
    _choose(runtime, "mgr2", ["inapp", "email"], email="mgr2@example.cn", language="zh-CN")
    _choose(runtime, "bob", ["inapp", "email", "dingtalk"], email="bob@example.cn", language="en")
    doc = add_document(
        company, "c2", "department", title="抵押合同-机密标题", text="借款人抵押物清单 机密正文"
    )
    with runtime.factory() as session, session.begin():
        bob = session.scalar(select(User).where(User.login == "bob"))
        asked = request_access(session, requester=bob, document_ids=[doc], reason=SECRET_REASON, days=5)
    sent = deliver_pending(runtime)
    assert sent.channels == {"email": 1}
    (to_manager,) = mailbox.messages
    assert to_manager["To"].addresses[0].addr_spec == "mgr2@example.cn"
    assert f"查阅申请 {asked.id} 等待您审批" in to_manager["Subject"]
    assert "https://dangan.example.cn/access/inbox" in to_manager.get_content()

    with runtime.factory() as session, session.begin():
        mgr2 = session.scalar(select(User).where(User.login == "mgr2"))
        approve(session, request_id=asked.id, approver=mgr2, comment="同意，评估报告已核")
    sent = deliver_pending(runtime)
    assert sent.channels == {"email": 1, "dingtalk": 1}
    to_bob = mailbox.messages[-1]
    assert to_bob["To"].addresses[0].addr_spec == "bob@example.cn"
    assert f"Your access request {asked.id} was approved" in to_bob["Subject"]
    (robot,) = hook.bodies
    assert f"Your access request {asked.id} was approved" in robot["title"]
    assert "https://dangan.example.cn/" in robot["message"]
    everything = " ".join([m.as_string() for m in mailbox.messages] + [str(b) for b in hook.bodies])
    for secret in (SECRET_REASON, "抵押合同-机密标题", "机密正文", "评估报告已核"):
        assert secret not in everything
    assert deliver_pending(runtime).channels == {}  # each went out once


def test_a_failing_robot_is_tried_again_then_given_up_while_email_is_not_repeated(runtime, company, outlets):
    mailbox, hook = outlets
    runtime.settings = runtime.settings.model_copy(update={"notify_attempts": 2})
    _choose(runtime, "carol", ["email", "wecom"], email="carol@example.cn")
    hook.fail = True
    with runtime.factory() as session, session.begin():
        notify(session, user_ids=[company.users["carol"]], code="notify.grant.revoked", grant_id=7)
    first = deliver_pending(runtime)
    assert first.failed == 1 and first.channels == {"email": 1}
    with runtime.factory() as session:
        note = session.scalars(
            select(Notification).where(Notification.user_id == company.users["carol"])
        ).one()
        assert note.delivered_at is None and note.delivery["wecom"]["attempts"] == 1
    second = deliver_pending(runtime)
    assert second.given_up == 1 and second.channels == {}
    assert len(mailbox.messages) == 1  # the e-mail that went out is not sent again
    with runtime.factory() as session:
        note = session.get_one(Notification, note.id)
        assert note.delivered_at is not None and note.delivery["wecom"] == {"attempts": 2, "ok": False,
                                                                            "error": note.delivery["wecom"]["error"]}  # fmt: skip
    assert hook.bodies == []


def test_daily_reminders_cover_expiring_grants_waiting_requests_and_overdue_loans(runtime, company, outlets):
    mailbox, _hook = outlets
    _choose(runtime, "alice", ["email"], email="alice@example.cn", language="en")
    doc = add_document(company, "c1", "department", title="x")
    today = date(2026, 3, 10)
    with runtime.factory() as session, session.begin():
        session.add(Grant(user_id=company.users["alice"], document_id=doc, valid_from=utcnow() - timedelta(days=5),
                          valid_until=utcnow() + timedelta(days=2)))  # fmt: skip
        session.add(Loan(slip_no="借字〔2026〕第007号", year=2026, seq=7, borrower_id=company.users["alice"],
                         department="sales1", purpose="核对", level="internal", days=7,
                         due_date=today - timedelta(days=3), status="out"))  # fmt: skip
        carol = session.scalar(select(User).where(User.login == "carol"))
        asked = request_access(session, requester=carol, document_ids=[doc], reason="r", days=3)
    with runtime.factory() as session, session.begin():
        from access.models import AccessRequest

        session.get_one(AccessRequest, asked.id).created_at = utcnow() - timedelta(days=2)
        done = remind(session, today=today, grant_days=3)
    assert (done.grants_expiring, done.requests_waiting, done.loans_overdue) == (1, 1, 1)
    with runtime.factory() as session, session.begin():
        again = remind(session, today=today, grant_days=3)
    assert again.grants_expiring == 0  # a grant's end is reminded once; the rest every day until settled
    assert again.loans_overdue == 1
    with runtime.factory() as session:
        sent = [(n.user_id, n.code) for n in session.scalars(select(Notification))]
    codes = set(sent)
    assert (company.users["alice"], "custody.loan.overdue_reminder") in codes
    assert (company.users["archivist"], "custody.loan.overdue_reminder") in codes
    assert (
        sum(code == "custody.loan.overdue_reminder" for _user, code in sent) == 2
    )  # not again on the re-run
    assert (company.users["mgr1"], "notify.access.waiting") in codes
    deliver_pending(runtime)
    subjects = sorted(m["Subject"] for m in mailbox.messages)
    assert any("Loan 借字〔2026〕第007号" in s and "overdue" in s for s in subjects)
    assert any("ends soon" in s for s in subjects)


@pytest.mark.parametrize(
    ("channels", "email", "code"),
    [
        (["pager"], None, "notify.channel_unknown"),
        (["feishu"], None, "notify.channel_unconfigured"),
        (["email"], None, "notify.email_missing"),
        (["inapp"], "not an address", "notify.email_invalid"),
    ],
)
def test_bad_channel_choices_are_refused_with_a_reason(runtime, company, outlets, channels, email, code):
    with pytest.raises(DanganError) as refused, runtime.factory() as session, session.begin():
        me = session.scalar(select(User).where(User.login == "bob"))
        set_channels(session, runtime.settings, actor=me, login="bob", channels=channels, email=email)
    assert refused.value.code == code
    assert refused.value.message("zh-CN") != refused.value.message("en")


def test_only_an_admin_sets_someone_elses_channels(runtime, company):
    from access.errors import AccessDenied

    with pytest.raises(AccessDenied), runtime.factory() as session, session.begin():
        bob = session.scalar(select(User).where(User.login == "bob"))
        set_channels(session, runtime.settings, actor=bob, login="alice", channels=["inapp"])
    with runtime.factory() as session, session.begin():
        admin = session.scalar(select(User).where(User.login == "admin"))
        assert (
            set_channels(session, runtime.settings, actor=admin, login="alice", channels=["inapp"]).login
            == "alice"
        )


@pytest.mark.parametrize(
    "url", ["dingtalk://abcdef0123456789/", "wecombot://a1b2c3d4-e5f6", "feishu://abcdef0123456789"]
)
def test_the_vendor_robot_urls_are_accepted_by_apprise(url):
    assert apprise.Apprise().add(url)


def _users(runtime, *logins: str) -> dict[str, int]:
    with runtime.factory() as session:
        return {u.login: u.id for u in session.scalars(select(User).where(User.login.in_(logins)))}


def test_a_batch_submitted_for_approval_tells_those_who_may_approve_it_at_once(runtime, company, outlets):
    from retention.batches import create_batch
    from tests.retention.conftest import TODAY, add_record
    from workflows.destruction import submit_batch

    mailbox, _hook = outlets
    _choose(runtime, "mgr1", ["inapp", "email"], email="mgr1@example.cn", language="zh-CN")
    _choose(runtime, "gm", ["inapp", "email"], email="gm@example.cn", language="en")
    doc = add_record(company, title="销毁候选-机密标题")
    with runtime.factory() as session, session.begin():
        officer = session.scalar(select(User).where(User.login == "officer"))
        batch = create_batch(session, runtime.index, actor=officer, document_ids=[doc], today=TODAY).id
    with runtime.factory() as session, session.begin():
        officer = session.scalar(select(User).where(User.login == "officer"))
        submit_batch(session, actor=officer, batch_id=batch, opinion="已过保管期限-鉴定意见机密")
    with runtime.factory() as session:
        told = {
            n.user_id
            for n in session.scalars(select(Notification).where(Notification.code == "notify.batch.waiting"))
        }
    assert told == set(_users(runtime, "mgr1", "mgr2", "md", "gm").values())  # every manager; not the officer
    assert deliver_pending(runtime).channels == {"email": 2}
    subjects = {m["To"].addresses[0].addr_spec: m["Subject"] for m in mailbox.messages}
    assert f"销毁批次 {batch} 等待您审批" in subjects["mgr1@example.cn"]
    assert f"Destruction batch {batch} awaits your approval" in subjects["gm@example.cn"]
    everything = " ".join(m.as_string() + m.get_content() for m in mailbox.messages)
    assert f"https://dangan.example.cn/retention/batches/{batch}" in everything
    assert "机密标题" not in everything and "鉴定意见机密" not in everything


def test_a_loan_falling_due_is_told_to_its_borrower_once_before_the_due_date(runtime, company, outlets):
    mailbox, _hook = outlets
    _choose(runtime, "bob", ["email"], email="bob@example.cn", language="zh-CN")
    today = date(2026, 3, 10)
    with runtime.factory() as session, session.begin():
        for seq, due in ((8, today + timedelta(days=1)), (9, today + timedelta(days=10))):
            session.add(Loan(slip_no=f"借字〔2026〕第00{seq}号", year=2026, seq=seq, borrower_id=company.users["bob"],
                             department="sales1", purpose="核对机密用途", level="internal", days=7, due_date=due,
                             status="out"))  # fmt: skip
    with runtime.factory() as session, session.begin():
        assert remind(session, today=today, grant_days=3).loans_due == 1  # the loan due in ten days waits
    with runtime.factory() as session, session.begin():
        assert remind(session, today=today + timedelta(days=1), grant_days=3).loans_due == 0  # told once
    deliver_pending(runtime)
    (mail,) = mailbox.messages
    assert "出借单 借字〔2026〕第008号 将于 2026-03-11 到期" in mail["Subject"]
    assert "https://dangan.example.cn/custody/loans/" in mail.get_content()
    assert "核对机密用途" not in mail.as_string()


def test_a_fixity_failure_tells_the_admins_once_with_a_count_and_a_link(runtime, company, outlets):
    from tests.retention.conftest import add_record
    from workflows.fixity import run_fixity

    mailbox, _hook = outlets
    _choose(runtime, "admin", ["email"], email="admin@example.cn", language="en")
    doc = add_record(company)
    with runtime.factory() as session:
        from records.models import Document

        key = session.get_one(Document, doc).object_key
    path = runtime.settings.objects_dir / key
    path.chmod(0o644)
    path.write_bytes(b"rot")
    first = run_fixity(runtime, actor="system", everything=True)
    again = run_fixity(runtime, actor="system", everything=True)  # still quarantined: not told again
    assert first.newly_failed == 1 and again.newly_failed == 0
    with runtime.factory() as session:
        told = [
            (n.user_id, n.params)
            for n in session.scalars(select(Notification).where(Notification.code == "notify.fixity.failed"))
        ]
    assert told == [(company.users["admin"], {"id": first.run_id, "count": 1})]
    deliver_pending(runtime)
    (mail,) = mailbox.messages
    assert "Fixity check found 1 objects changed or missing" in mail["Subject"]
    assert (
        "https://dangan.example.cn/admin" in mail.get_content()
        and key.rsplit("/", 1)[1] not in mail.as_string()
    )
