"""The workshop board: one message per workshop, edited in place as the workshop moves."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)

from bot.fixes.blocks.voting import propose_fix_button, vote_button
from bot.gaps.blocks import rating_board_buttons
from bot.rounds.blocks import deadline_line
from bot.slack import ids
from bot.slack.blocks import (
    Mrkdwn,
    cap_blocks,
    context,
    danger_button,
    md,
    mrkdwn_section,
    truncate,
    user_list,
)
from bot.slack.values import ButtonValue, Id
from bot.stakeholders.blocks import stakeholder_buttons
from flows.board import BoardSummary
from flows.errors import Conflict
from flows.formatting import plural
from flows.workshops import PHASE_NAMES, PHASE_ORDER, PhaseAction, target_phase
from storage.models import Phase

PHASE_GUIDANCE = {
    Phase.setup: "The team is gathering. Press *Join* to take part; the facilitator starts "
    "the workshop when everyone is here.",
    Phase.stakeholders: "Name everyone who shapes the customer's experience, then place each "
    "of them on the influence × interest grid.",
    Phase.rating: "For every touchpoint, rate what customers *expect* and what they "
    "*experience* today. The gaps between the two are what we fix.",
    Phase.fixes: "Propose fixes for the widest gaps, each tied to a touchpoint.",
    Phase.voting: "Spend your votes on the fixes that matter most. Nobody sees who voted for what.",
    Phase.closed: "The workshop is closed. Results and action items are in this thread.",
}

# What participants can do in each phase (in setup: Join). Each feature adds its own buttons
# here; the first button of a phase is its one primary action, whatever style the feature gave.
PhaseButtons = Callable[[BoardSummary], list[ButtonElement]]
PARTICIPANT_BUTTONS: dict[Phase, list[PhaseButtons]] = {
    Phase.stakeholders: [stakeholder_buttons],
    Phase.rating: [rating_board_buttons],
    Phase.fixes: [propose_fix_button],
    Phase.voting: [vote_button],
}


def phase_track(current: Phase) -> str:
    """Done phases ticked (a strike-through would read as cancelled), the current one bold."""
    steps = []
    for phase in PHASE_ORDER:
        name = PHASE_NAMES[phase]
        if phase == current:
            steps.append(f"*▶ {name}*")
        elif PHASE_ORDER.index(phase) < PHASE_ORDER.index(current):
            steps.append(f"✓ {name}")
        else:
            steps.append(name)
    return "  →  ".join(steps)


def build_board(summary: BoardSummary) -> list[Block]:
    phase = summary.phase
    blocks: list[Block] = [
        HeaderBlock(text=truncate(summary.title, 150)),
        context(
            md(
                "Workshop #{} · facilitated by {}",
                summary.workshop_id,
                user_list(summary.facilitator_ids),
            )
        ),
        mrkdwn_section(f"{phase_track(phase)}\n\n{PHASE_GUIDANCE[phase]}"),
        _figures_section(summary),
    ]
    if summary.deadline is not None:  # bot/rounds: each reader sees it in their own time
        blocks.append(context(deadline_line(PHASE_NAMES[phase], summary.deadline)))
    buttons = participant_buttons(summary)
    if buttons:
        blocks.append(ActionsBlock(block_id="participant_actions", elements=buttons))
    blocks += [
        DividerBlock(),
        context("*For facilitators* · everyone else can leave these be"),
        ActionsBlock(block_id="facilitator_actions", elements=_facilitator_buttons(summary)),
        context("`/workshop` shows what you can do now; `/workshop status` shows your progress."),
    ]
    return cap_blocks(blocks)


def board_text(summary: BoardSummary) -> Mrkdwn:
    """Notification and screen-reader fallback for the board message."""
    return md(
        "Workshop #{} “{}”: {} phase",
        summary.workshop_id,
        summary.title,
        PHASE_NAMES[summary.phase],
    )


def journey_size(summary: BoardSummary) -> str:
    """ "2 stages · 5 touchpoints", or "1 stage · 1 touchpoint"."""
    stages, touchpoints = len(summary.stages), summary.touchpoint_count
    return f"{plural(stages, 'stage')} · {plural(touchpoints, 'touchpoint')}"


def _figures_section(summary: BoardSummary) -> SectionBlock:
    fields = [
        f"*Participants*\n{summary.participant_count}",
        f"*Journey*\n{journey_size(summary)}",
        *(f"*{figure.label}*\n{figure.value}" for figure in summary.figures),
    ]
    # A section holds at most 10 fields.
    return mrkdwn_section("", fields=fields)


# Buttons a feature offers on the board that only facilitators may use: they join the
# facilitators' row, away from the participants' action.
FACILITATOR_ONLY = frozenset({ids.RATE_NUDGE})


def facilitator_extras(summary: BoardSummary) -> list[ButtonElement]:
    """The features' facilitator-only buttons for this phase, plain."""
    extras = [
        b
        for make_buttons in PARTICIPANT_BUTTONS.get(summary.phase, [])
        for b in make_buttons(summary)
        if b.action_id in FACILITATOR_ONLY
    ]
    for button in extras:
        button.style = None
    return extras


def join_button(workshop_id: int) -> ButtonElement:
    return ButtonElement(text="Join", action_id=ids.JOIN_WORKSHOP, value=str(workshop_id))


def participant_buttons(summary: BoardSummary) -> list[ButtonElement]:
    """What participants do in this phase, the first one primary and the others plain: one
    clear action per board. Join leads while the team gathers; later any participation joins
    (adding a stakeholder, a rating, a fix), except a vote: only participants have votes, so
    the voting board keeps a plain Join after *Vote* for late-comers."""
    if summary.phase is Phase.closed:
        return []
    buttons = [join_button(summary.workshop_id)] if summary.phase is Phase.setup else []
    for make_buttons in PARTICIPANT_BUTTONS.get(summary.phase, []):
        buttons += [b for b in make_buttons(summary) if b.action_id not in FACILITATOR_ONLY]
    if summary.phase is Phase.voting:
        buttons.append(join_button(summary.workshop_id))
    return one_primary(buttons[:25])


def one_primary(buttons: list[ButtonElement]) -> list[ButtonElement]:
    """The first button primary, the others plain (a danger button keeps its style)."""
    for index, button in enumerate(buttons):
        if index == 0:
            button.style = "primary"
        elif button.style == "primary":
            button.style = None
    return buttons


def primary_action(summary: BoardSummary) -> ButtonElement | None:
    """The one thing participants do now (the board's primary button), if there is one."""
    buttons = participant_buttons(summary)
    return buttons[0] if buttons else None


class PhaseValue(ButtonValue):
    """The facilitator's phase buttons: "12|rating", the workshop and the phase the button was
    drawn in, so a stale click changes nothing."""

    workshop_id: Id
    phase: Phase


def _phase_value(summary: BoardSummary) -> str:
    return PhaseValue(workshop_id=summary.workshop_id, phase=summary.phase).encode()


CLOSE_VOTING = "Close voting & show results"


def advance_button(summary: BoardSummary, style: str | None = "primary") -> ButtonElement | None:
    """The facilitator's next step: "Next: …", or in voting *Close voting & show results*.
    None where there is no step forward (a closed workshop is reopened instead). Primary where
    it is the reader's own main action (Home, the facilitator's status); plain on the board,
    where the participants' action is the primary one."""
    try:
        forward = target_phase(summary.phase, PhaseAction.advance)
    except Conflict:
        return None
    if forward is Phase.closed:
        return close_voting_button(summary, style) if summary.phase is Phase.voting else None
    label = "Start workshop" if summary.phase is Phase.setup else "Next"
    return ButtonElement(
        text=f"{label}: {PHASE_NAMES[forward]} ▶",
        action_id=ids.PHASE_ADVANCE,
        value=_phase_value(summary),
        style=style,
    )


def close_voting_button(summary: BoardSummary, style: str | None = "primary") -> ButtonElement:
    """The normal last step: voting ends and the results are posted (not a red *Close*)."""
    return ButtonElement(
        text=CLOSE_VOTING,
        action_id=ids.PHASE_CLOSE,
        value=_phase_value(summary),
        style=style,
        confirm=ConfirmObject(
            title="Close voting?",
            text="The ranked fixes go to the board's thread and nobody can vote any more. "
            "You can reopen the workshop later.",
            confirm="Close & show results",
            deny="Not yet",
        ),
    )


def _facilitator_buttons(summary: BoardSummary) -> list[ButtonElement]:
    value = _phase_value(summary)

    def target(action: PhaseAction) -> Phase | None:
        try:
            return target_phase(summary.phase, action)
        except Conflict:
            return None

    def back_buttons() -> list[ButtonElement]:
        """◀ Back to the phase before, when there is one."""
        backward = target(PhaseAction.back)
        if backward is None:
            return []
        text = f"◀ Back to {PHASE_NAMES[backward]}"
        return [ButtonElement(text=text, action_id=ids.PHASE_BACK, value=value)]

    if summary.phase is Phase.closed:
        return [ButtonElement(text="Reopen", action_id=ids.PHASE_REOPEN, value=value)]
    if summary.phase is Phase.voting:  # the last step closes voting: no red Close beside it
        return [close_voting_button(summary, style=None), *back_buttons()]
    buttons = [button for button in [advance_button(summary, style=None)] if button is not None]
    buttons += facilitator_extras(summary)
    buttons += back_buttons()
    forward = target(PhaseAction.advance)
    if forward is not None and forward is not Phase.closed:
        skip_to = target(PhaseAction.skip)
        if skip_to is not None and skip_to is not Phase.closed:
            buttons.append(
                ButtonElement(
                    text=f"Jump to {PHASE_NAMES[skip_to]} (no {PHASE_NAMES[forward]})",
                    action_id=ids.PHASE_SKIP,
                    value=value,
                )
            )
    buttons.append(
        danger_button(
            "Close workshop",
            ids.PHASE_CLOSE,
            value,
            title="Close the workshop?",
            question="Participants can no longer add or change anything. You can reopen it later.",
            confirm="Close it",
            deny="Keep it open",
        )
    )
    return buttons
