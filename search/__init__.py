"""Full-text search: Chinese-aware analysis, the Whoosh index, queries and snippets.

Public API: SearchIndex, IndexDoc, search, SearchResult, Hit, FacetCount, Scope, SearchScope, snippet,
add_user_words, more_like_this. search.engines picks the engine (Whoosh or tantivy), search.live the live index.
Nothing here opens an index at import time.
"""

from search.analysis import add_user_words
from search.highlight import snippet
from search.index import IndexSchemaMismatch, SearchIndex
from search.query import search
from search.results import FacetCount, Hit, SearchResult
from search.schema import IndexDoc
from search.scope import Scope, SearchScope
from search.similar import more_like_this

__all__ = [
    "FacetCount",
    "Hit",
    "IndexDoc",
    "IndexSchemaMismatch",
    "Scope",
    "SearchIndex",
    "SearchResult",
    "SearchScope",
    "add_user_words",
    "more_like_this",
    "search",
    "snippet",
]
