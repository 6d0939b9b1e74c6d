"""Block Kit for fixes (form, list, remove and merge) and for voting (view, posts, ranking)."""
