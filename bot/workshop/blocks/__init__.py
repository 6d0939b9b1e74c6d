"""Block Kit for the workshop: the board, the setup modal, the help/list/status replies, and the
notice that results could not be posted."""
