"""The edges of the API and the pages: odd numbers and control characters are refused with a bilingual 4xx
before they reach the database, nothing tells who may not read a record that it exists, a page of another
site cannot sign anyone in, and the OpenAPI document says what the routes answer (issue 17 §2, §5).
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.params import MAX_ID
from records.models import Document
from tests.api.world import PASSWORD, World, add_document
from tests.retention.conftest import add_record
from tests.retention.helpers import approved_batch, execute

TOO_BIG = (2**31, 2**63, 10**30)  # past PostgreSQL's INTEGER, past SQLite's 64 bits, past both


def _id_routes(world: World) -> list[tuple[str, str]]:
    """(method, path) of every route with an id in its path, ids written {id} and other parameters x."""
    found = []
    for context in iter_route_contexts(world.app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        names = [p.name for p in route.dependant.path_params if p.field_info.annotation is int]
        for method in sorted(set(context.methods or ()) - {"HEAD"}):
            if names:
                path = context.path_format
                for name in names:
                    path = path.replace("{" + name + "}", "{id}")
                found.append((method, re.sub(r"\{(?!id\})[^}]+\}", "x", path)))
    return found


def test_some_routes_have_ids_in_their_paths(world):
    routes = _id_routes(world)
    assert ("GET", "/api/documents/{id}") in routes and ("GET", "/documents/{id}") in routes
    assert len(routes) > 30


@pytest.mark.parametrize("number", TOO_BIG)
def test_every_id_in_a_path_beyond_the_columns_range_is_a_validation_error(world, number):
    client = world.client("admin")
    wrong = {}
    for method, path in _id_routes(world):
        target = path.replace("{id}", str(number))
        kwargs = {"json": {}} if method in ("POST", "PUT") and target.startswith("/api/") else {}
        if method in ("POST", "PUT") and not target.startswith("/api/"):
            kwargs = {"data": {"reason": "x"}}
        response = client.request(method, target, **kwargs)
        expected = 422 if target.startswith("/api/") else 400
        if response.status_code != expected:
            wrong[f"{method} {target}"] = response.status_code
        elif target.startswith("/api/"):
            body = response.json()
            assert body["error"] == "request.invalid" and str(MAX_ID) in body["message_en"]
            assert str(MAX_ID) in body["message_zh"]
    assert wrong == {}


def test_the_largest_id_is_simply_not_there(world):
    client = world.client("admin")
    assert client.get(f"/api/customers/{MAX_ID}").status_code == 404
    assert world.client("officer").get(f"/api/retention/batches/{MAX_ID}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/api/retention/batches", {"json": {"document_ids": [2**31]}}),
        ("POST", "/api/retention/batches", {"json": {"document_ids": [1, 2**63]}}),
        (
            "POST",
            "/api/retention/holds",
            {"json": {"name": "n", "reason": "r", "scope": "customer", "customer_id": 2**31}},
        ),  # fmt: skip
        ("POST", "/api/access-requests", {"json": {"document_ids": [2**40], "reason": "r", "days": 3}}),
        ("POST", "/api/access-requests", {"json": {"customer_id": 2**31, "reason": "r", "days": 3}}),
        ("PUT", "/api/documents/1/metadata", {"json": {"customer_id": 2**31, "reason": "r"}}),
        ("GET", "/api/retention/due", {"params": {"customer_id": 2**31}}),
        ("GET", "/api/retention/due", {"params": {"customer_id": 10**25}}),
        ("GET", "/api/audit", {"params": {"document": 2**31}}),
        ("GET", "/api/audit", {"params": {"offset": 2**63}}),
    ],
)
def test_out_of_range_ids_in_bodies_and_query_strings_are_422(world, method, path, kwargs):
    login = "officer" if "retention" in path else "auditor" if "audit" in path else "alice"
    response = world.client(login).request(method, path, **kwargs)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "request.invalid"


@pytest.mark.parametrize(
    "ids",
    ["2147483648", "99999999999999999999", "1 2147483648", "²"],
    ids=["2^31", "huge", "one-of-two", "sup"],
)
def test_ids_typed_into_forms_beyond_the_range_are_refused_on_the_page(world, ids):
    officer = world.client("officer")
    batch = officer.post("/retention/batches", data={"document": ids.split()})
    hold = officer.post(
        "/retention/holds", data={"name": "n", "reason": "r", "scope": "documents", "documents": ids}
    )
    assert (batch.status_code, hold.status_code) == (400, 400)
    ask = world.client("alice").post("/access/request", data={"document": ids, "reason": "r", "days": "3"})
    assert ask.status_code == 400
    trail = world.client("auditor").get("/audit", params={"document": ids.split()[-1]})
    assert trail.status_code == 400 and "aria-invalid" in trail.text


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    ("login", "method", "path", "kwargs"),
    [
        (None, "POST", "/api/login", {"json": {"login": "ad\x00min", "password": "x"}}),
        (None, "POST", "/api/login", {"json": {"login": "admin", "password": "x\x00"}}),
        ("alice", "POST", "/api/tokens", {"json": {"name": "robot\x00"}}),
        ("admin", "POST", "/api/users", {"json": {"login": "ne\x00w", "roles": ["staff"]}}),
        ("admin", "POST", "/api/users/ali%00ce/disable", {}),
        ("archivist", "PUT", "/api/documents/1/metadata", {"json": {"title": "t\x00", "reason": "r"}}),
        ("archivist", "PUT", "/api/documents/1/metadata", {"json": {"title": "t", "reason": "r\x1b"}}),
        ("alice", "GET", "/api/customers", {"params": {"department": "sales\x00"}}),
        ("admin", "GET", "/api/grants", {"params": {"user": "alice\x00"}}),
        ("auditor", "GET", "/api/audit", {"params": {"user": "\x00"}}),
        ("alice", "GET", "/api/search", {"params": {"q": "合同\x00"}}),
        (
            "officer",
            "POST",
            "/api/retention/holds",
            {"json": {"name": "n", "reason": "r", "scope": "search", "query": "\x07"}},
        ),  # fmt: skip
        (None, "POST", "/login", {"data": {"login": "ad\x00min", "password": "x"}}),
        ("alice", "GET", "/search", {"params": {"q": "合同\x00"}}),
        ("alice", "GET", "/customers", {"params": {"owner": "\x00"}}),
        ("archivist", "POST", "/documents/1/metadata", {"data": {"title": "t\x00", "reason": "r"}}),
    ],
)
def test_control_characters_are_refused_bilingually_before_any_route_runs(world, login, method, path, kwargs):
    client = world.client(login) if login else TestClient(world.app, base_url="https://testserver")
    response = client.request(method, path, **kwargs)
    assert response.status_code == 422, response.text
    if path.startswith("/api/"):
        body = response.json()
        assert body["error"] == "request.invalid_characters"
        assert "控制字符" in body["message_zh"] and "control character" in body["message_en"]
    else:
        assert "控制字符" in response.text


def test_tabs_and_newlines_are_still_text(world):
    client = world.client("alice")
    assert client.post("/api/tokens", json={"name": "line one\nline\ttwo\r\n"}).status_code == 201


def _raw_upload(client: TestClient, filename: bytes, data: bytes):
    boundary = b"edgeboundary"
    body = (
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + data + b"\r\n--" + boundary + b"--\r\n"
    )
    return client.post(
        "/api/documents", content=body, headers={"Content-Type": "multipart/form-data; boundary=edgeboundary"}
    )


def test_an_uploads_filename_is_stripped_of_control_characters(world, tmp_path):
    from tests.ingest import samples

    pdf = samples.write_text_pdf(tmp_path / "letter.pdf", ["函件 filename"])
    response = _raw_upload(world.client("archivist"), b"con\x07tract\x00 2023\x1b.pdf", pdf.read_bytes())
    assert response.status_code == 202, response.text
    with world.runtime.factory() as session:
        name = session.get_one(Document, response.json()["document_id"]).original_filename
    assert name == "contract 2023.pdf"


# ---------------------------------------------------------------- search values out of range


@pytest.mark.parametrize("query", ["amount:99999999999999999999999", "amount:1..99999999999999999万"])
def test_amounts_beyond_the_index_are_a_bad_query_in_words(world, query):
    response = world.client("alice").get("/api/search", params={"q": query})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "search.bad_query"
    assert "超出可检索的范围" in body["message_zh"] and "beyond what can be searched" in body["message_en"]
    assert "beyond" not in body["message_zh"] and "范围" not in body["message_en"]
    page = world.client("alice").get("/search", params={"q": query, "lang": "en"})
    assert page.status_code == 400 and "beyond what can be searched" in page.text


def test_a_date_that_does_not_exist_is_said_in_words(world):
    body = world.client("alice").get("/api/search", params={"q": "date:2023-02-30", "lang": "en"}).json()
    assert body["error"] == "search.bad_query" and "there is no date 2023-02-30" in body["message"]


# ---------------------------------------------------------------- existence oracles


def test_duplicate_of_a_record_one_may_not_read_says_only_that_it_is_in_the_archive(world):
    hidden = add_document(world, "c2", "personal", text="carol's own")  # alice may not read it
    visible = add_document(world, "c1", "internal", text="anyone's")
    with world.runtime.factory() as session:
        stored = {d.id: d for d in session.scalars(select(Document))}
        data = {i: _stored_bytes(world, stored[i].object_key) for i in (hidden, visible)}
    alice = world.client("alice")
    theirs = alice.post("/api/documents", files={"file": ("x.pdf", data[hidden], "application/pdf")})
    assert theirs.status_code == 200
    body = theirs.json()
    assert body["status"] == "duplicate" and body["document_id"] is None and body["state"] is None
    assert body["message_en"].startswith("This file is already in the archive")
    page = world.client("alice").post(
        "/intake/upload", files={"file": ("x.pdf", data[hidden], "application/pdf")}
    )
    assert (
        page.status_code == 200
        and f"/documents/{hidden}" not in page.text
        and "data-document" not in page.text
    )
    readable = alice.post("/api/documents", files={"file": ("y.pdf", data[visible], "application/pdf")})
    assert readable.json()["document_id"] == visible and readable.json()["state"] == "filed"


def _stored_bytes(world: World, key: str) -> bytes:
    with world.runtime.store.open(key) as fh:
        return fh.read()


@pytest.mark.parametrize("suffix", ["", "/status", "/history", "/original", "/similar"])
def test_a_missing_document_answers_exactly_like_one_the_caller_may_not_read(world, suffix):
    hidden = add_document(world, "c2", "personal")
    alice = world.client("alice")
    unreadable = alice.get(f"/api/documents/{hidden}{suffix}")
    missing = alice.get(f"/api/documents/{MAX_ID}{suffix}")
    assert unreadable.status_code == missing.status_code == 403
    assert unreadable.json() == missing.json()
    page_unreadable, page_missing = (
        world.client("alice").get(f"/documents/{hidden}"),
        alice.get(f"/documents/{MAX_ID}"),
    )
    assert page_unreadable.status_code == page_missing.status_code == 403

    def anonymised(text: str, number: int) -> str:
        return re.sub(rf"(document[s]?[=/]){number}\b", r"\1ID", text)

    assert anonymised(page_unreadable.text, hidden) == anonymised(page_missing.text, MAX_ID)


def test_a_locked_account_answers_like_an_unknown_login(world):
    client = TestClient(world.app, base_url="https://testserver")
    for _ in range(world.runtime.settings.login_max_failures):
        client.post("/api/login", json={"login": "bob", "password": "guess"})
        client.post("/api/login", json={"login": "ghost", "password": "guess"})
    locked = client.post("/api/login", json={"login": "bob", "password": PASSWORD})
    unknown = client.post("/api/login", json={"login": "ghost", "password": PASSWORD})
    assert locked.status_code == unknown.status_code == 401
    assert locked.json() == unknown.json() and locked.json()["error"] == "login.failed"
    page_locked = client.post("/login", data={"login": "bob", "password": PASSWORD})
    page_unknown = client.post("/login", data={"login": "ghost", "password": PASSWORD})
    assert page_locked.status_code == page_unknown.status_code == 400
    assert page_locked.text.replace("bob", "X") == page_unknown.text.replace("ghost", "X")


# ---------------------------------------------------------------- login CSRF


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://other.testserver"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://testserver"},  # the browser's word counts
    ],
)
def test_a_sign_in_sent_by_a_page_of_another_site_is_refused(world, headers):
    client = TestClient(world.app, base_url="https://testserver")
    page = client.post("/login", data={"login": "alice", "password": PASSWORD}, headers=headers)
    assert page.status_code == 403 and "set-cookie" not in page.headers
    assert "其他网站" in page.text or "another site" in page.text
    api = client.post("/api/login", json={"login": "alice", "password": PASSWORD}, headers=headers)
    assert (
        api.status_code == 403
        and api.json()["error"] == "auth.cross_site"
        and "set-cookie" not in api.headers
    )


def test_a_sign_in_from_this_site_or_a_script_goes_through(world):
    client = TestClient(world.app, base_url="https://testserver")
    own = {"Origin": "https://testserver", "Sec-Fetch-Site": "same-origin"}
    signed = client.post(
        "/login", data={"login": "alice", "password": PASSWORD}, headers=own, follow_redirects=False
    )
    assert signed.status_code == 303 and "dangan_session" in signed.headers["set-cookie"]
    assert client.post("/api/login", json={"login": "alice", "password": PASSWORD}).status_code == 200
    # Behind a proxy that rewrites Host, the browser's Sec-Fetch-Site (or X-Forwarded-Host) still says so.
    proxied = {"Origin": "https://archive.example.cn", "Sec-Fetch-Site": "same-origin"}
    assert (
        client.post("/api/login", json={"login": "alice", "password": PASSWORD}, headers=proxied).status_code
        == 200
    )
    forwarded = {"Origin": "https://archive.example.cn", "X-Forwarded-Host": "archive.example.cn"}
    assert (
        client.post(
            "/api/login", json={"login": "alice", "password": PASSWORD}, headers=forwarded
        ).status_code
        == 200
    )


# ---------------------------------------------------------------- destroyed records, 405, OpenAPI, S3


def test_the_page_image_of_a_destroyed_record_is_not_found(world):
    doc = add_record(world)
    execute(world, approved_batch(world, [doc]))
    archivist = world.client("archivist")
    image = archivist.get(f"/documents/{doc}/pages/1.png")
    assert image.status_code == 404
    assert archivist.get(f"/documents/{doc}").status_code == 200  # the residual record
    assert archivist.get(f"/api/documents/{doc}").json()["state"] == "destroyed"


def test_every_reading_route_of_a_destroyed_record_answers_its_residual_record_or_404(world):
    doc = add_record(world)
    execute(world, approved_batch(world, [doc]))
    archivist = world.client("archivist")
    answers = {}
    for method, path in _id_routes(world):
        if method == "GET" and "{id}" in path and "document" in path:
            answers[path] = archivist.get(path.replace("{id}", str(doc)).replace("/x", "/1")).status_code
    assert answers and all(status in (200, 404) for status in answers.values()), answers
    assert answers["/api/documents/{id}/original"] == answers["/documents/{id}/searchable"] == 404


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/api/documents/1", "GET"),
        ("DELETE", "/api/customers/1", "GET, PATCH, PUT"),
        ("GET", "/api/login", "POST"),
        ("DELETE", "/login", "GET, POST"),
    ],
)
def test_a_method_not_allowed_names_the_allowed_ones(world, method, path, allow):
    response = world.client("alice").request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allow
    if path.startswith("/api/"):
        assert (
            response.json()["error"] == "request.method_not_allowed"
            and allow in response.json()["message_en"]
        )


def test_openapi_declares_the_errors_and_the_originals_bytes(world):
    schema = world.client().get("/openapi.json").json()
    error = "#/components/schemas/ErrorBody"
    original = schema["paths"]["/api/documents/{document_id}/original"]["get"]["responses"]
    assert "application/json" not in original["200"]["content"]
    assert original["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
    register = schema["paths"]["/api/retention/batches/{batch_id}/register/{kind}"]["get"]["responses"]
    assert set(register["200"]["content"]) == {"application/pdf", "text/csv"}
    undeclared = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            wanted = {"422"} | (
                {"401", "403"} if path not in ("/api/health", "/healthz", "/api/login") else set()
            )
            wanted |= (
                {"404"}
                if re.search(r"\{(customer|hold|batch|request|grant|notification|token)_id\}", path)
                else set()
            )
            missing = {s for s in wanted if answers.get(s, {}).get("content", {}).get("application/json", {})
                       .get("schema", {}).get("$ref") != error}  # fmt: skip
            if path in ("/api/health", "/healthz"):
                missing.discard("422")  # no parameters, no body, no sign-in: nothing to refuse
            if path == "/api/me":
                missing.discard("403")  # reading who one is needs no CSRF token
            if missing:
                undeclared[f"{method.upper()} {path}"] = sorted(missing)
    assert undeclared == {}
    assert "HTTPValidationError" not in schema.get("components", {}).get("schemas", {})


def test_an_object_store_outage_is_one_clear_line(world, tmp_path):
    from storage.s3 import S3Store
    from tests.ingest import samples

    pdf = samples.write_text_pdf(tmp_path / "letter.pdf", ["函件 outage"])
    world.runtime.store = S3Store("127.0.0.1:1", "key", "secret", "dangan")  # nothing listens on port 1
    response = world.client("archivist").post(
        "/api/documents", files={"file": ("x.pdf", pdf.read_bytes(), "application/pdf")}
    )
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"] == "storage.unavailable"
    for message in (body["message_zh"], body["message_en"]):
        assert "\n" not in message and message.count("Connection refused") == 1, message
        assert "MaxRetryError" not in message and "HTTPConnection" not in message
