"""Benchmarks: scripts that print figures and append them to benchmarks/RESULTS.md."""
