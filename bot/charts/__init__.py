"""Charts: result objects → PNG bytes (matplotlib, Agg), always posted with a text fallback."""
