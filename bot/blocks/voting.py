"""The voting view, the board's fixes and voting buttons, and the posts that open and close the
vote. Nothing built here names a voter: the view shows only its viewer's own votes, and the
results only counts."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    cap_blocks,
    context,
    escape,
    metadata,
    mrkdwn_section,
    truncate,
)
from bot.blocks.fixes import excerpt, fix_facts, fix_where, format_gap
from flows.board import BoardSummary
from flows.voting import TIE_RULE, BallotEntry, BallotView, RankedFix

FIXES_PER_PAGE = 20  # two blocks each, well within a modal's 100
SPENT_DOT, FREE_DOT = "●", "○"


def votes_phrase(count: int) -> str:
    return f"{count} vote{'s' * (count != 1)}"


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
    return View(
        type="modal",
        callback_id=ids.VOTE_MODAL,
        title="Vote on fixes",
        close="Done",
        private_metadata=metadata(workshop_id=ballot.workshop_id, page=page),
        blocks=cap_blocks(blocks, MAX_VIEW_BLOCKS, text_budget=None),
    )


def _budget_section(ballot: BallotView) -> SectionBlock:
    dots = SPENT_DOT * min(ballot.spent, ballot.budget) + FREE_DOT * ballot.remaining
    per_fix = votes_phrase(ballot.max_per_fix)
    return mrkdwn_section(
        f"*{escape(truncate(ballot.title, 150))}*\n"
        f"{dots}  You have *{ballot.remaining} of {ballot.budget}* votes left · "
        f"at most {per_fix} per fix"
    )


def _secrecy_note(ballot: BallotView) -> str:
    if ballot.tallies_visible and ballot.open:
        return "Nobody sees who voted for what. Live tallies are on: totals show as votes come in."
    if ballot.tallies_visible:
        return "Nobody sees who voted for what. The totals are final."
    return "Nobody sees who voted for what. Totals stay hidden until voting closes."


def _entry_blocks(ballot: BallotView, entry: BallotEntry) -> list[Block]:
    fix = entry.fix
    lines = [f"*{escape(truncate(fix.title, 150))}*", fix_facts(fix, entry.gap)]
    if fix.description:
        lines.append(excerpt(fix.description, 200))
    mine = f"Your votes: {SPENT_DOT * entry.mine}" if entry.mine else "Your votes: none"
    if entry.mine >= ballot.max_per_fix:
        mine += " (the most one fix can take)"
    if entry.tally is not None:
        mine += f" · Total so far: *{votes_phrase(entry.tally)}*"
    lines.append(mine)
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"fix-{fix.id}",
            text=MarkdownTextObject(text=truncate("\n".join(lines), 3000)),
        )
    ]
    if not ballot.open:
        return blocks
    buttons = []
    if entry.mine < ballot.max_per_fix:
        buttons.append(
            ButtonElement(
                text="＋ Vote" if entry.mine == 0 else "＋ One more",
                action_id=ids.VOTE_ADD,
                value=f"{fix.id}|{entry.mine}|{entry.mine + 1}",
                style="primary" if entry.mine == 0 and ballot.remaining else None,
            )
        )
    if entry.mine > 0:
        buttons.append(
            ButtonElement(
                text="－ Take back",
                action_id=ids.VOTE_REMOVE,
                value=f"{fix.id}|{entry.mine}|{entry.mine - 1}",
            )
        )
    if buttons:
        blocks.append(ActionsBlock(block_id=f"vote-{fix.id}", elements=buttons))
    return blocks


def _pager(page: int, pages: int) -> list[Block]:
    buttons = []
    if page > 0:
        buttons.append(
            ButtonElement(text="◀ Previous", action_id=ids.VOTE_PAGE_PREVIOUS, value=str(page - 1))
        )
    if page < pages - 1:
        buttons.append(
            ButtonElement(text="Next ▶", action_id=ids.VOTE_PAGE_NEXT, value=str(page + 1))
        )
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
        f":ballot_box_with_ballot: *Voting is open* on {fix_count} fix"
        f"{'es' * (fix_count != 1)}. Each participant has {votes_phrase(budget)}, at most "
        f"{max_per_fix} per fix, and can change them until voting closes. "
        "Nobody sees who voted for what."
    )
    button = ButtonElement(
        text="Vote", action_id=ids.VOTE_OPEN, value=str(workshop_id), style="primary"
    )
    return text, [mrkdwn_section(text), ActionsBlock(block_id="vote_open", elements=[button])]


def results_text(ranked: Sequence[RankedFix], cast: int, total: int, closed: bool = True) -> str:
    """Plain-text fallback (and notification) for the ranked result."""
    state = "Voting has closed" if closed else "Votes so far (voting is still open)"
    lines = [f"{state}: {cast} of {total} votes cast. Ranked fixes:"]
    lines += [f"{r.rank}. {escape(r.fix.title)} ({votes_phrase(r.votes)})" for r in ranked[:10]]
    if len(ranked) > 10:
        lines.append(f"… and {len(ranked) - 10} more")
    return "\n".join(lines)


def build_results(
    workshop_id: int,
    ranked: Sequence[RankedFix],
    cast: int,
    total: int,
    *,
    offer_action_items: bool = True,
    closed: bool = True,
) -> list[Block]:
    """The ranked fixes with their votes: counts only, never who voted. `closed=False` is for
    live tallies, while votes can still change."""
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
        tail.append(
            ActionsBlock(
                block_id="results_actions",
                elements=[
                    ButtonElement(
                        text="Create action items",
                        action_id=ids.ACTION_ITEMS_CREATE,
                        value=str(workshop_id),
                        style="primary",
                    )
                ],
            )
        )
        tail.append(context("Facilitators turn the top fixes into action items with owners."))
    rows: list[Block] = [
        mrkdwn_section(
            f"*{r.rank}.* {escape(truncate(r.fix.title, 150))} — *{votes_phrase(r.votes)}*\n"
            f"_{fix_where(r.fix)}_ · {format_gap(r.gap)}"
        )
        for r in ranked
    ]
    room = MAX_MESSAGE_BLOCKS - len(head) - len(tail)
    rows = cap_blocks(rows, room, more=f"… and {len(ranked) - room + 1} more with fewer votes")
    return [*head, *rows, *tail]
