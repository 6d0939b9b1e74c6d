"""Publishing the Home tab, refreshing it for the people a change concerns, and the registry of
sections features add to it.

A feature adds a section with one function (it may use its own action ids for its buttons):

    @register_home_section(order=20)
    def my_action_items(session, team_id, user_id):
        items = open_action_items(session, team_id, owner=user_id)  # a flows function
        if not items:
            return None
        return HomeSection(
            key="action_items",
            title="Your open action items",
            items=tuple(
                HomeItem(md("*{}* · due {}", i.title, calendar_day(i.due)),
                         (ButtonElement(text="Done", action_id=ids.ACTION_ITEM_DONE,
                                        value=str(i.id)),))
                for i in items[:5]
            ),
            total=len(items),
        )

After a change that concerns someone's Home, call `refresh_homes(client, db, team_id, user_ids)`:
it republishes only for those who have opened Home (views.publish is Tier 4, 100+/min).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.digests.blocks.schedules import pause_or_resume_button, schedule_text
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

HomeSectionProvider = Callable[[Session, str, str], HomeSection | None]
_sections: dict[str, tuple[int, HomeSectionProvider]] = {}


def register_home_section(order: int) -> Callable[[HomeSectionProvider], HomeSectionProvider]:
    """Decorator: `provider(session, team_id, user_id)` adds a section below the workshops,
    in `order` (lowest first); None leaves it out for that user."""

    def register(provider: HomeSectionProvider) -> HomeSectionProvider:
        _sections[f"{provider.__module__}.{provider.__qualname__}"] = (order, provider)
        return provider

    return register


def unregister_home_section(provider: HomeSectionProvider) -> None:
    _sections.pop(f"{provider.__module__}.{provider.__qualname__}", None)


def home_sections(session: Session, team_id: str, user_id: str) -> list[HomeSection]:
    sections = []
    for name, (_, provider) in sorted(_sections.items(), key=lambda item: (item[1][0], item[0])):
        try:
            with session.begin_nested():
                section = provider(session, team_id, user_id)
        except Exception:
            logger.exception("home section %s failed for user %s (team %s)", name, user_id, team_id)
            continue
        if section is not None:
            sections.append(section)
    return sections


@register_home_section(order=80)
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
