"""Benchmarking across workshops of one workspace: matching their journeys by name, their gaps
side by side, each workshop's workspace benchmark index, and leads to follow.

Definitions (README, *Comparing workshops*; worked examples in tests/flows/test_benchmarking.py):

- **Normalised name**: Unicode NFKC, case folded, every run of characters that is not a letter
  or a digit (spaces, punctuation, symbols) made one space, trimmed: "Sign-up  form!" and
  "sign up form" are both "sign up form".
- **Stages** match when their normalised names are equal. **Touchpoints** match when their
  normalised names are equal (whatever stage they are in), or when someone confirmed the pair.
  A workshop takes part in a match with its first touchpoint of that name in journey order.
- **Suggestions**: two touchpoints of different workshops, not matched, whose normalised names
  have a similarity ratio (difflib.SequenceMatcher: 2 × matching characters / both lengths) of
  at least SUGGEST_AT, and that nobody confirmed or rejected yet. A suggestion counts only once
  confirmed (a `touchpoint_match` row); a rejected pair is never suggested again.
- **Figures**: each workshop's **latest rated round** (the highest round with any rating); a
  touchpoint's mean gap (experience − expectation) and n raters in it; a stage's gap is pooled
  over all the ratings of its touchpoints in that round (as the workshop's own results), and
  its n is its raters too: the distinct people who rated any of its touchpoints in that round
  (not the pooled ratings count, which would read as people).
- **Median gap** of a matched touchpoint: the median of the mean gaps of the compared workshops
  that rated it (at least two).
- **Workspace benchmark index** of a workshop: D = the mean, over the matched touchpoints it and
  at least one other workshop rated, of (its mean gap − that touchpoint's median gap); index =
  100 + 100 × D / 6 (6 is the widest gap the 1–7 scales allow). 100 is on par with the median;
  above 100 its shortfalls are narrower. No such touchpoint: no index.
- **Leads to follow**: for a matched touchpoint, the workshop with the highest mean gap (the
  smallest shortfall) does best when it is ahead of another by at least 0.1 as shown; its
  active fixes on that touchpoint, with their action items' status, are the lead.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.errors import InvalidInput, NotAllowed, NotFound
from flows.exports import Cell as ExportCell
from flows.exports import ExportTable
from flows.gaps.aggregation import (
    JourneyTouchpoint,
    journey_touchpoints,
    participants_and_raters,
    rounds_touchpoint_sums,
)
from flows.gaps.statistics import GapStats, RatingSums, display, pooled
from flows.scope import of_workshop
from flows.workshops import FACILITATOR_ROLES, get_workshop
from storage.db import insert_into
from storage.models import (
    ActionItem,
    ActionStatus,
    Fix,
    FixStatus,
    GapRating,
    MatchVerdict,
    Participant,
    Touchpoint,
    TouchpointMatch,
    Workshop,
    pk,
    utcnow,
)

SUGGEST_AT = 0.8  # similarity ratio of two normalised names at or above which a match is offered
MAX_SUGGESTIONS = 5
MAX_COMPARED = 6  # workshops side by side: a table and a chart still legible on a phone
GAP_SCALE_WIDTH = 6  # the widest gap on 1–7 scales (1 − 7 = −6)
FEWER_THAN_TWO = "Name two workshops or more to compare: `/workshop compare #12 #15`."
_NOT_WORD = re.compile(r"[^\w]+|_+")


def normalise(name: str) -> str:
    """A name as matching compares it: NFKC, case folded, every run of non-letters and
    non-digits one space, trimmed."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def similarity(a: str, b: str) -> float:
    """difflib's ratio of two normalised names: 2 × matching characters / total length."""
    return SequenceMatcher(None, normalise(a), normalise(b)).ratio()


def _similar(a: str, b: str) -> float | None:
    """The ratio of two normalised names when it reaches SUGGEST_AT (difflib's cheap upper
    bounds first: most pairs are far apart)."""
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SUGGEST_AT or matcher.quick_ratio() < SUGGEST_AT:
        return None
    ratio = matcher.ratio()
    return ratio if ratio >= SUGGEST_AT else None


# What one comparison holds -------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedWorkshop:
    id: int
    title: str
    round: int | None  # its latest rated round; None: nothing rated yet
    raters: int  # people who rated in that round


@dataclass(frozen=True)
class Cell:
    """One workshop's figure on a row of the comparison."""

    name: str  # the stage or touchpoint as this workshop calls it
    touchpoint_id: int | None  # None on a stage row
    # raters in its latest rated round: of the touchpoint (one rating each), or of the stage
    # (distinct people who rated any of its touchpoints)
    n: int
    mean_gap: float | None


@dataclass(frozen=True)
class Row:
    """A matched stage or touchpoint: one cell per compared workshop (None where it has none)."""

    stage: str
    name: str
    cells: tuple[Cell | None, ...]

    def rated(self) -> list[tuple[int, float]]:
        """(workshop's place in the comparison, mean gap) of the workshops that rated it."""
        return [(i, c.mean_gap) for i, c in enumerate(self.cells) if c and c.mean_gap is not None]

    @property
    def compared(self) -> bool:
        return len(self.rated()) >= 2

    @property
    def median_gap(self) -> float | None:
        rated = self.rated()
        return statistics.median(g for _, g in rated) if len(rated) >= 2 else None

    @property
    def best(self) -> int | None:
        """The place of the workshop doing best: the highest gap, ahead of another by ≥ 0.1 as
        shown; None when nobody is (ties, or fewer than two rated)."""
        rated = self.rated()
        if len(rated) < 2:
            return None
        top = max(rated, key=lambda r: r[1])  # first of equals: the earlier named workshop
        ahead = display(top[1] - min(g for _, g in rated))
        return top[0] if ahead is not None and ahead >= 0.1 else None

    @property
    def spread(self) -> float:
        gaps = [g for _, g in self.rated()]
        return max(gaps) - min(gaps) if len(gaps) >= 2 else 0.0


@dataclass(frozen=True)
class Suggestion:
    touchpoint_a_id: int  # the lower id, as the pair is stored
    touchpoint_b_id: int
    workshop_a_id: int
    workshop_b_id: int
    name_a: str
    name_b: str
    similarity: float


@dataclass(frozen=True)
class LeadFix:
    title: str
    action_status: ActionStatus | None  # None: no action item


@dataclass(frozen=True)
class Lead:
    touchpoint: str
    best: int  # place of the workshop doing best
    best_gap: float
    behind: tuple[tuple[int, float], ...]  # (place, gap) of the workshops behind it
    fixes: tuple[LeadFix, ...]

    @property
    def ahead_by(self) -> float:
        return self.best_gap - min(g for _, g in self.behind)


@dataclass(frozen=True)
class Comparison:
    team_id: str
    workshops: tuple[ComparedWorkshop, ...]
    stages: tuple[Row, ...]  # matched stages, in the first workshop's journey order
    touchpoints: tuple[Row, ...]  # matched touchpoints, widest median shortfall first
    unmatched: tuple[tuple[str, ...], ...]  # per workshop, its touchpoints matched to nothing
    suggestions: tuple[Suggestion, ...]
    index: tuple[float | None, ...]  # per workshop: its workspace benchmark index
    leads: tuple[Lead, ...]  # widest lead first

    def place(self, workshop_id: int) -> int:
        return next(i for i, w in enumerate(self.workshops) if w.id == workshop_id)


# Parsing and loading -------------------------------------------------------------------------


def check_numbers(numbers: Sequence[int]) -> list[int]:
    """The workshops named, in order; refuses fewer than two, one named twice, too many."""
    seen: set[int] = set()
    for number in numbers:
        if number in seen:
            raise InvalidInput(
                {"workshops": f"You named workshop #{number} twice: name different workshops."}
            )
        seen.add(number)
    if len(numbers) < 2:
        raise InvalidInput({"workshops": FEWER_THAN_TWO})
    if len(numbers) > MAX_COMPARED:
        raise InvalidInput({"workshops": f"Compare at most {MAX_COMPARED} workshops at once."})
    return list(numbers)


def latest_rated_round(session: Session, workshop: Workshop) -> int | None:
    return session.exec(
        select(func.max(GapRating.round)).where(*of_workshop(GapRating, workshop))
    ).one()


def rated_workshops(session: Session, team_id: str, limit: int = MAX_COMPARED) -> list[int]:
    """The workspace's most recent workshops with any rating (for `/workshop compare all`)."""
    rated = select(GapRating.workshop_id).where(GapRating.team_id == team_id).distinct()
    return [
        pk(workshop)
        for workshop in session.exec(
            select(Workshop)
            .where(Workshop.team_id == team_id, col(Workshop.id).in_(rated))
            .order_by(col(Workshop.id).desc())
            .limit(limit)
        )
    ]


@dataclass(frozen=True)
class _Loaded:
    workshop: ComparedWorkshop
    journey: list[JourneyTouchpoint]
    sums: dict[int, RatingSums]  # touchpoint id → sums in the latest rated round
    stage_raters: dict[int, int]  # stage id → distinct raters of its touchpoints in that round


def _load(session: Session, workshop: Workshop) -> _Loaded:
    number = latest_rated_round(session, workshop)
    sums: dict[int, RatingSums] = {}
    raters = 0
    stage_raters: dict[int, int] = {}
    if number is not None:
        sums = rounds_touchpoint_sums(session, workshop, (number,))[number]
        raters = participants_and_raters(session, workshop, (number,))[1][number]
        stage_raters = _stage_raters(session, workshop, number)
    return _Loaded(
        ComparedWorkshop(pk(workshop), workshop.title, number, raters),
        journey_touchpoints(session, workshop),
        sums,
        stage_raters,
    )


def _stage_raters(session: Session, workshop: Workshop, number: int) -> dict[int, int]:
    """Stage id → the distinct people who rated any of its touchpoints in round `number`."""
    rows = session.exec(
        select(Touchpoint.stage_id, func.count(func.distinct(GapRating.user_id)))
        .join(Touchpoint, col(Touchpoint.id) == col(GapRating.touchpoint_id))
        .where(
            *of_workshop(GapRating, workshop),
            GapRating.round == number,
            Touchpoint.team_id == workshop.team_id,
        )
        .group_by(col(Touchpoint.stage_id))
    ).all()
    return {stage_id: count for stage_id, count in rows}


def _decisions(
    session: Session, team_id: str, touchpoint_ids: Sequence[int]
) -> dict[tuple[int, int], MatchVerdict]:
    rows = session.exec(
        select(TouchpointMatch).where(
            TouchpointMatch.team_id == team_id,
            col(TouchpointMatch.touchpoint_a_id).in_(touchpoint_ids),
            col(TouchpointMatch.touchpoint_b_id).in_(touchpoint_ids),
        )
    ).all()
    return {(r.touchpoint_a_id, r.touchpoint_b_id): MatchVerdict(r.verdict) for r in rows}


# Matching ------------------------------------------------------------------------------------


class _Groups:
    """Union–find over touchpoint ids."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(b)] = self.find(a)


def _match(
    loaded: list[_Loaded], decisions: dict[tuple[int, int], MatchVerdict]
) -> tuple[list[dict[int, JourneyTouchpoint]], list[Suggestion]]:
    """The matched groups (workshop place → its touchpoint in the group, ≥ 2 workshops each, in
    the order their first touchpoint appears) and the suggestions still open."""
    owner: dict[int, int] = {}  # touchpoint id → workshop place
    order: dict[int, tuple[int, int]] = {}  # touchpoint id → (place, journey position)
    by_id: dict[int, JourneyTouchpoint] = {}
    for place, item in enumerate(loaded):
        for position, touchpoint in enumerate(item.journey):
            owner[touchpoint.id] = place
            order[touchpoint.id] = (place, position)
            by_id[touchpoint.id] = touchpoint
    groups = _Groups(list(by_id))
    first_of_key: dict[str, int] = {}
    for touchpoint_id in sorted(by_id, key=order.__getitem__):
        key = normalise(by_id[touchpoint_id].name)
        if key in first_of_key:
            groups.union(first_of_key[key], touchpoint_id)
        else:
            first_of_key[key] = touchpoint_id
    for (a, b), verdict in decisions.items():
        if verdict == MatchVerdict.confirmed and a in by_id and b in by_id:
            groups.union(a, b)

    members: dict[int, dict[int, JourneyTouchpoint]] = {}
    for touchpoint_id in sorted(by_id, key=order.__getitem__):
        group = members.setdefault(groups.find(touchpoint_id), {})
        group.setdefault(owner[touchpoint_id], by_id[touchpoint_id])  # first in journey order

    suggestions = []
    ids = sorted(by_id)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if owner[a] == owner[b] or (a, b) in decisions:
                continue
            group_a, group_b = members[groups.find(a)], members[groups.find(b)]
            if group_a is group_b or owner[b] in group_a or owner[a] in group_b:
                continue  # matched already, or either side has that workshop's touchpoint
            ratio = _similar(normalise(by_id[a].name), normalise(by_id[b].name))
            if ratio is not None:
                suggestions.append(
                    Suggestion(
                        a,
                        b,
                        loaded[owner[a]].workshop.id,
                        loaded[owner[b]].workshop.id,
                        by_id[a].name,
                        by_id[b].name,
                        ratio,
                    )
                )
    suggestions.sort(key=lambda s: (-s.similarity, s.touchpoint_a_id, s.touchpoint_b_id))
    return list(members.values()), suggestions[:MAX_SUGGESTIONS]


def _stage_rows(loaded: list[_Loaded]) -> list[Row]:
    """Stages whose normalised names match in at least two workshops, pooled over all their
    touchpoints' ratings, in the order they first appear (the first workshop's journey)."""
    stages: dict[str, dict[int, tuple[str, RatingSums, int]]] = {}
    for place, item in enumerate(loaded):
        by_stage: dict[int, list[JourneyTouchpoint]] = {}
        for touchpoint in item.journey:
            by_stage.setdefault(touchpoint.stage_id, []).append(touchpoint)
        for touchpoints in by_stage.values():
            key = normalise(touchpoints[0].stage_name)
            sums = pooled(item.sums.get(t.id, RatingSums()) for t in touchpoints)
            raters = item.stage_raters.get(touchpoints[0].stage_id, 0)
            stages.setdefault(key, {}).setdefault(place, (touchpoints[0].stage_name, sums, raters))
    rows = []
    for by_place in stages.values():
        if len(by_place) < 2:
            continue
        cells = tuple(
            _cell(by_place[p][0], None, by_place[p][1], raters=by_place[p][2])
            if p in by_place
            else None
            for p in range(len(loaded))
        )
        name = next(c.name for c in cells if c)
        rows.append(Row(name, name, cells))
    return rows


def _cell(
    name: str, touchpoint_id: int | None, sums: RatingSums | None, raters: int | None = None
) -> Cell:
    """A touchpoint's n is its ratings, one per rater; a stage passes its distinct `raters`."""
    stats = GapStats.from_sums(sums or RatingSums())
    return Cell(name, touchpoint_id, stats.n if raters is None else raters, stats.mean_gap)


def benchmark_index(rows: Sequence[Row], place: int) -> float | None:
    """100 + 100 × D / 6, D the mean of (its gap − the median gap) over the rows it and at
    least one other workshop rated; None without such a row."""
    differences = []
    for row in rows:
        median = row.median_gap
        cell = row.cells[place]
        if median is not None and cell is not None and cell.mean_gap is not None:
            differences.append(cell.mean_gap - median)
    if not differences:
        return None
    return 100 + 100 * statistics.fmean(differences) / GAP_SCALE_WIDTH


def _lead_fixes(session: Session, team_id: str, touchpoint_id: int) -> tuple[LeadFix, ...]:
    rows = session.exec(
        select(Fix.title, ActionItem.status)
        .join(
            ActionItem,
            (col(ActionItem.fix_id) == col(Fix.id)) & (col(ActionItem.team_id) == team_id),
            isouter=True,
        )
        .where(
            Fix.team_id == team_id,
            Fix.touchpoint_id == touchpoint_id,
            Fix.status == FixStatus.active,
        )
        .order_by(col(Fix.id))
    ).all()
    rank = {ActionStatus.done: 0, ActionStatus.in_progress: 1, ActionStatus.open: 2, None: 3}
    fixes = [LeadFix(title, ActionStatus(status) if status else None) for title, status in rows]
    return tuple(sorted(fixes, key=lambda f: rank[f.action_status]))


def compare_workshops(session: Session, team_id: str, numbers: Sequence[int]) -> Comparison:
    """The comparison of the workshops numbered, all of workspace `team_id` (any other is "not
    found", exactly as an unknown number)."""
    workshops = [get_workshop(session, team_id, n) for n in check_numbers(numbers)]
    loaded = [_load(session, w) for w in workshops]
    all_ids = [t.id for item in loaded for t in item.journey]
    decisions = _decisions(session, team_id, all_ids)
    groups, suggestions = _match(loaded, decisions)

    rows = []
    matched: set[int] = set()
    for group in groups:
        if len(group) < 2:
            continue
        matched.update(t.id for t in group.values())
        cells = tuple(
            _cell(group[p].name, group[p].id, loaded[p].sums.get(group[p].id))
            if p in group
            else None
            for p in range(len(loaded))
        )
        first = group[min(group)]
        rows.append(Row(first.stage_name, first.name, cells))
    # widest median shortfall first; rows not compared (fewer than two rated) last
    rows.sort(key=lambda r: (r.median_gap is None, r.median_gap or 0.0))
    unmatched = tuple(tuple(t.name for t in item.journey if t.id not in matched) for item in loaded)

    leads = []
    for row in rows:
        best = row.best
        if best is None:
            continue
        cell = row.cells[best]
        assert cell is not None and cell.touchpoint_id is not None and cell.mean_gap is not None
        fixes = _lead_fixes(session, team_id, cell.touchpoint_id)
        if not fixes:
            continue
        behind = tuple((p, g) for p, g in row.rated() if p != best)
        leads.append(Lead(cell.name, best, cell.mean_gap, behind, fixes))
    leads.sort(key=lambda lead: -lead.ahead_by)

    return Comparison(
        team_id=team_id,
        workshops=tuple(item.workshop for item in loaded),
        stages=tuple(_stage_rows(loaded)),
        touchpoints=tuple(rows),
        unmatched=unmatched,
        suggestions=tuple(suggestions),
        index=tuple(benchmark_index(rows, p) for p in range(len(loaded))),
        leads=tuple(leads),
    )


# Confirming and rejecting suggestions --------------------------------------------------------


@dataclass(frozen=True)
class MatchDecision:
    verdict: MatchVerdict
    name_a: str
    name_b: str
    workshop_a_id: int
    workshop_b_id: int


def decide_match(
    session: Session,
    team_id: str,
    touchpoint_ids: tuple[int, int],
    verdict: MatchVerdict,
    user_id: str,
) -> MatchDecision:
    """Confirm or reject that two touchpoints of different workshops are the same; a
    facilitator of either workshop may. Deciding again replaces the verdict (one row per pair,
    an upsert on the unique key, so a double click or two replicas write it once)."""
    a, b = sorted(touchpoint_ids)
    found = {
        t.id: t
        for t in session.exec(
            select(Touchpoint).where(Touchpoint.team_id == team_id, col(Touchpoint.id).in_((a, b)))
        )
    }
    if a == b or len(found) != 2:
        raise NotFound("Those touchpoints are no longer there; run the comparison again.")
    first, second = found[a], found[b]
    if first.workshop_id == second.workshop_id:
        raise NotFound("Those touchpoints are in the same workshop; run the comparison again.")
    facilitates = session.exec(
        select(Participant.id).where(
            Participant.team_id == team_id,
            col(Participant.workshop_id).in_((first.workshop_id, second.workshop_id)),
            Participant.user_id == user_id,
            col(Participant.role).in_(FACILITATOR_ROLES),
        )
    ).first()
    if facilitates is None:
        raise NotAllowed(
            f"Only a facilitator of workshop #{first.workshop_id} or #{second.workshop_id} "
            "can confirm or reject a match of their touchpoints."
        )
    row = {
        "team_id": team_id,
        "touchpoint_a_id": a,
        "touchpoint_b_id": b,
        "verdict": verdict.value,
        "decided_by": user_id,
        "decided_at": utcnow(),
    }
    statement = insert_into(session, TouchpointMatch).values(row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id", "touchpoint_a_id", "touchpoint_b_id"],
            set_={
                name: statement.excluded[name] for name in ("verdict", "decided_by", "decided_at")
            },
        )
    )
    return MatchDecision(verdict, first.name, second.name, first.workshop_id, second.workshop_id)


# Export --------------------------------------------------------------------------------------


def comparison_table(comparison: Comparison) -> ExportTable:
    """One row per matched stage and touchpoint: each workshop's name for it, its raters and
    mean gap, and the median; unrounded."""
    columns: list[str] = ["level", "stage", "name"]
    for workshop in comparison.workshops:
        prefix = f"w{workshop.id}"
        columns += [f"{prefix}_name", f"{prefix}_round", f"{prefix}_raters", f"{prefix}_mean_gap"]
    columns += ["median_gap"]
    rows = []
    for level, group in (("stage", comparison.stages), ("touchpoint", comparison.touchpoints)):
        for row in group:
            values: list[ExportCell] = [level, row.stage, row.name]
            for workshop, cell in zip(comparison.workshops, row.cells, strict=True):
                values += (
                    [cell.name, workshop.round, cell.n, cell.mean_gap]
                    if cell
                    else [None, None, None, None]
                )
            values.append(row.median_gap)
            rows.append(tuple(values))
    return ExportTable(
        name="workshop_comparison",
        title="Workshops compared: gaps side by side",
        columns=tuple(columns),
        rows=rows,
    )


def require_rated(comparison: Comparison) -> None:
    """Refuse a comparison where a workshop has no rating at all: nothing to put side by side."""
    unrated = [f"#{w.id}" for w in comparison.workshops if w.round is None]
    if unrated:
        raise InvalidInput(
            {
                "workshops": f"Nothing to compare yet: {', '.join(unrated)} "
                f"{'has' if len(unrated) == 1 else 'have'} no gap ratings."
            }
        )
