"""Full-text search: Chinese-aware analysis, the Whoosh index, queries and snippets.

Public API: SearchIndex, IndexDoc, search, SearchResult, Hit, Scope, SearchScope, snippet, add_user_words.
Nothing here opens an index at import time.
"""

from search.analysis import add_user_words
from search.highlight import snippet
from search.index import IndexSchemaMismatch, SearchIndex
from search.query import Hit, SearchResult, search
from search.schema import IndexDoc
from search.scope import Scope, SearchScope

__all__ = [
    "Hit",
    "IndexDoc",
    "IndexSchemaMismatch",
    "Scope",
    "SearchIndex",
    "SearchResult",
    "SearchScope",
    "add_user_words",
    "search",
    "snippet",
]
