"""Gap rating: /workshop rate|gaps|nudge|round, the rating form and nudges, Block Kit, the gap
chart and the results post."""
