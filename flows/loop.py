"""Closing the loop: each touchpoint's gap over all rating rounds, the loop-closure figure, and
the "you said, we did" notes.

- **Trend**: a touchpoint's mean gap (experience − expectation) in every round, round 1 first;
  its change is the latest rated round's mean gap minus the first rated round's.
- **Narrowed**: a gap narrowed when the later mean gap is higher by at least 0.1 as displayed
  (one decimal, halves away from zero), the same rule the results use between two rounds.
- **Top gaps**: the (at most) TOP_GAPS touchpoints with the widest shortfalls in round 1, the
  baseline: mean gap below zero, most negative first, ties in journey order.
- **Loop-closure figure**: the share of the top gaps (in %, whole numbers, halves away from zero)
  that have a *done* action item (from a fix tied to that touchpoint) **and** whose gap in the
  latest round after round 1 that rated it narrowed from round 1.
- **"You said, we did"**: a done action item whose touchpoint fell short (mean gap below zero)
  in the round that was current when the item was created, and whose gap narrowed from that
  round to a later one whose results have been shown, gets one note in the workshop's thread;
  the `loop_note` row (unique per action item) is claimed first. Two paths post notes, whichever
  comes first: the results of a rating round (bot/rounds/posts.post_loop, comparing with the
  round just closed) and an action item marked done (bot/action_items, comparing with the latest
  round whose results were shown, `shown_round`).
- **Like for like by persona**: every figure here follows round 1's line of rounds
  (flows.gaps.like_for_like): the rounds rated by everyone, or round 1's persona's rounds when
  the facilitator gave round 1 to a persona. A round given to another persona counts as not
  rated here; its own results compare it with that persona's earlier round. For "you said, we
  did", the round an item was created in stands for the latest round of that line up to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from flows.exports import ExportTable
from flows.gaps.aggregation import current_round, journey_touchpoints, rounds_touchpoint_sums
from flows.gaps.like_for_like import round_personas, same_line
from flows.gaps.statistics import display, percentage
from flows.inserts import added
from flows.scope import of_workshop
from storage.models import ActionItem, ActionStatus, Fix, Phase, RatingRound, Workshop, pk
from storage.models.rounds import LoopNote

TOP_GAPS = 5
RESULTS_SHOWN_PHASES = (Phase.fixes, Phase.voting, Phase.closed)
TRENDS_EXPORT_ORDER = 65  # after touchpoint_gaps (60); registered in flows/reports.py


def narrowed(before: float, after: float) -> bool:
    change = display(after - before)
    return change is not None and change >= 0.1


@dataclass(frozen=True)
class TouchpointTrend:
    touchpoint_id: int
    stage: str
    name: str
    gaps: tuple[float | None, ...]  # mean gap in round 1, 2, …; None: nobody rated it then

    def _rated(self) -> list[tuple[int, float]]:
        return [(number, gap) for number, gap in enumerate(self.gaps, 1) if gap is not None]

    @property
    def first(self) -> tuple[int, float] | None:
        rated = self._rated()
        return rated[0] if rated else None

    @property
    def latest(self) -> tuple[int, float] | None:
        rated = self._rated()
        return rated[-1] if rated else None

    @property
    def change(self) -> float | None:
        """Latest rated round's mean gap minus the first's; None with fewer than two."""
        rated = self._rated()
        return rated[-1][1] - rated[0][1] if len(rated) >= 2 else None


def touchpoint_trends(session: Session, workshop: Workshop) -> list[TouchpointTrend]:
    """Every touchpoint in journey order with its mean gap in every round so far (one query),
    like for like by persona: the rounds of round 1's line only (everyone's rounds, or round 1's
    persona's); a round of another line counts as not rated (None)."""
    rounds = range(1, current_round(session, workshop) + 1)
    line = same_line(round_personas(session, workshop), rounds, 1)
    sums = rounds_touchpoint_sums(session, workshop, line)
    trends = []
    for touchpoint in journey_touchpoints(session, workshop):
        gaps = []
        for number in rounds:
            found = sums.get(number, {}).get(touchpoint.id)
            gaps.append(found.gap / found.n if found is not None and found.n else None)
        trends.append(
            TouchpointTrend(touchpoint.id, touchpoint.stage_name, touchpoint.name, tuple(gaps))
        )
    return trends


def shown_round(session: Session, workshop: Workshop) -> int:
    """The latest round whose results have been shown: the current round once its rating has
    ended (the workshop is past the rating phase), else the one before it (0: none yet)."""
    current = current_round(session, workshop)
    return current if Phase(workshop.phase) in RESULTS_SHOWN_PHASES else current - 1


def rated_rounds(trends: list[TouchpointTrend]) -> int:
    """How many rounds have any rating (the trend's width)."""
    return max((t.latest[0] for t in trends if t.latest), default=0)


# The loop-closure figure ---------------------------------------------------------------------


@dataclass(frozen=True)
class TopGap:
    trend: TouchpointTrend
    baseline_gap: float  # round 1
    latest_round: int | None  # the latest round after round 1 that rated it
    latest_gap: float | None
    done: bool  # a done action item on this touchpoint

    @property
    def narrowed(self) -> bool:
        return self.latest_gap is not None and narrowed(self.baseline_gap, self.latest_gap)

    @property
    def closed(self) -> bool:
        return self.done and self.narrowed


@dataclass(frozen=True)
class LoopClosure:
    top: tuple[TopGap, ...]

    @property
    def closed(self) -> int:
        return sum(1 for gap in self.top if gap.closed)

    @property
    def share(self) -> int | None:
        return percentage(self.closed, len(self.top))


def done_touchpoints(session: Session, workshop: Workshop) -> set[int]:
    """Touchpoints with at least one done action item."""
    return set(
        session.exec(
            select(Fix.touchpoint_id)
            .join(ActionItem, col(ActionItem.fix_id) == col(Fix.id))
            .where(
                *of_workshop(ActionItem, workshop),
                Fix.team_id == workshop.team_id,
                ActionItem.status == ActionStatus.done,
            )
        ).all()
    )


def loop_closure(
    session: Session, workshop: Workshop, trends: list[TouchpointTrend] | None = None
) -> LoopClosure | None:
    """The loop-closure figure; None while round 1 shows no shortfall."""
    trends = trends if trends is not None else touchpoint_trends(session, workshop)
    shortfalls = [t for t in trends if t.gaps and t.gaps[0] is not None and t.gaps[0] < 0]
    # stable: ties stay in journey order (`or 0.0` never applies: each first gap is < 0)
    shortfalls.sort(key=lambda t: t.gaps[0] or 0.0)
    if not shortfalls:
        return None
    done = done_touchpoints(session, workshop)
    top = []
    for trend in shortfalls[:TOP_GAPS]:
        later = [(n, g) for n, g in enumerate(trend.gaps, 1) if n > 1 and g is not None]
        latest_round, latest_gap = later[-1] if later else (None, None)
        top.append(
            TopGap(trend, trend.gaps[0], latest_round, latest_gap, trend.touchpoint_id in done)  # type: ignore[arg-type]
        )
    return LoopClosure(tuple(top))


# "You said, we did" --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoopNoteDue:
    action_item_id: int
    fix_title: str
    owner_id: str
    touchpoint: str
    before_round: int
    before_gap: float
    after_round: int
    after_gap: float


def _round_at(session: Session, workshop: Workshop, item: ActionItem) -> int:
    """The round that was current when the action item was created."""
    latest = session.exec(
        select(func.max(RatingRound.number)).where(
            *of_workshop(RatingRound, workshop),
            col(RatingRound.opened_at) <= item.created_at,
        )
    ).one()
    return latest or 1


def due_loop_notes(
    session: Session,
    workshop: Workshop,
    trends: list[TouchpointTrend] | None = None,
    through_round: int | None = None,
) -> list[LoopNoteDue]:
    """Done action items without a note whose touchpoint's gap narrowed between the round
    current when the item was created and `through_round` (default: the current round; both
    rated it)."""
    trends = trends if trends is not None else touchpoint_trends(session, workshop)
    by_id = {t.touchpoint_id: t for t in trends}
    current = through_round if through_round is not None else current_round(session, workshop)
    noted = select(LoopNote.action_item_id).where(*of_workshop(LoopNote, workshop))
    rows = session.exec(
        select(ActionItem, Fix)
        .join(Fix, col(Fix.id) == col(ActionItem.fix_id))
        .where(
            *of_workshop(ActionItem, workshop),
            Fix.team_id == workshop.team_id,
            ActionItem.status == ActionStatus.done,
            col(ActionItem.id).not_in(noted),
        )
        .order_by(col(ActionItem.id))
    ).all()
    due = []
    line = set(same_line(round_personas(session, workshop), range(1, current + 1), 1))
    for item, fix in rows:
        trend = by_id.get(fix.touchpoint_id)
        created_in = _round_at(session, workshop, item)
        before = max((n for n in line if n <= created_in), default=1)
        if trend is None or current <= before or len(trend.gaps) < current:
            continue
        before_gap, after_gap = trend.gaps[before - 1], trend.gaps[current - 1]
        if before_gap is None or after_gap is None or before_gap >= 0:
            continue  # nothing to say: not rated, or no shortfall then
        if not narrowed(before_gap, after_gap):
            continue
        due.append(
            LoopNoteDue(
                pk(item),
                fix.title,
                item.owner_id,
                trend.name,
                before,
                before_gap,
                current,
                after_gap,
            )
        )
    return due


def claim_loop_note(session: Session, workshop: Workshop, note: LoopNoteDue) -> bool:
    """Take the note's row; False if it was taken (posted, or being posted) already."""
    return added(
        session,
        LoopNote(
            team_id=workshop.team_id,
            workshop_id=pk(workshop),
            action_item_id=note.action_item_id,
            before_round=note.before_round,
            after_round=note.after_round,
        ),
    )


# Export --------------------------------------------------------------------------------------


def touchpoint_trends_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """One row per touchpoint: its mean gap in every round and the change since the first."""
    trends = touchpoint_trends(session, workshop)
    width = rated_rounds(trends)
    if width == 0:
        return None
    return ExportTable(
        name="touchpoint_trends",
        title="Touchpoint gap trends over all rounds",
        columns=(
            "stage",
            "touchpoint",
            *(f"gap_round_{n}" for n in range(1, width + 1)),
            "change_since_first",
        ),
        rows=[
            (t.stage, t.name, *(display(g) for g in t.gaps[:width]), display(t.change))
            for t in trends
        ],
    )
