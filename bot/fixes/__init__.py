"""Fixes and dot voting: /workshop fix|fixes|vote|ranking|actions, the fix forms, the voting view,
Block Kit, the vote chart and the posts when voting opens and closes."""
