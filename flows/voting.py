"""Dot voting: each participant spends a budget of votes on fixes, at most a maximum per fix.

Integrity (see storage/models/fixes.py for the constraints that back it):
- A vote change is one short transaction. Its first statement locks the workshop (shared: a phase
  change waits for it), the fix (shared: a merge or removal waits for it) and the voter's
  participant row (exclusive: one change per voter at a time, on every replica). SQLite runs the
  whole transaction under BEGIN IMMEDIATE instead.
- Inside it the budget and the per-fix maximum are re-checked, and the dot takes the lowest free
  budget slot and fix slot; the schema's CHECK and UNIQUE constraints refuse any overshoot.
- Requests are compare-and-set: a button carries the count the voter saw and the count they
  want ("12|0|1": fix 12, from 0 to 1). A request applies only if the count is still what was
  shown; if it already is what was wanted, the request is a repeat (double click, retried
  delivery) and changes nothing; anything else is a stale view and changes nothing. (A copy
  arriving after the voter has since undone that very change would redo it; copies of a click
  arrive within moments, and Slack does not redeliver interactive payloads.)

Anonymity: voters are recorded only on their own ballot. Nothing here returns who voted for
what, except a voter's own votes to that voter.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import inf
from types import MappingProxyType
from typing import NoReturn

from sqlalchemy import and_, delete
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from flows.board import Figure, register_figures
from flows.errors import Conflict, NotAllowed, NotFound
from flows.fixes import MAX_SUGGESTIONS, FixSummary, fix_count, get_fix, list_fixes
from flows.gaps.aggregation import touchpoint_gaps
from flows.reads import read_once
from flows.scope import count_of, in_workshop, of_workshop
from flows.workshops import get_workshop, participant_count
from storage.models import (
    Ballot,
    Fix,
    FixStatus,
    Participant,
    Phase,
    Vote,
    Workshop,
    pk,
)

NOT_A_PARTICIPANT = (
    "Only participants can vote. Press *Join* on the workshop's board first, then vote."
)


@dataclass(frozen=True)
class VoteResult:
    fix_id: int
    count: int  # the voter's votes on this fix now
    spent: int  # the voter's votes in the workshop now
    budget: int
    changed: bool  # False when the request repeated one already applied


@dataclass(frozen=True)
class BallotEntry:
    fix: FixSummary
    gap: float | None
    mine: int  # the viewer's own votes on this fix
    tally: int | None  # everyone's votes, or None while tallies are hidden


@dataclass(frozen=True)
class BallotView:
    """What one voter sees: the fixes, their own votes, and what they have left."""

    workshop_id: int
    title: str
    phase: Phase
    budget: int
    max_per_fix: int
    spent: int
    tallies_visible: bool
    entries: list[BallotEntry]

    @property
    def remaining(self) -> int:
        return max(self.budget - self.spent, 0)

    @property
    def open(self) -> bool:
        return self.phase == Phase.voting


@dataclass(frozen=True)
class RankedFix:
    rank: int  # standard competition ranking: 1, 1, 3
    fix: FixSummary
    votes: int
    gap: float | None


# limits and tallies --------------------------------------------------------------------------


def tallies_visible(workshop: Workshop) -> bool:
    """Running tallies stay hidden until voting closes, unless the facilitator turned them on."""
    return workshop.live_tallies or workshop.phase == Phase.closed


def vote_totals(session: Session, workshop: Workshop) -> dict[int, int]:
    """Fix id → votes on it (fixes without votes absent)."""
    rows = session.exec(
        select(Vote.fix_id, func.count())
        .where(*of_workshop(Vote, workshop))
        .group_by(col(Vote.fix_id))
    ).all()
    return dict(rows)


@read_once
def votes_cast(session: Session, workshop: Workshop) -> int:
    return count_of(session, Vote, workshop)


def own_votes(session: Session, workshop: Workshop, voter_id: str) -> dict[int, int]:
    """Fix id → the voter's own votes on it."""
    rows = session.exec(
        select(Vote.fix_id, func.count())
        .join(Ballot, col(Ballot.id) == col(Vote.ballot_id))
        .where(
            *of_workshop(Ballot, workshop),
            Ballot.voter_id == voter_id,
        )
        .group_by(col(Vote.fix_id))
    ).all()
    return dict(rows)


def is_participant(session: Session, workshop: Workshop, user_id: str) -> bool:
    return _participant_id(session, workshop, user_id) is not None


# gaps while voting ---------------------------------------------------------------------------

# Ratings are taken only in the rating phase, and every phase change stamps the workshop's
# updated_at: while a workshop stays in the voting (or closed) phase its gaps cannot change, so
# they are worked out once per (workshop, phase, updated_at) rather than on every click's redraw.
_FROZEN_PHASES = (Phase.voting, Phase.closed)
_GAPS_KEPT = 256
_gaps_lock = threading.Lock()
_frozen_gaps: OrderedDict[tuple, Mapping[int, float]] = OrderedDict()


def voting_gaps(session: Session, workshop: Workshop) -> Mapping[int, float]:
    """touchpoint_gaps, computed once while the workshop's ratings cannot change."""
    if workshop.phase not in _FROZEN_PHASES:
        return touchpoint_gaps(session, workshop)
    key = (workshop.team_id, workshop.id, workshop.phase, workshop.updated_at)
    with _gaps_lock:
        if key in _frozen_gaps:
            _frozen_gaps.move_to_end(key)
            return _frozen_gaps[key]
    gaps = MappingProxyType(touchpoint_gaps(session, workshop))  # shared: read-only
    with _gaps_lock:
        _frozen_gaps[key] = gaps
        while len(_frozen_gaps) > _GAPS_KEPT:
            _frozen_gaps.popitem(last=False)
    return gaps


# the voter's view ----------------------------------------------------------------------------


def ballot_view(
    session: Session, workshop: Workshop, voter_id: str, gaps: Mapping[int, float]
) -> BallotView:
    fixes = list_fixes(session, workshop)
    mine = own_votes(session, workshop, voter_id)
    visible = tallies_visible(workshop)
    totals = vote_totals(session, workshop) if visible else {}
    return BallotView(
        workshop_id=pk(workshop),
        title=workshop.title,
        phase=Phase(workshop.phase),
        budget=workshop.vote_budget,
        max_per_fix=workshop.max_votes_per_fix,
        spent=sum(mine.values()),
        tallies_visible=visible,
        entries=[
            BallotEntry(
                fix=fix,
                gap=gaps.get(fix.touchpoint_id),
                mine=mine.get(fix.id, 0),
                tally=totals.get(fix.id, 0) if visible else None,
            )
            for fix in fixes
        ],
    )


# casting -------------------------------------------------------------------------------------


def change_vote(
    session: Session,
    team_id: str,
    workshop_id: int,
    voter_id: str,
    fix_id: int,
    shown: int,
    wanted: int,
) -> VoteResult:
    """Move the voter's votes on a fix from `shown` to `wanted` (one more or one fewer)."""
    if abs(wanted - shown) != 1 or min(shown, wanted) < 0:
        raise Conflict("That button is out of date; here are your votes as they stand.")
    target = _lock_vote_target(session, team_id, workshop_id, voter_id, fix_id)
    if target is None:
        _refuse_vote(session, team_id, workshop_id, voter_id, fix_id)
    phase, fix_status, fix_title, ballot_id, vote_budget, max_per_fix = target
    _require_votable(phase, fix_status, fix_title)
    ballot = (
        _BallotLimits(ballot_id, vote_budget, max_per_fix)
        if ballot_id is not None and vote_budget is not None and max_per_fix is not None
        else _new_ballot(session, team_id, workshop_id, voter_id)
    )
    slots = session.exec(
        select(Vote.budget_slot, Vote.fix_id, Vote.fix_slot).where(
            Vote.team_id == team_id, Vote.ballot_id == ballot.id
        )
    ).all()
    on_fix = sorted(fix_slot for _, vote_fix, fix_slot in slots if vote_fix == fix_id)
    current = len(on_fix)
    if current == wanted:
        return VoteResult(fix_id, current, len(slots), ballot.vote_budget, changed=False)
    if current != shown:
        raise Conflict("Your votes on this fix changed in the meantime; nothing was changed.")
    if wanted > current:
        _add_dot(session, team_id, workshop_id, ballot, fix_id, slots, on_fix)
        spent = len(slots) + 1
    else:
        session.execute(
            delete(Vote).where(
                col(Vote.team_id) == team_id,
                col(Vote.ballot_id) == ballot.id,
                col(Vote.fix_id) == fix_id,
                col(Vote.fix_slot) == on_fix[-1],
            )
        )
        spent = len(slots) - 1
    return VoteResult(fix_id, wanted, spent, ballot.vote_budget, changed=True)


@dataclass(frozen=True)
class _BallotLimits:
    id: int
    vote_budget: int
    max_votes_per_fix: int


# One statement checks and locks everything a vote depends on, in the order the module docstring
# gives: SQLAlchemy's with_for_update takes one lock mode per statement, PostgreSQL takes a
# clause per table. (SQLite has no row locks; the transaction holds the write lock instead.)
_VOTE_LOCKS = "FOR SHARE OF workshop, fix FOR UPDATE OF participant"


def _lock_vote_target(
    session: Session, team_id: str, workshop_id: int, voter_id: str, fix_id: int
) -> tuple[str, str, str, int | None, int | None, int | None] | None:
    """(phase, fix status, fix title, ballot id and limits or Nones) with the workshop and fix
    share-locked and the voter's participant row locked; None if the workshop, the fix in it
    or the voter's participation is missing."""
    row = session.execute(
        sa_select(
            col(Workshop.phase),
            col(Fix.status),
            col(Fix.title),
            col(Ballot.id),
            col(Ballot.vote_budget),
            col(Ballot.max_votes_per_fix),
        )
        .select_from(Workshop)
        .join(
            Fix,
            and_(
                col(Fix.id) == fix_id,
                col(Fix.team_id) == team_id,
                col(Fix.workshop_id) == Workshop.id,
            ),
        )
        .join(
            Participant,
            and_(
                col(Participant.team_id) == team_id,
                col(Participant.workshop_id) == Workshop.id,
                col(Participant.user_id) == voter_id,
            ),
        )
        .outerjoin(
            Ballot,
            and_(
                col(Ballot.team_id) == team_id,
                col(Ballot.workshop_id) == Workshop.id,
                col(Ballot.voter_id) == voter_id,
            ),
        )
        .where(col(Workshop.id) == workshop_id, col(Workshop.team_id) == team_id)
        .suffix_with(_VOTE_LOCKS, dialect="postgresql")
    ).first()
    return tuple(row) if row is not None else None


def _refuse_vote(
    session: Session, team_id: str, workshop_id: int, voter_id: str, fix_id: int
) -> NoReturn:
    """Say which of the vote's preconditions is missing."""
    workshop = get_workshop(session, team_id, workshop_id)
    fix = get_fix(session, team_id, fix_id)
    if fix.workshop_id != workshop.id:
        raise NotFound("That fix is not part of this workshop.")
    _require_votable(workshop.phase, fix.status, fix.title)
    raise NotAllowed(NOT_A_PARTICIPANT)


def _require_votable(phase: str, fix_status: str, fix_title: str) -> None:
    if phase != Phase.voting:
        state = "has closed" if phase == Phase.closed else "is not open"
        raise Conflict(f"Voting {state}, so nothing was changed.")
    if fix_status == FixStatus.removed:
        raise NotFound(f"The fix “{fix_title}” has been removed, so nothing was changed.")
    if fix_status == FixStatus.merged:
        raise Conflict(
            f"The fix “{fix_title}” has been merged into another one; nothing was changed. "
            "Its votes moved with it."
        )


def _add_dot(
    session: Session,
    team_id: str,
    workshop_id: int,
    ballot: _BallotLimits,
    fix_id: int,
    slots: Sequence[tuple[int, int, int]],
    on_fix: list[int],
) -> None:
    if len(on_fix) >= ballot.max_votes_per_fix:
        most = ballot.max_votes_per_fix
        raise NotAllowed(
            f"You can give one fix at most {most} vote{'s' * (most != 1)}; "
            "spend the rest on other fixes."
        )
    used_budget = {budget_slot for budget_slot, _, _ in slots}
    if len(used_budget) >= ballot.vote_budget:
        raise NotAllowed(
            f"You've used all {ballot.vote_budget} of your votes. "
            "Take one back from another fix to vote for this one."
        )
    session.add(
        Vote(
            team_id=team_id,
            workshop_id=workshop_id,
            ballot_id=ballot.id,
            fix_id=fix_id,
            vote_budget=ballot.vote_budget,
            max_votes_per_fix=ballot.max_votes_per_fix,
            budget_slot=min(set(range(ballot.vote_budget)) - used_budget),
            fix_slot=min(set(range(ballot.max_votes_per_fix)) - set(on_fix)),
        )
    )
    try:
        session.flush()
    except IntegrityError as error:
        # The locks above make this unreachable; the constraints are the last line of defence.
        # The transaction is spoilt, and the caller's session rolls it back.
        raise Conflict("Your vote collided with another change; nothing was changed.") from error


def _participant_id(session: Session, workshop: Workshop, user_id: str) -> int | None:
    return session.exec(
        select(Participant.id).where(
            *of_workshop(Participant, workshop),
            Participant.user_id == user_id,
        )
    ).first()


def _new_ballot(session: Session, team_id: str, workshop_id: int, voter_id: str) -> _BallotLimits:
    """The voter's ballot when the locking read found none: their first vote, with the
    workshop's limits at that moment.

    The locking read saw the database as it was before it waited for the participant lock, so
    a first vote that just committed is looked for again here, now that the lock is held (the
    unique constraint on (workshop, voter) is the last line of defence)."""
    ballot = session.exec(
        select(Ballot).where(
            *in_workshop(Ballot, team_id, workshop_id),
            Ballot.voter_id == voter_id,
        )
    ).first()
    if ballot is None:
        workshop = get_workshop(session, team_id, workshop_id)
        ballot = Ballot(
            team_id=team_id,
            workshop_id=workshop_id,
            voter_id=voter_id,
            vote_budget=workshop.vote_budget,
            max_votes_per_fix=workshop.max_votes_per_fix,
        )
        session.add(ballot)
        session.flush()
    return _BallotLimits(pk(ballot), ballot.vote_budget, ballot.max_votes_per_fix)


# results -------------------------------------------------------------------------------------


def rank_fixes(
    fixes: Sequence[FixSummary], votes: Mapping[int, int], gaps: Mapping[int, float]
) -> list[RankedFix]:
    """Order fixes by votes, most first, with standard competition ranking (1, 1, 3).

    Within a tie: the fix whose touchpoint has the widest shortfall (most negative gap) first,
    fixes on unrated touchpoints after those with a gap, then the older fix first.
    """

    def order(fix: FixSummary) -> tuple[int, float, float, int]:
        gap = gaps.get(fix.touchpoint_id)
        return (
            -votes.get(fix.id, 0),
            inf if gap is None else gap,
            fix.created_at.timestamp(),
            fix.id,
        )

    ranked: list[RankedFix] = []
    for position, fix in enumerate(sorted(fixes, key=order), start=1):
        count = votes.get(fix.id, 0)
        rank = ranked[-1].rank if ranked and ranked[-1].votes == count else position
        ranked.append(RankedFix(rank, fix, count, gaps.get(fix.touchpoint_id)))
    return ranked


TIE_RULE = (
    "Ties share a rank; within a tie, the fix for the touchpoint with the widest gap comes "
    "first, then the older fix."
)


def ranked_fixes(
    session: Session, workshop: Workshop, gaps: Mapping[int, float] | None = None
) -> list[RankedFix]:
    """The workshop's active fixes ranked by votes (for results, digests and exports)."""
    if gaps is None:
        gaps = touchpoint_gaps(session, workshop)
    return rank_fixes(list_fixes(session, workshop), vote_totals(session, workshop), gaps)


def ranked_matching(
    session: Session, workshop: Workshop, query: str = "", limit: int = MAX_SUGGESTIONS
) -> list[RankedFix]:
    """The ranked fixes whose title or touchpoint contains `query` (ignoring case), best ranked
    first: the first `limit` of them, ranks as in the whole ranking."""
    ranked = ranked_fixes(session, workshop)
    if query.strip():
        matching = {f.id for f in list_fixes(session, workshop, matching=query)}
        ranked = [r for r in ranked if r.fix.id in matching]
    return ranked[:limit]


# the board -----------------------------------------------------------------------------------


@register_figures
def voting_figures(session: Session, workshop: Workshop) -> list[Figure]:
    """Fixes proposed, and votes cast out of the team's total budget (counts only, never who)."""
    phase = Phase(workshop.phase)
    if phase not in (Phase.fixes, Phase.voting, Phase.closed):
        return []
    figures = [Figure("Fixes", str(fix_count(session, workshop)))]
    if phase in (Phase.voting, Phase.closed):
        total = participant_count(session, workshop) * workshop.vote_budget
        figures.append(Figure("Votes cast", f"{votes_cast(session, workshop)} of {total}"))
    return figures
