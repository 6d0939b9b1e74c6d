"""Following workshops: Follow / Unfollow buttons, `/workshop follow` and `unfollow`, and the Home
tab's "Workshops you follow" section with each workshop's trend."""
