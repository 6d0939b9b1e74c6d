"""Your own progress in a workshop (`/workshop status` and the Home tab): what you have done,
what is left, and your one next action as the message's one primary button."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.slack import ids
from bot.slack.blocks import context, md, mrkdwn_section, truncate
from bot.slack.mrkdwn import Mrkdwn
from bot.workshop.blocks.board import (
    PARTICIPANT_BUTTONS,
    PHASE_NAMES,
    advance_button,
    join_button,
)
from flows.board import BoardSummary
from flows.formatting import plural
from flows.personal_progress import NextStep, PersonalProgress
from flows.phase_calls import rating_minutes
from flows.workshops import PHASE_ORDER
from storage.models import Phase

NEXT_ACTION_IDS = {
    NextStep.join_workshop: ids.JOIN_WORKSHOP,
    NextStep.add_stakeholder: ids.ADD_STAKEHOLDER,
    NextStep.rate_stakeholders: ids.RATE_STAKEHOLDERS,
    NextStep.rate_touchpoints: ids.RATE_OPEN,
    NextStep.propose_fix: ids.FIX_PROPOSE,
    NextStep.vote: ids.VOTE_OPEN,
}


def done_and_left(p: PersonalProgress) -> str:
    """What you have done in this phase and what is left, in words."""
    if p.role is None:
        return "You haven't joined this workshop yet."
    if p.phase is Phase.setup:
        return "You're in. Nothing to do until the facilitator starts the workshop."
    if p.phase is Phase.stakeholders:
        text = (
            f"You have added {plural(p.stakeholders_added, 'stakeholder')} and rated "
            f"{p.stakeholders_rated} of {plural(p.stakeholders, 'stakeholder')}."
        )
        left = p.stakeholders - p.stakeholders_rated
        return text + (f" {left} left to rate." if left > 0 else "")
    if p.phase is Phase.rating:
        text = f"You have rated {p.touchpoints_rated} of {plural(p.touchpoints, 'touchpoint')}"
        text += f" (round {p.rating_round})." if p.rating_round > 1 else "."
        if p.touchpoints_left:
            minutes = rating_minutes(p.touchpoints_left)
            return f"{text} {p.touchpoints_left} left, about {plural(minutes, 'minute')}."
        return f"{text} All done: thank you."
    if p.phase is Phase.fixes:
        return f"You have proposed {plural(p.fixes_proposed, 'fix', 'fixes')}."
    if p.phase is Phase.voting:
        return (
            f"You have used {p.votes_used} of {plural(p.vote_budget, 'vote')}: {p.votes_left} left."
        )
    return (
        f"The workshop is closed. You rated {plural(p.touchpoints_rated, 'touchpoint')}, "
        f"proposed {plural(p.fixes_proposed, 'fix', 'fixes')} and used "
        f"{plural(p.votes_used, 'vote')}."
    )


NEXT_WORDS = {
    NextStep.join_workshop: "join the workshop",
    NextStep.add_stakeholder: "add a stakeholder you know",
    NextStep.rate_stakeholders: "rate the stakeholders on influence and interest",
    NextStep.rate_touchpoints: "rate the touchpoints left",
    NextStep.propose_fix: "propose a fix for one of the widest gaps",
    NextStep.vote: "spend your votes left",
    NextStep.read_results: "read the results in the board's thread",
}


def next_words(p: PersonalProgress) -> str:
    if p.next_step is not NextStep.wait:
        return NEXT_WORDS[p.next_step]
    if p.facilitates and p.phase is not Phase.closed:
        return "move the workshop on when the team is ready"
    return "nothing for now: you'll see a *Your turn* message when there is"


def next_button(summary: BoardSummary, p: PersonalProgress) -> ButtonElement | None:
    """Your one next action as a primary button: the phase's own button that asks for it, or
    for a facilitator with nothing left to do, the workshop's next step."""
    action_id = NEXT_ACTION_IDS.get(p.next_step)
    if action_id == ids.JOIN_WORKSHOP:
        button: ButtonElement | None = join_button(summary.workshop_id)
    elif action_id is not None:
        candidates = [
            b for make in PARTICIPANT_BUTTONS.get(summary.phase, []) for b in make(summary)
        ]
        button = next((b for b in candidates if b.action_id == action_id), None)
    elif p.facilitates:
        button = advance_button(summary)
    else:
        button = None
    if button is not None:
        button.style = "primary"
    return button


def progress_text(summary: BoardSummary, p: PersonalProgress) -> Mrkdwn:
    step = f"step {PHASE_ORDER.index(summary.phase) + 1} of {len(PHASE_ORDER)}"
    return md(
        "*#{} {}* · <#{}> · *{}* ({})\n{}\n*Next:* {}",
        summary.workshop_id,
        truncate(summary.title, 120),
        summary.channel_id,
        PHASE_NAMES[summary.phase],
        step,
        done_and_left(p),
        md(next_words(p)),
    )


def build_personal_status(summary: BoardSummary, p: PersonalProgress) -> list[Block]:
    """`/workshop status`: your progress and your next action (one primary button), the team's
    figures underneath; a facilitator with a task of their own also gets the phase change,
    plain."""
    blocks: list[Block] = [mrkdwn_section(progress_text(summary, p))]
    buttons = [b for b in [next_button(summary, p)] if b is not None]
    if p.facilitates and buttons and buttons[0].action_id not in ids.PHASE_ACTIONS:
        advance = advance_button(summary, style=None)
        if advance is not None:
            buttons.append(advance)
    if buttons:
        blocks.append(ActionsBlock(block_id="status_actions", elements=buttons))
    stages, touchpoints = len(summary.stages), summary.touchpoint_count
    figures = [
        f"{summary.participant_count} participants",
        f"{plural(stages, 'stage')} · {plural(touchpoints, 'touchpoint')}",
        *(f"{f.label}: {f.value}" for f in summary.figures),
    ]
    blocks.append(context(md("The team: {}", " · ".join(figures))))
    return blocks
