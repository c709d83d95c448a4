"""Benchmarks for Dangan; each writes its figures into BENCHMARKS.md."""
