"""search.whoosh_arrays reads Whoosh's private on-disk structures: Whoosh is pinned to one exact version, and
this fails when the installed one differs from the pin or an attribute the evaluator reads is gone."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN

from search import whoosh_arrays as vector
from search.schema import ARCHIVE_NO, DOC_DATE, TEXT_BI

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _pin() -> str:
    deps = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    found = [d for d in deps if re.match(r"whoosh-reloaded\b", d, re.I)]
    assert len(found) == 1, found
    match = re.fullmatch(r"whoosh-reloaded==([\w.]+)", found[0].replace(" ", ""), re.I)
    assert match, f"whoosh-reloaded must be pinned to one exact version, not {found[0]!r}"
    return match.group(1)


def test_the_installed_whoosh_is_the_pinned_version() -> None:
    assert version("whoosh-reloaded") == _pin()


def _has(obj: Any, *names: str) -> None:
    missing = [n for n in names if not hasattr(obj, n)]
    assert not missing, f"{type(obj).__name__} lacks {missing}: whoosh_arrays must be revisited"


def test_the_private_structures_the_array_evaluator_reads_are_there(whoosh_corpus: Any) -> None:
    # Module-level names imported from Whoosh's internals.
    _has(vector, "_lenfield", "_INT_SIZE", "_length_byte_cache")
    with whoosh_corpus.searcher() as searcher:
        _has(searcher, "_ix")
        _has(searcher._ix, "storage")
        _has(searcher._ix.storage, "folder")
        _has(vector.BM25F(), "_field_B", "B", "K1")
        leaves = vector.leaves(searcher)
        assert leaves
        kinds = set()
        for leaf in leaves:
            reader = leaf.reader
            _has(reader, "_perdoc", "_terms")
            _has(reader._perdoc, "deleted_docs", "stored_fields", "_cached_reader")
            _has(reader._terms, "_postfile", "term_info")
            lengths = reader._perdoc._cached_reader(vector._lenfield(TEXT_BI), LENGTHS_COLUMN)
            _has(lengths, "_count", "_dbfile", "_basepos")
            numbers = reader.column_reader(DOC_DATE, translate=False)
            if isinstance(numbers, columns.NumericColumn.Reader):
                kinds.add("numbers")
                _has(numbers, "_typecode", "_count", "_default", "_dbfile", "_basepos", "_fixedlen")
            texts = reader.column_reader(ARCHIVE_NO, translate=False)
            if isinstance(texts, columns.VarBytesColumn.Reader):
                kinds.add("texts")
                _has(texts, "_lengths", "_offsets", "_dbfile", "_basepos")
            word = next(iter(reader.lexicon(TEXT_BI)))
            info = reader._terms.term_info(TEXT_BI, word)
            _has(info, "is_inlined", "inlined_postings", "extent")
        # The column classes the evaluator decodes in one piece are the ones Whoosh writes.
        assert kinds == {"numbers", "texts"}
    _has(vector.wq.Prefix("f", "x"), "_btexts")
