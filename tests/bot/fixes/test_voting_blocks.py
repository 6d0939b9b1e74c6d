import json
import re

from bot.fixes.blocks.voting import (
    FIXES_PER_PAGE,
    build_results,
    build_vote_modal,
    results_text,
    voting_open_post,
)
from bot.slack import ids
from bot.slack.blocks import fits_message
from bot.workshop.blocks.board import build_board
from flows.board import BoardSummary
from flows.fixes import FixSummary
from flows.voting import BallotEntry, BallotView, RankedFix
from storage.models import Phase
from tests.factories import fix_summary


def fix(fix_id, title=None, author="U0AUTHOR"):
    return fix_summary(
        fix_id, title=title or f"Fix {fix_id}", description="Why it matters", author_id=author
    )


def ballot(entries, phase=Phase.voting, budget=3, per_fix=2, spent=None, visible=False):
    spent = sum(e.mine for e in entries) if spent is None else spent
    return BallotView(7, "Onboarding", phase, budget, per_fix, spent, visible, entries)


def entry(fix_id, mine=0, tally=None, gap=-1.2):
    return BallotEntry(fix(fix_id), gap, mine, tally)


def buttons(view, fix_id):
    block = next((b for b in view.blocks if b.block_id == f"vote-{fix_id}"), None)
    return [] if block is None else [(e.action_id, e.text.text, e.value) for e in block.elements]


def dump(value):
    if isinstance(value, list):
        return json.dumps([b.to_dict() for b in value], ensure_ascii=False)
    return json.dumps(value.to_dict(), ensure_ascii=False)


def test_the_view_shows_own_votes_what_is_left_and_compare_and_set_buttons():
    view = build_vote_modal(ballot([entry(1), entry(2, mine=1), entry(3, mine=2)], budget=4))
    text = dump(view)
    assert "●●●○  You have *1 of 4* votes left · at most 2 votes per fix" in text
    assert buttons(view, 1) == [(ids.VOTE_ADD, "＋ Vote", "1|0|1")]
    assert buttons(view, 2) == [
        (ids.VOTE_ADD, "＋ One more", "2|1|2"),
        (ids.VOTE_REMOVE, "－ Take back", "2|1|0"),
    ]
    assert buttons(view, 3) == [(ids.VOTE_REMOVE, "－ Take back", "3|2|1")]  # at the maximum
    assert "(the most one fix can take)" in text
    assert "Totals stay hidden until voting closes" in text and "Total so far" not in text
    assert view.callback_id == ids.VOTE_MODAL and view.submit is None
    assert json.loads(view.private_metadata) == {"workshop_id": 7, "page": 0}


def test_once_the_budget_is_spent_plus_is_hidden_with_the_reason():
    view = build_vote_modal(ballot([entry(1), entry(2, mine=1), entry(3, mine=2)]))
    text = dump(view)
    assert "●●●  You have *0 of 3* votes left" in text
    # As at the per-fix maximum, ＋ is not offered when it could only be refused.
    assert buttons(view, 1) == []
    assert buttons(view, 2) == [(ids.VOTE_REMOVE, "－ Take back", "2|1|0")]
    assert buttons(view, 3) == [(ids.VOTE_REMOVE, "－ Take back", "3|2|1")]
    reason = "(all your votes are spent: take one back from another fix to vote here)"
    assert text.count(reason) == 2  # fixes 1 and 2; fix 3 is at the most one fix can take


def test_the_view_never_names_anyone():
    text = dump(build_vote_modal(ballot([entry(n) for n in range(1, 5)], visible=True)))
    assert "U0AUTHOR" not in text and not re.search(r"<@U", text)


def test_a_refusal_is_shown_inside_the_view():
    text = dump(build_vote_modal(ballot([entry(1)]), notice="You've used all 3 of your votes."))
    assert ":warning: You've used all 3 of your votes." in text


def test_live_tallies_and_the_closed_view():
    live = dump(build_vote_modal(ballot([entry(1, tally=4)], visible=True)))
    assert "Total so far: *4 votes*" in live and "Live tallies are on" in live
    closed = build_vote_modal(ballot([entry(1, mine=1, tally=5)], Phase.closed, visible=True))
    assert buttons(closed, 1) == []
    assert "*Voting has closed.*" in dump(closed) and "The totals are final" in dump(closed)


def test_many_fixes_are_paged_within_a_modals_hundred_blocks():
    entries = [entry(n) for n in range(1, 46)]
    first = build_vote_modal(ballot(entries), page=0)
    second = build_vote_modal(ballot(entries), page=1)
    last = build_vote_modal(ballot(entries), page=9)  # past the end: the last page
    for view in (first, second, last):
        assert len(view.blocks) <= 100
        view.to_dict()  # Slack's limits hold
    assert buttons(first, 1) and not buttons(first, FIXES_PER_PAGE + 1)
    assert buttons(second, FIXES_PER_PAGE + 1)
    pager = [e.action_id for e in second.blocks[-1].elements]
    assert pager == [ids.VOTE_PAGE_PREVIOUS, ids.VOTE_PAGE_NEXT]
    assert "Page 3 of 3" in dump(last) and buttons(last, 45)
    assert json.loads(last.private_metadata)["page"] == 2


def test_results_rank_with_counts_and_state_the_tie_rule():
    ranked = [
        RankedFix(1, fix(1, "Guest checkout"), 5, -1.8),
        RankedFix(1, fix(2, "Live chat"), 5, None),
        RankedFix(3, fix(3, "FAQ"), 2, -0.4),
    ]
    (blocks,) = build_results(7, ranked, 12, 18)
    text = dump(blocks)
    assert "12 of 18 votes cast" in text
    assert "*1.* Guest checkout — *5 votes*" in text and "*1.* Live chat — *5 votes*" in text
    assert "*3.* FAQ — *2 votes*" in text and "gap −1.8" in text and "not rated" in text
    assert "Ties share a rank" in text and "widest gap comes first, then the older" in text
    assert '"action_id": "action_items_create"' in text
    assert "U0AUTHOR" not in text
    assert "action_items_create" not in dump(
        build_results(7, ranked, 12, 18, offer_action_items=False)[0]
    )
    fallback = results_text(ranked, 12, 18)
    assert fallback.splitlines()[1:] == [
        "1. Guest checkout (5 votes)",
        "1. Live chat (5 votes)",
        "3. FAQ (2 votes)",
    ]


def test_live_results_say_voting_is_still_open():
    ranked = [RankedFix(1, fix(1), 2, None)]
    text = dump(build_results(7, ranked, 2, 9, closed=False)[0])
    assert "*Votes so far;* voting is still open." in text and "action_items_create" not in text
    assert results_text(ranked, 2, 9, closed=False).startswith(
        "Votes so far (voting is still open)"
    )


def test_500_ranked_fixes_fill_pages_within_the_budget_and_none_is_left_out():
    """The worst case: 500 fixes with the longest titles, full of characters that escaping
    lengthens, and long stage and touchpoint names."""
    long_fix = fix(1, "&<>" * 40)
    long_fix = FixSummary(**{**long_fix.__dict__, "stage": "S" * 80, "touchpoint": "T" * 80})
    ranked = [
        RankedFix(n, FixSummary(**{**long_fix.__dict__, "id": n}), 600 - n, -1.0)
        for n in range(1, 501)
    ]
    pages = build_results(7, ranked, 100, 120)
    assert len(pages) > 1 and all(fits_message(page) for page in pages)
    shown = re.findall(r"\*(\d+)\.\* ", "".join(dump(page) for page in pages))
    assert [int(rank) for rank in shown] == list(range(1, 501))
    first = dump(pages[0])
    assert "*10.*" in first and "*11.*" not in first and "action_items_create" in first
    assert f"page 2 of {len(pages)} · ranks 11–" in dump(pages[1])
    assert len(results_text(ranked, 100, 120).splitlines()) == 12
    (empty,) = build_results(7, [], 0, 18)
    assert "nothing to rank" in dump(empty) and "action_items_create" not in dump(empty)


def test_voting_open_post_counts_the_fixes_and_votes_in_words():
    assert voting_open_post(7, 6, 3, 1)[0] == (
        ":ballot_box_with_ballot: *Voting is open* on 6 fixes. Each participant has 3 votes, "
        "at most 1 per fix, and can change them until voting closes. Nobody sees who voted for "
        "what."
    )
    assert voting_open_post(7, 1, 1, 1)[0].startswith(
        ":ballot_box_with_ballot: *Voting is open* on 1 fix. Each participant has 1 vote, at most"
    )


def test_voting_open_post_and_the_board_buttons():
    text, blocks = voting_open_post(7, 6, 3, 1)
    assert text.startswith(":ballot_box_with_ballot: *Voting is open* on 6 fixes.")
    assert "3 votes, at most 1 per fix" in text
    assert blocks[1].elements[0].action_id == ids.VOTE_OPEN

    def participant_buttons(phase):
        summary = BoardSummary(7, "T1", "C1", "W", phase, ["UF"], 4, [], [])
        block = next(b for b in build_board(summary) if b.block_id == "participant_actions")
        return [(e.action_id, e.text.text) for e in block.elements]

    assert participant_buttons(Phase.fixes)[0] == (ids.FIX_PROPOSE, "Propose a fix")
    assert participant_buttons(Phase.voting)[0] == (ids.VOTE_OPEN, "Vote")
    rating_buttons = [action_id for action_id, _ in participant_buttons(Phase.rating)]
    assert ids.FIX_PROPOSE not in rating_buttons and ids.VOTE_OPEN not in rating_buttons
