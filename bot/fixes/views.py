"""Submissions of the fix form (propose or edit), and of the remove and merge forms.

Invalid input, or a change the flows refuse, is shown inside the form and nothing is saved.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.fixes.blocks.fixes import FixFormMetadata
from bot.fixes.posts import refresh_fix_list
from bot.slack import ids
from bot.slack.answers import answers_refusals
from bot.slack.blocks import mrkdwn_section, truncate
from bot.slack.modals import modal
from bot.slack.mrkdwn import md, mention
from bot.slack.requests import SubmissionRequest
from bot.slack.view_state import input_value, selected_value
from bot.workshop.board import post_in_thread, refresh_board
from flows.fixes import edit_fix, merge_fixes, propose_fix, remove_fix, validate_fix
from flows.workshops import get_workshop
from storage.models import Workshop, pk

logger = logging.getLogger(__name__)


@answers_refusals(field=ids.FIX_TITLE)
def handle_fix_submission(request: SubmissionRequest) -> None:
    state = request.state
    meta = request.metadata(FixFormMetadata)
    workshop_id, fix_id = meta.workshop_id, meta.fix_id
    draft = validate_fix(
        title=input_value(state, ids.FIX_TITLE),
        touchpoint=selected_value(state, ids.FIX_TOUCHPOINT),
        description=input_value(state, ids.FIX_DESCRIPTION),
        effort=selected_value(state, ids.FIX_EFFORT),
        impact=selected_value(state, ids.FIX_IMPACT),
    )
    team_id, user_id = request.team_id, request.user_id
    with request.db.session() as session:
        if fix_id is not None:
            fix = edit_fix(session, team_id, fix_id, user_id, draft)
        else:
            fix = propose_fix(
                session,
                team_id,
                workshop_id or 0,
                user_id,
                draft,
                request_key=request.view.get("id"),
            )
        workshop = get_workshop(session, team_id, fix.workshop_id)
    request.ack()
    done = "updated" if fix_id is not None else "added to the list"
    request.tell_in(
        workshop.channel_id,
        f":bulb: *{fix.title}* is {done}. `/workshop fixes` shows every fix.",
    )
    _show_the_change(request, workshop)


@answers_refusals(notice=lambda text: _notice_modal("Not removed", text))
def handle_remove_submission(request: SubmissionRequest) -> None:
    fix_id = request.metadata(FixFormMetadata).fix_id or 0
    with request.db.session() as session:
        removed = remove_fix(session, request.team_id, fix_id, request.user_id)
        workshop = get_workshop(session, request.team_id, removed.fix.workshop_id)
    request.ack()
    request.tell_in(
        workshop.channel_id,
        f"*{removed.fix.title}* was removed. Any votes it had went back to their voters.",
    )
    _show_the_change(request, workshop)


@answers_refusals(field=ids.FIX_MERGE_TARGET)
def handle_merge_submission(request: SubmissionRequest) -> None:
    target = selected_value(request.state, ids.FIX_MERGE_TARGET)
    try:
        target_id = int(target or "")
    except ValueError:
        request.show_errors({ids.FIX_MERGE_TARGET: "Pick the fix to keep."})
        return
    source_id = request.metadata(FixFormMetadata).fix_id or 0
    with request.db.session() as session:
        merged = merge_fixes(session, request.team_id, source_id, target_id, request.user_id)
        workshop = get_workshop(session, request.team_id, merged.target.workshop_id)
    request.ack()
    # Counts are not given: while tallies are hidden they would reveal how the fix was voted.
    post_in_thread(
        request.client,
        workshop,
        md(
            ":twisted_rightwards_arrows: {} merged *{}* into *{}*. Votes moved with it; a vote "
            "that would have put anyone over {} on one fix went back to its voter to spend again.",
            mention(request.user_id),
            merged.source.title,
            merged.target.title,
            workshop.max_votes_per_fix,
        ),
    )
    _show_the_change(request, workshop)


def _show_the_change(request: SubmissionRequest, workshop: Workshop) -> None:
    """After a fix is saved, removed or merged (after the ack): the board, and the private list
    the form was opened from, on the page it was showing."""
    client, db = request.client, request.db
    team_id, user_id, workshop_id = request.team_id, request.user_id, pk(workshop)
    response_url = _response_url(request.view, client)
    page = request.metadata(FixFormMetadata).list_page or 0

    def show() -> None:
        refresh_board(client, db, team_id, workshop_id)
        refresh_fix_list(client, db, team_id, workshop_id, user_id, response_url, page)

    request.after(show)


def _response_url(view: dict, client: WebClient) -> str | None:
    """The list message's response URL, only if it points at Slack (or at the Web API host the
    bot is configured with, such as the local stand-in): workspace data is never sent
    elsewhere, whatever the metadata says."""
    url = FixFormMetadata.read(view).response_url
    if url is None:
        return None
    api = urlsplit(client.base_url)
    allowed = ("https://hooks.slack.com/", f"{api.scheme}://{api.netloc}/")
    return url if url.startswith(allowed) else None


def _notice_modal(title: str, text: str) -> View:
    return modal(title, [mrkdwn_section(truncate(text, 3000))], close="OK")


def register(app: App) -> None:
    app.view(ids.FIX_MODAL)(handle_fix_submission)
    app.view(ids.FIX_REMOVE_MODAL)(handle_remove_submission)
    app.view(ids.FIX_MERGE_MODAL)(handle_merge_submission)
