"""Stakeholders beyond their own grid message: what changed on the grid since the previous
digest, and every stakeholder's grid position for exports.

A quadrant move needs the quadrants as they were at the previous digest, so each sent digest
keeps a snapshot of every stakeholder's quadrant (the section's memo, stored with the delivery;
see flows.digest.previous_memo) and the next digest compares the current grid with it. The first
digest has nothing to compare with: it shows the grid as it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from flows.digest import (
    SECTION_ITEM_LIMIT,
    DigestChart,
    DigestField,
    DigestItem,
    DigestSection,
    Mention,
    previous_memo,
    text,
)
from flows.exports import ExportTable
from flows.scope import of_workshop
from flows.stakeholders import (
    QUADRANT_NAMES,
    QUADRANT_ORDER,
    GridResult,
    GridStakeholder,
    Quadrant,
    stakeholder_grid,
)
from storage.models import Stakeholder, Workshop, id_col, pk

STAKEHOLDERS_DIGEST_ORDER = 50
STAKEHOLDERS_EXPORT_ORDER = 50
SECTION_KEY = "stakeholders"

Snapshot = Mapping[str, str | None]  # stakeholder id → quadrant value, None when unrated


@dataclass(frozen=True)
class QuadrantMove:
    stakeholder: GridStakeholder
    before: Quadrant | None  # None: not rated yet at the previous digest


@dataclass(frozen=True)
class GridChanges:
    grid: GridResult
    first: bool  # no previous digest: everything is new, nothing moved
    compared: bool  # the previous digest left a snapshot to compare with
    added: tuple[GridStakeholder, ...]  # created since the previous digest, grid order
    moves: tuple[QuadrantMove, ...]  # grid order
    removed: int  # in the snapshot, no longer on the list


def snapshot_of(grid: GridResult) -> dict[str, str | None]:
    """Each stakeholder's quadrant, as the memo the next digest compares with."""
    return {
        str(s.stakeholder_id): s.quadrant.value if s.quadrant else None for s in grid.stakeholders
    }


def grid_changes(session: Session, workshop: Workshop, since: datetime | None) -> GridChanges:
    """The grid now, who was added since `since`, and who moved quadrant since the digest
    generated at `since` (compared with that digest's snapshot)."""
    grid = stakeholder_grid(session, workshop.team_id, pk(workshop))
    memo = previous_memo(session, workshop, since, SECTION_KEY)
    snapshot: Snapshot = memo if isinstance(memo, dict) else {}
    new_ids = _created_since(session, workshop, since)
    added = tuple(s for s in grid.stakeholders if since is None or s.stakeholder_id in new_ids)
    moves = []
    for stakeholder in grid.stakeholders:
        key = str(stakeholder.stakeholder_id)
        if stakeholder.stakeholder_id in new_ids or key not in snapshot:
            continue
        before = _quadrant(snapshot[key])
        if stakeholder.quadrant is not None and stakeholder.quadrant is not before:
            moves.append(QuadrantMove(stakeholder, before))
    current = {str(s.stakeholder_id) for s in grid.stakeholders}
    return GridChanges(
        grid=grid,
        first=since is None,
        compared=bool(snapshot),
        added=added,
        moves=tuple(moves),
        removed=sum(1 for key in snapshot if key not in current),
    )


def _quadrant(value: str | None) -> Quadrant | None:
    try:
        return Quadrant(value) if value else None
    except ValueError:  # a quadrant this version no longer knows: treat it as unknown
        return None


def _created_since(session: Session, workshop: Workshop, since: datetime | None) -> set[int]:
    if since is None:
        return set()
    return set(
        session.exec(
            select(id_col(Stakeholder.id)).where(
                *of_workshop(Stakeholder, workshop),
                col(Stakeholder.created_at) > since,
            )
        )
    )


# The digest --------------------------------------------------------------------------------------


def stakeholders_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """Quadrant moves and new stakeholders since the previous digest, and the count per
    quadrant; the section remembers every stakeholder's quadrant for the next digest."""
    changes = grid_changes(session, workshop, since)
    grid = changes.grid
    if not grid.stakeholders:
        return None
    items = [_move_item(move) for move in changes.moves] + [_added_item(s) for s in changes.added]
    return DigestSection(
        key=SECTION_KEY,
        title="Stakeholders",
        note=text(_note(changes)),
        figures=_figures(changes),
        items=tuple(items[:SECTION_ITEM_LIMIT]),
        total=len(items),
        chart=DigestChart(
            "stakeholder_grid",
            data=grid,
            alt_text=(
                f"Stakeholder grid, influence against interest: {len(grid.rated)} stakeholders "
                "placed in their quadrants"
            ),
            title="Stakeholder grid",
        )
        if grid.rated
        else None,
        memo=snapshot_of(grid),
    )


def _note(changes: GridChanges) -> str:
    if changes.first:
        return (
            "The grid as it stands: later digests show who is new and who moved between quadrants."
        )
    if not changes.compared:
        return (
            "Quadrant moves show from the next digest on: the previous one kept no grid to "
            "compare with."
        )
    moved = len(changes.moves)
    if not moved:
        return "Nobody moved between quadrants since the previous digest."
    return f"{moved} stakeholder{'s' * (moved != 1)} moved quadrant since the previous digest."


def _figures(changes: GridChanges) -> tuple[DigestField, ...]:
    grid = changes.grid
    figures = [
        DigestField(QUADRANT_NAMES[quadrant], text(str(len(grid.in_quadrant(quadrant)))))
        for quadrant in QUADRANT_ORDER
    ]
    if grid.unrated:
        figures.append(DigestField("Not rated yet", text(str(len(grid.unrated)))))
    if not changes.first:
        figures.append(DigestField("New since the previous digest", text(str(len(changes.added)))))
        if changes.removed:
            figures.append(
                DigestField("Removed since the previous digest", text(str(changes.removed)))
            )
    return tuple(figures)


def _describe(stakeholder: GridStakeholder) -> str:
    return (
        f"{stakeholder.name} ({stakeholder.category.value.capitalize()}, "
        f"{stakeholder.attitude.value})"
    )


def _move_item(move: QuadrantMove) -> DigestItem:
    now = QUADRANT_NAMES[move.stakeholder.quadrant]  # type: ignore[index]
    if move.before is None:
        words = f" placed in {now} (not rated at the previous digest)"
    else:
        words = f" moved from {QUADRANT_NAMES[move.before]} to {now}"
    return DigestItem(text(_describe(move.stakeholder), words))


def _added_item(stakeholder: GridStakeholder) -> DigestItem:
    place = QUADRANT_NAMES[stakeholder.quadrant] if stakeholder.quadrant else "not rated yet"
    return DigestItem(
        text(_describe(stakeholder), " added by ", Mention(stakeholder.author_id), f": {place}")
    )


# The export --------------------------------------------------------------------------------------


def stakeholders_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """Every stakeholder with its grid position: means and (population) spreads of the raters'
    influence and interest ratings, unrounded; empty until someone rates it."""
    grid = stakeholder_grid(session, workshop.team_id, pk(workshop))
    if not grid.stakeholders:
        return None
    return ExportTable(
        name="stakeholders",
        title="Stakeholders with grid positions",
        columns=(
            "stakeholder_id",
            "name",
            "category",
            "attitude",
            "raters",
            "mean_influence",
            "influence_spread",
            "mean_interest",
            "interest_spread",
            "quadrant",
            "touchpoints",
            "note",
            "added_by",
            "created_at",
        ),
        rows=[
            (
                s.stakeholder_id,
                s.name,
                s.category,
                s.attitude,
                s.raters,
                s.influence.mean if s.influence else None,
                s.influence.spread if s.influence else None,
                s.interest.mean if s.interest else None,
                s.interest.spread if s.interest else None,
                QUADRANT_NAMES[s.quadrant] if s.quadrant else None,
                "; ".join(s.touchpoints),
                s.note,
                s.author_id,
                s.created_at,
            )
            for s in grid.stakeholders
        ],
    )
