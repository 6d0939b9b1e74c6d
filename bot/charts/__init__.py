"""Charts: result objects → PNG bytes (matplotlib, Agg backend; safe in worker threads)."""
