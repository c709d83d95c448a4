"""The search page: only readable hits (and counts), <mark> snippets, shareable URLs, paging, facets."""

from __future__ import annotations

from urllib.parse import quote

from tests.web.archive import add_pdf_document
from tests.web.conftest import text_of


def _archive(world, extra: int = 0):  # type: ignore[no-untyped-def]
    public = add_pdf_document(
        world, "c1", "internal", title="借款合同甲", lines=["借款合同 编号 HT-1"], doc_type="contract"
    )
    secret = add_pdf_document(world, "c2", "department", title="担保合同乙", lines=["借款合同 机密 DB-9"])
    for n in range(extra):
        add_pdf_document(
            world, "c1", "internal", title=f"借款合同{n:02d}", lines=["借款合同 附件"], doc_type="contract"
        )
    return public, secret


def test_hits_counts_and_snippets_cover_only_what_the_user_reads(tab, world):
    public, secret = _archive(world)
    page = tab("bob").get("/search?q=" + quote("借款合同"))
    assert page.status_code == 200
    assert f'href="/documents/{public}"' in page.text
    assert (
        f'href="/documents/{secret}"' not in page.text
        and "担保合同乙" not in page.text
        and "DB-9" not in page.text
    )
    assert "<mark>" in page.text
    assert "共 1 条结果" in text_of(page.text)
    carol = tab("carol").get("/search?q=" + quote("借款合同"))
    assert f'href="/documents/{secret}"' in carol.text  # sales2's member reads it


def test_the_url_carries_query_sort_and_page(tab, world):
    _archive(world, extra=21)
    bob = tab("bob", "en")
    first = bob.get("/search?q=" + quote("借款合同"))
    assert "22 results" in text_of(first.text)
    assert 'rel="next"' in first.text and "page=2" in first.text
    second = bob.get("/search?q=" + quote("借款合同") + "&page=2")
    assert second.status_code == 200 and 'rel="prev"' in second.text
    assert second.text.count('class="hit"') == 2
    assert f'value="{"借款合同"}"' in second.text  # the box keeps the query


def test_a_malformed_query_is_explained_not_a_500(tab, world):
    _archive(world)
    page = tab("bob", "en").get("/search?q=" + quote("(借款 OR"))
    assert page.status_code == 400
    assert 'id="err-q"' in page.text


def test_facets_are_links_that_narrow_the_query(tab, world):
    _archive(world, extra=2)
    page = tab("bob").get("/search?q=" + quote("借款合同"))
    if 'class="facets"' not in page.text:  # the engine in use offers no facets: nothing to show
        return
    assert "type%3Acontract" in page.text  # a link that narrows the query to the type
    narrowed = tab("bob").get("/search?q=" + quote('借款合同 customer:"客户c1"'))
    assert narrowed.status_code == 200 and "借款合同甲" in narrowed.text
    assert "担保合同乙" not in page.text
