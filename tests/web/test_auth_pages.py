"""Sign-in, sign-out, password, language and error pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from access.models import User
from core.audit import AuditEvent
from tests.api.world import PASSWORD
from tests.web.conftest import text_of


def test_anonymous_pages_send_to_login_keeping_the_target(world):
    client = TestClient(world.app, base_url="https://testserver")
    response = client.get("/search?q=合同&sort=date", follow_redirects=False)
    assert response.status_code == 303
    target = parse_qs(urlsplit(response.headers["location"]).query)["next"]
    assert target == ["/search?q=%E5%90%88%E5%90%8C&sort=date"]
    login = client.post(
        "/login", data={"login": "alice", "password": PASSWORD, "next": target[0]}, follow_redirects=False
    )
    assert login.headers["location"] == target[0]


def test_wrong_password_is_shown_next_to_the_form_in_the_chosen_language(world):
    for lang, words in (("zh-CN", "用户名或密码"), ("en", "password")):
        client = TestClient(world.app, base_url="https://testserver", headers={"Accept-Language": lang})
        response = client.post("/login", data={"login": "alice", "password": "nope"}, follow_redirects=False)
        assert response.status_code == 400
        assert 'class="field-error"' in response.text
        assert words in text_of(response.text)
        assert f'<html lang="{lang}">' in response.text


def test_empty_fields_are_flagged_each_beside_its_input(world):
    client = TestClient(world.app, base_url="https://testserver", headers={"Accept-Language": "en"})
    response = client.post("/login", data={"login": "", "password": ""}, follow_redirects=False)
    assert response.status_code == 400
    assert 'id="err-login"' in response.text and 'id="err-password"' in response.text
    assert 'aria-describedby="err-login"' in response.text


def test_sign_in_sets_the_session_and_shows_the_dashboard(tab):
    alice = tab("alice")
    page = alice.get("/")
    assert page.status_code == 200
    assert "alice" in page.text
    assert 'href="/admin"' not in page.text  # navigation by role


def test_next_never_leaves_the_site(world):
    client = TestClient(world.app, base_url="https://testserver")
    response = client.post(
        "/login",
        data={"login": "alice", "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_a_form_post_without_the_csrf_token_is_refused_and_recorded(tab, world):
    alice = tab("alice")
    response = alice.client.post("/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert alice.get("/").status_code == 200  # still signed in
    with world.runtime.factory() as session:
        assert session.scalar(
            select(AuditEvent).where(AuditEvent.action == "csrf", AuditEvent.actor == "alice")
        )


def test_logout_ends_the_session(tab):
    alice = tab("alice")
    assert alice.post("/logout").status_code == 303
    assert alice.get("/").status_code == 303


def test_password_change_validates_beside_each_field(tab, world):
    alice = tab("alice", "en")
    mismatch = alice.post(
        "/password", {"old_password": PASSWORD, "new_password": "a-new-secret-1", "confirm": "x"}
    )
    assert mismatch.status_code == 400 and 'id="err-confirm"' in mismatch.text
    wrong = alice.post(
        "/password", {"old_password": "bad", "new_password": "a-new-secret-1", "confirm": "a-new-secret-1"}
    )
    assert wrong.status_code == 400 and 'id="err-old_password"' in wrong.text
    assert "current password is wrong" in wrong.text
    with world.runtime.factory() as session:  # the refusal is in the trail even though the page caught it
        assert session.scalar(
            select(AuditEvent).where(AuditEvent.action == "password.change", AuditEvent.result == "denied")
        )
    done = alice.post(
        "/password", {"old_password": PASSWORD, "new_password": "a-new-secret-1", "confirm": "a-new-secret-1"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/?password=changed"
    workbench = alice.get(done.headers["location"])  # the renewed session carries on
    assert workbench.status_code == 200 and "has been changed" in workbench.text


def test_a_one_time_password_must_be_replaced_first(tab, world):
    with world.runtime.factory() as session, session.begin():
        session.scalar(select(User).where(User.login == "bob")).must_change_password = True
    bob = tab("bob")
    response = bob.get("/search?q=x")
    assert response.status_code == 303 and response.headers["location"] == "/password"
    form = bob.get("/password")
    assert "请先修改初始密码" in form.text and "/api/" not in form.text.split("<main", 1)[-1]
    changed = bob.post(
        "/password", {"old_password": PASSWORD, "new_password": "b-new-secret-2", "confirm": "b-new-secret-2"}
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/?password=changed"
    workbench = bob.get(changed.headers["location"])
    assert workbench.status_code == 200 and "密码已修改" in workbench.text


def test_language_follows_accept_language_then_the_remembered_choice(world, tab):
    english = tab("alice", "en")
    assert "Search" in english.get("/").text
    chinese = tab("alice", "zh-CN")
    assert "检索" in chinese.get("/").text
    switched = chinese.client.post(
        "/language", data={"lang": "en", "next": "/customers"}, follow_redirects=False
    )
    assert switched.headers["location"] == "/customers"
    page = chinese.get("/customers")  # the cookie now outranks Accept-Language
    assert '<html lang="en">' in page.text and "Customer files" in page.text


def test_error_pages_speak_both_languages(tab):
    alice = tab("alice")
    missing = alice.get("/no/such/page")
    assert missing.status_code == 404
    assert "页面不存在" in missing.text and "Page not found" in missing.text
    forbidden = alice.get("/admin")
    assert forbidden.status_code == 403
    assert 'lang="en"' in forbidden.text and "<h1>" in forbidden.text


def test_api_errors_stay_json(tab):
    alice = tab("alice")
    response = alice.get("/api/documents/999999")
    assert response.headers["content-type"].startswith("application/json")


def test_a_link_from_another_site_is_reloaded_here_to_carry_the_strict_cookie(tab):
    alice = tab("alice")
    url = "/search?q=" + "%E5%90%88%E5%90%8C"
    # A browser holds the SameSite=Strict cookie back on a cross-site navigation.
    bare = TestClient(alice.client.app, base_url="https://testserver")
    landing = bare.get(url, headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False)
    assert landing.status_code == 200
    assert f'<meta http-equiv="refresh" content="0;url={url}">' in landing.text.replace("&amp;", "&")
    # From this page the reload is same-site: with the cookie it is the page, without it the login.
    assert alice.get(url, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert bare.get(url, headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False).status_code == 303


def test_pages_forbid_foreign_scripts_and_framing(tab):
    page = tab("alice").get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in page.text  # no inline script, so the policy costs nothing
