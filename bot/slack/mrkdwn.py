"""Text that Slack reads as mrkdwn, kept apart from people's text by its type.

Anything Slack renders as mrkdwn (section and context text, section fields, a message's fallback
`text`, a file's comment) is a `Mrkdwn`. A plain `str` is taken to be people's text: wherever it
meets mrkdwn (`Mrkdwn.format`, `+`, `join`, or the block helpers in bot/slack/blocks.py) its
`&`, `<` and `>` are escaped, so `<!channel>` typed into a title pings nobody and `<team>` shows
as typed. Markup the bot writes itself (bold, mentions of ids, links, date tokens) is built as
`Mrkdwn` from constants and ids.

The idea is markupsafe's `Markup`, which does not fit as it is: it also escapes quotes as HTML
entities (`&#34;`, `&#39;`), which Slack shows raw.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any, SupportsIndex


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Mrkdwn(str):
    """A string that is safe to send as mrkdwn: every piece of people's text in it is escaped."""

    __slots__ = ()

    def __add__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(self, escape(other)))

    def __radd__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(escape(other), self))

    def join(self, parts: Iterable[str]) -> Mrkdwn:
        return Mrkdwn(str.join(self, (escape(part) for part in parts)))

    def format(self, *args: Any, **kwargs: Any) -> Mrkdwn:
        return Mrkdwn(_FORMATTER.vformat(self, args, kwargs))

    def __mul__(self, count: SupportsIndex) -> Mrkdwn:
        return Mrkdwn(str.__mul__(self, count))


class _EscapingFormatter(string.Formatter):
    """`str.format` that escapes every field that is not already `Mrkdwn` (after applying its
    format spec, so "{:.1f}" still works on numbers)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        formatted = format(value, format_spec)
        return formatted if isinstance(value, Mrkdwn) else _escape_text(formatted)


_FORMATTER = _EscapingFormatter()


def escape(text: str) -> Mrkdwn:
    """People's text as mrkdwn. `Mrkdwn` is returned as it is, so nothing is escaped twice."""
    if isinstance(text, Mrkdwn):
        return text
    return Mrkdwn(_escape_text(str(text)))


def unescape(mrkdwn: str) -> str:
    """What Slack shows for escaped mrkdwn text (the inverse of `escape`)."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def md(template: str, *args: Any, **kwargs: Any) -> Mrkdwn:
    """`template` (the bot's own markup) with `args` filled in, escaped unless already Mrkdwn:
    md("*{}* has {} votes", fix.title, 3)."""
    return Mrkdwn(template).format(*args, **kwargs)


def join_lines(lines: Iterable[str]) -> Mrkdwn:
    return Mrkdwn("\n").join(lines)


def mention(user_id: str) -> Mrkdwn:
    """A mention of a Slack user id (ids come from Slack; escaped all the same)."""
    return Mrkdwn(f"<@{_escape_text(user_id)}>")


def link(url: str, label: str) -> Mrkdwn:
    """A link; Slack reads the label up to the closing ">", so escaping it is enough."""
    return Mrkdwn(f"<{_escape_text(url)}|{_escape_text(label)}>")


# A cut must not leave half an entity ("&am") or half a token ("<@U12") behind.
_TORN_END = re.compile(r"(&[a-z]*|<[^>]*)$")


def truncate_mrkdwn(text: Mrkdwn, limit: int) -> Mrkdwn:
    if len(text) <= limit:
        return text
    return Mrkdwn(_TORN_END.sub("", text[: limit - 1]) + "…")
