"""Fixes: the team proposes them for the gaps it found, edits, removes and merges them.

Rules: fixes are proposed in the fixes phase (proposing joins the author to the workshop). While
the workshop is in the fixes or voting phase, a fix's author and the facilitators can edit or
remove it, and facilitators can merge two fixes that say the same thing; the merged fix's votes
carry over without exceeding anyone's per-fix maximum (see `merge_fixes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import case, delete, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.reads import read_once
from flows.scope import of_workshop
from flows.workshops import get_workshop, is_facilitator, join_workshop, require_facilitator
from storage.models import (
    Effort,
    Fix,
    FixStatus,
    Impact,
    JourneyStage,
    Phase,
    Touchpoint,
    Vote,
    Workshop,
    pk,
    utcnow,
)

MAX_FIX_TITLE = 120
MAX_FIX_DESCRIPTION = 2000
EDITABLE_PHASES = (Phase.fixes, Phase.voting)


@dataclass(frozen=True)
class FixDraft:
    """What the fix form collects, validated by `validate_fix`."""

    title: str
    touchpoint_id: int
    description: str | None = None
    effort: Effort | None = None
    impact: Impact | None = None


@dataclass(frozen=True)
class FixSummary:
    id: int
    workshop_id: int
    title: str
    description: str | None
    touchpoint_id: int
    touchpoint: str
    stage: str
    author_id: str
    effort: Effort | None
    impact: Impact | None
    created_at: datetime


@dataclass(frozen=True)
class RemovedFix:
    fix: Fix
    returned_votes: int  # dots given back to their voters' budgets


@dataclass(frozen=True)
class MergedFixes:
    source: Fix
    target: Fix
    moved_votes: int  # dots now on the target
    returned_votes: int  # dots over a voter's per-fix maximum, given back to their budgets


# validation ----------------------------------------------------------------------------------


def validate_fix(
    title: str | None,
    touchpoint: str | int | None,
    description: str | None = None,
    effort: str | None = None,
    impact: str | None = None,
) -> FixDraft:
    """Check the fix form; raise InvalidInput with one message per bad field."""
    errors: dict[str, str] = {}
    clean_title = " ".join((title or "").split())
    if not clean_title:
        errors["title"] = "Give the fix a short title."
    elif len(clean_title) > MAX_FIX_TITLE:
        errors["title"] = f"Keep the title to {MAX_FIX_TITLE} characters ({len(clean_title)} now)."
    clean_description = (description or "").strip() or None
    if clean_description and len(clean_description) > MAX_FIX_DESCRIPTION:
        errors["description"] = f"Keep the description to {MAX_FIX_DESCRIPTION} characters."
    touchpoint_id = _parse_id(touchpoint)
    if touchpoint_id is None:
        errors["touchpoint"] = "Pick the touchpoint this fix addresses."
    clean_effort = _parse_enum(Effort, effort, "effort", "Pick S, M or L.", errors)
    clean_impact = _parse_enum(Impact, impact, "impact", "Pick low, medium or high.", errors)
    if errors:
        raise InvalidInput(errors)
    return FixDraft(clean_title, touchpoint_id, clean_description, clean_effort, clean_impact)  # type: ignore[arg-type]


def _parse_id(raw: str | int | None) -> int | None:
    try:
        value = int(str(raw).strip()) if raw is not None else None
    except ValueError:
        return None
    return value if value is not None and value > 0 else None


def _parse_enum(enum, raw, name, message, errors):
    if raw in (None, ""):
        return None
    try:
        return enum(raw)
    except ValueError:
        errors[name] = message
        return None


# reading -------------------------------------------------------------------------------------


def get_fix(
    session: Session, team_id: str, fix_id: int, *, lock: Literal["update", "share"] | None = None
) -> Fix:
    """The fix, in this workspace; with `lock`, row-locked until the transaction ends
    ("share" lets concurrent votes proceed while a merge or removal waits for them)."""
    query = select(Fix).where(Fix.id == fix_id, Fix.team_id == team_id)
    if lock:
        query = query.with_for_update(read=lock == "share")
    fix = session.exec(query).first()
    if fix is None:
        raise NotFound("That fix does not exist in this workspace.")
    return fix


def list_fixes(
    session: Session,
    workshop: Workshop,
    fix_ids: Sequence[int] | None = None,
    *,
    include_inactive: bool = False,
    limit: int | None = None,
    offset: int = 0,
    matching: str = "",
    touchpoint_first: int | None = None,
) -> list[FixSummary]:
    """The workshop's active fixes (or those named) in journey order, oldest first within a
    touchpoint; `limit` of them from `offset` if given. `matching` keeps those whose title or
    touchpoint contains it (ignoring case); `touchpoint_first` lists that touchpoint's first."""
    # Columns, not Fix entities: a workshop may have hundreds of fixes, and the summaries need
    # no identity map (hydrating each as an ORM object cost several times the query itself).
    query = (
        sa_select(
            col(Fix.id),
            col(Fix.workshop_id),
            col(Fix.title),
            col(Fix.description),
            col(Fix.touchpoint_id),
            col(Touchpoint.name),
            col(JourneyStage.name),
            col(Fix.author_id),
            col(Fix.effort),
            col(Fix.impact),
            col(Fix.created_at),
        )
        .join(Touchpoint, col(Touchpoint.id) == col(Fix.touchpoint_id))
        .join(JourneyStage, col(JourneyStage.id) == col(Touchpoint.stage_id))
        .where(*of_workshop(Fix, workshop))
    )
    if touchpoint_first is not None:
        query = query.order_by(case((col(Fix.touchpoint_id) == touchpoint_first, 0), else_=1))
    query = query.order_by(
        col(JourneyStage.position), col(Touchpoint.position), col(Fix.created_at), col(Fix.id)
    )
    if not include_inactive:
        query = query.where(col(Fix.status) == FixStatus.active)
    if fix_ids is not None:
        if not fix_ids:
            return []
        query = query.where(col(Fix.id).in_(list(fix_ids)))
    if matching.strip():
        needle = matching.strip().lower()
        query = query.where(
            or_(
                func.lower(Fix.title).contains(needle, autoescape=True),
                func.lower(Touchpoint.name).contains(needle, autoescape=True),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [_summary(row) for row in session.execute(query)]


MAX_SUGGESTIONS = 100  # Slack shows at most 100 options from a block_suggestion answer


def merge_candidates(
    session: Session, workshop: Workshop, source: FixSummary, query: str = ""
) -> list[FixSummary]:
    """The fixes `source` may be merged into whose title or touchpoint contains `query`, its own
    touchpoint's first: the first 100 of them, as many as one search can offer."""
    found = list_fixes(
        session,
        workshop,
        matching=query,
        touchpoint_first=source.touchpoint_id,
        limit=MAX_SUGGESTIONS + 1,
    )
    return [fix for fix in found if fix.id != source.id][:MAX_SUGGESTIONS]


def _summary(row: Sequence) -> FixSummary:
    """One row of list_fixes' query: FixSummary's fields in order, effort and impact as text."""
    fix_id, workshop_id, title, description, touchpoint_id, touchpoint, stage, author_id = row[:8]
    effort, impact, created_at = row[8:]
    return FixSummary(
        fix_id,
        workshop_id,
        title,
        description,
        touchpoint_id,
        touchpoint,
        stage,
        author_id,
        effort=Effort(effort) if effort else None,
        impact=Impact(impact) if impact else None,
        created_at=created_at,
    )


@read_once
def fix_count(session: Session, workshop: Workshop, excluding: tuple[int, ...] = ()) -> int:
    """The workshop's active fixes, leaving out those in `excluding`."""
    query = select(func.count()).where(
        *of_workshop(Fix, workshop),
        Fix.status == FixStatus.active,
    )
    if excluding:
        query = query.where(col(Fix.id).not_in(excluding))
    return session.exec(query).one()


def can_manage(session: Session, fix: Fix, user_id: str) -> bool:
    """Authors and facilitators may edit and remove a fix."""
    if fix.author_id == user_id:
        return True
    return is_facilitator(session, fix.team_id, fix.workshop_id, user_id)


# changing ------------------------------------------------------------------------------------


def propose_fix(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    draft: FixDraft,
    request_key: str | None = None,
) -> Fix:
    """Add a fix and join its author to the workshop.

    `request_key` (the form's view id) makes a replayed submission return the fix it created.
    """
    workshop = get_workshop(session, team_id, workshop_id)
    require_proposing_open(workshop)
    if request_key and (existing := _fix_by_request(session, team_id, request_key)):
        return existing
    _require_touchpoint(session, workshop, draft.touchpoint_id)
    join_workshop(session, workshop, user_id)
    fix = Fix(
        team_id=team_id,
        workshop_id=pk(workshop),
        touchpoint_id=draft.touchpoint_id,
        author_id=user_id,
        title=draft.title,
        description=draft.description,
        effort=draft.effort,
        impact=draft.impact,
        request_key=request_key,
    )
    try:
        with session.begin_nested():
            session.add(fix)
    except IntegrityError:
        # The same submission, delivered twice at once: the other delivery created it.
        existing = _fix_by_request(session, team_id, request_key) if request_key else None
        if existing is None:
            raise
        return existing
    return fix


def _fix_by_request(session: Session, team_id: str, request_key: str) -> Fix | None:
    return session.exec(
        select(Fix).where(Fix.team_id == team_id, Fix.request_key == request_key)
    ).first()


def edit_fix(session: Session, team_id: str, fix_id: int, user_id: str, draft: FixDraft) -> Fix:
    fix, workshop = _fix_to_change(session, team_id, fix_id, user_id, "edit")
    _require_touchpoint(session, workshop, draft.touchpoint_id)
    fix.title = draft.title
    fix.description = draft.description
    fix.touchpoint_id = draft.touchpoint_id
    fix.effort = draft.effort
    fix.impact = draft.impact
    fix.updated_at = utcnow()
    session.add(fix)
    session.flush()
    return fix


def remove_fix(session: Session, team_id: str, fix_id: int, user_id: str) -> RemovedFix:
    """Withdraw a fix; its votes go back to their voters' budgets."""
    fix, _ = _fix_to_change(session, team_id, fix_id, user_id, "remove")
    returned = session.exec(
        delete(Vote).where(col(Vote.team_id) == team_id, col(Vote.fix_id) == fix.id)
    ).rowcount
    fix.status = FixStatus.removed
    fix.updated_at = utcnow()
    session.add(fix)
    session.flush()
    return RemovedFix(fix, returned)


def merge_fixes(
    session: Session, team_id: str, source_id: int, target_id: int, user_id: str
) -> MergedFixes:
    """Fold `source` into `target` (facilitators only).

    Each voter's dots on the source move to the target, up to their per-fix maximum; any dots
    beyond it go back to the voter's budget, never silently lost and never over a limit. A moved
    dot keeps its budget slot, so budgets are untouched. Both fixes are row-locked (in id order,
    so two merges cannot deadlock) and a vote waits for them, so no dot lands on the source
    mid-merge.
    """
    if source_id == target_id:
        raise InvalidInput({"target": "Pick a different fix to merge into."})
    locked = {
        fix_id: get_fix(session, team_id, fix_id, lock="update")
        for fix_id in sorted((source_id, target_id))
    }
    source, target = locked[source_id], locked[target_id]
    if source.workshop_id != target.workshop_id:
        raise NotFound("Both fixes must belong to the same workshop.")
    workshop = get_workshop(session, team_id, source.workshop_id)
    require_facilitator(session, workshop, user_id, "merge fixes")
    require_editable(workshop)
    for fix in (source, target):
        require_active(session, fix)

    rows = session.execute(
        sa_select(
            col(Vote.id),
            col(Vote.ballot_id),
            col(Vote.fix_id),
            col(Vote.fix_slot),
            col(Vote.max_votes_per_fix),
        )
        .where(col(Vote.team_id) == team_id, col(Vote.fix_id).in_([source.id, target.id]))
        .order_by(col(Vote.ballot_id), col(Vote.fix_slot))
    ).all()
    taken_on_target: dict[int, set[int]] = {}
    on_source: dict[int, list[tuple[int, int]]] = {}  # ballot → [(vote id, per-fix maximum)]
    for vote_id, ballot_id, fix_id, fix_slot, maximum in rows:
        if fix_id == target.id:
            taken_on_target.setdefault(ballot_id, set()).add(fix_slot)
        else:
            on_source.setdefault(ballot_id, []).append((vote_id, maximum))
    moves: list[tuple[int, int]] = []  # (vote id, its slot on the target)
    returns: list[int] = []
    for ballot_id, votes in on_source.items():
        taken = taken_on_target.get(ballot_id, set())
        free = [slot for slot in range(votes[0][1]) if slot not in taken]
        moves += [(vote_id, slot) for (vote_id, _), slot in zip(votes, free, strict=False)]
        returns += [vote_id for vote_id, _ in votes[len(free) :]]
    if returns:
        session.execute(delete(Vote).where(col(Vote.id).in_(returns)))
    for vote_id, slot in moves:
        session.execute(
            update(Vote).where(col(Vote.id) == vote_id).values(fix_id=target.id, fix_slot=slot)
        )
    now = utcnow()
    source.status, source.merged_into_id, source.updated_at = FixStatus.merged, target.id, now
    target.updated_at = now
    session.add_all([source, target])
    session.flush()
    return MergedFixes(source, target, len(moves), len(returns))


def _fix_to_change(
    session: Session, team_id: str, fix_id: int, user_id: str, doing: str
) -> tuple[Fix, Workshop]:
    fix = get_fix(session, team_id, fix_id, lock="update")
    workshop = get_workshop(session, team_id, fix.workshop_id)
    if not can_manage(session, fix, user_id):
        raise NotAllowed(f"Only the fix's author or a facilitator can {doing} it.")
    require_editable(workshop)
    require_active(session, fix)
    return fix, workshop


def require_proposing_open(workshop: Workshop) -> None:
    if workshop.phase != Phase.fixes:
        raise Conflict(
            "Fixes are proposed in the fixes phase; "
            f"this workshop is in the {workshop.phase} phase."
        )


def require_editable(workshop: Workshop) -> None:
    if workshop.phase not in EDITABLE_PHASES:
        raise Conflict(
            "Fixes can only be changed during the fixes and voting phases; "
            f"this workshop is in the {workshop.phase} phase."
        )


def require_active(session: Session, fix: Fix) -> None:
    if fix.status == FixStatus.removed:
        raise NotFound(f"The fix “{fix.title}” was removed.")
    if fix.status == FixStatus.merged:
        target = session.get(Fix, fix.merged_into_id) if fix.merged_into_id else None
        into = f" into “{target.title}”" if target else ""
        raise Conflict(f"The fix “{fix.title}” was merged{into}.")


def _require_touchpoint(session: Session, workshop: Workshop, touchpoint_id: int) -> None:
    found = session.exec(
        select(Touchpoint.id).where(
            Touchpoint.id == touchpoint_id,
            *of_workshop(Touchpoint, workshop),
        )
    ).first()
    if found is None:
        raise InvalidInput({"touchpoint": "Pick one of this workshop's touchpoints."})
