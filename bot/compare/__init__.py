"""Benchmarking across workshops: `/workshop compare`, its chart and the match buttons."""
