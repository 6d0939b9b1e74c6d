"""Publishing the Home tab, and refreshing it for the people a change concerns.

Below the user's workshops come the sections the features add: each feature names its
`(order, provider)` pairs in its `Feature(home_sections=...)` (bot/features.py), where
`provider(session, team_id, user_id)` returns a HomeSection (it may use the feature's own action
ids for its buttons), or None to leave it out for that user.

After a change that concerns someone's Home, call `refresh_homes(client, db, team_id, user_ids)`:
it republishes only for those who have opened Home (views.publish is Tier 4, 100+/min).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.digests.blocks.schedules import pause_or_resume_button, schedule_text
from bot.features import HomeSectionProvider
from bot.features import home_sections as feature_home_sections
from bot.home.blocks import HomeItem, HomeSection, build_home_view
from bot.slack.permalinks import message_permalink
from flows.home import (
    home_page_of,
    home_viewers,
    remember_home_page,
    workshop_member_ids,
    workshop_page,
)
from flows.schedules import owned_schedules
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
    if not schedules:
        return None
    return HomeSection(
        key="digest_schedules",
        title="Digests you set up",
        items=tuple(
            HomeItem(schedule_text(s, with_workshop=True), (pause_or_resume_button(s),))
            for s in schedules
        ),
        total=len(schedules),
        footer="`/workshop digest list #N` in a channel to send one now or delete one.",
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
    board_urls = {
        card.summary.workshop_id: url
        for card in workshops.cards
        if card.board_ts
        and (url := message_permalink(client, card.summary.channel_id, card.board_ts))
    }
    client.views_publish(user_id=user_id, view=build_home_view(workshops, board_urls, sections))


def refresh_homes(client: WebClient, db: Database, team_id: str, user_ids: Iterable[str]) -> None:
    """Republish Home for those of `user_ids` who have opened it; one failure stops no one else."""
    with db.session() as session:
        viewers = home_viewers(session, team_id, sorted(set(user_ids)))
    for user_id in viewers:
        try:
            publish_home(client, db, team_id, user_id)
        except SlackApiError as error:
            logger.warning("home of %s not refreshed: %s", user_id, error.response.get("error"))


def refresh_workshop_homes(client: WebClient, db: Database, team_id: str, workshop_id: int) -> None:
    """After a change every member sees on their Home (a phase change)."""
    with db.session() as session:
        members = workshop_member_ids(session, team_id, workshop_id)
    refresh_homes(client, db, team_id, members)
