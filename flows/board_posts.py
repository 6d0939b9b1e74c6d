"""Posting a workshop's board exactly once, whatever Slack answers and however many replicas run.

A replica claims the board before it posts it (a compare-and-set on the workshop row), so two
replicas never post the same board at once. A post Slack never answered keeps the time it was
sent: the next claim returns it, and the caller looks for that post before posting again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from flows.workshops import get_workshop
from storage.models import Workshop
from storage.models.base import utcnow

# Longer than a post and a history search take with their retries: a claim older than this
# belongs to a replica that died meanwhile, and may be taken over.
BOARD_CLAIM_S = 120


@dataclass(frozen=True)
class BoardClaim:
    channel_id: str
    unanswered_since: datetime | None  # an earlier post whose outcome is unknown


def claim_board_post(
    session: Session, team_id: str, workshop_id: int, now: datetime | None = None
) -> BoardClaim | None:
    """Claim the right to post the workshop's board. None when it is posted already or another
    replica holds a fresh claim."""
    now = now or utcnow()
    workshop = get_workshop(session, team_id, workshop_id)
    if workshop.board_ts is not None:
        return None
    claimed = session.exec(
        update(Workshop)
        .where(
            col(Workshop.id) == workshop_id,
            col(Workshop.team_id) == team_id,
            col(Workshop.board_ts).is_(None),
            or_(
                col(Workshop.board_claimed_at).is_(None),
                col(Workshop.board_claimed_at) < now - timedelta(seconds=BOARD_CLAIM_S),
            ),
        )
        .values(board_claimed_at=now)
        .execution_options(synchronize_session=False)  # compared in SQL, not on loaded rows
    ).rowcount
    if claimed != 1:
        return None
    sent_at = session.exec(
        select(Workshop.board_post_sent_at).where(
            col(Workshop.id) == workshop_id, col(Workshop.team_id) == team_id
        )
    ).one()
    return BoardClaim(workshop.channel_id, _aware(sent_at))


def board_post_sending(session: Session, team_id: str, workshop_id: int, at: datetime) -> None:
    """Recorded (and committed) before the post goes out: if the answer never comes, or this
    process dies meanwhile, the next claim knows to look for it."""
    _set(session, team_id, workshop_id, board_post_sent_at=at)


def board_posted(session: Session, team_id: str, workshop_id: int, board_ts: str) -> None:
    _set(
        session,
        team_id,
        workshop_id,
        board_ts=board_ts,
        board_post_sent_at=None,
        board_claimed_at=None,
    )


def release_board_claim(
    session: Session, team_id: str, workshop_id: int, nothing_posted: bool
) -> None:
    """Let go of the claim. `nothing_posted`: Slack said no to every post so far (or its history
    showed them missing), so there is nothing to look for next time."""
    values: dict[str, object] = {"board_claimed_at": None}
    if nothing_posted:
        values["board_post_sent_at"] = None
    _set(session, team_id, workshop_id, **values)


def _set(session: Session, team_id: str, workshop_id: int, **values: object) -> None:
    session.execute(
        update(Workshop)
        .where(col(Workshop.id) == workshop_id, col(Workshop.team_id) == team_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without their (UTC) time zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
