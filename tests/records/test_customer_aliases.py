"""Short names of customer files (issue 18): learned from names, edited by staff, used by ingest and search."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import DanganError
from ingest.extract.fuzzyname import closest_known_name
from records.customer_aliases import aliases_of, learn_aliases, learned_aliases, set_alias
from records.models import Customer
from search import IndexDoc, make_index, search


@pytest.mark.parametrize(
    "name, aliases",
    [
        ("上海明远贸易有限公司", ["明远贸易", "明远"]),
        ("武汉华瑞化工有限公司", ["华瑞化工", "华瑞"]),
        ("江苏省苏州市鼎盛精密机械股份有限公司", ["鼎盛精密机械", "鼎盛"]),
        ("北京鸿达科技集团有限公司", ["鸿达科技", "鸿达"]),
        ("明远贸易有限公司", ["明远贸易", "明远"]),  # no region
        ("张三", []),  # a person: nothing to shorten
        ("上海贸易有限公司", []),  # nothing of its own is left
    ],
)
def test_aliases_are_learned_without_region_and_company_form(name, aliases):
    assert learned_aliases(name) == aliases


@pytest.fixture
def session(runtime):
    with runtime.factory() as session, session.begin():
        for name in (
            "上海明远贸易有限公司",
            "上海明达贸易有限公司",
            "武汉华瑞化工有限公司",
            "深圳华瑞电子有限公司",
        ):
            customer = Customer(name=name)
            session.add(customer)
            session.flush()
            learn_aliases(session, customer)
    with runtime.factory() as session:
        yield session


def _file(session, name: str) -> Customer:
    return session.query(Customer).filter_by(name=name).one()


def test_a_name_written_short_is_the_file_its_alias_names(session):
    assert closest_known_name(session, "上海明远贸易公司") == "上海明远贸易有限公司"
    assert closest_known_name(session, "明远贸易有限公司") == "上海明远贸易有限公司"


def test_an_alias_two_files_share_tells_neither(session):
    # 华瑞 is the alias of two files: a document naming 华瑞有限公司 opens no guess
    assert closest_known_name(session, "苏州华瑞有限公司") is None


def test_staff_add_an_alias_and_remove_a_learned_one_for_good(session):
    customer = _file(session, "上海明远贸易有限公司")
    set_alias(session, customer=customer, alias="明远集团", present=True, actor="lin")
    set_alias(session, customer=customer, alias="明远", present=False, actor="lin")
    assert learn_aliases(session, customer) == []  # a removed alias is not learned back
    assert [(a.alias, a.source) for a in aliases_of(session, customer.id)] == [
        ("明远贸易", "learned"),
        ("明远集团", "staff"),
    ]


@pytest.mark.parametrize("alias", ["明", "上海明远贸易有限公司", "x" * 101])
def test_an_alias_that_cannot_be_one_is_refused(session, alias):
    with pytest.raises(DanganError):
        set_alias(
            session, customer=_file(session, "上海明远贸易有限公司"), alias=alias, present=True, actor="lin"
        )


def test_a_short_name_ranks_the_customers_records_above_text_holding_it(tmp_path):
    index = make_index("whoosh", tmp_path, batch_size=10).open_or_create()
    when = datetime(2025, 1, 1, tzinfo=UTC)
    index.add_documents(
        [
            IndexDoc(document_id=1, title="函", text="关于明远集团的来函。明远集团已付款。", customer="杭州海天物流有限公司",
                     level="internal", updated_at=when),
            IndexDoc(document_id=2, title="借款合同", text="借款期限十二个月。", customer="上海明远贸易有限公司",
                     aliases=["明远贸易", "明远", "明远集团"], level="internal", updated_at=when),
        ]
    )  # fmt: skip
    assert [h.document_id for h in search(index, "明远集团").hits][:1] == [2]
    index.close()
