"""The two-step action-items form: pick the fixes, then an owner and a due date for each.
Saving DMs every new owner and announces the items in the board's thread."""

from __future__ import annotations

from slack_bolt import App

from bot.action_items.blocks import ActionItemsMetadata, build_action_items_modal
from bot.fixes.posts import announce_action_items, send_owner_dms
from bot.home.publish import refresh_homes
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.blocks import user_list
from bot.slack.mrkdwn import md
from bot.slack.requests import SubmissionRequest
from bot.slack.view_state import checked_values, selected_date, selected_user
from flows.actions import (
    action_items,
    choose_fixes,
    default_due_date,
    due_field,
    owner_field,
    save_action_items,
    today_utc,
    validate_action_items,
)
from flows.voting import vote_totals
from flows.workshops import get_workshop
from storage.models import pk


def _first_owner_field(view: dict) -> str:
    """Where a refusal of the items form shows: under the first owner picker."""
    fix_ids = ActionItemsMetadata.read(view).fix_ids
    return owner_field(fix_ids[0]) if fix_ids else ids.ACTION_ITEMS_FIXES


@answers_refusals(field=ids.ACTION_ITEMS_FIXES)
def handle_pick_submission(request: SubmissionRequest) -> None:
    workshop_id = request.metadata(ActionItemsMetadata).workshop_id or 0
    picked = checked_values(request.state, ids.ACTION_ITEMS_FIXES)
    with request.db.session() as session:
        fixes = choose_fixes(session, request.team_id, workshop_id, request.user_id, picked)
        workshop = get_workshop(session, request.team_id, workshop_id)
        existing = {item.fix_id: item for item in action_items(session, workshop)}
        votes = vote_totals(session, workshop)
    request.ack(
        response_action="update",
        view=build_action_items_modal(
            pk(workshop), fixes, votes, existing, default_due_date(today_utc())
        ),
    )


@answers_refusals(field=_first_owner_field)
def handle_items_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(ActionItemsMetadata)
    fix_ids, workshop_id = meta.fix_ids or [], meta.workshop_id or 0
    drafts = validate_action_items(
        fix_ids,
        {fix_id: selected_user(state, owner_field(fix_id)) for fix_id in fix_ids},
        {fix_id: selected_date(state, due_field(fix_id)) for fix_id in fix_ids},
        today_utc(),
    )
    with request.db.session() as session:
        saved = save_action_items(session, request.team_id, workshop_id, request.user_id, drafts)
        workshop = get_workshop(session, request.team_id, workshop_id)
    request.ack()
    unreachable = send_owner_dms(request.client, request.db, workshop, saved)
    announce_action_items(request.client, workshop, saved)
    owners = [s.item.owner_id for s in saved] + [s.previous_owner_id for s in saved]
    refresh_homes(request.client, request.db, request.team_id, [owner for owner in owners if owner])
    if unreachable:
        request.tell_in(
            workshop.channel_id,
            md(
                "The action items are saved, but I could not DM {}. "
                "They can follow them with `/workshop actions`.",
                user_list(unreachable),
            ),
        )


def register(app: App) -> None:
    app.view(ids.ACTION_ITEMS_PICK_MODAL)(handle_pick_submission)
    app.view(ids.ACTION_ITEMS_MODAL)(handle_items_submission)
