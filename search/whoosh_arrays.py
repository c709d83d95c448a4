"""Whole-set evaluation of a compiled query with numpy: every match, its BM25F score, the total, facet
counts and field sorts at array speed.

Whoosh walks matches one Python call at a time (~1 µs per document per matcher): a broad word over 100k
documents costs a second before facets. Here each segment's posting lists are read block by block into
arrays (and kept, per immutable segment, in a bounded cache, like Lucene's per-segment caches), the tree
of Term, Or, And, AndNot, AndMaybe, Prefix, SequenceQuery and DateFilter is evaluated with array set
operations, and scores use Whoosh's own formula and statistics (BM25F, idf and average field lengths
from the whole index), so the ranking is the one Whoosh's collectors give. Where a few candidates meet a
frequent term (a company name's 有限, 公司; the jieba words that only add to a CJK match's score), only
the blocks holding the candidates are decoded, as Whoosh's skip_to would. Columns (date, type, customer,
level, archive number) are read once per segment for facets, filters and sorting; document ids only
where a sort needs them to break ties or an id filter is large.

A query with anything else (a bare NOT inside OR, numeric ranges on their own) raises Unsupported and
search.query runs it the classic way; tests/search/test_whoosh_arrays.py checks both agree (on fixed and on random corpora and queries).
"""

from __future__ import annotations

import io
import os
import pickle
import re
import threading
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh import columns
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import NUMERIC
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import _length_byte_cache

from search.analysis import CJK_CLASS
from search.datefilter import DateFilter
from search.phrase import SequenceQuery
from search.results import FACETS, FacetCount, facet_list
from search.schema import (
    ARCHIVE_NO,
    CUSTOMER_ID,
    DOC_DATE,
    DOC_TYPE,
    HEAD,
    HEAD_BI,
    ID_FIELD,
    LEVEL,
    TEXT_BI,
    TEXT_WORDS,
)

_LENGTHS = np.array(_length_byte_cache, dtype=np.float64)
_EMPTY_IDS = np.empty(0, dtype=np.int64)
_EMPTY_SCORES = np.empty(0, dtype=np.float64)
# Dates: documents without one hold the column's default (beyond any yyyymmdd).
_NO_DATE = 2**31 - 1
_NO_CUSTOMER = 2**63 - 1
_MAX_DATE = 99_991_231
# Each bigram field and the word field analysed from the same text (search.schema.to_fields).
WORD_PARTNERS = {HEAD_BI: HEAD, TEXT_BI: TEXT_WORDS}
_ALL_CJK = re.compile(f"[{CJK_CLASS}]{{3,}}")


class Unsupported(Exception):
    """The query holds a node this module does not evaluate; run it the classic way."""


@dataclass
class Matches:
    """Local document numbers (sorted, unique) and their scores, in one segment."""

    ids: np.ndarray
    scores: np.ndarray


class _Cache:
    """A bounded LRU of arrays by key, sized by bytes; thread-safe."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found[0]
        value = make()
        size = _nbytes(value)
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, size)
                self.used += size
            while self.used > self.budget and len(self._items) > 1:
                _, (_, dropped) = self._items.popitem(last=False)
                self.used -= dropped
        return value

    def has(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 100
    if isinstance(value, tuple | list):
        return sum(_nbytes(v) for v in value) + 100
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values()) + 100
    return 100


# Arrays of immutable segments, keyed by the segment file's identity (_segment_key), so never stale: what
# every search of a segment needs (lengths, columns, the deletion mask; ~100 bytes a document), and what
# queries read (posting lists, phrase matches). Least recently used first out, so the arrays of segments
# a merge replaced leave as new ones come.
SEGMENTS = _Cache(128 * 1024 * 1024)
POSTINGS = _Cache(256 * 1024 * 1024)


@dataclass(frozen=True)
class Leaf:
    """One segment of the searcher: its reader, document-number offset and the whole index's searcher."""

    reader: Any
    offset: int
    top: Searcher

    @property
    def key(self) -> tuple[Any, ...]:
        return _segment_key(self.reader, self.top)

    @property
    def size(self) -> int:
        return int(self.reader.doc_count_all())

    def live(self) -> np.ndarray:
        """A boolean mask of the segment's documents that are not deleted."""
        deleted = self.reader.segment().deleted_count()

        def make() -> np.ndarray:
            mask = np.ones(self.size, dtype=bool)
            gone = list(self.reader._perdoc.deleted_docs()) if deleted else []
            if gone:
                mask[np.fromiter(gone, dtype=np.int64, count=len(gone))] = False
            return mask

        return SEGMENTS.get((self.key, "live", deleted), make)


def _segment_key(reader: Any, top: Searcher) -> tuple[Any, ...]:
    """What identifies a segment's files for good: the index folder, the segment id, and the identity of
    its file on disk (inode, change time, size). The id alone is not enough: Whoosh draws it from the
    `random` module, so a process with a seeded `random` (forked workers, property tests) repeats ids."""
    found = getattr(reader, "_dangan_key", None)
    if found is not None:
        return found
    segment = reader.segment()
    folder = getattr(getattr(getattr(top, "_ix", None), "storage", None), "folder", None)
    if folder is None:
        raise Unsupported("index without a folder")
    name = segment.make_filename(segment.COMPOUND_EXT if segment.is_compound() else ".trm")
    try:
        stat = os.stat(os.path.join(folder, name))
    except OSError as error:
        raise Unsupported(f"segment file {name}: {error}") from error
    key = (os.path.abspath(folder), segment.segment_id(), stat.st_ino, stat.st_ctime_ns, stat.st_size)
    reader._dangan_key = key
    return key


def leaves(searcher: Searcher) -> list[Leaf]:
    """The searcher's segments in document-number order."""
    found = sorted(searcher.reader().leaf_readers(), key=lambda leaf: leaf[1])
    for reader, _ in found:
        if reader.segment() is None:
            raise Unsupported("reader without a segment")
    return [Leaf(reader, offset, searcher) for reader, offset in found]


# ---------------------------------------------------------------- per-segment data


def postings(leaf: Leaf, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and weights of one term in one segment (deleted documents included)."""

    def make() -> tuple[np.ndarray, np.ndarray]:
        if (field, btext) not in leaf.reader:
            return _EMPTY_IDS, _EMPTY_SCORES
        return _joined(_blocks(leaf.reader._terms, field, btext))

    return POSTINGS.get((leaf.key, "post", field, btext), make)


def _joined(blocks: Iterable[tuple[np.ndarray, Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for block_ids, block_weights, _values in blocks:
        ids.append(block_ids)
        weights.append(_weights(block_weights, block_ids.size))
    if not ids:
        return _EMPTY_IDS, _EMPTY_SCORES
    return np.concatenate(ids), np.concatenate(weights)


def _blocks(
    terms: Any, field: str, btext: bytes, wanted: np.ndarray | None = None
) -> Iterator[tuple[np.ndarray, Any, Any]]:
    """A term's posting blocks as (ids, raw weights, values), the list read from disk in one piece.

    The whoosh3 codec's layout: a header tag, then per block its signed length (negative for the last),
    its pickled info tuple (count, last id, ...) and its pickled (zlib-compressed when the info says so)
    delta-coded ids, weights and values. Terms in one document are inlined in the term info instead.
    With wanted (sorted document numbers), blocks whose id range holds none of them are skipped undecoded.
    """
    info = terms.term_info(field, btext)
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        yield np.asarray(ids, dtype=np.int64), weights, values
        return
    offset, length = info.extent()
    if isinstance(length, tuple):  # whoosh3 reads the stored length back as unpack_int's tuple
        (length,) = length
    data = terms._postfile.get(offset, length)
    stream = io.BytesIO(data)
    pos, end, low = _INT_SIZE, len(data), 0  # after the header tag
    while pos < end:
        (size,) = unpack_int(data[pos : pos + _INT_SIZE])
        start = pos + _INT_SIZE
        stream.seek(start)
        block_info = pickle.load(stream)
        following = start + abs(size)
        last_id, compression = block_info[1], block_info[3]
        if wanted is not None:
            first_wanted = int(np.searchsorted(wanted, low))
            needed = first_wanted < wanted.size and wanted[first_wanted] <= last_id
        if wanted is None or needed:
            block = data[stream.tell() : following]
            block_ids, block_weights, values = pickle.loads(zlib.decompress(block) if compression else block)
            yield np.cumsum(np.asarray(block_ids, dtype=np.int64)), block_weights, values
        if size < 0:
            return
        pos, low = following, last_id + 1


def _weights(raw: Any, count: int) -> np.ndarray:
    """A block's weights: None means all 1.0, a float means all that value."""
    if raw is None:
        return np.ones(count, dtype=np.float64)
    if isinstance(raw, float | int):
        return np.full(count, float(raw), dtype=np.float64)
    return np.asarray(raw, dtype=np.float64)


def lengths(leaf: Leaf, field: str) -> np.ndarray:
    """Each document's (approximate, as Whoosh stores it) length of a field."""

    def make() -> np.ndarray:
        perdoc = leaf.reader._perdoc
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        codes = np.zeros(leaf.size, dtype=np.uint8)
        if column is not None and column._count:
            raw = column._dbfile.get(column._basepos, column._count)
            codes[: column._count] = np.frombuffer(raw, dtype=np.uint8)
        return _LENGTHS[codes]

    return SEGMENTS.get((leaf.key, "len", field), make)


def column(leaf: Leaf, field: str) -> np.ndarray:
    """A sortable column's values for every document of the segment: int64 for numbers (as the field
    gives them back), an object array of bytes for text (b"" where a document has none)."""

    def make() -> np.ndarray:
        reader = leaf.reader
        if not reader.has_column(field):
            return np.full(leaf.size, b"", dtype=object)
        raw = reader.column_reader(field, translate=False)
        kind = reader.schema[field]
        if (
            isinstance(raw, columns.NumericColumn.Reader)
            and isinstance(kind, NUMERIC)
            and kind.numtype is int
        ):
            return _numbers(raw, kind, leaf.size)
        if isinstance(raw, columns.VarBytesColumn.Reader):
            return _texts(raw, leaf.size)
        translated = reader.column_reader(field)
        values = [translated[n] for n in range(leaf.size)]
        if all(isinstance(v, int) for v in values):
            return np.array(values, dtype=np.int64)
        return np.array(values, dtype=object)

    return SEGMENTS.get((leaf.key, "col", field), make)


def _numbers(raw: Any, kind: NUMERIC, size: int) -> np.ndarray:
    """A numeric column read in one piece: sortable unsigned values, shifted back as from_sortable does."""
    dtype = np.dtype(">" + raw._typecode)
    count = min(raw._count, size)
    values = np.full(size, raw._default, dtype=dtype.newbyteorder("="))
    if count:
        values[:count] = np.frombuffer(raw._dbfile.get(raw._basepos, count * raw._fixedlen), dtype=dtype)
    if not kind.signed:
        return values.astype(np.int64)
    if dtype.itemsize == 8:
        return (values.astype(np.uint64) ^ np.uint64(1 << 63)).view(np.int64)
    return values.astype(np.int64) - (1 << (kind.bits - 1))


def _texts(raw: Any, size: int) -> np.ndarray:
    """A variable-length bytes column read in one piece and cut per document."""
    lengths = np.asarray(raw._lengths, dtype=np.int64)[:size]
    offsets = np.asarray(raw._offsets, dtype=np.int64)[:size]
    total = int((offsets + lengths).max()) if lengths.size else 0
    blob = raw._dbfile.get(raw._basepos, total) if total else b""
    values = np.full(size, b"", dtype=object)
    values[: lengths.size] = [
        blob[o : o + n] for o, n in zip(offsets.tolist(), lengths.tolist(), strict=True)
    ]
    return values


def codes(leaf: Leaf, field: str) -> tuple[np.ndarray, list[Any]]:
    """A column as small integer codes and the distinct values, in sorted order."""

    def make() -> tuple[np.ndarray, list[Any]]:
        values = column(leaf, field)
        if values.dtype != object:
            distinct, inverse = np.unique(values, return_inverse=True)
            return inverse.astype(np.int64), distinct.tolist()
        keys = values.tolist()
        distinct = sorted(set(keys))
        where = {v: n for n, v in enumerate(distinct)}
        return np.fromiter((where[v] for v in keys), dtype=np.int64, count=len(keys)), distinct

    return SEGMENTS.get((leaf.key, "codes", field), make)


def document_ids(leaf: Leaf) -> np.ndarray:
    """The Dangan document id of each document number of the segment (stored with each entry)."""

    def make() -> np.ndarray:
        stored = leaf.reader._perdoc.stored_fields
        return np.fromiter(
            (stored(n).get(ID_FIELD, -1) for n in range(leaf.size)), dtype=np.int64, count=leaf.size
        )

    return SEGMENTS.get((leaf.key, "ids"), make)


# ---------------------------------------------------------------- evaluation


def _union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if p.ids.size]
    if not parts:
        return Matches(_EMPTY_IDS, _EMPTY_SCORES)
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p.ids for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    unique, inverse = np.unique(ids, return_inverse=True)
    summed = np.zeros(unique.size, dtype=np.float64)
    # Sequential, in child order, like Whoosh's union matcher adds its children's scores.
    start = 0
    for p in parts:
        end = start + p.ids.size
        summed[inverse[start:end]] += scores[start:end]
        start = end
    return Matches(unique, summed)


def _intersection(parts: list[Matches]) -> Matches:
    ids = parts[0].ids
    for p in parts[1:]:
        ids = np.intersect1d(ids, p.ids, assume_unique=True)
    scores = np.zeros(ids.size, dtype=np.float64)
    for p in parts:
        scores += p.scores[np.searchsorted(p.ids, ids)]
    return Matches(ids, scores)


def _without(a: Matches, b: Matches) -> Matches:
    keep = ~np.isin(a.ids, b.ids, assume_unique=True)
    return Matches(a.ids[keep], a.scores[keep])


def _maybe(a: Matches, b: Matches) -> Matches:
    if not b.ids.size or not a.ids.size:
        return a
    where = np.searchsorted(b.ids, a.ids)
    where[where >= b.ids.size] = 0
    hit = b.ids[where] == a.ids
    scores = a.scores.copy()
    scores[hit] += b.scores[where[hit]]
    return Matches(a.ids, scores)


def _boosted(m: Matches, boost: float) -> Matches:
    return m if boost == 1.0 else Matches(m.ids, m.scores * boost)


class Evaluator:
    """Evaluates compiled Whoosh queries on one segment."""

    def __init__(self, leaf: Leaf, *, scoring: bool = True) -> None:
        self.leaf, self.scoring = leaf, scoring
        self.weighting = leaf.top.weighting
        if scoring and not isinstance(self.weighting, BM25F):
            raise Unsupported("weighting")

    def run(self, q: wq.Query, within: np.ndarray | None = None) -> Matches:
        """The matches of q; given within (sorted document numbers), only those among them are needed."""
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, q.boost, within)
        if isinstance(q, SequenceQuery):
            return self.sequence(q)
        if isinstance(q, wq.Or) and not q.minmatch and q.scale is None:
            return _boosted(_union([self.run(s, within) for s in q.subqueries]), q.boost)
        if isinstance(q, wq.And):
            parts = [self.run(s) for s in q.subqueries]
            if not parts or any(not p.ids.size for p in parts):
                return Matches(_EMPTY_IDS, _EMPTY_SCORES)
            return _boosted(_intersection(parts), q.boost)
        if isinstance(q, wq.AndNot):
            return _boosted(_without(self.run(q.a), self.run(q.b)), q.boost)
        if isinstance(q, wq.AndMaybe):
            # The optional part only adds to the score of what the required part matched.
            required = self.run(q.a, within)
            if not required.ids.size:
                return required
            return _boosted(_maybe(required, self.run(q.b, required.ids)), q.boost)
        if isinstance(q, DateFilter):
            return self.dates(self.run(q.child), q.low, q.high)
        if isinstance(q, wq.Every) and not q.fieldname:
            ids = np.flatnonzero(self.leaf.live()).astype(np.int64)
            return Matches(ids, np.full(ids.size, float(q.boost)))
        if type(q) is wq.Prefix and q.constantscore:
            return self.prefix(q)
        raise Unsupported(type(q).__name__)

    def term(self, field: str, text: Any, boost: float = 1.0, within: np.ndarray | None = None) -> Matches:
        reader = self.leaf.reader
        if field not in reader.schema:
            return Matches(_EMPTY_IDS, _EMPTY_SCORES)
        try:
            btext = text if isinstance(text, bytes) else reader.schema[field].to_bytes(text)
        except ValueError:  # a value the field cannot hold matches nothing (as in Whoosh's Term)
            return Matches(_EMPTY_IDS, _EMPTY_SCORES)
        key = (self.leaf.key, "post", field, btext)
        if (
            within is not None
            and not POSTINGS.has(key)
            and (field, btext) in reader
            and _skips(reader, field, btext, within)
        ):
            # A frequent term wanted for a few documents: decode only the blocks that hold them.
            ids, weights = _joined(_blocks(reader._terms, field, btext, within))
            keep = np.isin(ids, within, assume_unique=True)
            ids, weights = ids[keep], weights[keep]
        else:
            ids, weights = postings(self.leaf, field, btext)
        if not ids.size or not self.scoring:
            return Matches(ids, np.zeros(ids.size))
        scores = self._scores(field, btext, ids, weights)
        return _boosted(Matches(ids, scores), boost)

    def _scores(self, field: str, btext: bytes, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        top, schema = self.leaf.top, self.leaf.reader.schema
        if not schema[field].scorable:
            return weights
        w = self.weighting
        b = w._field_B.get(field, w.B)
        k1 = w.K1
        idf = top.idf(field, btext)
        avgfl = top.avg_field_length(field) or 1
        fl = lengths(self.leaf, field)[ids]
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * fl / avgfl)))

    def prefix(self, q: wq.Prefix) -> Matches:
        words = [w for w in q._btexts(self.leaf.reader) if w]
        parts = [self.term(q.fieldname, w) for w in words]
        if len(parts) == 1:
            return parts[0]
        return _boosted(_union(parts), q.boost)

    def dates(self, m: Matches, low: int | None, high: int | None) -> Matches:
        if not m.ids.size:
            return m
        values = column(self.leaf, DOC_DATE)
        if values.dtype == object:
            return Matches(_EMPTY_IDS, _EMPTY_SCORES)
        picked = values[m.ids]
        keep = picked <= (high if high is not None else _MAX_DATE)
        if low is not None:
            keep &= picked >= low
        return Matches(m.ids[keep], m.scores[keep])

    def sequence(self, q: SequenceQuery) -> Matches:
        field = q.fieldname
        reader = self.leaf.reader
        if field not in reader.schema:
            return Matches(_EMPTY_IDS, _EMPTY_SCORES)
        encoded = tuple(reader.schema[field].to_bytes(word) for word in q.words)
        if any((field, word) not in reader for word in encoded):
            return Matches(_EMPTY_IDS, _EMPTY_SCORES)
        found, weights = phrase_matches(self.leaf, field, encoded, tuple(q.words))
        if not found.size or not self.scoring:
            return Matches(found, np.zeros(found.size))
        # Scored like Whoosh's phrase: the intersection of its distinct terms (BM25F summed).
        scores = np.zeros(found.size, dtype=np.float64)
        for word, row in zip(dict.fromkeys(encoded), weights, strict=True):
            scores += self._scores(field, word, found, row)
        return _boosted(Matches(found, scores), q.boost)


def _whole_word(bigrams: list[str]) -> str | None:
    """The CJK text a run of overlapping bigrams spells (违约, 约金 → 违约金), when it is 3+ characters."""
    if len(bigrams) < 2 or any(len(b) != 2 for b in bigrams):
        return None
    if any(a[1] != b[0] for a, b in zip(bigrams, bigrams[1:], strict=False)):
        return None
    text = bigrams[0] + "".join(b[1] for b in bigrams[1:])
    return text if _ALL_CJK.fullmatch(text) else None


# A term this many times more frequent than the candidates left is read only where they are.
_SELECTIVE = 4


def _skips(reader: Any, field: str, btext: bytes, wanted: np.ndarray) -> bool:
    """Whether to decode only the blocks of a term that hold wanted documents: it is far more frequent."""
    return reader.doc_frequency(field, btext) > _SELECTIVE * wanted.size


def phrase_matches(
    leaf: Leaf, field: str, words: tuple[bytes, ...], texts: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The documents of a segment holding the words at consecutive positions, and each distinct word's
    weight in them (one row per word, first-seen order); cached per segment and phrase.

    The rarest word's list gives the candidates; each next word, rarest first, narrows them, and a word
    much more frequent than the candidates left (有限, 公司 in a company name) is decoded only in the
    blocks that hold a candidate. Positions are checked last, only for the candidates, and not at all where
    the partner word field holds the whole phrase as one jieba word.
    """

    def make() -> tuple[np.ndarray, np.ndarray]:
        reader, terms = leaf.reader, leaf.reader._terms
        unique = list(dict.fromkeys(words))
        rarest_first = sorted(unique, key=lambda word: reader.doc_frequency(field, word))
        blocks: dict[bytes, list[tuple[np.ndarray, Any, Any]]] = {}
        candidates: np.ndarray | None = None
        for word in rarest_first:
            selective = candidates is not None and _skips(reader, field, word, candidates)
            blocks[word] = list(_blocks(terms, field, word, candidates if selective else None))
            ids = np.concatenate([b[0] for b in blocks[word]]) if blocks[word] else _EMPTY_IDS
            candidates = ids if candidates is None else np.intersect1d(candidates, ids, assume_unique=True)
            if not candidates.size:
                return _EMPTY_IDS, np.empty((len(unique), 0))
        assert candidates is not None
        sure = _EMPTY_IDS
        whole = _whole_word(list(texts))
        partner = WORD_PARTNERS.get(field)
        if whole and partner and partner in reader.schema:
            sure = np.intersect1d(candidates, postings(leaf, partner, whole.encode("utf-8"))[0])
            candidates = np.setdiff1d(candidates, sure, assume_unique=True)
        found = np.union1d(sure, _verify(reader, field, words, candidates, blocks))
        return found, np.vstack([_weights_of(blocks[word], found) for word in unique])

    return POSTINGS.get((leaf.key, "phrase", field, words), make)


def _weights_of(blocks: list[tuple[np.ndarray, Any, Any]], found: np.ndarray) -> np.ndarray:
    """A word's weights in the found documents (all of which its blocks hold)."""
    ids, weights = _joined(blocks)
    return weights[np.searchsorted(ids, found)] if found.size else _EMPTY_SCORES


def _verify(
    reader: Any,
    field: str,
    words: tuple[bytes, ...],
    candidates: np.ndarray,
    blocks: dict[bytes, list[tuple[np.ndarray, Any, Any]]],
) -> np.ndarray:
    """The candidates where the words sit at consecutive positions.

    Word by word, each remaining candidate keeps the start positions its words still allow; positions
    are Whoosh's Positions values (a count, then the pickled position deltas), decoded only for them.
    """
    wanted = candidates
    starts: dict[int, set[int]] = {}
    for offset, word in enumerate(words):
        if not wanted.size:
            return _EMPTY_IDS
        found: dict[int, set[int]] = {}
        for ids, _weights, values in blocks[word]:
            for i in np.flatnonzero(np.isin(ids, wanted, assume_unique=True)).tolist():
                value = values[i]
                deltas = pickle.loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")
                here = {p - offset for p in accumulate(deltas)}
                if offset:
                    here &= starts[int(ids[i])]
                if here:
                    found[int(ids[i])] = here
        starts = found
        wanted = np.fromiter(sorted(found), dtype=np.int64, count=len(found))
    return wanted


# ---------------------------------------------------------------- search


@dataclass
class Outcome:
    """Global document numbers of the page (best first), the total and facet counts."""

    top: list[tuple[float, int]]
    total: int
    facets: dict[str, list[FacetCount]]


def search(
    searcher: Searcher,
    compiled: wq.Query,
    *,
    top: int,
    keep: Callable[[Leaf], np.ndarray | None],
    sort: str = "relevance",
    facets: bool = False,
) -> Outcome:
    """Every match of compiled in each segment, kept where keep(leaf)'s mask (None: all) and not deleted."""
    per_leaf: list[tuple[Leaf, Matches]] = []
    for leaf in leaves(searcher):
        m = Evaluator(leaf, scoring=sort == "relevance").run(compiled)
        if m.ids.size:
            mask = leaf.live()
            extra = keep(leaf)
            if extra is not None:
                mask = mask & extra
            chosen = mask[m.ids]
            m = Matches(m.ids[chosen], m.scores[chosen])
        per_leaf.append((leaf, m))
    total = sum(int(m.ids.size) for _, m in per_leaf)
    ranked = _ranked(per_leaf, top, sort) if total else []
    counts = _facets(per_leaf) if facets else {}
    return Outcome(ranked, total, counts)


def _ranked(per_leaf: list[tuple[Leaf, Matches]], top: int, sort: str) -> list[tuple[float, int]]:
    docnums = np.concatenate([m.ids + leaf.offset for leaf, m in per_leaf])
    if sort == "relevance":
        scores = np.concatenate([m.scores for _, m in per_leaf])
        if docnums.size > top * 4:
            # The top scores, then exactly ordered: score descending, document number ascending.
            cut = np.partition(scores, docnums.size - top)[docnums.size - top]
            chosen = scores >= cut
            docnums, scores = docnums[chosen], scores[chosen]
        order = np.lexsort((docnums, -scores))[:top]
        return [(float(scores[i]), int(docnums[i])) for i in order]
    if sort == "archive_no":
        # Documents without an archive number last, then by the number's bytes (the column's order).
        values = np.concatenate([column(leaf, ARCHIVE_NO)[m.ids] for leaf, m in per_leaf])
        distinct, key = np.unique(values, return_inverse=True)
        if distinct.size and distinct[0] == b"":
            key = np.where(key == 0, distinct.size, key)
    else:
        dates = np.concatenate([_dates(leaf)[m.ids] for leaf, m in per_leaf])
        key = dates if sort == "date" else np.where(dates < _NO_DATE, -dates, 0)
    key = key.astype(np.int64)
    if key.size > top:
        # Only the documents up to the top-th key (ties included) need their ids for the tie-break.
        chosen = key <= np.partition(key, top - 1)[top - 1]
        docnums, key = docnums[chosen], key[chosen]
    ids = _ids_of(per_leaf, docnums)
    order = np.lexsort((ids, key))[:top]
    return [(0.0, int(docnums[i])) for i in order]


# Above this many documents, the segment's whole id array is read (and kept) instead of stored fields.
_STORED_LOOKUPS = 2000


def _ids_of(per_leaf: list[tuple[Leaf, Matches]], docnums: np.ndarray) -> np.ndarray:
    """The document ids of global document numbers."""
    ids = np.empty(docnums.size, dtype=np.int64)
    for leaf, _ in per_leaf:
        inside = (docnums >= leaf.offset) & (docnums < leaf.offset + leaf.size)
        if not inside.any():
            continue
        local = docnums[inside] - leaf.offset
        if local.size > _STORED_LOOKUPS:
            ids[inside] = document_ids(leaf)[local]
        else:
            stored = leaf.reader._perdoc.stored_fields
            ids[inside] = [stored(n).get(ID_FIELD, -1) for n in local.tolist()]
    return ids


def _dates(leaf: Leaf) -> np.ndarray:
    values = column(leaf, DOC_DATE)
    if values.dtype == object:
        return np.full(leaf.size, _NO_DATE, dtype=np.int64)
    return values


_COLUMNS = {"type": DOC_TYPE, "customer": CUSTOMER_ID, "year": DOC_DATE, "level": LEVEL}


def _facets(per_leaf: list[tuple[Leaf, Matches]]) -> dict[str, list[FacetCount]]:
    """Counts per type, customer, year and level over the kept matches."""
    out: dict[str, list[FacetCount]] = {}
    for name in FACETS:
        field = _COLUMNS[name]
        numbers: list[np.ndarray] = []
        tally: Counter[str] = Counter()
        for leaf, m in per_leaf:
            if not m.ids.size or not leaf.reader.has_column(field):
                continue
            if name == "year":
                dates = _dates(leaf)[m.ids]
                numbers.append(dates[(dates > 0) & (dates < _NO_DATE)] // 10000)
            elif name == "customer":
                values = column(leaf, field)[m.ids]
                numbers.append(values[(values > 0) & (values < _NO_CUSTOMER)])
            else:
                index, distinct = codes(leaf, field)
                counts = np.bincount(index[m.ids], minlength=len(distinct))
                for n in np.flatnonzero(counts).tolist():
                    shown = _shown(name, distinct[n])
                    if shown is not None:
                        tally[shown] += int(counts[n])
        if numbers:
            values, counts = np.unique(np.concatenate(numbers), return_counts=True)
            tally.update(dict(zip(map(str, values.tolist()), counts.tolist(), strict=True)))
        out[name] = facet_list(dict(tally))
    return out


def _shown(name: str, raw: Any) -> str | None:
    if name == "customer":
        return str(raw) if isinstance(raw, int) and 0 < raw < _NO_CUSTOMER else None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    return raw or None


# ---------------------------------------------------------------- filters as masks


def query_mask(leaf: Leaf, q: wq.Query) -> np.ndarray:
    """The documents of a segment a (filter) query matches, as a boolean mask."""
    mask = np.zeros(leaf.size, dtype=bool)
    mask[Evaluator(leaf, scoring=False).run(q).ids] = True
    return mask


def ids_mask(leaf: Leaf, wanted: set[int]) -> np.ndarray:
    """The segment's documents whose Dangan document id is in wanted."""
    mask = np.zeros(leaf.size, dtype=bool)
    valid = [i for i in wanted if isinstance(i, int) and 0 <= i < 2**63]
    if len(valid) > _STORED_LOOKUPS:
        return np.isin(document_ids(leaf), np.array(valid, dtype=np.int64))
    field = leaf.reader.schema[ID_FIELD]
    for document_id in valid:
        mask[postings(leaf, ID_FIELD, field.to_bytes(document_id))[0]] = True
    return mask
