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
from bot.slack import ids
from bot.slack.blocks import Mrkdwn, cap_blocks, context, md, mrkdwn_section, truncate, user_list
from bot.slack.values import ButtonValue, Id
from bot.stakeholders.blocks import stakeholder_buttons
from flows.board import BoardSummary
from flows.errors import Conflict
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

# What participants can do in each phase, beside Join. Each feature adds its own buttons here.
PhaseButtons = Callable[[BoardSummary], list[ButtonElement]]
PARTICIPANT_BUTTONS: dict[Phase, list[PhaseButtons]] = {
    Phase.stakeholders: [stakeholder_buttons],
    Phase.rating: [rating_board_buttons],
    Phase.fixes: [propose_fix_button],
    Phase.voting: [vote_button],
}


def phase_track(current: Phase) -> str:
    steps = []
    for phase in PHASE_ORDER:
        name = PHASE_NAMES[phase]
        if phase == current:
            steps.append(f"*▶ {name}*")
        elif PHASE_ORDER.index(phase) < PHASE_ORDER.index(current):
            steps.append(f"~{name}~")
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
    participant_buttons = _participant_buttons(summary)
    if participant_buttons:
        blocks.append(ActionsBlock(block_id="participant_actions", elements=participant_buttons))
    blocks += [
        DividerBlock(),
        context("*Facilitator controls*"),
        ActionsBlock(block_id="facilitator_actions", elements=_facilitator_buttons(summary)),
        context("`/workshop help` lists every command."),
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


def _figures_section(summary: BoardSummary) -> SectionBlock:
    stage_count = len(summary.stages)
    fields = [
        f"*Participants*\n{summary.participant_count}",
        f"*Journey*\n{stage_count} stage{'s' * (stage_count != 1)} · "
        f"{summary.touchpoint_count} touchpoints",
        *(f"*{figure.label}*\n{figure.value}" for figure in summary.figures),
    ]
    # A section holds at most 10 fields.
    return mrkdwn_section("", fields=fields)


def _participant_buttons(summary: BoardSummary) -> list[ButtonElement]:
    if summary.phase is Phase.closed:
        return []
    value = str(summary.workshop_id)
    buttons = [ButtonElement(text="Join", action_id=ids.JOIN_WORKSHOP, value=value)]
    for make_buttons in PARTICIPANT_BUTTONS.get(summary.phase, []):
        buttons += make_buttons(summary)
    return buttons[:25]


class PhaseValue(ButtonValue):
    """The facilitator's phase buttons: "12|rating", the workshop and the phase the button was
    drawn in, so a stale click changes nothing."""

    workshop_id: Id
    phase: Phase


def _phase_value(summary: BoardSummary) -> str:
    return PhaseValue(workshop_id=summary.workshop_id, phase=summary.phase).encode()


def advance_button(summary: BoardSummary) -> ButtonElement | None:
    """The facilitator's "Next" button, or None where the next step is closing the workshop."""
    try:
        forward = target_phase(summary.phase, PhaseAction.advance)
    except Conflict:
        return None
    if forward is Phase.closed:
        return None
    label = "Start workshop" if summary.phase is Phase.setup else "Next"
    return ButtonElement(
        text=f"{label}: {PHASE_NAMES[forward]} ▶",
        action_id=ids.PHASE_ADVANCE,
        value=_phase_value(summary),
        style="primary",
    )


def _facilitator_buttons(summary: BoardSummary) -> list[ButtonElement]:
    value = _phase_value(summary)

    def target(action: PhaseAction) -> Phase | None:
        try:
            return target_phase(summary.phase, action)
        except Conflict:
            return None

    if summary.phase is Phase.closed:
        return [ButtonElement(text="Reopen", action_id=ids.PHASE_REOPEN, value=value)]
    buttons = [button for button in [advance_button(summary)] if button is not None]
    forward = target(PhaseAction.advance)
    backward = target(PhaseAction.back)
    if backward is not None:
        buttons.append(
            ButtonElement(
                text=f"◀ Back to {PHASE_NAMES[backward]}", action_id=ids.PHASE_BACK, value=value
            )
        )
    if forward is not None and forward is not Phase.closed:
        skip_to = target(PhaseAction.skip)
        if skip_to is not None and skip_to is not Phase.closed:
            buttons.append(
                ButtonElement(
                    text=f"Skip {PHASE_NAMES[forward]}", action_id=ids.PHASE_SKIP, value=value
                )
            )
    buttons.append(
        ButtonElement(
            text="Close workshop",
            action_id=ids.PHASE_CLOSE,
            value=value,
            style="danger",
            confirm=ConfirmObject(
                title="Close the workshop?",
                text="Participants can no longer add or change anything. You can reopen it later.",
                confirm="Close it",
                deny="Keep it open",
            ),
        )
    )
    return buttons
