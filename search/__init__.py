"""Full-text search: Chinese-aware analysis, two engines behind one protocol, the feed, queries and snippets.

Code outside search/ imports only the names below. SearchEngine (search.engine) is the seam: make_index
builds a Whoosh or tantivy index, LiveIndex follows the live one across rebuilds; both are SearchEngines.
search() parses a query (or takes a parsed one) and runs it on an engine; Highlighter marks one search's
terms in the hits' texts. The feed (search.feed) builds index entries from records; the vocabulary
(search.vocabulary) teaches the segmenter the customer and type names. Nothing opens an index at import.
"""

from search.analysis import add_user_words
from search.engine import IndexSchemaMismatch, PurgeReport, Refeed, SearchEngine
from search.engines import ENGINES, UnknownEngine, make_index
from search.feed import INDEXABLE, count_indexable, entries, entries_after, index_doc, stamps
from search.highlight import Highlighter, snippet
from search.live import IndexOutdated, IndexUnwritable, LiveIndex
from search.normalize import normalize
from search.parser import FIELD_ALIASES, Node, parse
from search.query import search
from search.rebuild import RebuildResult, pending, rebuild
from search.results import SORTS, FacetCount, Hit, SearchResult
from search.schema import IndexDoc
from search.scope import Scope, SearchScope
from search.similar import more_like_this
from search.vocabulary import ensure_vocabulary, refresh_vocabulary

__all__ = [
    "ENGINES",
    "FIELD_ALIASES",
    "INDEXABLE",
    "SORTS",
    "FacetCount",
    "Highlighter",
    "Hit",
    "IndexDoc",
    "IndexOutdated",
    "IndexUnwritable",
    "IndexSchemaMismatch",
    "LiveIndex",
    "Node",
    "PurgeReport",
    "RebuildResult",
    "Refeed",
    "Scope",
    "SearchEngine",
    "SearchResult",
    "SearchScope",
    "UnknownEngine",
    "add_user_words",
    "count_indexable",
    "ensure_vocabulary",
    "entries",
    "entries_after",
    "index_doc",
    "make_index",
    "more_like_this",
    "normalize",
    "parse",
    "pending",
    "rebuild",
    "refresh_vocabulary",
    "search",
    "snippet",
    "stamps",
]
