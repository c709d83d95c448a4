"""/healthz, /metrics, the jobs (API, admin page, CLI) and one's notification settings (page, CLI)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from core.settings import Settings
from tests.api.world import build_world
from tests.support.s3server import running_s3_server, stop_s3_server, unique_bucket_name
from workflows.scheduled import run_job


@pytest.fixture
def world(client):
    return build_world(client.app, client.app.state.runtime)


def test_healthz_reports_each_part_up_with_its_latency(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["parts"]) == {"database", "object_store", "index", "queue"}
    assert all(p["state"] == "up" and p["latency_ms"] >= 0 for p in body["parts"].values())
    assert answer.headers["x-request-id"]


def test_healthz_is_503_naming_the_object_store_when_s3_is_stopped(tmp_path, database_url, ocr_pool):
    with running_s3_server() as server:
        settings = Settings(home=tmp_path / "home", database_url=database_url, queue_backend="immediate",
                            ocr_workers=1, _env_file=None, **server.settings(unique_bucket_name()))  # fmt: skip
        app = create_app(settings, start_worker=False)
        app.state.runtime.ocr_pool = ocr_pool
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            stop_s3_server(server, keep_workdir=True)
            answer = client.get("/healthz")
    assert answer.status_code == 503
    parts = answer.json()["parts"]
    assert parts["object_store"]["state"] == "down"
    assert {k: v["state"] for k, v in parts.items() if k != "object_store"} == {
        "database": "up", "index": "up", "queue": "up"}  # fmt: skip
    assert "secret" not in answer.text.lower() and server.secret_key not in answer.text


def test_metrics_in_prometheus_format_for_admins_and_auditors_only(client, world):
    bob = world.client("bob")
    assert bob.get("/api/search", params={"q": "借款"}).status_code in (200, 404)
    run_job(world.runtime, "due_dates", slot="m1")
    answer = world.client("auditor").get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    for name in ("dangan_ingest_documents_total", "dangan_ingest_seconds_bucket", "dangan_ocr_pages_total",
                 "dangan_search_seconds_bucket", "dangan_queue_depth", 'dangan_job_last_run_timestamp_seconds{job="due_dates"}',
                 'dangan_job_failing{job="due_dates"} 0.0', "dangan_http_seconds_bucket"):  # fmt: skip
        assert name in text, name
    assert bob.get("/metrics").status_code == 403
    anonymous = TestClient(client.app).get("/metrics", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith(
        "/login"
    )  # as every page


def test_jobs_api_and_admin_page_show_the_last_run(client, world):
    run_job(world.runtime, "reminders", slot="p1")
    jobs = {j["job"]: j for j in world.client("admin").get("/api/jobs").json()["jobs"]}
    assert jobs["reminders"]["state"] == "ok" and jobs["due_dates"]["state"] == "never"
    assert jobs["reminders"]["at"] == "08:30"
    assert world.client("bob").get("/api/jobs").status_code == 403
    page, _csrf = world.session_client("admin")
    html = page.get("/admin/jobs").text
    assert "到期与逾期提醒" in html and "成功" in html and "尚未运行" in html
    assert "Reminders" in page.get("/admin/jobs?lang=en").text


def test_one_chooses_channels_on_the_settings_page_and_a_bad_choice_is_shown(client, world):
    page, csrf = world.session_client("bob")
    assert "站内消息" in page.get("/settings/notifications").text
    refused = page.post("/settings/notifications", data={"csrf_token": csrf, "channel": ["inapp", "email"]})
    assert refused.status_code == 422 and "尚未由管理员配置" in refused.text
    saved = page.post("/settings/notifications", data={"csrf_token": csrf, "channel": ["inapp"],
                                                       "email": "bob@example.cn", "language": "en"},
                      follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    shown = page.get("/settings/notifications?saved=1").text
    assert "bob@example.cn" in shown


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DANGAN_OCR_WORKERS", "1")
    return CliRunner()


def test_cli_notify_channels_and_jobs(env, runtime):
    world = build_world(None, runtime)
    shown = env.invoke(cli, ["users", "notify-channels", "bob", "--channel", "inapp", "--language", "en",
                             "--json", "--user", "bob"])  # fmt: skip
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout) == {"id": world.users["bob"], "login": "bob", "channels": ["inapp"],
                                        "email": None, "language": "en"}  # fmt: skip
    other = env.invoke(cli, ["users", "notify-channels", "alice", "--channel", "inapp", "--user", "bob"])
    assert other.exit_code == 2 and "admin" in other.stderr.lower()
    unknown = env.invoke(cli, ["users", "notify-channels", "bob", "--channel", "pager", "--user", "bob"])
    assert unknown.exit_code == 1 and "pager" in unknown.stderr
    ran = env.invoke(cli, ["jobs", "run", "due_dates", "--json", "--user", "admin"])
    assert ran.exit_code == 0, ran.stderr
    body = json.loads(ran.stdout)
    assert body["state"] == "ok" and isinstance(body["id"], int)
    listed = json.loads(env.invoke(cli, ["jobs", "list", "--json", "--user", "admin"]).stdout)
    assert {j["job"]: j["state"] for j in listed["jobs"]}["due_dates"] == "ok"
    assert env.invoke(cli, ["jobs", "run", "due_dates", "--user", "bob"]).exit_code == 2
    assert env.invoke(cli, ["jobs", "run", "nope", "--user", "admin"]).exit_code == 2
