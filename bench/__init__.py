"""Benchmarks (not tests): ``python -m bench`` times the demo build and the report queries."""
