"""What a user's Home tab shows: their workshops, a page at a time, and who looks at Home at all
(so refreshes after a change go only to people who would see them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.board import BoardSummary, board_summary
from flows.follows import followed_among
from flows.inserts import added
from flows.personal_progress import PersonalProgress, personal_progress
from flows.scope import in_workshop
from flows.workshops import CLOSED_LAST
from storage.models import HomeView, Participant, Role, Workshop, pk, utcnow

HOME_PAGE_SIZE = 6


@dataclass(frozen=True)
class WorkshopCard:
    summary: BoardSummary
    role: Role
    board_ts: str | None
    progress: PersonalProgress | None = None  # the reader's own, in this workshop
    following: bool = False  # the reader follows it (flows/follows.py)


@dataclass(frozen=True)
class WorkshopPage:
    cards: list[WorkshopCard]
    page: int  # 0-based, clamped to the pages there are
    pages: int
    total: int


def workshop_page(
    session: Session, team_id: str, user_id: str, page: int, page_size: int = HOME_PAGE_SIZE
) -> WorkshopPage:
    """The user's workshops (open ones first, newest first), one page of them."""
    scope = (
        Workshop.team_id == team_id,
        Participant.team_id == team_id,
        Participant.user_id == user_id,
    )
    joined = col(Participant.workshop_id) == col(Workshop.id)
    total = session.exec(
        select(func.count()).select_from(Workshop).join(Participant, joined).where(*scope)
    ).one()
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    rows = session.exec(
        select(Workshop, Participant.role)
        .join(Participant, joined)
        .where(*scope)
        .order_by(CLOSED_LAST, col(Workshop.id).desc())
        .offset(page * page_size)
        .limit(page_size)
    ).all()
    followed = followed_among(session, team_id, user_id, [pk(w) for w, _ in rows])
    cards = [
        WorkshopCard(
            board_summary(session, workshop),
            Role(role),
            workshop.board_ts,
            personal_progress(session, workshop, user_id),
            following=pk(workshop) in followed,
        )
        for workshop, role in rows
    ]
    return WorkshopPage(cards, page, pages, total)


def remember_home_page(session: Session, team_id: str, user_id: str, page: int) -> None:
    """Note that the user looks at Home, and on which page (an upsert, safe under races)."""
    view = session.exec(
        select(HomeView).where(HomeView.team_id == team_id, HomeView.user_id == user_id)
    ).first()
    if view is None:
        if added(session, HomeView(team_id=team_id, user_id=user_id, page=page)):
            return
        view = session.exec(  # opened in two places at once
            select(HomeView).where(HomeView.team_id == team_id, HomeView.user_id == user_id)
        ).one()
    view.page, view.opened_at = page, utcnow()
    session.add(view)


def home_page_of(session: Session, team_id: str, user_id: str) -> int:
    page = session.exec(
        select(HomeView.page).where(HomeView.team_id == team_id, HomeView.user_id == user_id)
    ).first()
    return page or 0


def home_viewers(session: Session, team_id: str, user_ids: list[str]) -> list[str]:
    """Those of `user_ids` who have opened the Home tab."""
    if not user_ids:
        return []
    return list(
        session.exec(
            select(HomeView.user_id)
            .where(HomeView.team_id == team_id, col(HomeView.user_id).in_(user_ids))
            .order_by(col(HomeView.user_id))
        )
    )


def workshop_member_ids(session: Session, team_id: str, workshop_id: int) -> list[str]:
    return list(
        session.exec(
            select(Participant.user_id).where(*in_workshop(Participant, team_id, workshop_id))
        )
    )
