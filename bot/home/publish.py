"""Publishing the Home tab, and refreshing it for the people a change concerns.

Below the user's workshops come the sections the features add: each feature names its
`(order, provider)` pairs in its `Feature(home_sections=...)` (bot/features.py), where
`provider(session, team_id, user_id)` returns a HomeSection (it may use the feature's own action
ids for its buttons), or None to leave it out for that user.

A section's item may name a workshop's board (`HomeItem.board`): its "Open board" link button is
looked up here, with the client (chat.getPermalink, cached in the process).

After a change that concerns someone's Home, call `refresh_homes(client, db, team_id, user_ids)`:
it republishes only for those who have opened Home (views.publish is Tier 4, 100+/min), and
coalesces: while one person's Home is being published, further refreshes of it fold into one
more run that reads the database afresh (bot/slack/after_ack.Coalescer).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.digests.blocks.schedules import pause_or_resume_button, schedule_text
from bot.features import HomeSectionProvider
from bot.features import home_sections as feature_home_sections
from bot.home.blocks import BoardLink, HomeItem, HomeSection, build_home_view, listing_section
from bot.slack.after_ack import Coalescer
from bot.slack.permalinks import message_permalink
from flows.follows import follower_ids
from flows.home import (
    home_page_of,
    home_viewers,
    remember_home_page,
    workshop_member_ids,
    workshop_page,
)
from flows.schedules import ScheduleView, owned_schedules
from storage.db import Database

logger = logging.getLogger(__name__)


def _named_sections() -> list[tuple[int, str, HomeSectionProvider]]:
    """The features' Home sections, lowest order first (then by name)."""
    return sorted(
        (order, f"{provider.__module__}.{provider.__qualname__}", provider)
        for order, provider in feature_home_sections()
    )


def home_sections(session: Session, team_id: str, user_id: str) -> list[HomeSection]:
    sections = []
    for _, name, provider in _named_sections():
        try:
            with session.begin_nested():
                section = provider(session, team_id, user_id)
        except Exception:
            logger.exception("home section %s failed for user %s (team %s)", name, user_id, team_id)
            continue
        if section is not None:
            sections.append(section)
    return sections


def schedules_section(session: Session, team_id: str, user_id: str) -> HomeSection | None:
    schedules = owned_schedules(session, team_id, user_id)
    return listing_section(
        "digest_schedules",
        "Digests you set up",
        schedules,
        _schedule_item,
        total=len(schedules),
        footer="`/workshop digest list #N` in a channel to send one now or delete one.",
    )


def _schedule_item(schedule: ScheduleView) -> HomeItem:
    return HomeItem(
        schedule_text(schedule, with_workshop=True), (pause_or_resume_button(schedule),)
    )


# Publishing -----------------------------------------------------------------------------------


def publish_home(
    client: WebClient, db: Database, team_id: str, user_id: str, page: int | None = None
) -> None:
    """Publish the user's Home at `page` (default: the page they were last on)."""
    with db.session() as session:
        wanted = home_page_of(session, team_id, user_id) if page is None else page
        workshops = workshop_page(session, team_id, user_id, wanted)
        remember_home_page(session, team_id, user_id, workshops.page)
        sections = home_sections(session, team_id, user_id)
    boards = [
        BoardLink(card.summary.workshop_id, card.summary.channel_id, card.board_ts)
        for card in workshops.cards
        if card.board_ts
    ]
    boards += [item.board for section in sections for item in section.items if item.board]
    board_urls = {
        board.workshop_id: url
        for board in boards
        if (url := message_permalink(client, board.channel_id, board.ts))
    }
    client.views_publish(user_id=user_id, view=build_home_view(workshops, board_urls, sections))


# Refreshes of one person's Home, coalesced, drained on the caller's thread.
_HOMES = Coalescer()


def refresh_homes(client: WebClient, db: Database, team_id: str, user_ids: Iterable[str]) -> None:
    """Republish Home for those of `user_ids` who have opened it; one failure stops no one else.
    A Home being published right now by another thread is published once more when that ends
    (at once, reading the database afresh) instead of twice side by side."""
    with db.session() as session:
        viewers = home_viewers(session, team_id, sorted(set(user_ids)))
    for user_id in viewers:
        key = (team_id, user_id)
        if _HOMES.offer(key, partial(_publish_logged, client, db, team_id, user_id)):
            _HOMES.drain(key)


def _publish_logged(client: WebClient, db: Database, team_id: str, user_id: str) -> None:
    try:
        publish_home(client, db, team_id, user_id)
    except SlackApiError as error:
        logger.warning("home of %s not refreshed: %s", user_id, error.response.get("error"))


def refresh_workshop_homes(client: WebClient, db: Database, team_id: str, workshop_id: int) -> None:
    """After a change every member and follower sees on their Home (a phase change, a round's
    results)."""
    with db.session() as session:
        members = workshop_member_ids(session, team_id, workshop_id)
        followers = follower_ids(session, team_id, workshop_id)
    refresh_homes(client, db, team_id, [*members, *followers])
