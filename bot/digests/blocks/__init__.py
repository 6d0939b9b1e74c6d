"""Block Kit for digests (the digest message) and for schedules (the form and the list)."""
