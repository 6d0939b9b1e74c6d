"""The voting view, the board's fixes and voting buttons, and the posts that open and close the
vote. Nothing built here names a voter: the view shows only its viewer's own votes, and the
results only counts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.fixes.blocks.fixes import excerpt, fix_facts, fix_where, format_gap
from bot.slack import ids
from bot.slack.blocks import (
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
    cap_blocks,
    context,
    join_lines,
    md,
    mrkdwn_section,
    pack_blocks,
    page_buttons,
    truncate,
    truncate_mrkdwn,
)
from bot.slack.modals import modal
from bot.slack.mrkdwn import Mrkdwn
from bot.slack.values import MAX_ID, ButtonValue, Count, Id, Offset, ViewMetadata
from flows.board import BoardSummary
from flows.formatting import plural
from flows.voting import TIE_RULE, BallotEntry, BallotView, RankedFix

FIXES_PER_PAGE = 20  # two blocks each, well within a modal's 100
SPENT_DOT, FREE_DOT = "●", "○"


class VoteValue(ButtonValue):
    """＋ / － on a fix: "12|0|1", the fix, the count shown and the count wanted (a
    compare-and-set, flows/vote_clicks.py)."""

    fix_id: Id
    shown: Count
    wanted: Count


class VoteMetadata(ViewMetadata):
    """The voting view: whose workshop, and the page it shows."""

    workshop_id: Id | None = None
    page: Offset | None = None


# the board -----------------------------------------------------------------------------------


def propose_fix_button(summary: BoardSummary) -> list[ButtonElement]:
    return [
        ButtonElement(
            text="Propose a fix", action_id=ids.FIX_PROPOSE, value=str(summary.workshop_id)
        )
    ]


def vote_button(summary: BoardSummary) -> list[ButtonElement]:
    return [
        ButtonElement(
            text="Vote", action_id=ids.VOTE_OPEN, value=str(summary.workshop_id), style="primary"
        )
    ]


# the voting view -----------------------------------------------------------------------------


def page_count(ballot: BallotView) -> int:
    return max(1, -(-len(ballot.entries) // FIXES_PER_PAGE))


def build_vote_modal(ballot: BallotView, page: int = 0, notice: str | None = None) -> View:
    """The voter's own votes and what they have left, one section and one row of buttons per
    fix, paged. Buttons carry the count shown and the count wanted (a compare-and-set)."""
    pages = page_count(ballot)
    page = min(max(page, 0), pages - 1)
    blocks: list[Block] = [_budget_section(ballot), context(_secrecy_note(ballot))]
    if notice:
        blocks.append(mrkdwn_section(f":warning: {notice}"))
    if not ballot.open:
        blocks.append(
            mrkdwn_section(
                "*Voting has closed.* The ranked result is in the board's thread."
                if ballot.phase == "closed"
                else "*Voting is not open.* Your votes are kept as they are."
            )
        )
    blocks.append(DividerBlock())
    if not ballot.entries:
        blocks.append(mrkdwn_section("There are no fixes to vote on."))
    start = page * FIXES_PER_PAGE
    for entry in ballot.entries[start : start + FIXES_PER_PAGE]:
        blocks += _entry_blocks(ballot, entry)
    if pages > 1:
        blocks += _pager(page, pages)
    return modal(
        "Vote on fixes",
        callback_id=ids.VOTE_MODAL,
        close="Done",
        private_metadata=VoteMetadata(workshop_id=ballot.workshop_id, page=page).encode(),
        blocks=cap_blocks(blocks, MAX_VIEW_BLOCKS, text_budget=None),
    )


def _budget_section(ballot: BallotView) -> SectionBlock:
    dots = SPENT_DOT * min(ballot.spent, ballot.budget) + FREE_DOT * ballot.remaining
    per_fix = plural(ballot.max_per_fix, "vote")
    return mrkdwn_section(
        md(
            "*{}*\n{}  You have *{} of {}* votes left · at most {} per fix",
            truncate(ballot.title, 150),
            dots,
            ballot.remaining,
            ballot.budget,
            per_fix,
        )
    )


def _secrecy_note(ballot: BallotView) -> str:
    if ballot.tallies_visible and ballot.open:
        return "Nobody sees who voted for what. Live tallies are on: totals show as votes come in."
    if ballot.tallies_visible:
        return "Nobody sees who voted for what. The totals are final."
    return "Nobody sees who voted for what. Totals stay hidden until voting closes."


def _entry_blocks(ballot: BallotView, entry: BallotEntry) -> list[Block]:
    fix = entry.fix
    lines = [md("*{}*", truncate(fix.title, 150)), fix_facts(fix, entry.gap)]
    if fix.description:
        lines.append(excerpt(fix.description, 200))
    mine = f"Your votes: {SPENT_DOT * entry.mine}" if entry.mine else "Your votes: none"
    at_most = entry.mine >= ballot.max_per_fix
    if at_most:
        mine += " (the most one fix can take)"
    elif ballot.open and ballot.remaining <= 0:
        mine += " (all your votes are spent: take one back from another fix to vote here)"
    if entry.tally is not None:
        mine += f" · Total so far: *{plural(entry.tally, 'vote')}*"
    lines.append(mine)
    blocks: list[Block] = [mrkdwn_section(join_lines(lines), block_id=f"fix-{fix.id}")]
    if not ballot.open:
        return blocks
    buttons = []
    if not at_most and ballot.remaining > 0:  # ＋ only while it can succeed
        buttons.append(
            ButtonElement(
                text="＋ Vote" if entry.mine == 0 else "＋ One more",
                action_id=ids.VOTE_ADD,
                value=VoteValue(fix_id=fix.id, shown=entry.mine, wanted=entry.mine + 1).encode(),
                style="primary" if entry.mine == 0 else None,
            )
        )
    if entry.mine > 0:
        buttons.append(
            ButtonElement(
                text="－ Take back",
                action_id=ids.VOTE_REMOVE,
                value=VoteValue(fix_id=fix.id, shown=entry.mine, wanted=entry.mine - 1).encode(),
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id=f"vote-{fix.id}", elements=buttons))
    return blocks


def _pager(page: int, pages: int, workshop: int | None = None) -> list[Block]:
    """The voting view's Previous / Next (values: the page), or with `workshop` the ranking's
    (values: "workshop id|page")."""
    previous, following = (
        (ids.VOTE_PAGE_PREVIOUS, ids.VOTE_PAGE_NEXT)
        if workshop is None
        else (ids.RANKING_PREVIOUS, ids.RANKING_NEXT)
    )
    buttons = page_buttons(page, pages, previous, following, workshop)
    return [
        DividerBlock(),
        context(f"Page {page + 1} of {pages}"),
        ActionsBlock(block_id="vote_pages", elements=buttons),
    ]


# opening and closing the vote ----------------------------------------------------------------


def voting_open_post(
    workshop_id: int, fix_count: int, budget: int, max_per_fix: int
) -> tuple[str, list[Block]]:
    text = (
        f":ballot_box_with_ballot: *Voting is open* on {plural(fix_count, 'fix', 'fixes')}. "
        f"Each participant has {plural(budget, 'vote')}, at most {max_per_fix} per fix, and "
        "can change them until voting closes. Nobody sees who voted for what."
    )
    button = ButtonElement(
        text="Vote", action_id=ids.VOTE_OPEN, value=str(workshop_id), style="primary"
    )
    return text, [mrkdwn_section(text), ActionsBlock(block_id="vote_open", elements=[button])]


def results_text(ranked: Sequence[RankedFix], cast: int, total: int, closed: bool = True) -> str:
    """Plain-text fallback (and notification) for the ranked result."""
    state = "Voting has closed" if closed else "Votes so far (voting is still open)"
    lines = [f"{state}: {cast} of {total} votes cast. Ranked fixes:"]
    lines += [f"{r.rank}. {r.fix.title} ({plural(r.votes, 'vote')})" for r in ranked[:10]]
    if len(ranked) > 10:
        lines.append(f"… and {len(ranked) - 10} more")
    return join_lines(lines)


RESULTS_ON_FIRST_PAGE = 10  # the outcome first: the top ten, the rest in the pages after it
MAX_RESULT_LINE = 600  # a fix's line in the results, so that any ten fit one message
RESULTS_PAGE_NOTE = "Ranked fixes, continued · page 999 of 999 · ranks 9999–9999"


def build_results(
    workshop_id: int,
    ranked: Sequence[RankedFix],
    cast: int,
    total: int,
    *,
    offer_action_items: bool = True,
    closed: bool = True,
) -> list[list[Block]]:
    """The ranked fixes with their votes, counts only, never who voted, as pages of one
    message each, none left out: the first holds the outcome (the top ten, the tie rule and the
    action-items button), the others the rest of the ranking. `closed=False` is for live
    tallies, while votes can still change."""
    state = "*Voting has closed.*" if closed else "*Votes so far;* voting is still open."
    head: list[Block] = [
        mrkdwn_section(
            f":ballot_box_with_ballot: {state} {cast} of {total} votes cast. "
            "Here are the fixes, most votes first:"
        )
    ]
    if not ranked:
        head.append(mrkdwn_section("No fixes were proposed, so there is nothing to rank."))
    tail: list[Block] = [context(TIE_RULE)]
    if offer_action_items and closed and ranked:
        tail.append(create_action_items_block("results_actions", workshop_id, primary=True))
        tail.append(context("Facilitators turn the top fixes into action items with owners."))
    top, rest = ranked[:RESULTS_ON_FIRST_PAGE], ranked[RESULTS_ON_FIRST_PAGE:]
    pages = [[*head, *_rank_sections(top), *tail]]
    if rest:
        reserve = [context(RESULTS_PAGE_NOTE), _pager(0, 2, MAX_ID)[-1]]
        pages += pack_blocks(_rank_sections(rest), reserve=reserve)
    for number, page in enumerate(pages[1:], start=2):
        page.insert(0, context(_page_note(page, number, len(pages))))
    return pages


def create_action_items_block(
    block_id: str, workshop_id: int, *, primary: bool = False
) -> ActionsBlock:
    """The "Create action items" button, alone in its actions block (under the vote results and
    the action item list)."""
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(
                text="Create action items",
                action_id=ids.ACTION_ITEMS_CREATE,
                value=str(workshop_id),
                style="primary" if primary else None,
            )
        ],
    )


def _rank_line(r: RankedFix) -> Mrkdwn:
    return truncate_mrkdwn(
        md(
            "*{}.* {} — *{}*\n_{}_ · {}",
            r.rank,
            truncate(r.fix.title, 100),
            plural(r.votes, "vote"),
            fix_where(r.fix),
            format_gap(r.gap),
        ),
        MAX_RESULT_LINE,
    )


def _rank_sections(ranked: Sequence[RankedFix]) -> list[Block]:
    """Several fixes to a section (each within Slack's 3,000 characters), so that a page holds
    as many as its text allows rather than one per block."""
    sections: list[list[Mrkdwn]] = [[]]
    for r in ranked:
        line = _rank_line(r)
        if sections[-1] and len(join_lines([*sections[-1], line])) > MAX_SECTION_TEXT:
            sections.append([])
        sections[-1].append(line)
    return [mrkdwn_section(join_lines(lines)) for lines in sections if lines]


def _page_note(page: list[Block], number: int, pages: int) -> str:
    texts = [b.text.text for b in page if isinstance(b, SectionBlock) and b.text is not None]
    ranks = re.findall(r"^\*(\d+)\.\*", "\n".join(texts), re.MULTILINE)
    return f"Ranked fixes, continued · page {number} of {pages} · ranks {ranks[0]}–{ranks[-1]}"


def results_page_text(page: int, pages: int) -> str:
    """The fallback text of a page after the first."""
    return f"Ranked fixes, continued (page {page + 1} of {pages})"


def ranking_pager(workshop_id: int, page: int, pages: int) -> list[Block]:
    """Previous / Next under `/workshop ranking`, when its pages are shown one at a time."""
    return _pager(page, pages, workshop_id)[-1:] if pages > 1 else []
