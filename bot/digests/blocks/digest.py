"""A digest as one Slack message, within Block Kit's limits whatever the workshop's size.

Each section becomes a divider, a section block with its title and key figures (at most 10
fields), and a section block with its top items as bullets (at most ITEMS_PER_SECTION, and never
past 3,000 characters), ending "… and N more". Sections that do not fit in 50 blocks and the
message's block-text budget are named in a closing note, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
)

from bot.slack import ids
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_MESSAGE_TEXT,
    MAX_SECTION_TEXT,
    Mrkdwn,
    block_text_length,
    context,
    join_lines,
    md,
    mention,
    mrkdwn_section,
    slack_date,
    truncate,
)
from flows.digest import (
    PHASE_NAMES,
    Digest,
    DigestField,
    DigestItem,
    DigestSection,
    Mention,
    Span,
    When,
    period_text,
)

ITEMS_PER_SECTION = 8
LEFT_OUT_NOTE_ROOM = 500  # block text kept for the note naming the sections left out
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000


def slack_text(spans: Sequence[Span]) -> Mrkdwn:
    """Spans → mrkdwn: mentions, and dates each reader sees in their own time zone."""
    parts: list[str] = []
    for span in spans:
        if isinstance(span, Mention):
            parts.append(mention(span.user_id))
        elif isinstance(span, When):
            parts.append(slack_date(span.at))
        else:
            parts.append(span)
    return Mrkdwn("").join(parts)


def digest_notification(digest: Digest) -> Mrkdwn:
    """The message's `text`: notifications and screen readers."""
    return md("Digest for “{}”: {} phase", digest.title, PHASE_NAMES[digest.phase])


def build_digest_blocks(
    digest: Digest, board_url: str | None = None, charts_attached: bool = False
) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Digest: {digest.title}", 150)),
        context(slack_text(period_text(digest))),
    ]
    footer = footer_blocks(digest, board_url, charts_attached)
    rendered = [(section, section_blocks(section)) for section in digest.sections]
    room = MAX_MESSAGE_BLOCKS - len(blocks) - len(footer)
    if sum(len(section) + 1 for _, section in rendered) > room:
        room -= 1  # keep a block for the note that names what was left out
    text_room = MAX_MESSAGE_TEXT - block_text_length([*blocks, *footer]) - LEFT_OUT_NOTE_ROOM
    left_out: list[str] = []
    for section, section_content in rendered:
        size = block_text_length(section_content)
        if len(section_content) + 1 > room or size > text_room:
            left_out.append(section.title)
            continue
        blocks += [DividerBlock(), *section_content]
        room -= len(section_content) + 1
        text_room -= size
    if left_out:
        blocks.append(
            context(
                f"Left out to fit one message: {', '.join(left_out)}. "
                "`/workshop export` has everything."
            )
        )
    return [*blocks, *footer]


def section_blocks(section: DigestSection) -> list[Block]:
    heading = md("*{}*", section.title)
    if section.note:
        heading += md("\n{}", slack_text(section.note))
    head = mrkdwn_section(heading, fields=[_field(figure) for figure in section.figures])
    blocks: list[Block] = [head]
    if section.items:
        blocks.append(mrkdwn_section(item_lines(section)))
    return blocks


def item_lines(section: DigestSection, limit: int = ITEMS_PER_SECTION) -> Mrkdwn:
    """Bullets for the top items, within a section's 3,000 characters, with "… and N more"."""
    total = section.item_count
    lines: list[str] = []
    for item in section.items[:limit]:
        line = truncate(_item_line(item), 600)
        more = _more(total - len(lines) - 1)
        if len(join_lines([*lines, line, more])) > MAX_SECTION_TEXT:
            break
        lines.append(line)
    if total > len(lines):
        lines.append(_more(total - len(lines)))
    return join_lines(lines)


def _more(count: int) -> str:
    return f"_… and {count} more_" if count > 0 else ""


def _item_line(item: DigestItem) -> Mrkdwn:
    details = Mrkdwn(" · ").join(md("{}: {}", f.label, slack_text(f.value)) for f in item.fields)
    return md("• {}", slack_text(item.text)) + (md("  ({})", details) if details else "")


def _field(figure: DigestField) -> Mrkdwn:
    return truncate(md("*{}*\n{}", figure.label, slack_text(figure.value)), MAX_FIELD_TEXT)


def footer_blocks(digest: Digest, board_url: str | None, charts_attached: bool) -> list[Block]:
    blocks: list[Block] = []
    if board_url:
        blocks.append(
            ActionsBlock(
                block_id="digest_links",
                elements=[
                    ButtonElement(
                        text="Open the workshop board",
                        action_id=ids.DIGEST_OPEN_BOARD,
                        url=board_url,
                    )
                ],
            )
        )
    note = "Charts are in this message's thread. " if charts_attached else ""
    blocks.append(
        context(
            md(
                "{}Generated {} · change or stop digests with `/workshop digest list`.",
                note,
                slack_date(digest.until),
            )
        )
    )
    return blocks
