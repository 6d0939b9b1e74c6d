"""Gap rating: expectation against experience at every touchpoint, round by round.

Definitions (SERVQUAL gap, Parasuraman, Zeithaml & Berry 1988; importance–performance analysis,
Martilla & James 1977). Each is tested with a hand-computed example in tests/flows/test_gaps.py.

- A rating gives expectation and experience on 1–7, optionally importance on 1–5 and a comment.
  Its **gap** is experience − expectation: negative means expectations are not met.
- Per touchpoint, over the ratings of one round: n, mean expectation, mean experience, mean gap
  (= mean experience − mean expectation), the gap's sample standard deviation (n − 1), and a 95 %
  confidence interval mean ± t(0.975, n − 1) · sd / √n. With n = 1 there is no standard deviation
  and no interval (`None`); the results say so.
- **Importance**: the mean of the importance answers (n counted separately, as answering is
  optional). **Weights** are the mean importances normalised to sum to 1 over the rated
  touchpoints that have at least one importance answer; a touchpoint without any importance
  answer gets no weight and no weighted gap, rather than a guessed importance. A touchpoint's
  **importance-weighted gap** is weight × mean gap, so these sum to the journey's
  importance-weighted gap.
- **Quadrant** (importance × experience), split at the scale midpoints: importance 3 on 1–5,
  experience 4 on 1–7; "high" means ≥ the midpoint. No importance answers → no quadrant.
- **Per stage**: the same figures pooled over all ratings of the stage's touchpoints (so a stage's
  mean gap is the mean of every rating's gap in it, not the mean of touchpoint means). A stage's
  weight is the sum of its touchpoints' weights (its share of the journey's importance); its
  importance-weighted gap applies the journey formula to its own touchpoints: their weights,
  renormalised to sum to 1 within the stage, times their mean gaps.
- **Ranking**: rated touchpoints by mean gap, most negative (widest shortfall) first; ties (equal
  exact means) are broken by journey order, earlier stage and earlier touchpoint first.
- **Flags**: "few ratings" when n < 3; "contested" when the gap's sample standard deviation is
  ≥ 1.5 scale points (raters disagree strongly).
- **Rounds**: every workshop rates in round 1; the facilitator may open round 2, 3, … on the same
  touchpoints. Results compare the current round with the one before it.

Aggregation is SQL: one GROUP BY returns n, Σ expectation, Σ experience, Σ gap, Σ gap², the
number of importance answers and Σ importance per touchpoint; a stage's and the journey's sums
are its touchpoints' sums added up, and the statistics follow from those sums.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from functools import cache

from sqlalchemy import BindParameter, Exists, Select, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from flows.board import Figure, register_figures
from flows.errors import Conflict, InvalidInput, NotFound
from flows.stats import (
    mean_from_sums,
    round_half_away,
    sample_sd_from_sums,
    t_confidence_interval,
)
from flows.workshops import get_workshop, join_workshop, require_facilitator
from storage.models import (
    GapRating,
    JourneyStage,
    Participant,
    Phase,
    PhaseChange,
    RatingNudge,
    RatingRound,
    Touchpoint,
    Workshop,
    utcnow,
)
from storage.models.gaps import (
    EXPECTATION_SCALE,
    EXPERIENCE_SCALE,
    IMPORTANCE_SCALE,
    MAX_COMMENT_LENGTH,
)

CONFIDENCE = 0.95
FEW_RATINGS_BELOW = 3  # n < 3 → "few ratings"
CONTESTED_SD = 1.5  # sample sd of the gap ≥ 1.5 scale points → "contested"
IMPORTANCE_MIDPOINT = 3  # on 1–5; high importance means ≥ 3
EXPERIENCE_MIDPOINT = 4  # on 1–7; high performance means ≥ 4
RATING_PAGE_SIZE = 8  # touchpoints per modal page: 5 blocks each keeps a page far below 100
NUDGE_COOLDOWN = timedelta(minutes=30)  # nobody is nudged twice within this, per round
COMMENTS_PER_SHORTFALL = 3
SHORTFALLS_WITH_COMMENTS = 3
PHASES_AFTER_RATING = (Phase.rating, Phase.fixes, Phase.voting)


class Quadrant(StrEnum):
    """Importance–performance quadrants (Martilla & James 1977)."""

    concentrate_here = "Concentrate here"  # high importance, low performance
    keep_up = "Keep up the good work"  # high importance, high performance
    low_priority = "Low priority"  # low importance, low performance
    possible_overkill = "Possible overkill"  # low importance, high performance


class Flag(StrEnum):
    few_ratings = "few ratings"
    contested = "contested"


# Statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingSums:
    """What one GROUP BY returns for a group of ratings; every figure derives from these."""

    n: int = 0
    expectation: int = 0
    experience: int = 0
    gap: int = 0
    gap_squares: int = 0
    n_importance: int = 0
    importance: int = 0


@dataclass(frozen=True)
class GapStats:
    n: int
    mean_expectation: float | None
    mean_experience: float | None
    mean_gap: float | None
    sd_gap: float | None  # None when n < 2
    ci: tuple[float, float] | None  # 95 % Student t interval of the mean gap; None when n < 2
    n_importance: int
    mean_importance: float | None
    exact_mean_gap: Fraction | None  # for exact ranking and tie detection

    @property
    def rated(self) -> bool:
        return self.n > 0

    @property
    def ci_note(self) -> str | None:
        """Why there is no interval, in words the results can show."""
        if self.n == 0:
            return "not rated"
        if self.n == 1:
            return "n = 1: no interval"
        return None

    @classmethod
    def from_sums(cls, sums: RatingSums) -> GapStats:
        n = sums.n
        mean_gap = mean_from_sums(n, sums.gap)
        sd = sample_sd_from_sums(n, sums.gap, sums.gap_squares)
        return cls(
            n=n,
            mean_expectation=mean_from_sums(n, sums.expectation),
            mean_experience=mean_from_sums(n, sums.experience),
            mean_gap=mean_gap,
            sd_gap=sd,
            ci=None if mean_gap is None else t_confidence_interval(mean_gap, sd, n, CONFIDENCE),
            n_importance=sums.n_importance,
            mean_importance=mean_from_sums(sums.n_importance, sums.importance),
            exact_mean_gap=Fraction(sums.gap, n) if n else None,
        )


_SUM_FIELDS = tuple(f.name for f in fields(RatingSums))
EMPTY_STATS = GapStats.from_sums(RatingSums())


def flags_for(stats: GapStats) -> tuple[Flag, ...]:
    flags = []
    if 0 < stats.n < FEW_RATINGS_BELOW:
        flags.append(Flag.few_ratings)
    if stats.sd_gap is not None and stats.sd_gap >= CONTESTED_SD:
        flags.append(Flag.contested)
    return tuple(flags)


def quadrant_for(mean_importance: float | None, mean_experience: float | None) -> Quadrant | None:
    if mean_importance is None or mean_experience is None:
        return None
    important = mean_importance >= IMPORTANCE_MIDPOINT
    performing = mean_experience >= EXPERIENCE_MIDPOINT
    if important:
        return Quadrant.keep_up if performing else Quadrant.concentrate_here
    return Quadrant.possible_overkill if performing else Quadrant.low_priority


def importance_weights(mean_importance: Mapping[int, float | None]) -> dict[int, float]:
    """Normalise mean importances to weights summing to 1; keys without importance are left out."""
    answered = {key: value for key, value in mean_importance.items() if value is not None}
    total = sum(answered.values())
    return {key: value / total for key, value in answered.items()} if total > 0 else {}


def percentage(part: int, whole: int) -> int | None:
    return None if whole <= 0 else int(round_half_away(100 * part / whole, 0))


# Rounds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundOpened:
    workshop: Workshop
    number: int
    moved_from: Phase | None  # the phase the workshop was taken back from, if it was moved


def current_round(session: Session, workshop: Workshop) -> int:
    return session.execute(_LATEST_ROUND, _scope(workshop)).scalar() or 1


def open_rating_round(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    expected_round: int | None = None,
) -> RoundOpened:
    """Start the next rating round on the same touchpoints (facilitators only).

    `expected_round` is the round the caller saw: the one the results' button was drawn in, or
    the one that was current when `/workshop round new` arrived. Only the round after it is
    opened, so a stale or double click, a command typed twice or two at once open one round
    between them; the others are told it is already open. The database settles a race: rounds
    are numbered rows under a unique (workshop, number) key, so inserting round `seen + 1` is
    a compare-and-set on the current round. A round nobody has rated is never followed by
    another. From the fixes or voting phase the workshop goes back to rating so the team can
    rate again.
    """
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "open a new rating round")
    phase = Phase(workshop.phase)
    if phase is Phase.closed:
        raise Conflict("The workshop is closed; reopen it before opening a new rating round.")
    if phase not in PHASES_AFTER_RATING:
        raise Conflict("Rating has not started yet: round 1 opens with the Gap rating phase.")
    number = current_round(session, workshop)
    if expected_round is not None and expected_round != number:
        raise Conflict(_already_open(number))
    if _count_ratings(session, workshop, number) == 0:
        if number > 1:
            raise Conflict(_already_open(number, unrated=True))
        raise Conflict("Nobody has rated round 1 yet; rate it before opening another.")
    try:
        with session.begin_nested():
            session.add(
                RatingRound(
                    team_id=team_id, workshop_id=workshop_id, number=number + 1, opened_by=user_id
                )
            )
    except IntegrityError:  # opened by another request since `number` was read
        raise Conflict(_already_open(number + 1)) from None
    moved_from = None
    if phase is not Phase.rating:
        _move_back_to_rating(session, workshop, phase, user_id)
        moved_from = phase
    session.flush()
    session.refresh(workshop)
    return RoundOpened(workshop, number + 1, moved_from)


def _already_open(number: int, *, unrated: bool = False) -> str:
    state = " and nobody has rated it yet" if unrated else ""
    return f"Round {number} is already open{state}; I did not open another."


def _move_back_to_rating(session: Session, workshop: Workshop, phase: Phase, user_id: str) -> None:
    moved = session.execute(
        update(Workshop)
        .where(
            col(Workshop.id) == workshop.id,
            col(Workshop.team_id) == workshop.team_id,
            col(Workshop.phase) == phase,
        )
        .values(phase=Phase.rating, updated_at=utcnow())
    ).rowcount
    if moved != 1:
        raise Conflict("Someone changed the phase at the same moment; have a look at the board.")
    session.add(
        PhaseChange(
            team_id=workshop.team_id,
            workshop_id=workshop.id,
            from_phase=phase,
            to_phase=Phase.rating,
            action="new_round",
            user_id=user_id,
        )
    )


# Rating input --------------------------------------------------------------------------------

RATING_FIELDS = ("expectation", "experience", "importance", "comment")


def field_key(field_name: str, touchpoint_id: int) -> str:
    """The name of one answer field, e.g. "expectation:12" (the modal uses it as block id)."""
    return f"{field_name}:{touchpoint_id}"


@dataclass(frozen=True)
class RawAnswer:
    """What the form sent for one touchpoint, as text (None or blank when left empty)."""

    expectation: str | None = None
    experience: str | None = None
    importance: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Answer:
    expectation: int
    experience: int
    importance: int | None = None
    comment: str | None = None

    @property
    def gap(self) -> int:
        return self.experience - self.expectation


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _parse_score(
    value: str | None, scale: tuple[int, int], label: str, key: str, errors: dict[str, str]
) -> int | None:
    if _blank(value):
        return None
    low, high = scale
    try:
        number = int(value.strip())  # type: ignore[union-attr]
    except ValueError:
        errors[key] = f"{label} must be a whole number from {low} to {high}."
        return None
    if not low <= number <= high:
        errors[key] = f"{label} must be from {low} to {high}."
        return None
    return number


def validate_answer(touchpoint_id: int, raw: RawAnswer, errors: dict[str, str]) -> Answer | None:
    """One touchpoint's answer, or None when it was left entirely blank (or is invalid: its
    problems are added to `errors`, keyed by field_key)."""
    problems: dict[str, str] = {}
    key = {name: field_key(name, touchpoint_id) for name in RATING_FIELDS}
    expectation = _parse_score(
        raw.expectation, EXPECTATION_SCALE, "Expectation", key["expectation"], problems
    )
    experience = _parse_score(
        raw.experience, EXPERIENCE_SCALE, "Experience", key["experience"], problems
    )
    importance = _parse_score(
        raw.importance, IMPORTANCE_SCALE, "Importance", key["importance"], problems
    )
    comment = None if _blank(raw.comment) else raw.comment.strip()  # type: ignore[union-attr]
    if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
        problems[key["comment"]] = f"Keep the comment to {MAX_COMMENT_LENGTH} characters."
    has_expectation, has_experience = not _blank(raw.expectation), not _blank(raw.experience)
    if has_experience and not has_expectation:
        problems[key["expectation"]] = "Add the expectation too (or clear the experience)."
    elif has_expectation and not has_experience:
        problems[key["experience"]] = "Add the experience too (or clear the expectation)."
    elif not has_expectation and (importance is not None or comment is not None):
        problems[key["expectation"]] = (
            "Rate expectation and experience to save an importance or a comment."
        )
    errors.update(problems)
    if problems or expectation is None or experience is None:
        return None
    return Answer(expectation, experience, importance, comment)


def validate_answers(raw_answers: Mapping[int, RawAnswer]) -> dict[int, Answer | None]:
    """Every touchpoint's answer (None = left blank), or InvalidInput with every problem."""
    errors: dict[str, str] = {}
    answers = {tp: validate_answer(tp, raw, errors) for tp, raw in raw_answers.items()}
    if errors:
        raise InvalidInput(errors)
    return answers


@dataclass(frozen=True)
class SavedRatings:
    workshop: Workshop
    round: int
    saved: int  # touchpoints rated (new or changed answers)
    cleared: int  # touchpoints whose earlier rating was withdrawn by leaving them blank
    joined: bool  # the rater joined the workshop with this submission
    rated_before: int  # how many touchpoints the rater had rated in this round before...
    rated_after: int  # ...and after this submission

    @property
    def progress_changed(self) -> bool:
        """Whether the board's figures (raters, completeness, participants) moved."""
        return self.joined or self.rated_before != self.rated_after


def save_ratings(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    raw_answers: Mapping[int, RawAnswer],
) -> SavedRatings:
    """Validate and store one page of a participant's answers in the current round.

    All or nothing: any invalid field raises InvalidInput and nothing is saved. A touchpoint left
    blank is not rated (an earlier answer to it in this round is withdrawn: the form showed it,
    and the rater cleared it). Each answer is an upsert on (touchpoint, round, rater).
    """
    workshop = get_workshop(session, team_id, workshop_id)
    if workshop.phase != Phase.rating:
        raise Conflict(
            "Rating is closed: the workshop has moved on from the Gap rating phase, "
            "so these answers were not saved."
        )
    _check_touchpoints(session, workshop, raw_answers.keys())
    answers = validate_answers(raw_answers)
    number = current_round(session, workshop)
    joined = join_workshop(session, workshop, user_id)
    rated_before = _count_user_ratings(session, workshop, number, user_id)
    rated = {tp: answer for tp, answer in answers.items() if answer is not None}
    blank = [tp for tp, answer in answers.items() if answer is None]
    if rated:
        _upsert_ratings(session, workshop, number, user_id, rated)
    cleared = 0
    if blank:
        cleared = session.execute(
            delete(GapRating).where(
                col(GapRating.team_id) == team_id,
                col(GapRating.workshop_id) == workshop_id,
                col(GapRating.round) == number,
                col(GapRating.user_id) == user_id,
                col(GapRating.touchpoint_id).in_(blank),
            )
        ).rowcount
    rated_after = _count_user_ratings(session, workshop, number, user_id)
    return SavedRatings(workshop, number, len(rated), cleared, joined, rated_before, rated_after)


def _count_user_ratings(session: Session, workshop: Workshop, number: int, user_id: str) -> int:
    return session.execute(
        select(func.count()).where(
            GapRating.team_id == workshop.team_id,
            GapRating.workshop_id == workshop.id,
            GapRating.round == number,
            GapRating.user_id == user_id,
        )
    ).scalar_one()


def _check_touchpoints(session: Session, workshop: Workshop, touchpoint_ids: Iterable[int]) -> None:
    wanted = set(touchpoint_ids)
    found = set(
        session.execute(
            select(Touchpoint.id).where(
                Touchpoint.team_id == workshop.team_id,
                Touchpoint.workshop_id == workshop.id,
                col(Touchpoint.id).in_(wanted),
            )
        ).scalars()
    )
    if found != wanted:
        raise NotFound("Some of these touchpoints are not part of this workshop.")


def _upsert_ratings(
    session: Session, workshop: Workshop, number: int, user_id: str, answers: Mapping[int, Answer]
) -> None:
    now = utcnow()
    rows = [
        {
            "team_id": workshop.team_id,
            "workshop_id": workshop.id,
            "touchpoint_id": touchpoint_id,
            "round": number,
            "user_id": user_id,
            "expectation": answer.expectation,
            "experience": answer.experience,
            "importance": answer.importance,
            "comment": answer.comment,
            "created_at": now,
            "updated_at": now,
        }
        for touchpoint_id, answer in answers.items()
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(GapRating).values(rows)
    changed = ("expectation", "experience", "importance", "comment", "updated_at")
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["touchpoint_id", "round", "user_id"],
            set_={name: statement.excluded[name] for name in changed},
        )
    )


# Aggregation ---------------------------------------------------------------------------------


# The statements of the results are built once, and bound to a workshop and round at each call:
# building one costs the client more CPU than PostgreSQL spends running these small queries
# (about 0.15 ms of CPU a statement, measured on PostgreSQL), and the results send five.
_TEAM, _WORKSHOP, _ROUND = bindparam("team_id"), bindparam("workshop_id"), bindparam("round")


def _scope(workshop: Workshop, **values: object) -> dict[str, object]:
    return {"team_id": workshop.team_id, "workshop_id": workshop.id, **values}


_LATEST_ROUND = select(func.max(RatingRound.number)).where(
    RatingRound.team_id == _TEAM, RatingRound.workshop_id == _WORKSHOP
)


def _sums_columns() -> tuple:  # type: ignore[type-arg]
    """count, Σ expectation, Σ experience, Σ gap, Σ gap², importance answers, Σ importance."""
    gap = col(GapRating.experience) - col(GapRating.expectation)
    return (
        func.count(),
        func.sum(GapRating.expectation),
        func.sum(GapRating.experience),
        func.sum(gap),
        func.sum(gap * gap),
        func.count(GapRating.importance),
        func.coalesce(func.sum(GapRating.importance), 0),
    )


_IN_WORKSHOP = (GapRating.team_id == _TEAM, GapRating.workshop_id == _WORKSHOP)
_ROUND_SUMS = (
    select(GapRating.touchpoint_id, *_sums_columns())
    .where(*_IN_WORKSHOP, GapRating.round == _ROUND)
    .group_by(col(GapRating.touchpoint_id))
)
_ROUNDS_SUMS = (
    select(GapRating.round, GapRating.touchpoint_id, *_sums_columns())
    .where(*_IN_WORKSHOP, col(GapRating.round).in_(bindparam("rounds", expanding=True)))
    .group_by(col(GapRating.round), col(GapRating.touchpoint_id))
)


def _to_sums(values: Iterable) -> RatingSums:  # type: ignore[type-arg]
    return RatingSums(*(int(value or 0) for value in values))


def touchpoint_sums(session: Session, workshop: Workshop, number: int) -> dict[int, RatingSums]:
    return rounds_touchpoint_sums(session, workshop, (number,))[number]


def rounds_touchpoint_sums(
    session: Session, workshop: Workshop, numbers: Iterable[int]
) -> dict[int, dict[int, RatingSums]]:
    """Round → touchpoint id → sums, for each of `numbers`, in one GROUP BY (round, touchpoint):
    the results compare two rounds with one scan of their ratings."""
    wanted = sorted(set(numbers))
    if len(wanted) == 1:  # grouping by the touchpoint alone is a little cheaper
        (number,) = wanted
        rows = session.execute(_ROUND_SUMS, _scope(workshop, round=number))
        return {number: {touchpoint_id: _to_sums(values) for touchpoint_id, *values in rows}}
    sums: dict[int, dict[int, RatingSums]] = {number: {} for number in wanted}
    for number, touchpoint_id, *values in session.execute(
        _ROUNDS_SUMS, _scope(workshop, rounds=wanted)
    ):
        sums[number][touchpoint_id] = _to_sums(values)
    return sums


def pooled(groups: Iterable[RatingSums]) -> RatingSums:
    """The sums of several groups of ratings taken together. Every field is a count or a sum, so
    a stage's or the journey's sums are its touchpoints' sums added up: the one GROUP BY over
    the ratings serves every level, instead of a scan of the ratings per level."""
    totals = [0] * len(_SUM_FIELDS)
    for group in groups:
        for index, name in enumerate(_SUM_FIELDS):
            totals[index] += getattr(group, name)
    return RatingSums(*totals)


def touchpoint_gaps(session: Session, workshop: Workshop) -> dict[int, float]:
    """Touchpoint id → mean gap (experience − expectation) in the workshop's current round;
    touchpoints nobody rated are absent."""
    sums = touchpoint_sums(session, workshop, current_round(session, workshop))
    return {touchpoint_id: s.gap / s.n for touchpoint_id, s in sums.items() if s.n}


def _count_ratings(session: Session, workshop: Workshop, number: int) -> int:
    return session.execute(
        select(func.count()).where(
            GapRating.team_id == workshop.team_id,
            GapRating.workshop_id == workshop.id,
            GapRating.round == number,
        )
    ).scalar_one()


@cache
def _participants_and_raters_statement(rounds: int) -> Select:  # type: ignore[type-arg]
    """The participants, and for each of `rounds` rounds (bound as round_0, round_1, …) how many
    of them rated anything in it."""

    def rated(number: BindParameter) -> Exists:  # type: ignore[type-arg]
        return (
            select(GapRating.id)
            .where(
                *_IN_WORKSHOP,
                GapRating.round == number,
                col(GapRating.user_id) == col(Participant.user_id),
            )
            .exists()
        )

    return select(
        func.count(),
        *(func.count().filter(rated(bindparam(f"round_{i}"))) for i in range(rounds)),
    ).where(Participant.team_id == _TEAM, Participant.workshop_id == _WORKSHOP)


def participants_and_raters(
    session: Session, workshop: Workshop, numbers: Iterable[int]
) -> tuple[int, dict[int, int]]:
    """The participants, and how many of them rated in each round of `numbers`, in one query.

    Every rater is a participant (rating joins the workshop; a foreign key holds it), so the
    raters are counted over the participants, one probe of the (workshop, round, rater) index
    each, rather than by scanning every rating of the round for distinct raters."""
    wanted = sorted(set(numbers))
    rounds = {f"round_{i}": number for i, number in enumerate(wanted)}
    row = session.execute(
        _participants_and_raters_statement(len(wanted)), _scope(workshop, **rounds)
    ).one()
    return row[0], dict(zip(wanted, row[1:], strict=True))


# Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TouchpointGap:
    touchpoint_id: int
    name: str
    stage_id: int
    stage_name: str
    stage_position: int
    position: int
    stats: GapStats
    previous: GapStats | None  # the previous round's figures; None when this is round 1
    weight: float | None
    weighted_gap: float | None
    quadrant: Quadrant | None
    flags: tuple[Flag, ...]

    @property
    def change(self) -> float | None:
        """This round's mean gap − the previous round's: positive means the gap narrowed."""
        return _change(self.stats, self.previous)


@dataclass(frozen=True)
class StageGap:
    stage_id: int
    name: str
    position: int
    touchpoint_ids: tuple[int, ...]
    stats: GapStats
    previous: GapStats | None
    weight: float | None
    weighted_gap: float | None
    quadrant: Quadrant | None
    flags: tuple[Flag, ...]

    @property
    def change(self) -> float | None:
        return _change(self.stats, self.previous)


def _change(stats: GapStats, previous: GapStats | None) -> float | None:
    if previous is None or stats.mean_gap is None or previous.mean_gap is None:
        return None
    return stats.mean_gap - previous.mean_gap


@dataclass(frozen=True)
class GapResults:
    workshop_id: int
    team_id: str
    channel_id: str
    title: str
    round: int
    previous_round: int | None
    participants: int
    raters: int
    previous_raters: int | None
    touchpoints: tuple[TouchpointGap, ...]  # journey order, including unrated touchpoints
    stages: tuple[StageGap, ...]  # journey order
    journey: GapStats  # pooled over every rating of the round
    journey_previous: GapStats | None
    weighted_gap: float | None  # Σ weight × mean gap: the importance-weighted journey gap
    previous_weighted_gap: float | None
    ranked: tuple[TouchpointGap, ...]  # rated touchpoints, widest shortfall first
    comments: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def shortfalls(self) -> tuple[TouchpointGap, ...]:
        return tuple(
            t for t in self.ranked if t.stats.mean_gap is not None and t.stats.mean_gap < 0
        )

    @property
    def rated_count(self) -> int:
        return len(self.ranked)

    @property
    def has_ratings(self) -> bool:
        return self.journey.n > 0


@dataclass(frozen=True)
class RoundChange:
    """How the touchpoints' gaps moved since the previous round (a change is shown to one
    decimal, so "narrowed" means by at least 0.1 as displayed)."""

    previous_round: int
    compared: int  # touchpoints rated in both rounds
    narrowed: int
    widened: int
    closed: int  # short of expectations in the previous round, meeting them now


def round_change(results: GapResults) -> RoundChange | None:
    """None in round 1: there is nothing to compare with."""
    if results.previous_round is None:
        return None
    compared = [t for t in results.ranked if t.change is not None]
    shown = [display(t.change) or 0 for t in compared]
    closed = [
        t
        for t in compared
        if t.previous is not None
        and (t.previous.exact_mean_gap or 0) < 0
        and (t.stats.exact_mean_gap or 0) >= 0
    ]
    return RoundChange(
        previous_round=results.previous_round,
        compared=len(compared),
        narrowed=sum(1 for change in shown if change > 0),
        widened=sum(1 for change in shown if change < 0),
        closed=len(closed),
    )


@dataclass(frozen=True)
class _JourneyTouchpoint:
    id: int
    name: str
    position: int
    stage_id: int
    stage_name: str
    stage_position: int


_JOURNEY = (
    select(
        Touchpoint.id,
        Touchpoint.name,
        Touchpoint.position,
        JourneyStage.id,
        JourneyStage.name,
        JourneyStage.position,
    )
    .join(JourneyStage, col(JourneyStage.id) == col(Touchpoint.stage_id))
    .where(
        Touchpoint.team_id == _TEAM,
        Touchpoint.workshop_id == _WORKSHOP,
        JourneyStage.team_id == _TEAM,
    )
    .order_by(col(JourneyStage.position), col(Touchpoint.position))
)


def _journey(session: Session, workshop: Workshop) -> list[_JourneyTouchpoint]:
    return [_JourneyTouchpoint(*row) for row in session.execute(_JOURNEY, _scope(workshop))]


def gap_results(
    session: Session, workshop: Workshop, round_number: int | None = None
) -> GapResults:
    """Every figure of one round (the current one by default), compared with the round before."""
    number = round_number or current_round(session, workshop)
    previous = number - 1 if number > 1 else None
    rounds = (number, previous) if previous else (number,)
    journey = _journey(session, workshop)
    sums = rounds_touchpoint_sums(session, workshop, rounds)
    current_tp = sums[number]
    previous_tp = sums[previous] if previous else {}
    participants, raters = participants_and_raters(session, workshop, rounds)
    tp_stats = {tp.id: _stats_of(current_tp.get(tp.id)) for tp in journey}
    tp_previous = {tp.id: _stats_of(previous_tp.get(tp.id)) for tp in journey} if previous else {}
    weights = importance_weights({k: s.mean_importance for k, s in tp_stats.items() if s.rated})
    previous_weights = importance_weights(
        {k: s.mean_importance for k, s in tp_previous.items() if s.rated}
    )
    touchpoints = tuple(
        _touchpoint_gap(tp, tp_stats[tp.id], tp_previous[tp.id] if previous else None, weights)
        for tp in journey
    )
    stages = _stage_gaps(journey, current_tp, previous_tp if previous else None, touchpoints)
    ranked = tuple(
        sorted(
            (t for t in touchpoints if t.stats.rated),
            key=lambda t: (t.stats.exact_mean_gap, t.stage_position, t.position),
        )
    )
    journey_previous = GapStats.from_sums(pooled(previous_tp.values())) if previous else None
    shortfalls = [t.touchpoint_id for t in ranked if (t.stats.exact_mean_gap or 0) < 0]
    worst = shortfalls[:SHORTFALLS_WITH_COMMENTS]
    return GapResults(
        workshop_id=workshop.id,
        team_id=workshop.team_id,
        channel_id=workshop.channel_id,
        title=workshop.title,
        round=number,
        previous_round=previous,
        participants=participants,
        raters=raters[number],
        previous_raters=raters[previous] if previous else None,
        touchpoints=touchpoints,
        stages=stages,
        journey=GapStats.from_sums(pooled(current_tp.values())),
        journey_previous=journey_previous,
        weighted_gap=_weighted_total(weights, tp_stats),
        previous_weighted_gap=_weighted_total(previous_weights, tp_previous) if previous else None,
        ranked=ranked,
        comments=_latest_comments(session, workshop, number, worst),
    )


def _stats_of(sums: RatingSums | None) -> GapStats:
    return EMPTY_STATS if sums is None else GapStats.from_sums(sums)


def _touchpoint_gap(
    tp: _JourneyTouchpoint, stats: GapStats, previous: GapStats | None, weights: dict[int, float]
) -> TouchpointGap:
    weight = weights.get(tp.id)
    return TouchpointGap(
        touchpoint_id=tp.id,
        name=tp.name,
        stage_id=tp.stage_id,
        stage_name=tp.stage_name,
        stage_position=tp.stage_position,
        position=tp.position,
        stats=stats,
        previous=previous,
        weight=weight,
        weighted_gap=None if weight is None else weight * stats.mean_gap,  # type: ignore[operator]
        quadrant=quadrant_for(stats.mean_importance, stats.mean_experience),
        flags=flags_for(stats),
    )


def _stage_sums(
    journey: list[_JourneyTouchpoint], sums: Mapping[int, RatingSums]
) -> dict[int, RatingSums]:
    """Pooled over every rating of each stage's touchpoints."""
    members: dict[int, list[RatingSums]] = {}
    for touchpoint in journey:
        if touchpoint.id in sums:
            members.setdefault(touchpoint.stage_id, []).append(sums[touchpoint.id])
    return {stage_id: pooled(group) for stage_id, group in members.items()}


def _stage_gaps(
    journey: list[_JourneyTouchpoint],
    current_tp: Mapping[int, RatingSums],
    previous_tp: Mapping[int, RatingSums] | None,
    touchpoints: tuple[TouchpointGap, ...],
) -> tuple[StageGap, ...]:
    previous = previous_tp is not None
    current = _stage_sums(journey, current_tp)
    before = _stage_sums(journey, previous_tp) if previous_tp is not None else {}
    members: dict[int, list[TouchpointGap]] = {}
    for touchpoint in touchpoints:
        members.setdefault(touchpoint.stage_id, []).append(touchpoint)
    stages = []
    for stage_id, items in members.items():
        stats = GapStats.from_sums(current.get(stage_id, RatingSums()))
        weighted = [t for t in items if t.weight is not None]
        stages.append(
            StageGap(
                stage_id=stage_id,
                name=items[0].stage_name,
                position=items[0].stage_position,
                touchpoint_ids=tuple(t.touchpoint_id for t in items),
                stats=stats,
                previous=GapStats.from_sums(before.get(stage_id, RatingSums()))
                if previous
                else None,
                weight=_stage_weight(weighted),
                weighted_gap=_stage_weighted_gap(weighted),
                quadrant=quadrant_for(stats.mean_importance, stats.mean_experience),
                flags=flags_for(stats),
            )
        )
    return tuple(sorted(stages, key=lambda s: s.position))


def _stage_weight(weighted: list[TouchpointGap]) -> float | None:
    return math.fsum(t.weight for t in weighted) if weighted else None  # type: ignore[misc]


def _stage_weighted_gap(weighted: list[TouchpointGap]) -> float | None:
    """The importance-weighted mean gap of the stage: its touchpoints' weights renormalised
    within the stage (the same formula as the journey's, over the stage's touchpoints)."""
    if not weighted:
        return None
    share = math.fsum(t.weight for t in weighted)  # type: ignore[misc]
    return math.fsum(t.weighted_gap for t in weighted) / share  # type: ignore[misc]


def _weighted_total(weights: Mapping[int, float], stats: Mapping[int, GapStats]) -> float | None:
    if not weights:
        return None
    return math.fsum(weight * stats[key].mean_gap for key, weight in weights.items())  # type: ignore[operator]


_LATEST_COMMENTS = (
    select(GapRating.touchpoint_id, GapRating.comment)
    .where(
        *_IN_WORKSHOP,
        GapRating.round == _ROUND,
        col(GapRating.touchpoint_id).in_(bindparam("touchpoints", expanding=True)),
        col(GapRating.comment).is_not(None),
    )
    .order_by(col(GapRating.updated_at).desc(), col(GapRating.id).desc())
)


def _latest_comments(
    session: Session, workshop: Workshop, number: int, touchpoint_ids: list[int]
) -> dict[int, tuple[str, ...]]:
    if not touchpoint_ids:
        return {}
    rows = session.execute(
        _LATEST_COMMENTS, _scope(workshop, round=number, touchpoints=touchpoint_ids)
    ).all()
    comments: dict[int, list[str]] = {}
    for touchpoint_id, comment in rows:
        bucket = comments.setdefault(touchpoint_id, [])
        if len(bucket) < COMMENTS_PER_SHORTFALL:
            bucket.append(comment)
    return {key: tuple(value) for key, value in comments.items()}


# Progress, the board, nudges -----------------------------------------------------------------


@dataclass(frozen=True)
class RatingProgress:
    round: int
    participants: int
    raters: int
    ratings_given: int
    touchpoints: int

    @property
    def possible(self) -> int:
        return self.participants * self.touchpoints

    @property
    def completeness(self) -> int | None:
        """Ratings given / (participants × touchpoints), as a whole percentage."""
        return percentage(self.ratings_given, self.possible)


def rating_progress(session: Session, workshop: Workshop) -> RatingProgress:
    number = current_round(session, workshop)
    touchpoints = session.execute(
        select(func.count()).where(
            Touchpoint.team_id == workshop.team_id, Touchpoint.workshop_id == workshop.id
        )
    ).scalar_one()
    participants, raters = participants_and_raters(session, workshop, (number,))
    return RatingProgress(
        round=number,
        participants=participants,
        raters=raters[number],
        ratings_given=_count_ratings(session, workshop, number),
        touchpoints=touchpoints,
    )


@register_figures
def rating_figures(session: Session, workshop: Workshop) -> list[Figure]:
    """The board's progress figures while the team rates."""
    if workshop.phase != Phase.rating:
        return []
    progress = rating_progress(session, workshop)
    round_text = str(progress.round)
    if progress.round > 1:
        round_text += f" · compared with round {progress.round - 1}"
    completeness = progress.completeness
    return [
        Figure("Rating round", round_text),
        Figure("Rated", f"{progress.raters} of {progress.participants} participants"),
        Figure(
            "Completeness",
            f"{completeness if completeness is not None else 0} % "
            f"({progress.ratings_given} of {progress.possible} ratings)",
        ),
    ]


@dataclass(frozen=True)
class NudgePlan:
    workshop: Workshop
    round: int
    to_nudge: tuple[str, ...]  # claimed: DM these now
    recently_nudged: tuple[str, ...]  # not rated, but nudged within the cool-down


def plan_nudges(
    session: Session, team_id: str, workshop_id: int, user_id: str, now: datetime | None = None
) -> NudgePlan:
    """Claim the participants to DM: joined, not rated in this round, not the facilitator
    asking, and not nudged within NUDGE_COOLDOWN. The claim is one upsert whose conflict branch
    only fires once the cool-down has passed, so concurrent clicks claim each person once."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "nudge participants")
    if workshop.phase != Phase.rating:
        raise Conflict("Nudges are for the Gap rating phase, and the workshop is not in it.")
    number = current_round(session, workshop)
    candidates = _not_rated(session, workshop, number, exclude=user_id)
    if not candidates:
        return NudgePlan(workshop, number, (), ())
    now = now or utcnow()
    claimed = set(_claim_nudges(session, workshop, number, user_id, candidates, now))
    return NudgePlan(
        workshop,
        number,
        tuple(u for u in candidates if u in claimed),
        tuple(u for u in candidates if u not in claimed),
    )


def _not_rated(session: Session, workshop: Workshop, number: int, exclude: str) -> list[str]:
    rated = select(GapRating.user_id).where(
        GapRating.team_id == workshop.team_id,
        GapRating.workshop_id == workshop.id,
        GapRating.round == number,
    )
    return list(
        session.execute(
            select(Participant.user_id)
            .where(
                Participant.team_id == workshop.team_id,
                Participant.workshop_id == workshop.id,
                Participant.user_id != exclude,
                col(Participant.user_id).not_in(rated),
            )
            .order_by(col(Participant.id))
        ).scalars()
    )


def _claim_nudges(
    session: Session,
    workshop: Workshop,
    number: int,
    nudged_by: str,
    user_ids: list[str],
    now: datetime,
) -> list[str]:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RatingNudge).values(
        [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "round": number,
                "user_id": user_id,
                "nudged_by": nudged_by,
                "nudged_at": now,
            }
            for user_id in user_ids
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=["workshop_id", "round", "user_id"],
        set_={"nudged_at": statement.excluded.nudged_at, "nudged_by": statement.excluded.nudged_by},
        where=col(RatingNudge.nudged_at) <= now - NUDGE_COOLDOWN,
    ).returning(RatingNudge.user_id)
    return list(session.execute(statement).scalars())


# The rating form -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingPage:
    index: int
    stage_name: str
    part: int  # 1-based, when a long stage is split over several pages
    parts: int
    touchpoint_ids: tuple[int, ...]
    rated: int  # how many of them the rater has rated in this round

    @property
    def complete(self) -> bool:
        return self.rated == len(self.touchpoint_ids)


@dataclass(frozen=True)
class TouchpointAnswer:
    touchpoint_id: int
    name: str
    answer: Answer | None  # the rater's answer in this round, if any


@dataclass(frozen=True)
class RatingSheet:
    """One page of one participant's rating form, and their progress over the whole journey."""

    workshop_id: int
    title: str
    round: int
    pages: tuple[RatingPage, ...]
    page: RatingPage
    items: tuple[TouchpointAnswer, ...]
    unrated: tuple[str, ...]  # names of the touchpoints the rater has not rated yet, in order

    @property
    def touchpoint_count(self) -> int:
        return sum(len(page.touchpoint_ids) for page in self.pages)

    @property
    def rated_count(self) -> int:
        return sum(page.rated for page in self.pages)

    @property
    def suggested_next(self) -> int | None:
        """The next page (after this one, wrapping) with something left to rate; None if none."""
        count = len(self.pages)
        for step in range(1, count):
            page = self.pages[(self.page.index + step) % count]
            if not page.complete:
                return page.index
        return None


def rating_sheet(
    session: Session, team_id: str, workshop_id: int, user_id: str, page_index: int | None = None
) -> RatingSheet:
    """The rating form's page `page_index` for this user, pre-filled with their answers in the
    current round; by default the first page with something left to rate."""
    workshop = get_workshop(session, team_id, workshop_id)
    if workshop.phase != Phase.rating:
        raise Conflict("Rating happens in the Gap rating phase, and this workshop is not in it.")
    number = current_round(session, workshop)
    journey = _journey(session, workshop)
    if not journey:
        raise NotFound("This workshop has no touchpoints to rate.")
    answers = _user_answers(session, workshop, number, user_id)
    pages = _paginate(journey, answers)
    if page_index is None:
        page_index = next((page.index for page in pages if not page.complete), 0)
    if not 0 <= page_index < len(pages):
        raise NotFound("That page of the rating form no longer exists; open it again.")
    page = pages[page_index]
    names = {tp.id: tp.name for tp in journey}
    return RatingSheet(
        workshop_id=workshop.id,
        title=workshop.title,
        round=number,
        pages=pages,
        page=page,
        items=tuple(TouchpointAnswer(tp, names[tp], answers.get(tp)) for tp in page.touchpoint_ids),
        unrated=tuple(tp.name for tp in journey if tp.id not in answers),
    )


def _paginate(
    journey: list[_JourneyTouchpoint], answers: Mapping[int, Answer]
) -> tuple[RatingPage, ...]:
    by_stage: dict[int, list[_JourneyTouchpoint]] = {}
    for tp in journey:
        by_stage.setdefault(tp.stage_id, []).append(tp)
    pages: list[RatingPage] = []
    for stage_touchpoints in by_stage.values():
        chunks = [
            stage_touchpoints[start : start + RATING_PAGE_SIZE]
            for start in range(0, len(stage_touchpoints), RATING_PAGE_SIZE)
        ]
        for part, chunk in enumerate(chunks, start=1):
            ids = tuple(tp.id for tp in chunk)
            pages.append(
                RatingPage(
                    index=len(pages),
                    stage_name=chunk[0].stage_name,
                    part=part,
                    parts=len(chunks),
                    touchpoint_ids=ids,
                    rated=sum(1 for tp in ids if tp in answers),
                )
            )
    return tuple(pages)


def _user_answers(
    session: Session, workshop: Workshop, number: int, user_id: str
) -> dict[int, Answer]:
    rows = session.execute(
        select(
            GapRating.touchpoint_id,
            GapRating.expectation,
            GapRating.experience,
            GapRating.importance,
            GapRating.comment,
        ).where(
            GapRating.team_id == workshop.team_id,
            GapRating.workshop_id == workshop.id,
            GapRating.round == number,
            GapRating.user_id == user_id,
        )
    ).all()
    return {row[0]: Answer(*row[1:]) for row in rows}


def display(value: float | None, digits: int = 1) -> float | None:
    """A figure as the results show it: rounded half away from zero."""
    return None if value is None else round_half_away(value, digits)


def signed(value: float | None, digits: int = 1, minus: str = "−", none: str = "–") -> str:
    """A gap or change as text: "−2.3", "+0.7", "0.0" (rounded half away from zero)."""
    if value is None:
        return none
    rounded = round_half_away(value, digits)
    text = f"{abs(rounded):.{digits}f}"
    if rounded < 0:
        return minus + text
    return ("+" + text) if rounded > 0 else text
