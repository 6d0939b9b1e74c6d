"""Fixes, votes and action items beyond their own messages: the digest's section and the export
tables.

Tallies follow the voting feature's rule (flows.voting.tallies_visible): hidden while voting is
open unless the facilitator turned live tallies on. While they are hidden, digests and exports
list the fixes in journey order with no vote counts, since even the order would give the tally
away. Action items come first in the digest (they are the work now), overdue ones first, and the
ranked fixes that are not action items follow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from flows.actions import STATUS_NAMES, ActionItemSummary, action_items
from flows.digest import (
    SECTION_ITEM_LIMIT,
    SUMMARY_LINES,
    DigestChart,
    DigestField,
    DigestItem,
    DigestSection,
    DigestSummary,
    Mention,
    previous_memo,
    text,
)
from flows.exports import ExportTable
from flows.fixes import FixSummary, fix_count, list_fixes
from flows.formatting import calendar_day, plural, rank_text
from flows.gaps.aggregation import touchpoint_gaps
from flows.voting import RankedFix, ranked_fixes, tallies_visible, votes_cast
from flows.workshops import participant_count
from storage.models import ActionStatus, Phase, Workshop, utcnow

FIXES_DIGEST_ORDER = 40
ACTION_ITEMS_SUMMARY_ORDER = 20  # the top message: after the shortfalls
FIXES_EXPORT_ORDER = 70
ACTION_ITEMS_EXPORT_ORDER = 80


@dataclass(frozen=True)
class VoteTally:
    """The ranked fixes with their votes, for the chart (only built when tallies are visible)."""

    title: str  # the workshop's
    ranked: tuple[RankedFix, ...]


@dataclass(frozen=True)
class FixStanding:
    """The workshop's fixes as everyone may see them now: ranked with votes once tallies are
    visible, otherwise in journey order without votes."""

    visible: bool
    ranked: tuple[RankedFix, ...]  # when visible
    fixes: tuple[FixSummary, ...]  # in the order to show them
    gaps: dict[int, float] | None  # touchpoint id → mean gap; None when not asked for


def fix_standing(session: Session, workshop: Workshop, with_gaps: bool = False) -> FixStanding:
    """The gaps (a scan of the ratings) are read when the ranking needs them (tallies visible:
    ties go to the widest gap) or `with_gaps` asks for them, not for a digest in journey order."""
    visible = tallies_visible(workshop)
    gaps = touchpoint_gaps(session, workshop) if visible or with_gaps else None
    if visible:
        ranked = tuple(ranked_fixes(session, workshop, gaps))
        return FixStanding(True, ranked, tuple(r.fix for r in ranked), gaps)
    return FixStanding(False, (), tuple(list_fixes(session, workshop)), gaps)


# The digest --------------------------------------------------------------------------------------


def fixes_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """Action items with owner, due date and status (overdue marked), then the fixes: ranked
    with their votes when tallies are visible, in journey order when they are hidden."""
    items = action_items(session, workshop)
    assigned = {item.fix_id for item in items}
    listed = [_action_item(item) for item in _by_urgency(items)[:SECTION_ITEM_LIMIT]]
    room = SECTION_ITEM_LIMIT - len(listed)
    visible = tallies_visible(workshop)
    ranked: tuple[RankedFix, ...] = ()
    if visible:  # the ranks take every fix and its votes
        ranked = fix_standing(session, workshop).ranked
        pending = [r for r in ranked if r.fix.id not in assigned]
        shared = {rank for rank, count in Counter(r.rank for r in ranked).items() if count > 1}
        listed += [_ranked_fix_item(r, r.rank in shared) for r in pending[:room]]
        fixes, pending_count = len(ranked), len(pending)
    else:  # journey order: only the fixes shown are read, however many the workshop has
        first = list_fixes(session, workshop, limit=room + len(assigned)) if room else []
        listed += [_fix_item(fix) for fix in first if fix.id not in assigned][:room]
        fixes = fix_count(session, workshop)
        pending_count = fix_count(session, workshop, tuple(sorted(assigned))) if items else fixes
    if not fixes and not items:
        return None
    done = sum(1 for item in items if item.status is ActionStatus.done)
    return DigestSection(
        key="fixes",
        title="Voted fixes and action items",
        note=text(_note(workshop, visible)),
        figures=_figures(session, workshop, fixes, items),
        items=tuple(listed),
        total=len(items) + pending_count,
        chart=DigestChart(
            "fix_votes",
            data=VoteTally(workshop.title, ranked),
            alt_text="Bar chart of votes per fix, most first: "
            + "; ".join(f"{r.fix.title}: {r.votes}" for r in ranked[:5])
            + (f"; and {len(ranked) - 5} more" if len(ranked) > 5 else ""),
            title="Votes per fix",
        )
        if visible and any(r.votes for r in ranked)
        else None,
        memo={"done": done, "action_items": len(items)},
        summary=_summary(items, previous_memo(session, workshop, since, "fixes"))
        if items
        else None,
    )


DUE_SOON_DAYS = 7  # "due this week": unfinished, due within the next seven days


def _summary(items: list[ActionItemSummary], memo: object | None) -> DigestSummary:
    """The action items that need someone now: overdue first, then the unfinished by due date,
    with owner (a name, not a mention: digests notify nobody) and status."""
    open_items = [i for i in _by_urgency(items) if i.status is not ActionStatus.done]
    today = utcnow().date()
    overdue = sum(1 for i in open_items if i.overdue)
    soon = sum(
        1 for i in open_items if not i.overdue and i.due_date <= today + timedelta(DUE_SOON_DAYS)
    )
    done = len(items) - len(open_items)
    parts = [f"{done} of {len(items)} done"]
    if overdue:
        parts.append(f"{overdue} overdue")
    if soon:
        parts.append(f"{soon} due within {DUE_SOON_DAYS} days")
    lines = tuple(
        text(
            f"{item.title} · ",
            Mention(item.owner_id),
            f" · due {calendar_day(item.due_date)} · {_status(item).lower()}",
        )
        for item in open_items[:SUMMARY_LINES]
    )
    seen = memo if isinstance(memo, dict) else {}
    clauses = []
    before = seen.get("done")
    if isinstance(before, int) and done > before:
        clauses.append(f"{plural(done - before, 'action item')} done")
    if overdue:
        clauses.append(f"{plural(overdue, 'action item')} overdue")
    return DigestSummary(
        order=ACTION_ITEMS_SUMMARY_ORDER,
        title=f"Action items: {', '.join(parts)}",
        lines=lines,
        headline=" and ".join(clauses),
    )


def _status(item: ActionItemSummary) -> str:
    return STATUS_NAMES[item.status] + (", overdue" if item.overdue else "")


def _note(workshop: Workshop, visible: bool) -> str:
    phase = Phase(workshop.phase)
    if phase is Phase.closed:
        return "Voting has closed: fixes ranked by votes."
    if phase is Phase.voting:
        if visible:
            return "Voting is open, with live tallies: fixes ranked by votes so far."
        return "Voting is open; tallies stay hidden until it closes, so fixes are in journey order."
    return "Fixes in journey order; voting has not started."


def _figures(
    session: Session,
    workshop: Workshop,
    fixes: int,
    items: list[ActionItemSummary],
) -> tuple[DigestField, ...]:
    figures = [DigestField("Fixes", text(str(fixes)))]
    if Phase(workshop.phase) in (Phase.voting, Phase.closed):
        total = participant_count(session, workshop) * workshop.vote_budget
        figures.append(
            DigestField("Votes cast", text(f"{votes_cast(session, workshop)} of {total}"))
        )
    if items:
        counts = {status: sum(1 for i in items if i.status is status) for status in ActionStatus}
        figures.append(
            DigestField(
                "Action items",
                text(", ".join(f"{counts[s]} {STATUS_NAMES[s].lower()}" for s in ActionStatus)),
            )
        )
        figures.append(DigestField("Overdue", text(str(sum(i.overdue for i in items)))))
    return tuple(figures)


def _by_urgency(items: list[ActionItemSummary]) -> list[ActionItemSummary]:
    """Overdue first, then the unfinished by due date, then the done ones."""
    return sorted(
        items,
        key=lambda i: (not i.overdue, i.status is ActionStatus.done, i.due_date, i.id),
    )


def _action_item(item: ActionItemSummary) -> DigestItem:
    return DigestItem(
        text(f"Action item: {item.title} ({item.stage} › {item.touchpoint})"),
        fields=(
            DigestField("owner", text(Mention(item.owner_id))),
            DigestField("due", text(calendar_day(item.due_date))),
            DigestField("status", text(_status(item))),
        ),
    )


def _fix_item(fix: FixSummary) -> DigestItem:
    return DigestItem(text(f"Fix: {fix.title} ({fix.stage} › {fix.touchpoint})"))


def _ranked_fix_item(ranked: RankedFix, shared: bool = False) -> DigestItem:
    fix = ranked.fix
    return DigestItem(
        text(f"{rank_text(ranked.rank, shared)}: {fix.title} ({fix.stage} › {fix.touchpoint})"),
        fields=(DigestField("votes", text(str(ranked.votes))),),
    )


# The exports -------------------------------------------------------------------------------------


def fixes_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """Every active fix; rank and votes only once tallies are visible (empty before)."""
    standing = fix_standing(session, workshop, with_gaps=True)
    if not standing.fixes:
        return None
    gaps = standing.gaps or {}
    votes = {r.fix.id: (r.rank, r.votes) for r in standing.ranked}
    return ExportTable(
        name="fixes",
        title="Fixes with votes",
        columns=(
            "rank",
            "votes",
            "fix_id",
            "title",
            "stage",
            "touchpoint",
            "touchpoint_gap",
            "effort",
            "impact",
            "description",
            "author_id",
            "created_at",
        ),
        rows=[
            (
                *votes.get(fix.id, (None, None)),
                fix.id,
                fix.title,
                fix.stage,
                fix.touchpoint,
                gaps.get(fix.touchpoint_id),
                fix.effort,
                fix.impact,
                fix.description,
                fix.author_id,
                fix.created_at,
            )
            for fix in standing.fixes
        ],
    )


def action_items_table(session: Session, workshop: Workshop) -> ExportTable | None:
    items = action_items(session, workshop)
    if not items:
        return None
    return ExportTable(
        name="action_items",
        title="Action items",
        columns=(
            "action_item_id",
            "fix_id",
            "fix",
            "stage",
            "touchpoint",
            "owner_id",
            "due_date",
            "status",
            "overdue",
            "assigned_by",
        ),
        rows=[
            (
                i.id,
                i.fix_id,
                i.title,
                i.stage,
                i.touchpoint,
                i.owner_id,
                i.due_date.isoformat(),
                i.status,
                i.overdue,
                i.assigned_by,
            )
            for i in items
        ],
    )
