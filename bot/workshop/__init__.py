"""The workshop itself: /workshop new|list|status|board|help and the command's dispatch, the setup
form, the board and its phase buttons, the hooks run when a phase ends, and the results posts
(posted again on request)."""
