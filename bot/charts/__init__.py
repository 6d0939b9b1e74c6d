"""Charts: result objects in, PNG bytes out (matplotlib, Agg backend)."""
