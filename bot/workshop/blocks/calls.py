"""The "your turn" message in the channel when a phase needs the team, and the reply to Join:
what to do, about how long it takes, and the one button. No mentions: the channel sees it, and
nobody is pinged who did not ask."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.slack import ids
from bot.slack.blocks import context, md, mrkdwn_section
from bot.slack.mrkdwn import Mrkdwn
from bot.workshop.blocks.board import PHASE_NAMES, primary_action
from flows.board import BoardSummary
from flows.formatting import plural
from flows.phase_calls import PhaseCallFacts
from storage.models import Phase


def what_to_do(facts: PhaseCallFacts) -> str:
    """The phase's task for one participant, with about how long it takes."""
    if facts.phase is Phase.stakeholders:
        task = (
            "Add the people who shape the customer's experience and place each on the "
            "influence × interest grid."
        )
    elif facts.phase is Phase.rating:
        task = (
            "Rate what customers expect and what they get at each of the "
            f"{plural(facts.touchpoints, 'touchpoint')}."
        )
    elif facts.phase is Phase.fixes:
        task = "Propose fixes for the widest gaps, each tied to a touchpoint."
    elif facts.phase is Phase.voting:
        task = f"Spend your {plural(facts.vote_budget, 'vote')} on the fixes that matter most."
    else:
        return "Nothing to do right now."
    return f"{task} About {plural(facts.minutes, 'minute')}."


def build_your_turn(summary: BoardSummary, facts: PhaseCallFacts) -> tuple[Mrkdwn, list[Block]]:
    """Text and blocks of the channel's "your turn" post."""
    text = md(
        ":point_right: *Your turn:* workshop #{} “{}” is at *{}*. {}",
        summary.workshop_id,
        summary.title,
        PHASE_NAMES[facts.phase],
        what_to_do(facts),
    )
    blocks: list[Block] = [mrkdwn_section(text)]
    button = primary_action(summary)
    if button is not None:
        blocks.append(ActionsBlock(block_id="your_turn", elements=[button]))
    blocks.append(context("Already done? Nothing else to do until the next step."))
    return text, blocks


def build_join_reply(summary: BoardSummary, facts: PhaseCallFacts) -> tuple[Mrkdwn, list[Block]]:
    """The private answer to Join: you're in, and what to do next (with its button)."""
    if summary.phase is Phase.setup:
        text = md(
            "You've joined “{}”. Next: the facilitator starts the workshop; you'll see a "
            "*Your turn* message in this channel when there is something to do.",
            summary.title,
        )
        return text, [mrkdwn_section(text)]
    text = md("You've joined “{}”. Next: {}", summary.title, what_to_do(facts))
    blocks: list[Block] = [mrkdwn_section(text)]
    button = primary_action(summary)
    if button is not None and button.action_id != ids.JOIN_WORKSHOP:
        blocks.append(ActionsBlock(block_id="join_next", elements=[button]))
    return text, blocks
