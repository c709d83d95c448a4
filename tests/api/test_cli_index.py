"""`dangan index rebuild` and `dangan check`, and the search contract over HTTP (facets, sort, 400, similar)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from api.cli import app
from core.db import utcnow
from records.models import Document, Page, Revision
from search.schema import IndexDoc
from tests.api.world import add_document, build_world
from workflows.runtime import Runtime


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("DANGAN_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("DANGAN_DATABASE_URL", settings.database_url)
    return CliRunner()


@pytest.fixture
def company(env, settings):
    assert env.invoke(app, ["init"]).exit_code == 0
    runtime = Runtime(settings)
    yield build_world(None, runtime)
    runtime.close()


def _check(env, *args):
    result = env.invoke(app, ["check", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


def _search(env, query, user="admin"):
    result = env.invoke(app, ["search", query, "--json", "--user", user])
    assert result.exit_code == 0, result.stderr
    return {hit["document_id"] for hit in json.loads(result.stdout)["hits"]}


def test_rebuild_indexes_every_filed_document_in_chunks(company, env):
    docs = {
        add_document(company, "c1", "internal", title=f"借款合同{i}", text="借款合同 正文") for i in range(5)
    }
    assert _search(env, "借款合同") == set()  # filed but never indexed
    result = env.invoke(app, ["index", "rebuild", "--chunk", "2"])
    assert result.exit_code == 0, result.stderr
    assert "5" in result.stderr
    assert _search(env, "借款合同") == docs
    code, report = _check(env)
    pending = report.pop("pending")
    assert (code, report) == (
        0,
        {
            "documents": 5,
            "indexed": 5,
            "missing": [],
            "orphaned": [],
            "stale": [],
            "stray_objects": [],
            # the store and numbering agree (issue 14)
            "objects": [],
            "orphans": [],
            "number_gaps": [],
            "quarantined": [],
            "custody_marks": [],  # every paper item's latest mark on its last movement (issue 13)
            # the customer analysis' counts agree with the documents (issue 12)
            "document_counts": {"differences": 0, "rebuilt": False},
            "consistent": True,
            "clean": False,  # the index agrees, but the documents never went through filing's follow-ups
            "engine": "whoosh",
        },
    )
    assert sorted(p["document_id"] for p in pending) == sorted(docs) and {p["state"] for p in pending} == {
        "filed"
    }
    assert _check(env, "--repair")[1]["repaired"]["resumed"] == 5
    assert _check(env) == (
        0,
        {
            "documents": 5,
            "indexed": 5,
            "missing": [],
            "orphaned": [],
            "stale": [],
            "pending": [],
            "stray_objects": [],
            # the store and numbering agree (issue 14)
            "objects": [],
            "orphans": [],
            "number_gaps": [],
            "quarantined": [],
            "custody_marks": [],  # every paper item's latest mark on its last movement (issue 13)
            "document_counts": {"differences": 0, "rebuilt": False},
            "consistent": True,
            "clean": True,
            "engine": "whoosh",
        },
    )


def test_rebuild_switches_the_archive_to_tantivy_and_back(company, env):
    doc = add_document(company, "c1", "personal", title="抵押合同", text="抵押登记", index=True)
    assert env.invoke(app, ["index", "rebuild", "--engine", "tantivy"]).exit_code == 0
    code, report = _check(env)
    assert (code, report["engine"], report["indexed"]) == (0, "tantivy", 1)
    assert _search(env, "抵押登记", user="alice") == {doc}  # her customer's personal file
    assert _search(env, "抵押登记", user="carol") == set()  # still filtered by the permission scope
    assert env.invoke(app, ["index", "rebuild", "--engine", "whoosh"]).exit_code == 0
    assert _check(env)[1]["engine"] == "whoosh"
    assert _search(env, "抵押登记", user="alice") == {doc}


def test_rebuild_refuses_an_unknown_engine_and_a_user_without_the_role(company, env):
    assert env.invoke(app, ["index", "rebuild", "--engine", "lucene"]).exit_code == 2
    assert env.invoke(app, ["index", "rebuild", "--user", "alice"]).exit_code == 2
    assert env.invoke(app, ["check", "--user", "alice"]).exit_code == 2


def test_check_reports_missing_orphaned_and_stale_entries_and_repairs_them(company, env):
    runtime = company.runtime
    kept = add_document(company, "c1", "internal", title="保证合同", text="保证", index=True)
    missing = add_document(company, "c1", "internal", title="催款函", text="催款", index=False)
    stale = add_document(company, "c2", "internal", title="旧标题", text="正文", index=True)
    gone = add_document(company, "c2", "internal", title="已删除", text="删除", index=True)
    runtime.index.add_documents([IndexDoc(document_id=999_999, title="孤儿")])
    with runtime.factory() as session, session.begin():
        doc = session.get(Document, stale)
        doc.title = "新标题"
        session.add(
            Revision(document_id=stale, actor="admin", at=utcnow() + timedelta(seconds=1), reason="更正")
        )
        session.execute(delete(Page).where(Page.document_id == gone))
        session.execute(delete(Document).where(Document.id == gone))
    code, report = _check(env)
    assert code == 1
    assert (report["missing"], report["orphaned"], report["stale"]) == ([missing], [gone, 999_999], [stale])
    plain = env.invoke(app, ["check"])
    assert plain.exit_code == 1 and "missing" in plain.stdout
    code, report = _check(env, "--repair")
    # The missing one had never been through filing's follow-ups: it is resumed (indexed with them), the
    # stale one re-indexed, the orphans dropped.
    assert code == 0 and report["repaired"] == {"indexed": 1, "removed": 2, "resumed": 1, "swept": 0}
    assert _check(env)[1]["clean"] is True
    assert _search(env, "新标题") == {stale}
    assert _search(env, "催款") == {missing}
    assert kept in _search(env, "保证")


# ---------------------------------------------------------------- over HTTP


def test_search_answers_facets_with_labels_and_sorts(world):
    first = add_document(world, "c1", "internal", title="借款合同甲", text="借款合同", index=True)
    second = add_document(world, "c2", "internal", title="借款合同乙", text="借款合同", index=True)
    add_document(world, "c1", "personal", title="借款合同丙", text="借款合同", index=True)  # alice's own file
    answer = world.client("carol").get("/api/search", params={"q": "借款合同", "facets": 1, "sort": "-date"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == 2 and {h["document_id"] for h in body["hits"]} == {first, second}
    customers = {f["label"]: f["count"] for f in body["facets"]["customer"]}
    assert customers == {"客户c1": 1, "客户c2": 1}
    assert body["facets"]["level"] == [{"value": "internal", "label": "内部", "count": 2}]
    english = world.client("carol").get("/api/search", params={"q": "借款合同", "facets": 1, "lang": "en"})
    assert english.json()["facets"]["level"][0]["label"] == "Internal"
    assert world.client("carol").get("/api/search", params={"q": "借款合同"}).json()["facets"] == {}


@pytest.mark.parametrize("query", ['"借款', "date:2023-13", "借款 AND", "amount:x..y", "(借款"])
def test_a_malformed_query_is_a_400_in_both_languages(world, query):
    answer = world.client("alice").get("/api/search", params={"q": query})
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "search.bad_query"
    assert body["message_zh"].startswith("查询语句有误") and body["message_en"].startswith("Malformed query")


def test_a_bad_sort_is_refused(world):
    assert world.client("alice").get("/api/search", params={"q": "x", "sort": "title"}).status_code in (
        400,
        422,
    )


def test_similar_documents_are_filtered_and_audited(world):
    text = "借款合同 借款人按期归还借款本金及利息 逾期按日计收罚息 担保人承担连带责任"
    source = add_document(world, "c1", "internal", title="借款合同一", text=text, index=True)
    like = add_document(world, "c1", "internal", title="借款合同二", text=text, index=True)
    hidden = add_document(world, "c1", "personal", title="借款合同三", text=text, index=True)
    add_document(world, "c2", "internal", title="会议纪要", text="研究授信方案", index=True)
    alice = world.client("alice").get(f"/api/documents/{source}/similar").json()
    assert {h["document_id"] for h in alice["hits"]} == {like, hidden}  # alice owns c1
    carol = world.client("carol").get(f"/api/documents/{source}/similar")
    assert carol.status_code == 200
    assert {h["document_id"] for h in carol.json()["hits"]} == {like}  # the personal one is alice's
    refused = world.client("carol").get(f"/api/documents/{hidden}/similar")
    assert refused.status_code == 403
    assert (
        world.client("carol").get("/api/documents/987654/similar").json() == refused.json()
    )  # as unreadable


def test_customer_names_and_type_names_are_taught_to_the_segmenter_once(company, monkeypatch):
    from records.models import Customer
    from search import vocabulary
    from search.analysis import word_tokens

    monkeypatch.setattr(vocabulary, "VOCABULARY", vocabulary.Vocabulary())
    with company.runtime.factory() as session, session.begin():
        session.add(Customer(name="鑫联泰丰商贸有限公司"))
    with company.runtime.factory() as session:
        assert vocabulary.ensure_vocabulary(session) >= 1
        assert vocabulary.ensure_vocabulary(session) == 0  # once per process
    assert "鑫联泰丰商贸有限公司" in [w for w, _, _, _ in word_tokens("委托鑫联泰丰商贸有限公司办理")]


def test_rebuild_catches_up_with_documents_filed_while_it_ran(company, env, monkeypatch):
    from workflows import rebuilding

    add_document(company, "c1", "internal", title="先有的", text="先有的")
    real = rebuilding.rebuild_from_database
    late: list[int] = []

    def rebuild_while_filing(*args, **kwargs):
        result = real(*args, **kwargs)
        # filed (and indexed into the old index) after its chunk was read
        late.append(add_document(company, "c1", "internal", title="后来的", text="后来的"))
        return result

    monkeypatch.setattr(rebuilding, "rebuild_from_database", rebuild_while_filing)
    assert env.invoke(app, ["index", "rebuild"]).exit_code == 0
    assert _search(env, "后来的") == set(late)
    report = _check(env)[
        1
    ]  # the index agrees with the database (what was clean before pending work was listed)
    assert (report["missing"], report["orphaned"], report["stale"]) == ([], [], [])


def test_an_index_from_an_older_version_asks_for_a_rebuild(company, env, settings):
    doc = add_document(company, "c1", "internal", title="旧版索引", text="旧版索引", index=True)
    (settings.index_dir / "dangan-search.json").write_text(json.dumps({"schema_version": 1}))
    refused = env.invoke(app, ["check"])
    assert refused.exit_code == 1 and "dangan index rebuild" in refused.stderr
    assert env.invoke(app, ["init"]).exit_code == 0  # the archive still opens
    assert env.invoke(app, ["index", "rebuild"]).exit_code == 0
    assert _search(env, "旧版索引") == {doc}
