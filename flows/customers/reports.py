"""The customers' figures of a workshop beside the team's: reads and the report they make.

Per touchpoint (or stage) with customer answers, the figures come from the latest import (by
survey date, then by import) that answered about it, every segment pooled; the team's come from
its current rating round. A stage's figures pool its touchpoints' (and any answers about the
stage as a whole). Over time, a touchpoint's customer gap in the latest import is compared with
the one in the latest earlier-dated import that answered about it (like for like), beside the
team's gap in its current and previous rating rounds. The statistics are in figures.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from flows.customers.figures import (
    BlindSpotKind,
    Sample,
    Welch,
    compare,
    comparison_note,
    contrast,
    difference,
    knowledge_blind_spot,
    perception_blind_spot,
    pooled,
    welch,
)
from flows.customers.importing import DEFAULT_SCALE, scale_label
from flows.gaps.aggregation import current_round, journey_touchpoints, rounds_touchpoint_sums
from flows.gaps.like_for_like import previous_like, round_personas
from flows.scope import of_workshop, rows_of
from flows.workshops import get_workshop
from storage.models import (
    CustomerFigure,
    CustomerImport,
    GapRating,
    JourneyStage,
    Measure,
    Workshop,
    pk,
)


@dataclass(frozen=True)
class Place:
    stage_id: int
    stage_name: str
    stage_position: int
    touchpoint_id: int | None  # None: the stage as a whole
    touchpoint_name: str | None
    touchpoint_position: int

    @property
    def name(self) -> str:
        return self.touchpoint_name or self.stage_name

    @property
    def order(self) -> tuple[int, int]:
        return self.stage_position, self.touchpoint_position


@dataclass(frozen=True)
class BlindSpot:
    place: Place
    kind: BlindSpotKind
    test: Welch
    customers: float  # the customers' mean (expectation or experience)
    team: float  # the team's mean of the same measure

    @property
    def about_expectations(self) -> bool:
        return self.kind in (
            BlindSpotKind.underestimates_expectations,
            BlindSpotKind.overestimates_expectations,
        )


@dataclass(frozen=True)
class Comparison:
    place: Place
    survey_date: date | None
    customer_expectation: Sample | None
    customer_experience: Sample | None
    team_expectation: Sample | None
    team_experience: Sample | None

    @property
    def customer_gap(self) -> float | None:
        """G_c = P_c − E_c."""
        return difference(self.customer_experience, self.customer_expectation)

    @property
    def customer_gap_test(self) -> Welch | None:
        if self.customer_experience is None or self.customer_expectation is None:
            return None
        return welch(self.customer_experience, self.customer_expectation)

    @property
    def team_gap(self) -> float | None:
        return difference(self.team_experience, self.team_expectation)

    @property
    def knowledge_gap(self) -> float | None:
        """E_c − E_t."""
        return difference(self.customer_expectation, self.team_expectation)

    @property
    def perception_gap(self) -> float | None:
        """P_t − P_c."""
        return difference(self.team_experience, self.customer_experience)

    @property
    def knowledge_test(self) -> Welch | None:
        return compare(self.customer_expectation, self.team_expectation)

    @property
    def perception_test(self) -> Welch | None:
        if self.perception_note is not None:
            return None
        assert self.team_experience and self.customer_experience
        return welch(self.team_experience, self.customer_experience)

    @property
    def knowledge_note(self) -> str | None:
        return comparison_note(self.customer_expectation, self.team_expectation)

    @property
    def perception_note(self) -> str | None:
        return comparison_note(self.customer_experience, self.team_experience)

    @property
    def blind_spots(self) -> tuple[BlindSpot, ...]:
        found = []
        for test, kind_of, customers, team in (
            (
                self.knowledge_test,
                knowledge_blind_spot,
                self.customer_expectation,
                self.team_expectation,
            ),
            (
                self.perception_test,
                perception_blind_spot,
                self.customer_experience,
                self.team_experience,
            ),
        ):
            if (kind := kind_of(test)) is not None:
                assert test and customers and team
                found.append(BlindSpot(self.place, kind, test, customers.mean, team.mean))
        return tuple(found)


@dataclass(frozen=True)
class GapChange:
    """A touchpoint's customer gap in an earlier import and in the latest, like for like."""

    place: Place
    before_date: date
    after_date: date
    before: float  # G_c then
    after: float  # G_c now
    test: Welch | None  # of after − before
    # the team's gap in the round the current one is compared with: the latest earlier round of
    # the same persona, or of everyone's (flows.gaps.like_for_like); None when there is none
    team_before: float | None
    team_after: float | None  # the team's gap in the current round

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def closed(self) -> bool:
        """The shortfall narrowed, significantly at 5 %."""
        return self.test is not None and self.test.significant and self.change > 0 > self.before


@dataclass(frozen=True)
class ImportSummary:
    id: int
    survey_date: date
    scale: str
    answers: int
    source: str


@dataclass(frozen=True)
class CustomerReport:
    workshop_id: int
    team_id: str
    title: str
    channel_id: str
    board_ts: str | None
    round: int
    imports: list[ImportSummary]
    touchpoints: list[Comparison]  # places with customer answers, in journey order
    stages: list[Comparison]  # stages with customer answers, pooled
    changes: list[GapChange]

    @property
    def has_answers(self) -> bool:
        return bool(self.imports)

    @property
    def blind_spots(self) -> list[BlindSpot]:
        """Every blind spot, the widest difference first, then in journey order."""
        spots = [spot for c in self.touchpoints for spot in c.blind_spots]
        return sorted(spots, key=lambda s: (-abs(s.test.difference), s.place.order))

    @property
    def scale_notes(self) -> list[str]:
        scales = dict.fromkeys(i.scale for i in self.imports if i.scale != DEFAULT_SCALE)
        return [f"answers on {scale_label(s)} converted linearly to 1–7" for s in scales]

    @property
    def answers(self) -> int:
        return sum(i.answers for i in self.imports)


def customer_report(session: Session, team_id: str, workshop_id: int) -> CustomerReport:
    workshop = get_workshop(session, team_id, workshop_id)
    assert workshop.id is not None
    number = current_round(session, workshop)
    imports = _imports(session, workshop)
    if not imports:  # most workshops: one query, and nothing else to read
        return CustomerReport(
            workshop.id,
            workshop.team_id,
            workshop.title,
            workshop.channel_id,
            workshop.board_ts,
            number,
            [],
            [],
            [],
            [],
        )
    figures = _figures(session, workshop)
    places = _places(session, workshop)
    team_now = _team_samples(session, workshop, number)
    by_place: dict[tuple[int, int], dict[int, dict[Measure, list[Sample]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for figure in figures:
        by_place[figure.stage_id, figure.touchpoint_key][figure.import_id][figure.measure].append(
            Sample(figure.n, figure.mean, figure.sd)
        )
    order = {i.id: (i.survey_date, i.id) for i in imports}
    dates = {i.id: i.survey_date for i in imports}
    latest: dict[tuple[int, int], tuple[int, dict[Measure, Sample | None]]] = {}
    earlier: dict[tuple[int, int], tuple[int, dict[Measure, Sample | None]]] = {}
    for key, per_import in by_place.items():
        ranked = sorted(per_import, key=lambda import_id: order[import_id], reverse=True)
        latest[key] = (ranked[0], _pool_measures(per_import[ranked[0]]))
        before = [i for i in ranked if dates[i] < dates[ranked[0]]]
        if before:
            earlier[key] = (before[0], _pool_measures(per_import[before[0]]))
    touchpoints = []
    for key in sorted(latest, key=lambda k: places[k].order if k in places else (0, 0)):
        if key not in places:
            continue
        import_id, samples = latest[key]
        team = team_now.get(key[1]) if key[1] else _pool_team(team_now, places, key[0])
        touchpoints.append(
            Comparison(
                places[key],
                dates[import_id],
                samples[Measure.expectation],
                samples[Measure.experience],
                team[0] if team else None,
                team[1] if team else None,
            )
        )
    return CustomerReport(
        workshop_id=workshop.id,
        team_id=workshop.team_id,
        title=workshop.title,
        channel_id=workshop.channel_id,
        board_ts=workshop.board_ts,
        round=number,
        imports=imports,
        touchpoints=touchpoints,
        stages=_stage_comparisons(touchpoints, places, team_now),
        changes=_changes(session, workshop, number, places, latest, earlier, dates),
    )


def _pool_measures(per_measure: dict[Measure, list[Sample]]) -> dict[Measure, Sample | None]:
    return {measure: pooled(per_measure.get(measure, [])) for measure in Measure}


TeamSamples = dict[int, tuple[Sample, Sample]]  # touchpoint id → (expectation, experience)


def _pool_team(team: TeamSamples, places: dict, stage_id: int) -> tuple[Sample, Sample] | None:
    ids = [p.touchpoint_id for p in places.values() if p.stage_id == stage_id and p.touchpoint_id]
    expectation = pooled(team[i][0] for i in ids if i in team)
    experience = pooled(team[i][1] for i in ids if i in team)
    return None if expectation is None or experience is None else (expectation, experience)


def _stage_comparisons(
    touchpoints: list[Comparison], places: dict, team: TeamSamples
) -> list[Comparison]:
    stages: dict[int, list[Comparison]] = defaultdict(list)
    for comparison in touchpoints:
        stages[comparison.place.stage_id].append(comparison)
    result = []
    for stage_id, members in stages.items():
        stage_place = places[stage_id, 0]
        pooled_team = _pool_team(team, places, stage_id)
        dated = [c.survey_date for c in members if c.survey_date]
        result.append(
            Comparison(
                stage_place,
                max(dated) if dated else None,
                pooled(c.customer_expectation for c in members),
                pooled(c.customer_experience for c in members),
                pooled_team[0] if pooled_team else None,
                pooled_team[1] if pooled_team else None,
            )
        )
    return sorted(result, key=lambda c: c.place.order)


def _changes(session, workshop, number, places, latest, earlier, dates) -> list[GapChange]:
    # like for like by persona: the latest earlier round of the current round's line
    previous = previous_like(round_personas(session, workshop), number)
    rounds = [previous, number] if previous is not None else [number]
    team = rounds_touchpoint_sums(session, workshop, rounds)
    changes = []
    for key, (before_id, before) in earlier.items():
        after_id, after = latest[key]
        if key not in places or key[1] == 0:
            continue
        e1, p1 = before[Measure.expectation], before[Measure.experience]
        e2, p2 = after[Measure.expectation], after[Measure.experience]
        if None in (e1, p1, e2, p2):
            continue
        assert e1 and p1 and e2 and p2
        team_after = team[number].get(key[1])
        team_before = team[previous].get(key[1]) if previous is not None else None
        changes.append(
            GapChange(
                places[key],
                dates[before_id],
                dates[after_id],
                p1.mean - e1.mean,
                p2.mean - e2.mean,
                contrast((p2, e1), (e2, p1)),
                team_before.gap / team_before.n if team_before and team_before.n else None,
                team_after.gap / team_after.n if team_after and team_after.n else None,
            )
        )
    return sorted(changes, key=lambda c: c.place.order)


def _imports(session: Session, workshop: Workshop) -> list[ImportSummary]:
    rows = rows_of(
        session, CustomerImport, workshop, col(CustomerImport.survey_date), col(CustomerImport.id)
    )
    return [
        ImportSummary(pk(row), row.survey_date, row.scale, row.answer_count, row.source)
        for row in rows
    ]


def _figures(session: Session, workshop: Workshop) -> list[CustomerFigure]:
    return [
        row
        for (row,) in session.execute(
            select(CustomerFigure).where(*of_workshop(CustomerFigure, workshop))
        ).all()
    ]


def _places(session: Session, workshop: Workshop) -> dict[tuple[int, int], Place]:
    """(stage id, touchpoint id or 0) → place, for every touchpoint and stage of the journey."""
    places: dict[tuple[int, int], Place] = {}
    stages = session.execute(select(JourneyStage).where(*of_workshop(JourneyStage, workshop))).all()
    for (stage,) in stages:
        places[stage.id, 0] = Place(stage.id, stage.name, stage.position, None, None, -1)
    for t in journey_touchpoints(session, workshop):
        places[t.stage_id, t.id] = Place(
            t.stage_id, t.stage_name, t.stage_position, t.id, t.name, t.position
        )
    return places


def _team_samples(session: Session, workshop: Workshop, number: int) -> TeamSamples:
    """Touchpoint id → the team's expectation and experience samples in round `number`, from
    one GROUP BY of counts, sums and sums of squares (integers: the variances are exact)."""
    rows = session.execute(
        select(
            col(GapRating.touchpoint_id),
            func.count(),
            func.sum(col(GapRating.expectation)),
            func.sum(col(GapRating.expectation) * col(GapRating.expectation)),
            func.sum(col(GapRating.experience)),
            func.sum(col(GapRating.experience) * col(GapRating.experience)),
        )
        .where(
            *of_workshop(GapRating, workshop),
            col(GapRating.round) == number,
        )
        .group_by(col(GapRating.touchpoint_id))
    )
    return {
        touchpoint_id: (
            Sample.from_sums(int(n), int(se), int(see)),
            Sample.from_sums(int(n), int(sp), int(spp)),
        )
        for touchpoint_id, n, se, see, sp, spp in rows
    }
