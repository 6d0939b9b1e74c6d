"""A digest as Slack messages: an outcome-first top message a manager reads in thirty seconds
on a phone, and every section as its own reply in that message's thread.

The top message: a header, one headline sentence on what changed since the previous digest,
the sections' summaries (the top shortfalls in words, the action items due or overdue with owner
and status, the KPIs on target with the worst miss), one button to the board and a line naming
what is in the thread. It stays within TOP_MESSAGE_TEXT characters of block text and
TOP_MESSAGE_BLOCKS blocks whatever the workshop's size: long lines are cut first, then the last
lines of each summary.

Each thread reply is a section: a section block with its title and key figures (at most 10
fields), and its top items as bullets (at most ITEMS_PER_SECTION, never past 3,000 characters),
ending "… and N more".

Quiet: people are named as text, never @-mentioned (a mention notifies; digests notify nobody).
`names` maps user ids to display names (bot/slack/people.py); a name that could not be looked up
reads "a teammate".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
)

from bot.follows.buttons import follow_button
from bot.slack import ids
from bot.slack.blocks import (
    MAX_SECTION_TEXT,
    Mrkdwn,
    block_text_length,
    context,
    escape,
    join_lines,
    md,
    mrkdwn_section,
    slack_date,
    truncate,
)
from flows.digest import (
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
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
# The top message fits one phone screen: at most this much block text and this many blocks.
TOP_MESSAGE_TEXT = 1500
TOP_MESSAGE_BLOCKS = 15
HEADER_LIMIT = 80
FOOTER_LIMIT = 400


@dataclass(frozen=True)
class Fitting:
    """How much of each part the top message shows; tried in turn until it fits."""

    line: int  # characters per summary line
    lines: int  # lines per summary
    title: int  # characters per summary title
    summaries: int
    headline: int


FITTING_STEPS = (
    Fitting(200, 3, 120, 5, 400),
    Fitting(140, 3, 100, 5, 300),
    Fitting(100, 2, 100, 5, 300),
    Fitting(80, 1, 80, 5, 250),
    Fitting(60, 1, 60, 4, 200),
)
assert FITTING_STEPS[0].summaries + 4 <= TOP_MESSAGE_BLOCKS  # header, headline, button, footer


UNKNOWN_NAME = "a teammate"


def slack_text(spans: Sequence[Span], names: Mapping[str, str] | None = None) -> Mrkdwn:
    """Spans → mrkdwn: people by name as plain text (no mention, so nobody is notified), and
    dates each reader sees in their own time zone."""
    parts: list[str] = []
    for span in spans:
        if isinstance(span, Mention):
            parts.append(escape((names or {}).get(span.user_id) or UNKNOWN_NAME))
        elif isinstance(span, When):
            parts.append(slack_date(span.at))
        else:
            parts.append(span)
    return Mrkdwn("").join(parts)


def digest_notification(digest: Digest) -> Mrkdwn:
    """The message's `text`: notifications and screen readers."""
    return md("Digest for “{}”: {}", truncate(digest.title, 100), truncate(digest.headline, 300))


def build_digest_blocks(
    digest: Digest,
    board_url: str | None = None,
    charts_attached: bool = False,
    names: Mapping[str, str] | None = None,
) -> list[Block]:
    """The top message: within TOP_MESSAGE_BLOCKS blocks and TOP_MESSAGE_TEXT characters."""
    for fitting in FITTING_STEPS:
        blocks = _top_message(digest, board_url, charts_attached, names, fitting)
        if block_text_length(blocks) <= TOP_MESSAGE_TEXT:
            return blocks
    return blocks


def _top_message(
    digest: Digest,
    board_url: str | None,
    charts_attached: bool,
    names: Mapping[str, str] | None,
    fitting: Fitting,
) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Digest: {digest.title}", HEADER_LIMIT)),
        mrkdwn_section(truncate(digest.headline, fitting.headline)),
    ]
    summaries = [s for s in digest.summaries if s.title or s.lines][: fitting.summaries]
    for summary in summaries:
        text = md("*{}*", truncate(summary.title, fitting.title))
        for line in summary.lines[: fitting.lines]:
            text += md("\n• {}", truncate(slack_text(line, names), fitting.line))
        blocks.append(mrkdwn_section(text))
    if board_url:
        blocks.append(
            ActionsBlock(
                block_id="digest_links",
                elements=[
                    ButtonElement(
                        text="Open the workshop board",
                        action_id=ids.DIGEST_OPEN_BOARD,
                        url=board_url,
                        style="primary",
                    ),
                    # Plain: its trend on the reader's Home tab, refreshed as rounds close.
                    follow_button(digest.workshop_id, text="Follow this workshop"),
                ],
            )
        )
    blocks.append(context(truncate(_thread_note(digest, charts_attached), FOOTER_LIMIT)))
    return blocks


def _thread_note(digest: Digest, charts_attached: bool) -> Mrkdwn:
    period = slack_text(period_text(digest))
    titles = [section.title for section in digest.thread_sections]
    where = ""
    if titles:
        where = md(
            " · In the thread: {}{}.",
            ", ".join(titles),
            ", with charts" if charts_attached else "",
        )
    return period + Mrkdwn(where) + md(" · Change or stop digests with `/workshop digest list`.")


def build_thread_replies(
    digest: Digest, names: Mapping[str, str] | None = None
) -> list[tuple[Mrkdwn, list[Block]]]:
    """Each section as its own reply in the top message's thread: (notification text, blocks)."""
    return [
        (md("{} · {}", section.title, digest.title), section_blocks(section, names))
        for section in digest.thread_sections
    ]


def section_blocks(section: DigestSection, names: Mapping[str, str] | None = None) -> list[Block]:
    heading = md("*{}*", section.title)
    if section.note:
        heading += md("\n{}", slack_text(section.note, names))
    fields = [_field(figure, names) for figure in section.figures[:MAX_FIELDS]]
    head = mrkdwn_section(truncate(heading, MAX_SECTION_TEXT), fields=fields)
    blocks: list[Block] = [head]
    if section.items:
        blocks.append(mrkdwn_section(item_lines(section, names=names)))
    return blocks


def item_lines(
    section: DigestSection,
    limit: int = ITEMS_PER_SECTION,
    names: Mapping[str, str] | None = None,
) -> Mrkdwn:
    """Bullets for the top items, within a section's 3,000 characters, with "… and N more"."""
    total = section.item_count
    lines: list[str] = []
    for item in section.items[:limit]:
        line = truncate(_item_line(item, names), 600)
        more = _more(total - len(lines) - 1)
        if len(join_lines([*lines, line, more])) > MAX_SECTION_TEXT:
            break
        lines.append(line)
    if total > len(lines):
        lines.append(_more(total - len(lines)))
    return join_lines(lines)


def _more(count: int) -> str:
    return f"_… and {count} more_" if count > 0 else ""


def _item_line(item: DigestItem, names: Mapping[str, str] | None = None) -> Mrkdwn:
    details = Mrkdwn(" · ").join(
        md("{}: {}", f.label, slack_text(f.value, names)) for f in item.fields
    )
    return md("• {}", slack_text(item.text, names)) + (md("  ({})", details) if details else "")


def _field(figure: DigestField, names: Mapping[str, str] | None = None) -> Mrkdwn:
    return truncate(md("*{}*\n{}", figure.label, slack_text(figure.value, names)), MAX_FIELD_TEXT)
