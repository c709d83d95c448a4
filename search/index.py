"""Kept only for workflows/customer_files.py's `from search.index import SearchIndex` (another engineer's file
at the time of the engine seam); use `from search import SearchEngine` and delete this module."""

from search.engine import SearchEngine as SearchIndex

__all__ = ["SearchIndex"]
