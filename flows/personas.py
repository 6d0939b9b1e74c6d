"""Personas: whose journey the team maps, who rates for whom, and where personas split
(journey lanes, issue 17).

Definitions (ours; each is checked with a worked example in tests/flows/test_personas.py):

- A workshop may define up to MAX_PERSONAS personas (a name, a one-line description, optionally
  made from a stakeholder of category *customer*). While it has none, nothing changes anywhere.
- A participant rates for one persona, the one they know best: chosen once and changeable. Each
  rating stores the persona it was given for; choosing another persona moves one's ratings of the
  current round to it (one rating per touchpoint and round, so a round is rated for one
  persona), and leaves earlier rounds as they were.
- A **persona's gap** at a touchpoint (or over a stage, or the journey) pools the round's ratings
  given for that persona, exactly as the overall figures pool everyone's.
- A touchpoint is a **persona split** when two personas' mean gaps there differ by at least
  SPLIT_AT = 1.0 scale point (ours: a whole point on the 1–7 scales): the personas at the two
  ends are named, lowest first. Splits are listed widest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from flows.errors import Conflict, InvalidInput
from flows.gaps.aggregation import (
    _sums_columns,
    current_round,
    journey_touchpoints,
)
from flows.gaps.statistics import GapStats, RatingSums, pooled
from flows.stakeholders import clean_name, name_key
from flows.workshops import get_workshop, join_workshop, require_facilitator
from storage.models import (
    GapRating,
    Participant,
    Persona,
    Phase,
    Stakeholder,
    StakeholderCategory,
    Workshop,
)
from storage.models.lanes import MAX_PERSONA_DESCRIPTION, MAX_PERSONA_NAME

MAX_PERSONAS = 5
SPLIT_AT = Fraction(1)  # two personas' mean gaps differ by ≥ 1 point → a persona split
PERSONA_NAME = "persona_name"  # field names (the form's block ids)
PERSONA_DESCRIPTION = "persona_description"
PERSONA_STAKEHOLDER = "persona_stakeholder"
PERSONA_CHOICE = "persona_choice"


# Defining personas --------------------------------------------------------------------------


def personas(session: Session, workshop: Workshop) -> list[Persona]:
    """The workshop's personas, in the order they were added."""
    return list(
        session.scalars(
            select(Persona)
            .where(
                col(Persona.team_id) == workshop.team_id, col(Persona.workshop_id) == workshop.id
            )
            .order_by(col(Persona.id))
        )
    )


def customer_stakeholders(session: Session, workshop: Workshop) -> list[Stakeholder]:
    """Stakeholders of category customer: the ones a persona may be made from."""
    return list(
        session.scalars(
            select(Stakeholder)
            .where(
                col(Stakeholder.team_id) == workshop.team_id,
                col(Stakeholder.workshop_id) == workshop.id,
                col(Stakeholder.category) == StakeholderCategory.customer,
            )
            .order_by(col(Stakeholder.name_key))
        )
    )


def add_persona(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    name: str | None,
    description: str | None = None,
    stakeholder_id: int | None = None,
) -> Persona:
    """Add a persona (facilitators). From a customer stakeholder, its name (and note, as the
    description) are used where the form left them blank. Bad fields → InvalidInput."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "define personas")
    errors: dict[str, str] = {}
    stakeholder = None
    if stakeholder_id is not None:
        stakeholder = session.get(Stakeholder, stakeholder_id)
        if (
            stakeholder is None
            or stakeholder.team_id != team_id
            or stakeholder.workshop_id != workshop_id
            or stakeholder.category != StakeholderCategory.customer
        ):
            errors[PERSONA_STAKEHOLDER] = "Pick a customer stakeholder of this workshop."
            stakeholder = None
    clean = clean_name(name) or (clean_name(stakeholder.name) if stakeholder else "")
    about = " ".join((description or "").split()) or (
        " ".join(stakeholder.note.split()) if stakeholder else ""
    )
    if not clean:
        errors.setdefault(PERSONA_NAME, "Give the persona a name, or pick a customer stakeholder.")
    elif len(clean) > MAX_PERSONA_NAME:
        errors[PERSONA_NAME] = f"Keep the name to {MAX_PERSONA_NAME} characters."
    if len(about) > MAX_PERSONA_DESCRIPTION:
        if description and description.strip():
            errors[PERSONA_DESCRIPTION] = (
                f"Keep the description to one line of {MAX_PERSONA_DESCRIPTION} characters."
            )
        else:
            about = about[: MAX_PERSONA_DESCRIPTION - 1] + "…"
    if errors:
        raise InvalidInput(errors)
    if len(personas(session, workshop)) >= MAX_PERSONAS:
        raise InvalidInput(
            {PERSONA_NAME: f"A workshop has at most {MAX_PERSONAS} personas: keep it to a few."}
        )
    persona = Persona(
        team_id=team_id,
        workshop_id=workshop_id,
        name=clean,
        name_key=name_key(clean),
        description=about,
        stakeholder_id=stakeholder.id if stakeholder else None,
        created_by=user_id,
    )
    try:
        with session.begin_nested():
            session.add(persona)
    except IntegrityError:
        raise InvalidInput(
            {PERSONA_NAME: f"There is already a persona called “{clean}”."}
        ) from None
    return persona


# Choosing one's persona ---------------------------------------------------------------------


def chosen_persona(session: Session, workshop: Workshop, user_id: str) -> Persona | None:
    persona_id = session.execute(
        select(col(Participant.persona_id)).where(
            col(Participant.team_id) == workshop.team_id,
            col(Participant.workshop_id) == workshop.id,
            col(Participant.user_id) == user_id,
        )
    ).scalar()
    return None if persona_id is None else session.get(Persona, persona_id)


@dataclass(frozen=True)
class PersonaChosen:
    workshop: Workshop
    persona: Persona
    moved: int  # ratings of the current round now counted for this persona


def choose_persona(
    session: Session, team_id: str, workshop_id: int, user_id: str, persona_id: int | None
) -> PersonaChosen:
    """Rate for `persona_id` from now on (joins the workshop); this round's ratings follow."""
    workshop = get_workshop(session, team_id, workshop_id)
    if workshop.phase == Phase.closed:
        raise Conflict("This workshop is closed; its ratings stay as they were.")
    persona = session.get(Persona, persona_id) if persona_id is not None else None
    if persona is None or persona.team_id != team_id or persona.workshop_id != workshop_id:
        raise InvalidInput({PERSONA_CHOICE: "Pick one of this workshop's personas."})
    join_workshop(session, workshop, user_id)
    session.execute(
        update(Participant)
        .where(
            col(Participant.team_id) == team_id,
            col(Participant.workshop_id) == workshop_id,
            col(Participant.user_id) == user_id,
        )
        .values(persona_id=persona.id)
    )
    moved = cast(
        CursorResult,
        session.execute(
            update(GapRating)
            .where(
                col(GapRating.team_id) == team_id,
                col(GapRating.workshop_id) == workshop_id,
                col(GapRating.user_id) == user_id,
                col(GapRating.round) == current_round(session, workshop),
            )
            .values(persona_id=persona.id)
        ),
    ).rowcount
    return PersonaChosen(workshop, persona, moved)


def rater_persona_id(session: Session, workshop: Workshop, user_id: str) -> int | None:
    """The persona a rater's ratings are saved for (flows.gaps.ratings.save_ratings)."""
    return session.execute(
        select(col(Participant.persona_id)).where(
            col(Participant.team_id) == workshop.team_id,
            col(Participant.workshop_id) == workshop.id,
            col(Participant.user_id) == user_id,
        )
    ).scalar()


# Results per persona ------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonaGap:
    persona_id: int
    name: str
    stats: GapStats  # pooled over the journey
    raters: int


@dataclass(frozen=True)
class PersonaSplit:
    touchpoint_id: int
    touchpoint: str
    stage: str
    low: tuple[str, float]  # the persona with the lowest mean gap there, and that gap
    high: tuple[str, float]
    difference: float  # high − low, ≥ SPLIT_AT


@dataclass(frozen=True)
class PersonaResults:
    workshop_id: int
    title: str
    round: int
    personas: tuple[PersonaGap, ...]  # in the order they were defined
    overall: GapStats  # every rating of the round, with or without a persona
    by_touchpoint: Mapping[int, Mapping[int, GapStats]]  # touchpoint → persona → figures
    splits: tuple[PersonaSplit, ...]  # widest first

    @property
    def has_ratings(self) -> bool:
        return any(p.stats.n for p in self.personas)


def persona_results(
    session: Session, workshop: Workshop, round_number: int | None = None
) -> PersonaResults | None:
    """The round's figures per persona and the persona splits; None when the workshop has no
    personas (the lane is off)."""
    defined = personas(session, workshop)
    if not defined:
        return None
    number = round_number or current_round(session, workshop)
    rows = session.execute(
        select(col(GapRating.touchpoint_id), col(GapRating.persona_id), *_sums_columns())
        .where(
            col(GapRating.team_id) == workshop.team_id,
            col(GapRating.workshop_id) == workshop.id,
            col(GapRating.round) == number,
        )
        .group_by(col(GapRating.touchpoint_id), col(GapRating.persona_id))
    ).all()
    sums: dict[int, dict[int | None, RatingSums]] = {}
    for touchpoint_id, persona_id, *values in rows:
        sums.setdefault(touchpoint_id, {})[persona_id] = RatingSums(*(int(v or 0) for v in values))
    raters: dict[int, int] = dict(
        session.execute(
            select(col(GapRating.persona_id), func.count(func.distinct(col(GapRating.user_id))))
            .where(
                col(GapRating.team_id) == workshop.team_id,
                col(GapRating.workshop_id) == workshop.id,
                col(GapRating.round) == number,
                col(GapRating.persona_id).is_not(None),
            )
            .group_by(col(GapRating.persona_id))
        ).all()
    )
    journey = [(tp.id, tp.name, tp.stage_name) for tp in journey_touchpoints(session, workshop)]
    assert workshop.id is not None
    return summarise_personas(
        workshop.id,
        workshop.title,
        number,
        [(p.id, p.name) for p in defined],  # type: ignore[misc]
        journey,
        sums,
        raters,
    )


def summarise_personas(
    workshop_id: int,
    title: str,
    number: int,
    defined: list[tuple[int, str]],
    journey: list[tuple[int, str, str]],  # (touchpoint id, name, stage name), journey order
    sums: Mapping[int, Mapping[int | None, RatingSums]],
    raters: Mapping[int, int],
) -> PersonaResults:
    """The persona figures from the rating sums per (touchpoint, persona) (pure)."""
    names = dict(defined)
    overall = GapStats.from_sums(pooled(s for by in sums.values() for s in by.values()))
    gaps = tuple(
        PersonaGap(
            persona_id,
            name,
            GapStats.from_sums(pooled(by[persona_id] for by in sums.values() if persona_id in by)),
            raters.get(persona_id, 0),
        )
        for persona_id, name in defined
    )
    by_touchpoint: dict[int, dict[int, GapStats]] = {}
    splits = []
    for touchpoint_id, touchpoint, stage in journey:
        cells = {
            persona_id: GapStats.from_sums(s)
            for persona_id, s in sums.get(touchpoint_id, {}).items()
            if persona_id in names and s.n
        }
        by_touchpoint[touchpoint_id] = cells
        if len(cells) < 2:
            continue
        order = sorted(cells, key=lambda p: (cells[p].exact_mean_gap, list(names).index(p)))
        low, high = order[0], order[-1]
        difference: Fraction = cells[high].exact_mean_gap - cells[low].exact_mean_gap  # type: ignore[operator]
        if difference >= SPLIT_AT:
            splits.append(
                PersonaSplit(
                    touchpoint_id,
                    touchpoint,
                    stage,
                    (names[low], float(cells[low].exact_mean_gap)),  # type: ignore[arg-type]
                    (names[high], float(cells[high].exact_mean_gap)),  # type: ignore[arg-type]
                    float(difference),
                )
            )
    splits.sort(key=lambda s: -s.difference)
    return PersonaResults(workshop_id, title, number, gaps, overall, by_touchpoint, tuple(splits))


def require_persona_choice(session: Session, workshop: Workshop, user_id: str) -> bool:
    """Whether this rater must pick a persona before rating: the workshop has personas and they
    have not chosen one."""
    if not personas(session, workshop):
        return False
    return rater_persona_id(session, workshop, user_id) is None
