"""A customer name misread by OCR is matched to its file, not opened anew (issue 18)."""

from __future__ import annotations

import pytest

from ingest.extract.fuzzyname import closest_known_name
from records.customers import match_customer
from records.models import Customer

FILES = ["苏州鼎盛精密机械有限公司", "武汉华瑞化工有限公司", "上海明远贸易有限公司", "上海明达贸易有限公司"]


@pytest.fixture
def session(runtime):
    with runtime.factory() as session, session.begin():
        for name in FILES:
            session.add(Customer(name=name))
        session.add(Customer(name="杭州新纪元科技有限公司", former_names=[{"name": "杭州纪元软件有限公司"}]))
    with runtime.factory() as session:
        yield session


@pytest.mark.parametrize(
    "read, known",
    [
        ("苏州见盛精密机械有限公司", "苏州鼎盛精密机械有限公司"),  # one character misread under a seal
        ("武汉华瑞化工有限公局", "武汉华瑞化工有限公司"),
        ("武汉华瑞化工有眼公局", "武汉华瑞化工有限公司"),  # two
        ("杭州纪元软件有限公同", "杭州新纪元科技有限公司"),  # a former name
    ],
)
def test_near_miss_of_a_known_name_is_that_file(session, read, known):
    assert closest_known_name(session, read) == known


@pytest.mark.parametrize(
    "read",
    [
        "上海明远贸易有限公司",  # on file as read: nothing to repair
        "上海明辉贸易有限公司",  # as near to 明远 as to 明达: no guess
        "深圳华瑞化工有限公司",  # two characters away, both the city: another company
        "南京天成物流有限公司",  # nothing near
    ],
)
def test_no_near_miss_or_a_tie_opens_nothing_known(session, read):
    assert closest_known_name(session, read) is None


def test_a_name_that_is_no_near_miss_opens_a_new_file_for_review(session):
    match = match_customer(
        session, name="南京天成物流有限公司", credit_code=None, org_name="鸿达融资担保有限公司"
    )
    assert match.matched_by == "new" and match.customer.needs_review
