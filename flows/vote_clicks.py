"""The vote click journal: a click is durable before it is acknowledged, whatever locks are held.

A vote changes the voter's ballot under locks (flows/voting.py), and another transaction may hold
them for a while. So a click is first written to the journal (`vote_click`) in a transaction of
its own, which takes none of those locks, and is acknowledged once that commits; it is then
applied to the ballot with change_vote's compare-and-set rules, and marked applied in the same
transaction that changes the votes, so it is applied exactly once. A click whose process died
before applying it is applied by any replica at start-up and every few seconds
(bot/vote_sweeper.py).

A voter's clicks are applied in the order they were journaled: applying one applies the voter's
earlier unapplied ones first (a click is sent after the one before it was answered, so journal
order is the voter's order). Their journal rows are locked while they are applied, so two
appliers never apply the same click. A refused click is deleted rather than marked applied: a
refusal leaves no row behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from flows.errors import Conflict, FlowError
from flows.scope import in_workshop
from flows.voting import change_vote
from storage.models import VoteClick, id_col, utcnow

OUT_OF_DATE = "That button is out of date; here are your votes as they stand."
MAX_ID = 2**31 - 1  # the id columns are 32-bit integers
MAX_COUNT = 1000  # far above any budget; a larger count cannot come from a button the bot drew
# Bolt refuses a signed request more than five minutes old, so no copy of a click can arrive
# later than that: an applied click is kept for an hour, for its key to recognise copies.
APPLIED_RETENTION = timedelta(hours=1)


@dataclass(frozen=True)
class Click:
    """A "＋ Vote" or "－ Take back" click: fix `fix_id` from `shown` votes to `wanted`."""

    team_id: str
    workshop_id: int
    voter_id: str
    fix_id: int
    shown: int
    wanted: int


@dataclass(frozen=True)
class ClickOutcome:
    changed: bool  # False for a repeat or a refusal
    refusal: str | None  # why nothing changed, in words for the voter


def click_key(*parts: object) -> str:
    """A fixed-length key for what identifies one delivery of a click (its trigger id and
    action_ts): copies of the same request share it, two clicks never do."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def record_click(session: Session, click: Click, key: str) -> int | None:
    """Journal the click (once per key) and return its journal id; None when another copy of
    this delivery was journaled, refused and forgotten meanwhile (nothing is left to apply).
    Raises Conflict for a click no button of the bot's could have sent."""
    _require_well_formed(click)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(VoteClick)
        .values(
            team_id=click.team_id,
            click_key=key,
            workshop_id=click.workshop_id,
            voter_id=click.voter_id,
            fix_id=click.fix_id,
            shown=click.shown,
            wanted=click.wanted,
            received_at=utcnow(),
            changed=False,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "click_key"])
        .returning(col(VoteClick.id))
    ).scalar()
    if inserted is not None:
        return inserted
    # Another copy holds the key. If that copy was refused, its row is deleted (a refusal
    # changes no row), possibly between our insert's conflict and this read.
    return session.exec(
        select(VoteClick.id).where(VoteClick.team_id == click.team_id, VoteClick.click_key == key)
    ).first()


def _require_well_formed(click: Click) -> None:
    # Checked here, not left to the database: a value its columns cannot hold must be refused
    # in words, never fail the insert.
    people = all(
        isinstance(id_, str) and 0 < len(id_) <= 32 and "\x00" not in id_
        for id_ in (click.team_id, click.voter_id)
    )
    in_range = 0 < click.workshop_id <= MAX_ID and 0 < click.fix_id <= MAX_ID
    counts = min(click.shown, click.wanted) >= 0 and max(click.shown, click.wanted) <= MAX_COUNT
    if not (people and in_range and counts and abs(click.wanted - click.shown) == 1):
        raise Conflict(OUT_OF_DATE)


def apply_clicks(
    session: Session,
    team_id: str,
    workshop_id: int,
    voter_id: str,
    click_id: int,
    *,
    skip_locked: bool = False,
) -> ClickOutcome | None:
    """Apply journaled click `click_id` (the voter's) and the voter's earlier unapplied ones,
    oldest first; return its outcome, also when another transaction applied it first (this one
    then waited for it), or None if it is not applied (not found, or left to another).

    With skip_locked (the sweeper), clicks another transaction is applying are left to it: the
    voter's clicks are applied only if all those pending up to `click_id` could be locked."""
    pending = select(
        id_col(VoteClick.id), VoteClick.fix_id, VoteClick.shown, VoteClick.wanted
    ).where(
        *in_workshop(VoteClick, team_id, workshop_id),
        VoteClick.voter_id == voter_id,
        col(VoteClick.applied_at).is_(None),
        col(VoteClick.id) <= click_id,
    )
    locked = session.exec(
        pending.order_by(col(VoteClick.id)).with_for_update(skip_locked=skip_locked)
    ).all()
    if skip_locked and len(locked) != len(session.exec(pending).all()):
        return None
    outcomes = {
        pending_id: _apply(
            session, pending_id, Click(team_id, workshop_id, voter_id, fix_id, shown, wanted)
        )
        for pending_id, fix_id, shown, wanted in locked
    }
    if click_id in outcomes:
        return outcomes[click_id]
    found = session.exec(
        select(VoteClick.applied_at, VoteClick.changed).where(
            VoteClick.team_id == team_id, VoteClick.id == click_id
        )
    ).first()
    if found is None:  # applied and refused by the transaction this one waited for
        return ClickOutcome(changed=False, refusal=None)
    applied_at, changed = found
    return ClickOutcome(changed, refusal=None) if applied_at is not None else None


def _apply(session: Session, click_id: int, click: Click) -> ClickOutcome:
    """Apply one click and mark it applied; a refused click is deleted instead, so that a
    refusal (a stale view, an empty budget, a forged id) leaves no row behind."""
    this_click = (col(VoteClick.team_id) == click.team_id, col(VoteClick.id) == click_id)
    try:
        with session.begin_nested():  # a refused click leaves the others' changes intact
            result = change_vote(
                session,
                click.team_id,
                click.workshop_id,
                click.voter_id,
                click.fix_id,
                click.shown,
                click.wanted,
            )
    except FlowError as refusal:
        session.execute(delete(VoteClick).where(*this_click))
        return ClickOutcome(changed=False, refusal=str(refusal))
    session.execute(
        update(VoteClick).where(*this_click).values(applied_at=utcnow(), changed=result.changed)
    )
    return ClickOutcome(result.changed, refusal=None)


@dataclass(frozen=True)
class PendingClick:
    team_id: str
    workshop_id: int
    voter_id: str
    click_id: int


def unapplied_clicks(
    session: Session, received_before_s: float, limit: int = 100
) -> list[PendingClick]:
    """Each voter's newest click among those received more than `received_before_s` seconds
    ago and not applied yet, in every workspace: the sweeper's work list (each is then applied
    with its own team id, which applies the voter's earlier ones too)."""
    cutoff = utcnow() - timedelta(seconds=received_before_s)
    rows = session.exec(
        select(VoteClick.team_id, VoteClick.workshop_id, VoteClick.voter_id, id_col(VoteClick.id))
        .where(col(VoteClick.applied_at).is_(None), col(VoteClick.received_at) < cutoff)
        .order_by(col(VoteClick.id))
        .limit(limit)
    ).all()
    newest = {(team, workshop, voter): click_id for team, workshop, voter, click_id in rows}
    return [PendingClick(*voter, click_id) for voter, click_id in newest.items()]


def apply_workshop_clicks(session: Session, team_id: str, workshop_id: int) -> int:
    """Apply the workshop's unapplied clicks that no other transaction is applying (before
    voting closes, so that a click answered while it was open counts); how many voters'."""
    rows = session.exec(
        select(VoteClick.voter_id, id_col(VoteClick.id))
        .where(
            *in_workshop(VoteClick, team_id, workshop_id),
            col(VoteClick.applied_at).is_(None),
        )
        .order_by(col(VoteClick.id))
    ).all()
    newest = dict(rows)  # each voter's last click (later rows replace earlier ones)
    return sum(
        apply_clicks(session, team_id, workshop_id, voter, click_id, skip_locked=True) is not None
        for voter, click_id in newest.items()
    )


def forget_applied_clicks(session: Session) -> int:
    """Delete clicks applied more than APPLIED_RETENTION ago, in every workspace."""
    cutoff = utcnow() - APPLIED_RETENTION
    return session.exec(delete(VoteClick).where(col(VoteClick.applied_at) < cutoff)).rowcount
