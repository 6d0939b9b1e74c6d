"""Submission of a page of the channel form: saved before the ack (all or nothing, inline errors
on a bad field), then the next page, or a private confirmation after the last."""

from __future__ import annotations

from slack_bolt import App

from bot.channels.blocks import (
    CHANNELS_PAGE_SIZE,
    ChannelsMetadata,
    build_channels_modal,
    channel_pages,
    channels_saved_text,
)
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.replies import tell_user
from bot.slack.requests import SubmissionRequest
from bot.slack.values import BadValue, parse_id
from bot.slack.view_state import selected_value, state_values
from flows.channels import set_channels, touchpoint_channels
from flows.workshops import get_workshop

OUT_OF_DATE = "This form is out of date: close it and run `/workshop channels` again."
PREFIX = "channel:"


def read_choices(state: dict) -> dict[int, str | None]:
    """Touchpoint id → the chosen channel's value (None: no channel), from the page's selects."""
    chosen: dict[int, str | None] = {}
    for block_id in state:
        if isinstance(block_id, str) and block_id.startswith(PREFIX):
            try:
                touchpoint_id = parse_id(block_id[len(PREFIX) :])
            except BadValue:
                continue  # no select of ours: the flows see only the touchpoints we drew
            chosen[touchpoint_id] = selected_value(state, block_id)
    return chosen


def _first_field(view: dict) -> str:
    """Where a refusal shows: under the page's first channel select."""
    return f"{PREFIX}{next(iter(read_choices(state_values(view))))}"


@answers_refusals(field=_first_field)
def handle_channels_submission(request: SubmissionRequest) -> None:
    meta = request.metadata(ChannelsMetadata)
    workshop_id, page = meta.workshop_id, meta.page
    state = request.state
    chosen = read_choices(state)
    user = {"user_id": request.context.user_id, "channel_id": meta.channel_id}
    if (
        workshop_id is None
        or not isinstance(page, int)
        or not chosen
        or len(chosen) > CHANNELS_PAGE_SIZE
    ):
        request.ack()  # a page of ours always has a select; this one could not come from our form
        tell_user(request.client, user, OUT_OF_DATE)
        return
    with request.db.session() as session:
        team_id = request.team_id
        changed = set_channels(session, team_id, workshop_id, request.user_id, chosen)
        workshop = get_workshop(session, team_id, workshop_id)
        title, items = workshop.title, touchpoint_channels(session, workshop)
    if page + 1 < channel_pages(items):
        channel_id = meta.channel_id or ""
        request.show(build_channels_modal(workshop_id, title, channel_id, items, page + 1))
    else:
        request.ack()
    tell_user(request.client, user, channels_saved_text(title, changed))


def register(app: App) -> None:
    app.view(ids.CHANNELS_MODAL)(handle_channels_submission)
