"""The comparison's words: the answers to a match decision, the states of action items."""

from bot.compare.blocks import ACTION_NAMES, decision_text
from flows.benchmarking import MatchDecision
from storage.models import ActionStatus, MatchVerdict


def decision(verdict):
    return MatchDecision(verdict, "Sign-up <form>", "Sign up & pay", 3, 12)


def test_a_confirmed_match_names_both_and_says_how_to_compare_again():
    assert decision_text(decision(MatchVerdict.confirmed)) == (
        ":white_check_mark: Matched: *#3* “Sign-up &lt;form&gt;” is *#12* “Sign up &amp; pay”. "
        "Run `/workshop compare #3 #12` again to see them side by side."
    )


def test_a_rejected_match_names_both_and_is_not_offered_again():
    assert decision_text(decision(MatchVerdict.rejected)) == (
        "Kept apart: *#3* “Sign-up &lt;form&gt;” and *#12* “Sign up &amp; pay” are different "
        "touchpoints; they won't be suggested again."
    )


def test_a_lead_names_its_action_item_state_in_lower_case():
    for status, words in [
        (ActionStatus.open, "action item open"),
        (ActionStatus.in_progress, "action item in progress"),
        (ActionStatus.done, "action item done"),
    ]:
        assert ACTION_NAMES[status] == words
    assert len(ACTION_NAMES) == 3
