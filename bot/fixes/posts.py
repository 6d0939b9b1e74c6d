"""The Slack side of fixes, voting and action items beyond single listeners: views rendered from
the database, the posts when voting opens and closes (phase-end hooks), the owners' DMs, and
board refreshes that coalesce bursts of votes."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.webhook import WebhookClient
from sqlmodel import Session

from bot.action_items.blocks import (
    action_items_post,
    build_action_list,
    build_owner_dm,
    build_reassigned_dm,
    owner_dm_text,
)
from bot.fixes.blocks.fixes import (
    FIXES_PER_LIST_PAGE,
    build_fix_list,
    build_fix_modal,
    list_page_count,
)
from bot.fixes.blocks.voting import (
    build_results,
    build_vote_modal,
    ranking_pager,
    results_page_text,
    results_text,
    voting_open_post,
)
from bot.fixes.chart import votes_alt_text, votes_chart
from bot.slack.mrkdwn import md, mention
from bot.workshop.board import post_in_thread, upload_in_thread
from flows.actions import SavedActionItem, action_items, record_dm
from flows.errors import Conflict
from flows.fixes import (
    FixSummary,
    fix_count,
    list_fixes,
)
from flows.gaps.aggregation import touchpoint_gaps
from flows.journey import touchpoint_choices
from flows.voting import (
    ballot_view,
    ranked_fixes,
    tallies_visible,
    vote_totals,
    votes_cast,
    voting_gaps,
)
from flows.workshops import PhaseChangeResult, get_workshop, is_facilitator, participant_count
from storage.db import Database
from storage.models import Fix, Phase, Workshop, pk

logger = logging.getLogger(__name__)


# views rendered from the database ------------------------------------------------------------


def fix_form(
    session: Session,
    workshop: Workshop,
    fix: FixSummary | None = None,
    title: str = "",
    response_url: str | None = None,
    list_page: int = 0,
) -> View:
    return build_fix_modal(
        pk(workshop),
        workshop.title,
        touchpoint_choices(session, workshop),
        touchpoint_gaps(session, workshop),
        fix=fix,
        title=title,
        response_url=response_url,
        list_page=list_page,
    )


def fix_list(session: Session, workshop: Workshop, user_id: str, page: int = 0) -> list[Block]:
    """One page of `/workshop fixes` (the last page if `page` is past it: fixes were removed)."""
    total = fix_count(session, workshop)
    page = min(max(page, 0), list_page_count(total) - 1)
    fixes = list_fixes(
        session, workshop, limit=FIXES_PER_LIST_PAGE, offset=page * FIXES_PER_LIST_PAGE
    )
    facilitator = is_facilitator(session, workshop.team_id, pk(workshop), user_id)
    editable = workshop.phase in (Phase.fixes, Phase.voting)
    manageable = {f.id for f in fixes if editable and (facilitator or f.author_id == user_id)}
    return build_fix_list(
        pk(workshop),
        workshop.title,
        fixes,
        touchpoint_gaps(session, workshop),
        manageable=manageable,
        can_merge=editable and facilitator,
        proposing_open=workshop.phase == Phase.fixes,
        voting_open=workshop.phase == Phase.voting,
        tallies=vote_totals(session, workshop) if tallies_visible(workshop) else None,
        total=total,
        page=page,
    )


def ranking_page(
    session: Session, workshop: Workshop, user_id: str, page: int = 0
) -> tuple[str, list[Block]]:
    """`/workshop ranking`: one page of the ranked fixes (the pages the thread gets as
    messages), with Previous / Next."""
    if not tallies_visible(workshop):
        raise Conflict("The votes stay hidden until voting closes.")
    ranked = ranked_fixes(session, workshop)
    cast = votes_cast(session, workshop)
    total = participant_count(session, workshop) * workshop.vote_budget
    closed = workshop.phase == Phase.closed
    offer = closed and is_facilitator(session, workshop.team_id, pk(workshop), user_id)
    pages = build_results(
        pk(workshop),
        ranked,
        cast,
        total,
        offer_action_items=offer,
        closed=closed,
    )
    page = min(max(page, 0), len(pages) - 1)
    text = (
        results_text(ranked, cast, total, closed)
        if page == 0
        else results_page_text(page, len(pages))
    )
    return text, [*pages[page], *ranking_pager(pk(workshop), page, len(pages))]


def action_list(session: Session, workshop: Workshop, user_id: str, page: int = 0) -> list[Block]:
    """`/workshop actions`: one page of the action items; facilitators may create more once
    voting has closed."""
    can_create = workshop.phase == Phase.closed and is_facilitator(
        session,
        workshop.team_id,
        pk(workshop),
        user_id,
    )
    return build_action_list(
        pk(workshop),
        workshop.title,
        action_items(session, workshop),
        can_create=can_create,
        page=page,
    )


def fix_summary(session: Session, fix: Fix) -> FixSummary:
    workshop = get_workshop(session, fix.team_id, fix.workshop_id)
    (summary,) = list_fixes(session, workshop, fix_ids=[pk(fix)], include_inactive=True)
    return summary


def vote_view(
    session: Session, workshop: Workshop, user_id: str, page: int = 0, notice: str | None = None
) -> View:
    ballot = ballot_view(session, workshop, user_id, voting_gaps(session, workshop))
    return build_vote_modal(ballot, page, notice)


def update_vote_view(
    client: WebClient,
    db: Database,
    team_id: str,
    user_id: str,
    workshop_id: int,
    page: int,
    view: dict,
    notice: str | None = None,
) -> None:
    """Re-render the voter's view in place. The hash from the payload guards against replacing
    a newer render; if another click got there first, the view is rendered afresh (it then shows
    the latest state) and replaces it."""

    def render() -> View:
        with db.read_session() as session:
            workshop = get_workshop(session, team_id, workshop_id)
            return vote_view(session, workshop, user_id, page, notice)

    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=render())
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise
        client.views_update(view_id=view["id"], view=render())


def refresh_fix_list(
    client: WebClient,
    db: Database,
    team_id: str,
    workshop_id: int,
    user_id: str,
    response_url: str | None,
    page: int = 0,
) -> None:
    """Replace the `/workshop fixes` message the change was made from, if there was one, with
    the page it showed."""
    if not response_url:
        return
    with db.read_session() as session:
        blocks = fix_list(session, get_workshop(session, team_id, workshop_id), user_id, page)
    response = WebhookClient(response_url).send(
        text="Fixes", blocks=blocks, replace_original=True, response_type="ephemeral"
    )
    if response.status_code != 200:
        logger.info("fix list not refreshed (%s): %s", response.status_code, response.body)


# board refreshes -----------------------------------------------------------------------------

# opening and closing the vote ----------------------------------------------------------------


def announce_voting(client: WebClient, db: Database, change: PhaseChangeResult) -> None:
    if change.to_phase != Phase.voting:
        return
    workshop = change.workshop
    with db.session() as session:
        count = fix_count(session, workshop)
    text, blocks = voting_open_post(
        pk(workshop),
        count,
        workshop.vote_budget,
        workshop.max_votes_per_fix,
    )
    post_in_thread(client, workshop, text, blocks=blocks)


def post_results(client: WebClient, db: Database, team_id: str, workshop_id: int) -> None:
    """The ranked fixes in the board's thread (as many messages as they need: none is left
    out), then their chart. The text stands on its own: a
    chart that cannot be drawn or uploaded is logged and skipped."""
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        ranked = ranked_fixes(session, workshop)
        cast = votes_cast(session, workshop)
        total = participant_count(session, workshop) * workshop.vote_budget
    pages = build_results(workshop_id, ranked, cast, total)
    for number, blocks in enumerate(pages):
        text = (
            results_text(ranked, cast, total)
            if number == 0
            else results_page_text(number, len(pages))
        )
        post_in_thread(client, workshop, text, blocks=blocks)
    try:
        chart = votes_chart(ranked, workshop.title)
    except Exception:
        logger.exception("vote chart of workshop %s not drawn (team %s)", workshop_id, team_id)
        return
    if chart is None:
        return
    upload_in_thread(
        client,
        workshop,
        chart,
        f"workshop-{workshop_id}-votes.png",
        "Votes per fix",
        votes_alt_text(ranked),
        initial_comment="Votes per fix, most first (the three top ranks marked “top 3”).",
    )


# action items --------------------------------------------------------------------------------


def send_owner_dms(
    client: WebClient, db: Database, workshop: Workshop, saved: list[SavedActionItem]
) -> list[str]:
    """DM each new owner their item with status buttons, and tell a previous owner it moved.
    Returns the owners who could not be reached (the items are saved either way)."""
    unreachable = []
    for entry in saved:
        item = entry.item
        if entry.previous_dm is not None:
            channel, ts = entry.previous_dm
            try:
                client.chat_update(
                    channel=channel,
                    ts=ts,
                    text=md("{} was reassigned to {}.", item.title, mention(item.owner_id)),
                    blocks=build_reassigned_dm(item.title, item.owner_id),
                )
            except SlackApiError as error:
                logger.info("previous owner's DM not updated: %s", error.response.get("error"))
        if not entry.owner_needs_dm:
            continue
        try:
            response = client.chat_postMessage(
                channel=item.owner_id,
                text=owner_dm_text(item, workshop.title),
                blocks=build_owner_dm(item, workshop.title, workshop.channel_id, item.assigned_by),
            )
        except SlackApiError as error:
            logger.warning(
                "action item %s: owner %s not DMed (team %s): %s",
                item.id,
                item.owner_id,
                workshop.team_id,
                error.response.get("error"),
            )
            unreachable.append(item.owner_id)
            continue
        with db.session() as session:
            record_dm(session, workshop.team_id, item.id, response["channel"], response["ts"])
    return unreachable


def announce_action_items(
    client: WebClient, workshop: Workshop, saved: list[SavedActionItem]
) -> None:
    changed = [entry.item for entry in saved if entry.owner_needs_dm]
    if not changed:
        return
    text, blocks = action_items_post(changed)
    post_in_thread(client, workshop, text, blocks=blocks)
