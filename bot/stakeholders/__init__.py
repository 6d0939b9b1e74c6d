"""Stakeholder mapping: /workshop stakeholder|stakeholders|grid, its buttons and forms, Block Kit,
the grid chart and its post."""
