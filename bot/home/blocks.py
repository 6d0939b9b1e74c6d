"""The Home tab: the user's workshops a page at a time, then sections other features fill.

It never exceeds Slack's 100 blocks: a page holds at most HOME_PAGE_SIZE workshop cards (two
blocks each), every section at most SECTION_ITEMS items, and a section that does not fit is named
in a closing note instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConversationFilter,
    ConversationSelectElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
)
from slack_sdk.models.views import View

from bot.follows.buttons import follow_button
from bot.slack import ids
from bot.slack.blocks import MAX_VIEW_BLOCKS, context, md, mrkdwn_section, page_buttons, truncate
from bot.slack.modals import modal
from bot.workshop.blocks.board import (
    PARTICIPANT_BUTTONS,
    PHASE_NAMES,
    advance_button,
    journey_size,
    one_primary,
)
from bot.workshop.blocks.progress import done_and_left, next_button, next_words
from bot.workshop.blocks.replies import ROLE_NAMES
from flows.formatting import plural
from flows.home import WorkshopCard, WorkshopPage
from flows.workshops import FACILITATOR_ROLES, PHASE_ORDER
from storage.models import Phase

SECTION_ITEMS = 5
CARD_BUTTONS = 5

NEXT_FOR_PARTICIPANTS = {
    Phase.setup: "wait for the facilitator to start the workshop",
    Phase.stakeholders: "add the stakeholders you know and place them on the grid",
    Phase.rating: "rate expectation and experience at each touchpoint",
    Phase.fixes: "propose fixes for the widest gaps",
    Phase.voting: "spend your votes on the fixes that matter most",
    Phase.closed: "read the results in the board's thread",
}
NEXT_FOR_FACILITATORS = {
    Phase.setup: "start the workshop when the team has joined",
    Phase.stakeholders: "move on to gap rating when the grid is complete",
    Phase.rating: "move on to fixes when the ratings are in",
    Phase.fixes: "open the vote when the fixes are in",
    Phase.voting: "close voting and show the results when the votes are in",
    Phase.closed: "share the results: `/workshop export` uploads a report",
}


@dataclass(frozen=True)
class BoardLink:
    """Where a workshop's board is: publish_home looks its link up (chat.getPermalink, cached)."""

    workshop_id: int
    channel_id: str
    ts: str


@dataclass(frozen=True)
class HomeItem:
    text: str  # mrkdwn
    buttons: tuple[ButtonElement, ...] = ()  # at most 5 shown
    board: BoardLink | None = None  # an "Open board" link button first, when Slack gives a link


@dataclass(frozen=True)
class HomeSection:
    """What a feature adds to the Home tab (see bot/home/publish.py and bot/features.py)."""

    key: str
    title: str
    items: tuple[HomeItem, ...]
    total: int | None = None  # how many exist in all; "… and N more"
    footer: str | None = None  # e.g. where to see all of them

    def blocks(self, board_urls: Mapping[int, str] | None = None) -> list[Block]:
        blocks: list[Block] = [DividerBlock(), mrkdwn_section(f"*{self.title}*")]
        for item in self.items[:SECTION_ITEMS]:
            blocks.append(mrkdwn_section(item.text))
            buttons = list(item.buttons)
            if item.board and (url := (board_urls or {}).get(item.board.workshop_id)):
                buttons.insert(0, open_board_button(item.board.workshop_id, url))
            if buttons:
                blocks.append(ActionsBlock(elements=buttons[:CARD_BUTTONS]))
        hidden = max(self.total or 0, len(self.items)) - min(len(self.items), SECTION_ITEMS)
        notes = [f"… and {hidden} more." if hidden > 0 else "", self.footer or ""]
        if any(notes):
            blocks.append(context(" ".join(n for n in notes if n)))
        return blocks


Row = TypeVar("Row")


def listing_section(
    key: str,
    title: str,
    rows: Sequence[Row],
    item: Callable[[Row], HomeItem],
    *,
    total: int | None = None,
    footer: str | None = None,
) -> HomeSection | None:
    """A section with an item for each of `rows`, or None (no section) when there are none."""
    if not rows:
        return None
    return HomeSection(key, title, tuple(item(row) for row in rows), total, footer)


def build_home_view(
    page: WorkshopPage, board_urls: dict[int, str], sections: list[HomeSection]
) -> View:
    blocks: list[Block] = [HeaderBlock(text="Your journey workshops")]
    if page.total == 0 and not sections:
        blocks += newcomer_blocks()
    elif page.total == 0:  # in no workshop, but following some (a manager): no sales pitch
        blocks.append(context(IN_NO_WORKSHOP))
    else:
        blocks.append(context(_page_note(page)))
        for card in page.cards:
            blocks += card_blocks(card, board_urls.get(card.summary.workshop_id))
        if page.pages > 1:
            blocks.append(pager(page))
    footer = [DividerBlock(), context("Type `/workshop help` in any channel for every command.")]
    room = MAX_VIEW_BLOCKS - len(blocks) - len(footer) - 1  # 1: a note of sections left out
    left_out = []
    for section in sections:
        section_blocks = section.blocks(board_urls)
        if len(section_blocks) <= room:
            blocks += section_blocks
            room -= len(section_blocks)
        else:
            left_out.append(section.title)
    if left_out:
        blocks.append(context(f"Not shown for lack of room: {', '.join(left_out)}."))
    return View(type="home", blocks=[*blocks, *footer])


HOW_IT_WORKS = (
    "*How a workshop works*\n"
    "*1. Start one* in your team's channel (the button below, or `/workshop new` there) and "
    "set out the customer journey: its stages and touchpoints.\n"
    "*2. Everyone takes part*, on a phone too: name the stakeholders, rate what customers "
    "expect and what they get at each touchpoint, propose fixes. A short *Your turn* message "
    "in the channel says when.\n"
    "*3. Vote on the fixes*: the winners become action items with an owner and a due date, "
    "and digests show whether the gaps close."
)


IN_NO_WORKSHOP = (
    "You take part in no workshop yet: `/workshop new` in your team's channel starts one."
)


def newcomer_blocks() -> list[Block]:
    """A newcomer's Home: how a workshop works in three steps, and a button to start one."""
    return [
        mrkdwn_section(HOW_IT_WORKS),
        ActionsBlock(
            block_id="home_start",
            elements=[
                ButtonElement(
                    text="Start a workshop",
                    action_id=ids.HOME_START_WORKSHOP,
                    value="start",
                    style="primary",
                )
            ],
        ),
        context("Invited to one? Press *Join* on its board in the channel."),
    ]


def build_start_channel_modal() -> View:
    """Which channel the workshop runs in; the setup form follows."""
    return modal(
        "Start a workshop",
        [
            InputBlock(
                block_id=ids.START_CHANNEL,
                label="Which channel?",
                hint="The board goes there, where the whole team sees it. Invite me first.",
                element=ConversationSelectElement(
                    action_id=ids.INPUT,
                    placeholder="Your team's channel",
                    filter=ConversationFilter(
                        include=["public", "private"], exclude_bot_users=True
                    ),
                ),
            )
        ],
        callback_id=ids.START_CHANNEL_MODAL,
        submit="Next: set it up",
        close="Cancel",
    )


def _page_note(page: WorkshopPage) -> str:
    count = plural(page.total, "workshop")
    return count if page.pages == 1 else f"{count} · page {page.page + 1} of {page.pages}"


def card_blocks(card: WorkshopCard, board_url: str | None) -> list[Block]:
    summary, phase = card.summary, card.summary.phase
    facilitates = card.role in FACILITATOR_ROLES
    step = f"step {PHASE_ORDER.index(phase) + 1} of {len(PHASE_ORDER)}"
    figures = [
        plural(summary.participant_count, "participant"),
        journey_size(summary),
        *(f"{f.label}: {f.value}" for f in summary.figures),
    ]
    if card.progress is not None:  # the reader's own progress and next action
        you = md("\n{}", done_and_left(card.progress))
        next_step = md(next_words(card.progress))
    else:
        you = md("")
        next_step = md((NEXT_FOR_FACILITATORS if facilitates else NEXT_FOR_PARTICIPANTS)[phase])
    text = md(
        "*#{} {}*\n<#{}> · *{}* ({}) · {}\n{}{}\nNext: {}",
        summary.workshop_id,
        truncate(summary.title, 120),
        summary.channel_id,
        PHASE_NAMES[phase],
        step,
        ROLE_NAMES[card.role],
        " · ".join(figures),
        you,
        next_step,
    )
    blocks: list[Block] = [mrkdwn_section(text)]
    buttons = card_buttons(card, board_url)
    if buttons:
        blocks.append(
            ActionsBlock(block_id=f"home_workshop_{summary.workshop_id}", elements=buttons)
        )
    return blocks


def open_board_button(workshop_id: int, board_url: str) -> ButtonElement:
    return ButtonElement(
        text="Open board", action_id=ids.HOME_OPEN_BOARD, url=board_url, value=str(workshop_id)
    )


def card_buttons(card: WorkshopCard, board_url: str | None) -> list[ButtonElement]:
    """Open the board, then the reader's one next action (the primary button), and for
    facilitators the move to the next phase, plain unless it is their next action. Without
    the reader's progress: the phase's participant buttons, the first primary (for
    facilitators the move to the next phase is). Last, Follow (or Unfollow), if there is room."""
    buttons = _card_buttons(card, board_url)
    if len(buttons) < CARD_BUTTONS:
        buttons.append(follow_button(card.summary.workshop_id, card.following))
    return buttons


def _card_buttons(card: WorkshopCard, board_url: str | None) -> list[ButtonElement]:
    summary = card.summary
    buttons: list[ButtonElement] = []
    if board_url:
        buttons.append(open_board_button(summary.workshop_id, board_url))
    facilitates = card.role in FACILITATOR_ROLES
    if card.progress is not None:
        own = next_button(summary, card.progress)
        if own is not None:
            buttons.append(own)
        if facilitates and (own is None or own.action_id not in ids.PHASE_ACTIONS):
            advance = advance_button(summary, style=None if own is not None else "primary")
            if advance is not None:
                buttons.append(advance)
        return buttons[:CARD_BUTTONS]
    phase_buttons: list[ButtonElement] = []
    if summary.phase is not Phase.closed:
        for make_buttons in PARTICIPANT_BUTTONS.get(summary.phase, []):
            phase_buttons += make_buttons(summary)
    advance = advance_button(summary) if facilitates else None
    if advance is not None:
        for button in phase_buttons:
            button.style = None
        buttons += [*phase_buttons, advance]
    else:
        buttons += one_primary(phase_buttons)
    return buttons[:CARD_BUTTONS]


def pager(page: WorkshopPage) -> ActionsBlock:
    buttons = page_buttons(page.page, page.pages, ids.HOME_PAGE_PREV, ids.HOME_PAGE_NEXT)
    return ActionsBlock(block_id="home_pager", elements=buttons)
