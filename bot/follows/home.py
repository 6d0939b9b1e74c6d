"""The Home tab's "Workshops you follow" section (listed in bot/follows/feature.py)."""

from __future__ import annotations

from sqlmodel import Session

from bot.follows.blocks import followed_section
from bot.home.blocks import HomeSection
from flows.follows import followed_workshops


def followed_home_section(session: Session, team_id: str, user_id: str) -> HomeSection | None:
    return followed_section(followed_workshops(session, team_id, user_id))
