"""Every modal of the bot is built the same way: a title, the buttons' words and blocks, and
for a form its callback id and metadata (bot/slack/values.py). Arguments left None are left out of
what Slack receives."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, PlainTextObject
from slack_sdk.models.views import View


def modal(
    title: str,
    blocks: Sequence[Block | dict] | None = None,
    *,
    callback_id: str | None = None,
    submit: str | None = None,
    close: str | None = None,
    private_metadata: str | None = None,
) -> View:
    """A modal titled `title` (24 characters at most, as `submit` and `close`; slack_sdk checks)."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=title),
        submit=None if submit is None else PlainTextObject(text=submit),
        close=None if close is None else PlainTextObject(text=close),
        private_metadata=private_metadata,
        blocks=blocks,
    )
