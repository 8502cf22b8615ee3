"""Benchmarks: measurements against floors taken in the same run (not tests)."""
