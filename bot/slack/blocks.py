"""Small helpers shared by the Block Kit builders."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import overload

from slack_sdk.models.blocks import (
    Block,
    BlockElement,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.mrkdwn import Mrkdwn, escape, join_lines, md, mention, truncate_mrkdwn, unescape
from bot.slack.values import PageNumber, PageValue
from flows.formatting import calendar_day, utc_moment

__all__ = [
    "Mrkdwn",
    "calendar_day",
    "escape",
    "join_lines",
    "md",
    "mention",
    "unescape",
]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TEXT = 75
# Slack rejects a message with more than about 12,000 characters of block text
# (`msg_blocks_too_long`; reported by Slack engineers, undocumented: see DESIGN.md, "Slack facts").
# Every message keeps well under it, measured as `block_text_length` counts.
MAX_MESSAGE_TEXT = 10_000


def slack_date(moment: datetime, token: str = "{date_short_pretty} at {time}") -> Mrkdwn:
    """A date Slack renders in each reader's own time zone, with a UTC fallback."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    fallback = utc_moment(moment)
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{token}|{fallback}>")


def display_width(text: str) -> int:
    """Columns `text` takes in a monospace font: wide (East Asian) characters take two,
    combining marks none."""
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200b\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` monospace columns: cut with an ellipsis when longer, padded with
    spaces when shorter. Measured on the text as displayed, so escape it afterwards."""
    if display_width(text) > width:
        kept, used = [], 1  # the ellipsis
        for char in text:
            if used + _char_width(char) > width:
                break
            kept.append(char)
            used += _char_width(char)
        text = "".join(kept).rstrip() + "…"
    return text + " " * (width - display_width(text))


@overload
def truncate(text: Mrkdwn, limit: int) -> Mrkdwn: ...
@overload
def truncate(text: str, limit: int) -> str: ...
def truncate(text: str, limit: int) -> str:
    if isinstance(text, Mrkdwn):
        return truncate_mrkdwn(text, limit)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The one way into a Block Kit mrkdwn text object: a plain str is people's text and is escaped
# here, `Mrkdwn` (bot/slack/mrkdwn.py) is sent as it is. Nothing else in bot/ builds one.
def mrkdwn_text(text: str, limit: int = MAX_SECTION_TEXT) -> MarkdownTextObject:
    return MarkdownTextObject(text=truncate(escape(text), limit))


def mrkdwn_section(
    text: str,
    *,
    block_id: str | None = None,
    accessory: BlockElement | None = None,
    fields: Sequence[str] = (),
) -> SectionBlock:
    """A section of mrkdwn text, with up to 10 mrkdwn `fields` beside it."""
    return SectionBlock(
        block_id=block_id,
        text=mrkdwn_text(text) if text else None,
        accessory=accessory,
        fields=[mrkdwn_text(field, 2000) for field in fields[:10]] or None,
    )


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn_text(text) for text in texts])


def user_list(user_ids: Sequence[str]) -> Mrkdwn:
    mentions = [mention(user_id) for user_id in user_ids]
    if len(mentions) <= 2:
        return Mrkdwn(" and ").join(mentions)
    return Mrkdwn(", ").join(mentions[:-1]) + md(" and {}", mentions[-1])


def block_text_length(blocks: Sequence[Block | dict]) -> int:
    """Characters of block text: every `text` string anywhere in the blocks (sections, fields,
    context, headers, buttons, options), as Slack counts them against `msg_blocks_too_long`."""
    return sum(_text_length(b.to_dict() if isinstance(b, Block) else b) for b in blocks)


def _text_length(node: object) -> int:
    if isinstance(node, dict):
        return sum(
            len(value) if key == "text" and isinstance(value, str) else _text_length(value)
            for key, value in node.items()
        )
    if isinstance(node, list):
        return sum(_text_length(item) for item in node)
    return 0


def fits_message(blocks: Sequence[Block | dict]) -> bool:
    """Whether `blocks` make one message within both budgets: blocks and block text."""
    return len(blocks) <= MAX_MESSAGE_BLOCKS and block_text_length(blocks) <= MAX_MESSAGE_TEXT


def cap_blocks(
    blocks: list[Block],
    limit: int = MAX_MESSAGE_BLOCKS,
    more: str = "",
    text_budget: int | None = MAX_MESSAGE_TEXT,
) -> list[Block]:
    """Keep within `limit` blocks and `text_budget` characters of block text (None for views,
    which have no such limit), ending with a note of what was left out. For lists that only
    inform: lists people act on page instead."""
    budget = math.inf if text_budget is None else text_budget
    kept: list[Block] = []
    used = 0
    for block in blocks:
        size = block_text_length([block])
        if len(kept) == limit or used + size > budget:
            break
        kept.append(block)
        used += size
    if len(kept) == len(blocks):
        return blocks
    while kept and (len(kept) >= limit or used + len(_note(blocks, kept, more)) > budget):
        used -= block_text_length([kept.pop()])
    return [*kept, context(_note(blocks, kept, more))]


def cap_rows(
    head: Sequence[Block], rows: list[Block], tail: Sequence[Block], more: str
) -> list[Block]:
    """One message of `head`, as many `rows` as fit and `tail`, the rows cut short with `more`
    (see `cap_blocks`) so that the whole message keeps within both budgets."""
    room = MAX_MESSAGE_BLOCKS - len(head) - len(tail)
    budget = MAX_MESSAGE_TEXT - block_text_length([*head, *tail])
    return [*head, *cap_blocks(rows, room, more, budget), *tail]


def _note(blocks: list[Block], kept: list[Block], more: str) -> str:
    """The default note counts the blocks left out; a caller's note says it in its own words,
    with `{hidden}` standing for that count."""
    hidden = str(len(blocks) - len(kept))
    if not more:
        return f"… and {hidden} more"
    note = more.replace("{hidden}", hidden)  # a count: nothing to escape
    return Mrkdwn(note) if isinstance(more, Mrkdwn) else note


def pack_blocks(
    rows: Sequence[Block], first: Sequence[Block] = (), reserve: Sequence[Block] = ()
) -> list[list[Block]]:
    """`rows` spread over as many messages as they need, none of them over the block or block
    text budget, nothing left out: the first message starts with `first`, and every message
    leaves room for `reserve` (what the caller adds to each, such as a page note)."""
    messages: list[list[Block]] = []
    current: list[Block] = list(first)
    spare_blocks = MAX_MESSAGE_BLOCKS - len(reserve)
    spare_text = MAX_MESSAGE_TEXT - block_text_length(reserve)
    used = block_text_length(current)
    for row in rows:
        size = block_text_length([row])
        if current and (len(current) + 1 > spare_blocks or used + size > spare_text):
            messages.append(current)
            current, used = [], 0
        current.append(row)
        used += size
    messages.append(current)
    return messages


def page_buttons(
    page: int, pages: int, previous_id: str, next_id: str, workshop_id: int | None = None
) -> list[ButtonElement]:
    """◀ Previous / Next ▶ for page `page` (0-based) of `pages`, only those that lead somewhere.
    Each button's value is the page it opens (`PageNumber`), or with `workshop_id` the workshop
    and the page (`PageValue`)."""

    def value(to: int) -> str:
        if workshop_id is None:
            return PageNumber(page=to).encode()
        return PageValue(workshop_id=workshop_id, page=to).encode()

    buttons = []
    if page > 0:
        buttons.append(
            ButtonElement(text="◀ Previous", action_id=previous_id, value=value(page - 1))
        )
    if page < pages - 1:
        buttons.append(ButtonElement(text="Next ▶", action_id=next_id, value=value(page + 1)))
    return buttons


def danger_button(
    text: str, action_id: str, value: str, *, title: str, question: str, confirm: str, deny: str
) -> ButtonElement:
    """A destructive button (red), which Slack confirms first: a dialog titled `title` asks
    `question`, with `confirm` and `deny` as its answers."""
    return ButtonElement(
        text=text,
        action_id=action_id,
        value=value,
        style="danger",
        confirm=ConfirmObject(title=title, text=question, confirm=confirm, deny=deny),
    )
