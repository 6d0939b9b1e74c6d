"""The emotion curve: how the customer feels at each touchpoint, −2…+2 (Smaply's convention),
asked in the rating form only while the facilitator has it on (journey lanes, issue 17).

Definitions (ours; each is checked with a worked example in tests/flows/test_emotions.py):

- A rating may carry a feeling from −2 (very negative) to +2 (very positive); it is optional.
- A touchpoint's **mean feeling** is the mean of the feelings given there in the round, with its
  own n (raters who left it blank are not counted); a stage's pools the feelings of all its
  touchpoints (the mean of every feeling given in the stage).
- The curve's **lowest points**, the moments that matter, are the touchpoints with the lowest
  mean feeling below 0, at most MOMENTS of them (ties in journey order). A curve that never dips
  below 0 has none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from flows.formatting import signed
from flows.gaps.aggregation import current_round, journey_touchpoints
from flows.gaps.like_for_like import ComparedRound, compared_round
from flows.gaps.results import GapResults
from flows.scope import of_workshop
from flows.workshops import get_workshop, require_facilitator
from storage.models import GapRating, Persona, Workshop

MOMENTS = 3
FEELINGS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive", 2: "very positive"}


def set_emotion_curve(
    session: Session, team_id: str, workshop_id: int, user_id: str, on: bool
) -> bool:
    """Turn the rating form's feeling question on or off (facilitators); whether it changed."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "turn the emotion curve on or off")
    changed = session.exec(
        update(Workshop)
        .where(
            col(Workshop.team_id) == team_id,
            col(Workshop.id) == workshop_id,
            col(Workshop.emotion_curve) != on,
        )
        .values(emotion_curve=on)
    ).rowcount
    session.refresh(workshop)
    return bool(changed)


@dataclass(frozen=True)
class EmotionPoint:
    touchpoint_id: int
    name: str
    stage_id: int
    stage_name: str
    n: int
    total: int  # Σ feelings

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def exact(self) -> Fraction | None:
        return Fraction(self.total, self.n) if self.n else None


@dataclass(frozen=True)
class StageFeeling:
    stage_id: int
    name: str
    n: int
    total: int

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None


@dataclass(frozen=True)
class EmotionCurve:
    workshop_id: int
    title: str
    round: int
    points: tuple[EmotionPoint, ...]  # every touchpoint, journey order
    stages: tuple[StageFeeling, ...]  # journey order
    lowest: tuple[EmotionPoint, ...]  # the moments that matter, lowest first

    @property
    def has_feelings(self) -> bool:
        return any(p.n for p in self.points)

    @property
    def mean(self) -> float | None:
        """Every feeling of the round pooled: Σ feelings / n."""
        n = sum(p.n for p in self.points)
        return sum(p.total for p in self.points) / n if n else None


def emotion_curve(
    session: Session, workshop: Workshop, round_number: int | None = None
) -> EmotionCurve | None:
    """The round's curve; None when the curve is off and nobody gave a feeling this round (the
    lane is off: the results look exactly as they do without it)."""
    number = round_number or current_round(session, workshop)
    rows = session.execute(
        select(
            col(GapRating.touchpoint_id),
            func.count(col(GapRating.emotion)),
            func.sum(col(GapRating.emotion)),
        )
        .where(
            *of_workshop(GapRating, workshop),
            col(GapRating.round) == number,
            col(GapRating.emotion).is_not(None),
        )
        .group_by(col(GapRating.touchpoint_id))
    ).all()
    if not rows and not workshop.emotion_curve:
        return None
    sums = {tp: (int(n), int(total or 0)) for tp, n, total in rows}
    journey = _journey(session, workshop)
    assert workshop.id is not None
    return summarise_curve(workshop.id, workshop.title, number, journey, sums)


def _journey(session: Session, workshop: Workshop) -> list[tuple[int, str, int, str]]:
    """(touchpoint id, name, stage id, stage name) in journey order, as the curves take them."""
    return [
        (tp.id, tp.name, tp.stage_id, tp.stage_name)
        for tp in journey_touchpoints(session, workshop)
    ]


def with_curve(session: Session, workshop: Workshop, results: GapResults) -> GapResults:
    """The results carrying their round's curve, for the journey chart's feeling panel; the
    results unchanged while the lane is off or nobody gave a feeling that round."""
    curve = emotion_curve(session, workshop, results.round)
    if curve is None or not curve.has_feelings:
        return results
    return replace(results, curve=curve)


def summarise_curve(
    workshop_id: int,
    title: str,
    number: int,
    journey: list[tuple[int, str, int, str]],  # (touchpoint id, name, stage id, stage name)
    sums: dict[int, tuple[int, int]],  # touchpoint id → (n, Σ feelings)
) -> EmotionCurve:
    """The curve from each touchpoint's count and sum of feelings (pure)."""
    points = tuple(
        EmotionPoint(tp, name, sid, sname, *sums.get(tp, (0, 0)))
        for tp, name, sid, sname in journey
    )
    stages: dict[int, StageFeeling] = {}
    for point in points:
        before = stages.get(point.stage_id, StageFeeling(point.stage_id, point.stage_name, 0, 0))
        stages[point.stage_id] = StageFeeling(
            before.stage_id, before.name, before.n + point.n, before.total + point.total
        )
    negative = [p for p in points if p.n and p.exact < 0]  # type: ignore[operator]
    order = {p.touchpoint_id: index for index, p in enumerate(points)}
    lowest = sorted(negative, key=lambda p: (p.exact, order[p.touchpoint_id]))[:MOMENTS]
    return EmotionCurve(workshop_id, title, number, points, tuple(stages.values()), tuple(lowest))


# The curve per round and per persona --------------------------------------------------------


@dataclass(frozen=True)
class CurveChange:
    """How the feeling moved since the previous round, like for like (module docstring)."""

    round: int
    previous_round: int
    compared: int  # touchpoints with feelings in both rounds
    before: float | None
    now: float | None
    # "round 1, the last round for Busy parent" (flows.gaps.like_for_like); "": "round N"
    previous_words: str = ""

    @property
    def change(self) -> float | None:
        if self.before is None or self.now is None:
            return None
        return self.now - self.before

    def words(self) -> str | None:
        """ "+0.4 since round 1" or "unchanged since round 1" (as shown, to one decimal)."""
        if self.change is None:
            return None
        shown = signed(self.change)
        how = "unchanged" if shown == "0.0" else shown
        return f"{how} since {self.previous_words or f'round {self.previous_round}'}"


@dataclass(frozen=True)
class PersonaCurve:
    persona_id: int
    name: str
    curve: EmotionCurve  # in the latest round rated for this persona


@dataclass(frozen=True)
class EmotionLines:
    """The curve as lines: every round's (all raters) and, with personas, every persona's."""

    current: EmotionCurve  # the current round, all raters
    rounds: tuple[EmotionCurve, ...]  # every round with feelings, oldest first
    personas: tuple[PersonaCurve, ...]  # personas with feelings, in the order defined
    # since the round the current one is compared with (like for like by persona,
    # flows.gaps.like_for_like), when both have feelings
    change: CurveChange | None
    compared_round: int | None = None  # that round; None: nothing to compare with

    @property
    def by_persona(self) -> bool:
        return bool(self.personas)


def curve_change(now: EmotionCurve, before: EmotionCurve, previous_words: str = "") -> CurveChange:
    """The like-for-like change from `before` to `now` (pure)."""
    earlier = {p.touchpoint_id: p for p in before.points if p.n}
    both = [(p, earlier[p.touchpoint_id]) for p in now.points if p.n and p.touchpoint_id in earlier]
    n_now, n_before = sum(p.n for p, _ in both), sum(b.n for _, b in both)
    return CurveChange(
        now.round,
        before.round,
        len(both),
        sum(b.total for _, b in both) / n_before if n_before else None,
        sum(p.total for p, _ in both) / n_now if n_now else None,
        previous_words,
    )


def emotion_lines(session: Session, workshop: Workshop) -> EmotionLines | None:
    """The curve per round and per persona; None when the lane is off (as `emotion_curve`)."""
    number = current_round(session, workshop)
    rows = session.execute(
        select(
            col(GapRating.round),
            col(GapRating.persona_id),
            col(GapRating.touchpoint_id),
            func.count(col(GapRating.emotion)),
            func.sum(col(GapRating.emotion)),
        )
        .where(
            *of_workshop(GapRating, workshop),
            col(GapRating.emotion).is_not(None),
        )
        .group_by(col(GapRating.round), col(GapRating.persona_id), col(GapRating.touchpoint_id))
    ).all()
    if not rows and not workshop.emotion_curve:
        return None
    defined = session.execute(
        select(col(Persona.id), col(Persona.name))
        .where(*of_workshop(Persona, workshop))
        .order_by(col(Persona.id))
    ).all()
    journey = _journey(session, workshop)
    assert workshop.id is not None
    return summarise_lines(
        workshop.id,
        workshop.title,
        number,
        journey,
        [(int(r), p, tp, int(n), int(t or 0)) for r, p, tp, n, t in rows],
        [(int(i), str(name)) for i, name in defined],
        compared_round(session, workshop, number),
    )


def summarise_lines(
    workshop_id: int,
    title: str,
    number: int,
    journey: list[tuple[int, str, int, str]],
    rows: list[tuple[int, int | None, int, int, int]],  # (round, persona, touchpoint, n, Σ)
    defined: list[tuple[int, str]],  # the personas (id, name), in the order defined
    compared: ComparedRound | None = None,  # default: round `number` − 1, all rated by everyone
) -> EmotionLines:
    """The lines from the count and sum of feelings per (round, persona, touchpoint) (pure).
    The change is measured since `compared.previous`: the latest earlier round of the same
    persona, or of everyone's."""
    by_round: dict[int, dict[int, tuple[int, int]]] = {}
    by_persona: dict[int, dict[int, dict[int, tuple[int, int]]]] = {}  # persona → round → tp
    for round_number, persona_id, touchpoint_id, n, total in rows:
        cell = by_round.setdefault(round_number, {})
        before = cell.get(touchpoint_id, (0, 0))
        cell[touchpoint_id] = (before[0] + n, before[1] + total)
        if persona_id is not None:
            by_persona.setdefault(persona_id, {}).setdefault(round_number, {})[touchpoint_id] = (
                n,
                total,
            )

    def curve(round_number: int, sums: dict[int, tuple[int, int]]) -> EmotionCurve:
        return summarise_curve(workshop_id, title, round_number, journey, sums)

    current = curve(number, by_round.get(number, {}))
    rounds = tuple(curve(r, by_round[r]) for r in sorted(by_round) if r <= number)
    personas = []
    for persona_id, name in defined:
        rated = by_persona.get(persona_id)
        if rated:
            latest = max(rated)
            personas.append(PersonaCurve(persona_id, name, curve(latest, rated[latest])))
    compared = compared or ComparedRound(number, None, number - 1 if number > 1 else None)
    earlier = compared.previous
    previous = by_round.get(earlier) if earlier is not None else None
    change = (
        curve_change(current, curve(earlier, previous), compared.previous_words())
        if earlier is not None and previous and current.has_feelings
        else None
    )
    return EmotionLines(current, rounds, tuple(personas), change, earlier)
