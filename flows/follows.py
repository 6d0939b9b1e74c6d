"""Following workshops: any member of a workspace may follow its workshops, and their Home tab
shows each followed workshop's trend.

What a followed workshop shows (`FollowedWorkshop`):

- **Journey gap trend**: the journey's mean gap (experience − expectation, pooled: Σ gaps / Σ
  ratings) in every round whose results have been shown (`flows.loop.shown_round`; rounds nobody
  rated are skipped), like for like: over the touchpoints rated in *every* one of those rounds
  only, as the results compare two rounds over the touchpoints rated in both
  (flows/gaps/rounds.compare_rounds), and over round 1's line of rounds only: everyone's rounds,
  or round 1's persona's when the facilitator gave round 1 to a persona (flows.gaps.like_for_like;
  rounds given to another persona are left out, as in flows/loop.py). The gap is **narrowing**
  when the latest round's gap is higher than the first's by at least 0.1 as displayed
  (`flows.loop.narrowed`), **widening** when it is lower by at least 0.1, else **holding
  steady**.
- **Loop closure**: the loop-closure figure (flows/loop.py) over the same shown rounds.
- **Action items**: how many are not done, and how many of those are overdue (flows/actions.py).
- **What is next**: the pending deadline of the current phase, and the next scheduled rating
  round if a round schedule is active and the workshop can open one (it is rating, collecting
  fixes or voting: a closed workshop opens no scheduled round).

Follows are one row per (team, workshop, user) in the database: following twice, a double click
or two replicas store one row; a workshop of another workspace cannot be followed (it is not
found, as every id of another workspace).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import case, delete, func
from sqlmodel import Session, col, select

from flows.actions import today_utc
from flows.gaps.aggregation import current_round, rounds_touchpoint_sums
from flows.gaps.like_for_like import round_personas, same_line
from flows.gaps.rounds import PHASES_AFTER_RATING
from flows.gaps.statistics import pooled
from flows.inserts import added
from flows.loop import LoopClosure, loop_closure, narrowed, shown_round, touchpoint_trends
from flows.rounds import as_utc, current_deadline, next_opening, workshop_round_schedule
from flows.scope import in_workshop, of_workshop
from flows.workshops import CLOSED_LAST, get_workshop
from storage.models import (
    ActionItem,
    ActionStatus,
    Phase,
    RoundScheduleStatus,
    Workshop,
    WorkshopFollow,
    pk,
    utcnow,
)

FOLLOWED_SHOWN = 5  # on the Home tab; the rest are counted


# Following ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowChange:
    workshop: Workshop
    changed: bool  # False: it was followed (or not followed) already


def follow_workshop(session: Session, team_id: str, workshop_id: int, user_id: str) -> FollowChange:
    """Follow the workshop; following it again changes nothing (one row, however many clicks)."""
    workshop = get_workshop(session, team_id, workshop_id)
    # False: followed already (perhaps a moment ago, by the same double click)
    followed = WorkshopFollow(team_id=team_id, workshop_id=workshop_id, user_id=user_id)
    return FollowChange(workshop, added(session, followed))


def unfollow_workshop(
    session: Session, team_id: str, workshop_id: int, user_id: str
) -> FollowChange:
    workshop = get_workshop(session, team_id, workshop_id)
    gone = session.exec(
        delete(WorkshopFollow).where(
            *in_workshop(WorkshopFollow, team_id, workshop_id),
            col(WorkshopFollow.user_id) == user_id,
        )
    ).rowcount
    return FollowChange(workshop, gone > 0)


def followed_among(
    session: Session, team_id: str, user_id: str, workshop_ids: list[int]
) -> set[int]:
    """Which of `workshop_ids` the user follows."""
    if not workshop_ids:
        return set()
    return set(
        session.exec(
            select(WorkshopFollow.workshop_id).where(
                WorkshopFollow.team_id == team_id,
                WorkshopFollow.user_id == user_id,
                col(WorkshopFollow.workshop_id).in_(workshop_ids),
            )
        )
    )


def follower_ids(session: Session, team_id: str, workshop_id: int) -> list[str]:
    return list(
        session.exec(
            select(WorkshopFollow.user_id)
            .where(*in_workshop(WorkshopFollow, team_id, workshop_id))
            .order_by(col(WorkshopFollow.user_id))
        )
    )


# The journey gap trend ----------------------------------------------------------------------


@dataclass(frozen=True)
class JourneyTrend:
    rounds: tuple[int, ...]  # the shown rounds with ratings, oldest first
    # The pooled mean gap in each, over the `compared` touchpoints (none when none is compared).
    gaps: tuple[float, ...]
    compared: int  # touchpoints rated in every one of `rounds`
    rated: int  # touchpoints rated in any of them

    @property
    def change(self) -> float | None:
        """Latest − first: positive means the gap narrowed; None with fewer than two rounds."""
        return self.gaps[-1] - self.gaps[0] if len(self.gaps) >= 2 else None

    @property
    def direction(self) -> str | None:
        if len(self.gaps) < 2:
            return None
        if narrowed(self.gaps[0], self.gaps[-1]):
            return "narrowing"
        if narrowed(self.gaps[-1], self.gaps[0]):
            return "widening"
        return "holding steady"


def journey_trend(session: Session, workshop: Workshop, through_round: int) -> JourneyTrend | None:
    """The journey's gap in rounds 1…`through_round` (those rated), like for like; None when no
    such round has a rating."""
    if through_round < 1:
        return None
    # Round 1's line only: like for like by persona (flows.gaps.like_for_like)
    line = same_line(round_personas(session, workshop), range(1, through_round + 1), 1)
    sums = rounds_touchpoint_sums(session, workshop, line)
    rated_in = {
        number: {tp for tp, s in by_touchpoint.items() if s.n}
        for number, by_touchpoint in sums.items()
    }
    rounds = tuple(number for number in sorted(rated_in) if rated_in[number])
    if not rounds:
        return None
    compared = set.intersection(*(rated_in[n] for n in rounds))
    journey = [pooled(sums[n][tp] for tp in compared) for n in rounds] if compared else []
    gaps = tuple(float(Fraction(total.gap, total.n)) for total in journey)
    return JourneyTrend(rounds, gaps, len(compared), len(set.union(*rated_in.values())))


# A followed workshop on the Home tab --------------------------------------------------------


@dataclass(frozen=True)
class ActionItemCounts:
    open: int  # not done
    overdue: int  # not done, due before today (UTC)


def action_item_counts(
    session: Session, workshop: Workshop, today: date | None = None
) -> ActionItemCounts:
    today = today or today_utc()
    total, overdue = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((col(ActionItem.due_date) < today, 1), else_=0)), 0),
        ).where(
            *of_workshop(ActionItem, workshop),
            ActionItem.status != ActionStatus.done,
        )
    ).one()
    return ActionItemCounts(int(total), int(overdue))


@dataclass(frozen=True)
class FollowedWorkshop:
    workshop_id: int
    title: str
    channel_id: str
    phase: Phase
    board_ts: str | None
    current_round: int
    shown_round: int  # the latest round whose results were shown (0: none yet)
    trend: JourneyTrend | None
    closure: LoopClosure | None
    items: ActionItemCounts
    deadline: datetime | None  # when the current phase closes by itself
    next_round: datetime | None  # when the next scheduled rating round opens


def followed_workshop(
    session: Session, workshop: Workshop, now: datetime | None = None
) -> FollowedWorkshop:
    now = now or utcnow()
    shown = shown_round(session, workshop)
    closure = None
    if shown >= 1:
        trends = [replace(t, gaps=t.gaps[:shown]) for t in touchpoint_trends(session, workshop)]
        closure = loop_closure(session, workshop, trends)
    deadline = current_deadline(session, workshop)
    schedule = workshop_round_schedule(session, workshop)
    upcoming = None
    # A closed workshop (or one not yet rating) opens no scheduled round (flows/rounds.py).
    if (
        schedule is not None
        and schedule.status == RoundScheduleStatus.active
        and Phase(workshop.phase) in PHASES_AFTER_RATING
    ):
        upcoming = next_opening(schedule, now)
    return FollowedWorkshop(
        workshop_id=pk(workshop),
        title=workshop.title,
        channel_id=workshop.channel_id,
        phase=Phase(workshop.phase),
        board_ts=workshop.board_ts,
        current_round=current_round(session, workshop),
        shown_round=shown,
        trend=journey_trend(session, workshop, shown),
        closure=closure,
        items=action_item_counts(session, workshop, now.date()),
        deadline=as_utc(deadline.due_at) if deadline is not None else None,
        next_round=upcoming,
    )


@dataclass(frozen=True)
class FollowedPage:
    workshops: list[FollowedWorkshop]
    total: int


def followed_workshops(
    session: Session,
    team_id: str,
    user_id: str,
    limit: int = FOLLOWED_SHOWN,
    now: datetime | None = None,
) -> FollowedPage:
    """The workshops the user follows (open ones first, newest first), at most `limit` of them
    with their figures, and how many they follow in all."""
    scope = (
        WorkshopFollow.team_id == team_id,
        WorkshopFollow.user_id == user_id,
        Workshop.team_id == team_id,
    )
    joined = col(WorkshopFollow.workshop_id) == col(Workshop.id)
    total = session.exec(
        select(func.count()).select_from(WorkshopFollow).join(Workshop, joined).where(*scope)
    ).one()
    rows = session.exec(
        select(Workshop)
        .join(WorkshopFollow, joined)
        .where(*scope)
        .order_by(CLOSED_LAST, col(Workshop.id).desc())
        .limit(limit)
    ).all()
    return FollowedPage([followed_workshop(session, w, now) for w in rows], total)
