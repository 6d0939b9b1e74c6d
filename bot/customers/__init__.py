"""Customers' voice: their survey answers beside the team's ratings, and the team's blind spots."""
