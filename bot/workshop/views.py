"""The setup form's two steps: the workshop (then its journey's stages to edit), and the journey
stage by stage (then the workshop is created and its board posted)."""

from __future__ import annotations

import dataclasses
import logging

from slack_bolt import App
from slack_sdk.errors import SlackClientError

from bot.home.publish import refresh_workshop_homes
from bot.slack import ids
from bot.slack.answers import takes_request
from bot.slack.mrkdwn import Mrkdwn, md
from bot.slack.replies import failure_reason
from bot.slack.requests import ActionRequest, SubmissionRequest
from bot.slack.retries import outcome_unknown
from bot.slack.values import WorkshopMetadata
from bot.slack.view_state import (
    checked_values,
    input_value,
    selected_users,
    selected_value,
    state_values,
)
from bot.workshop.blocks.setup import SetupDraft, build_stages_modal, draft_metadata
from bot.workshop.board import post_board
from flows.errors import InvalidInput, NotFound
from flows.events import claim_submission
from flows.journey import MAX_STAGES
from flows.journey_templates import (
    StageRow,
    apply_template_channels,
    get_template,
    stage_field,
    stage_rows,
    validate_stages,
)
from flows.workshops import WorkshopSpec, create_workshop, validate_spec
from storage.models import pk

logger = logging.getLogger(__name__)


def read_stage_rows(state: dict) -> list[StageRow]:
    """The stage editor's rows as typed, in order (as many as the form has)."""
    indexes = sorted(
        int(key.partition(":")[2])
        for key in state
        if key.startswith(stage_field("name", 0)[:-1]) and key.partition(":")[2].isdigit()
    )
    return [
        StageRow(
            input_value(state, stage_field("name", i)),
            input_value(state, stage_field("touchpoints", i)),
        )
        for i in indexes[:MAX_STAGES]
    ]


@takes_request
def handle_setup_submission(request: SubmissionRequest) -> None:
    """Step 1 (the workshop): check it, then show the chosen journey's stages to edit."""
    state = request.state
    try:
        spec = validate_spec(
            title=input_value(state, ids.SETUP_TITLE),
            journey_text=None,
            vote_budget=input_value(state, ids.SETUP_VOTE_BUDGET),
            max_votes_per_fix=input_value(state, ids.SETUP_MAX_VOTES_PER_FIX),
            live_tallies=ids.OPTION_LIVE_TALLIES in checked_values(state, ids.SETUP_OPTIONS),
            co_facilitators=selected_users(state, ids.SETUP_CO_FACILITATORS),
        )
    except InvalidInput as error:
        request.show_errors(error.errors)
        return
    try:
        with request.db.read_session() as session:
            template = get_template(
                session, request.team_id, selected_value(state, ids.SETUP_TEMPLATE)
            )
    except NotFound as error:
        request.show_errors({ids.SETUP_TEMPLATE: str(error)})
        return
    channel_id = request.metadata(WorkshopMetadata).channel_id or ""
    draft = draft_metadata(
        channel_id, spec, template.name, template.key if template.channels else ""
    )
    request.show(
        build_stages_modal(
            draft, template.name, stage_rows(template.stages), bool(template.channels)
        )
    )


def read_draft(view: dict) -> tuple[str, WorkshopSpec, str]:
    """Step 1's settings from step 2's metadata, checked again (a forged payload could carry
    anything): the channel, the workshop without its journey, and the template's name."""
    meta = SetupDraft.read(view)
    spec = validate_spec(
        title=meta.t,
        journey_text=None,
        vote_budget=meta.b,
        max_votes_per_fix=meta.m,
        live_tallies=meta.l is True,
        co_facilitators=meta.f or [],
    )
    return meta.c or "", spec, meta.n or ""


@takes_request
def handle_add_stage(request: ActionRequest) -> None:
    """Step 2's "Add a stage": the same rows as typed so far, and an empty one."""
    request.ack()
    view = request.view
    rows = read_stage_rows(state_values(view))
    if not view.get("id") or len(rows) >= MAX_STAGES:
        return
    name = SetupDraft.read(view).n
    request.client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=build_stages_modal(
            view.get("private_metadata") or "{}",
            name if isinstance(name, str) else "",
            [*rows, StageRow(None, None)],
            has_channels=bool(SetupDraft.read(view).k),
        ),
    )


@takes_request
def handle_stages_submission(request: SubmissionRequest) -> None:
    """Step 2 (the journey): check every stage, create the workshop, post its board."""
    state = request.state
    try:
        stages = validate_stages(read_stage_rows(state))
    except InvalidInput as error:
        request.show_errors(error.errors)
        return
    try:
        channel_id, settings, _ = read_draft(request.view)
    except InvalidInput:
        request.show_errors(
            {stage_field("name", 0): "This form is out of date: start again with /workshop new."}
        )
        return
    spec = dataclasses.replace(settings, stages=stages)
    # Saved before the ack (one short transaction), so a workshop Slack saw created exists.
    with request.db.session() as session:
        first = claim_submission(session, request.team_id, request.view.get("id"))
        if first:
            workshop = create_workshop(session, request.team_id, channel_id, request.user_id, spec)
            template_key = SetupDraft.read(request.view).k
            if template_key:  # the template's channels, for the touchpoints kept as they were
                try:
                    template = get_template(session, request.team_id, template_key)
                except NotFound:  # deleted since step 1: the workshop starts without channels
                    pass
                else:
                    apply_template_channels(session, workshop, template)
    request.ack()  # closes the modal; the board is posted after Slack has its answer
    if not first:
        return  # the same submission again: its workshop exists and its board is posted
    try:
        post_board(request.client, request.db, request.team_id, pk(workshop))
    except (SlackClientError, OSError) as error:  # a bug of ours goes to the error handler
        logger.warning(
            "board of workshop %s not posted in %s (team %s): %r",
            workshop.id,
            channel_id,
            request.team_id,
            error,
        )
        request.client.chat_postMessage(
            channel=request.user_id,
            text=board_missing_text(pk(workshop), workshop.title, channel_id, error),
        )
        return
    refresh_workshop_homes(request.client, request.db, request.team_id, pk(workshop))


def board_missing_text(workshop_id: int, title: str, channel_id: str, error: Exception) -> Mrkdwn:
    """What the facilitator is told when Slack did not confirm the board's post."""
    again = md("run `/workshop board #{}` in <#{}>", workshop_id, channel_id)
    reason = failure_reason(error) or "Slack failed"
    if outcome_unknown(error):
        return md(
            "Slack didn't confirm that it posted the board of workshop #{} “{}” in <#{}> ({}). "
            "It is probably there: I'll find it before posting anything. If it isn't, {} and "
            "I'll post it once.",
            workshop_id,
            title,
            channel_id,
            reason,
            again,
        )
    return md(
        "I created workshop #{} “{}” but could not post its board in <#{}> ({}). Invite me to "
        "the channel, then {}.",
        workshop_id,
        title,
        channel_id,
        reason,
        again,
    )


def register(app: App) -> None:
    app.view(ids.SETUP_MODAL)(handle_setup_submission)
    app.view(ids.SETUP_STAGES_MODAL)(handle_stages_submission)
    app.action(ids.SETUP_ADD_STAGE)(handle_add_stage)
