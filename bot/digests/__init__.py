"""Scheduled digests: /workshop digest, the schedule form and buttons, sending digests with their
charts, and Block Kit."""
