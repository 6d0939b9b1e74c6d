"""The Home tab: publishing it, its paging buttons, the app_home_opened event, and the sections
features add."""
