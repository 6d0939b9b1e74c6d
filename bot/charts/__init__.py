"""Charts: result objects from flows/ → PNG bytes (matplotlib, Agg, no pyplot so that listener
threads never share global figure state)."""
