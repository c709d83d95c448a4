"""Full-text search: Chinese-aware analysis, the Whoosh index, queries and snippets.

Public API: SearchIndex, IndexDoc, search, SearchResult, Hit, snippet, add_user_words.
Nothing here opens an index at import time.
"""

from search.analysis import add_user_words
from search.highlight import snippet
from search.index import IndexSchemaMismatch, SearchIndex
from search.query import Hit, SearchResult, search
from search.schema import IndexDoc

__all__ = [
    "Hit",
    "IndexDoc",
    "IndexSchemaMismatch",
    "SearchIndex",
    "SearchResult",
    "add_user_words",
    "search",
    "snippet",
]
