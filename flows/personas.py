"""Personas: whose journey the team maps, who rates for whom, and where personas split
(journey lanes, issue 17).

Definitions (ours; each is checked with a worked example in tests/flows/test_personas.py):

- A workshop may define up to MAX_PERSONAS personas (a name, a one-line description, optionally
  made from a stakeholder of category *customer*). While it has none, nothing changes anywhere.
- A participant rates for one persona, the one they know best: chosen once and changeable. Each
  rating stores the persona it was given for; choosing another persona moves one's ratings of the
  current round to it (one rating per touchpoint and round, so a round is rated for one
  persona), and leaves earlier rounds as they were.
- Or the facilitator runs a **round per persona**: in a persona's round every rating is given for
  that persona, whoever rates, and nobody is asked which persona they know. A round nobody has
  rated yet (round 1 before rating, or a round just opened) becomes the persona's round; after
  ratings, the next round is opened for it.
- A **persona's gap** at a touchpoint (or over a stage, or the journey) pools the ratings given
  for that persona in the latest round rated for it (the current round where each participant
  rates for the persona they know; that persona's own round where the facilitator runs a round
  per persona), exactly as the overall figures pool everyone's.
- A touchpoint is a **persona split** when two personas' mean gaps there differ by at least
  SPLIT_AT = 1.0 scale point (ours: a whole point on the 1–7 scales): the personas at the two
  ends are named, lowest first. Splits are listed widest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from flows.errors import Conflict, InvalidInput, NotFound
from flows.gaps.aggregation import (
    _sums_columns,
    count_ratings,
    current_round,
    journey_touchpoints,
)
from flows.gaps.statistics import GapStats, RatingSums, pooled
from flows.inserts import added
from flows.scope import in_workshop, of_workshop, rows_of
from flows.stakeholders import clean_name, name_key
from flows.workshops import get_workshop, join_workshop, require_facilitator
from storage.models import (
    GapRating,
    Participant,
    Persona,
    Phase,
    RoundPersona,
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
    return rows_of(session, Persona, workshop, col(Persona.id))


def customer_stakeholders(session: Session, workshop: Workshop) -> list[Stakeholder]:
    """Stakeholders of category customer: the ones a persona may be made from."""
    return list(
        session.scalars(
            select(Stakeholder)
            .where(
                *of_workshop(Stakeholder, workshop),
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
    if not added(session, persona):
        raise InvalidInput({PERSONA_NAME: f"There is already a persona called “{clean}”."})
    return persona


# Choosing one's persona ---------------------------------------------------------------------


def chosen_persona(session: Session, workshop: Workshop, user_id: str) -> Persona | None:
    persona_id = session.execute(
        select(col(Participant.persona_id)).where(
            *of_workshop(Participant, workshop),
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
            *in_workshop(Participant, team_id, workshop_id),
            col(Participant.user_id) == user_id,
        )
        .values(persona_id=persona.id)
    )
    number = current_round(session, workshop)
    if round_persona(session, workshop, number) is not None:
        return PersonaChosen(workshop, persona, 0)  # this round is rated for its own persona
    moved = session.exec(
        update(GapRating)
        .where(
            *in_workshop(GapRating, team_id, workshop_id),
            col(GapRating.user_id) == user_id,
            col(GapRating.round) == number,
        )
        .values(persona_id=persona.id)
    ).rowcount
    return PersonaChosen(workshop, persona, moved)


def rater_persona_id(session: Session, workshop: Workshop, user_id: str) -> int | None:
    """The persona a rater's ratings of the current round are saved for
    (flows.gaps.ratings.save_ratings): the round's persona in a persona round, otherwise the
    one they chose."""
    for_round = round_persona(session, workshop, current_round(session, workshop))
    if for_round is not None:
        return for_round.id
    return session.execute(
        select(col(Participant.persona_id)).where(
            *of_workshop(Participant, workshop),
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
    round: int = 0  # the latest round rated for this persona (the figures' round)


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
        select(
            col(GapRating.round),
            col(GapRating.touchpoint_id),
            col(GapRating.persona_id),
            *_sums_columns(),
        )
        .where(
            *of_workshop(GapRating, workshop),
            col(GapRating.round) <= number,
        )
        .group_by(col(GapRating.round), col(GapRating.touchpoint_id), col(GapRating.persona_id))
    ).all()
    latest: dict[int, int] = {}  # persona → the latest round rated for it
    for round_of, _, persona_id, *_ in rows:
        if persona_id is not None:
            latest[persona_id] = max(latest.get(persona_id, 0), round_of)
    sums: dict[int, dict[int | None, RatingSums]] = {}  # the overall figures: this round only
    persona_sums: dict[int, dict[int | None, RatingSums]] = {}
    for round_of, touchpoint_id, persona_id, *values in rows:
        figures = RatingSums(*(int(v or 0) for v in values))
        if round_of == number:
            sums.setdefault(touchpoint_id, {})[persona_id] = figures
        if persona_id is not None and round_of == latest[persona_id]:
            persona_sums.setdefault(touchpoint_id, {})[persona_id] = figures
    raters: dict[int, int] = {}
    for persona_id, round_of, count in session.execute(
        select(
            col(GapRating.persona_id),
            col(GapRating.round),
            func.count(func.distinct(col(GapRating.user_id))),
        )
        .where(
            *of_workshop(GapRating, workshop),
            col(GapRating.round) <= number,
            col(GapRating.persona_id).is_not(None),
        )
        .group_by(col(GapRating.persona_id), col(GapRating.round))
    ).all():
        if round_of == latest.get(persona_id):
            raters[persona_id] = count
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
        persona_sums,
        latest,
    )


def summarise_personas(
    workshop_id: int,
    title: str,
    number: int,
    defined: list[tuple[int, str]],
    journey: list[tuple[int, str, str]],  # (touchpoint id, name, stage name), journey order
    sums: Mapping[int, Mapping[int | None, RatingSums]],
    raters: Mapping[int, int],
    persona_sums: Mapping[int, Mapping[int | None, RatingSums]] | None = None,
    rounds: Mapping[int, int] | None = None,
) -> PersonaResults:
    """The persona figures from the rating sums per (touchpoint, persona) (pure): `sums` are the
    round's (the overall figures), `persona_sums` each persona's latest round rated for it
    (`rounds`: persona → that round); without them, the round's own."""
    names = dict(defined)
    overall = GapStats.from_sums(pooled(s for by in sums.values() for s in by.values()))
    sums = sums if persona_sums is None else persona_sums
    gaps = tuple(
        PersonaGap(
            persona_id,
            name,
            GapStats.from_sums(pooled(by[persona_id] for by in sums.values() if persona_id in by)),
            raters.get(persona_id, 0),
            (rounds or {}).get(persona_id, number),
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
    """Whether this rater must pick a persona before rating: the workshop has personas, the
    round is not a persona's round and they have not chosen one."""
    if not personas(session, workshop):
        return False
    return rater_persona_id(session, workshop, user_id) is None


# A round per persona ------------------------------------------------------------------------


def round_persona(session: Session, workshop: Workshop, number: int) -> Persona | None:
    """The persona round `number` is rated for, when the facilitator gave it one."""
    return session.execute(
        select(Persona)
        .join(RoundPersona, col(RoundPersona.persona_id) == col(Persona.id))
        .where(
            *of_workshop(RoundPersona, workshop),
            col(RoundPersona.round) == number,
        )
    ).scalar()


def persona_named(session: Session, workshop: Workshop, name: str | None) -> Persona:
    """One of the workshop's personas by name (ignoring case and spaces); NotFound names them."""
    key = name_key(name or "")
    defined = personas(session, workshop)
    found = next((p for p in defined if p.name_key == key), None)
    if found is not None:
        return found
    if not defined:
        raise NotFound("This workshop has no personas yet: add them with `/workshop personas`.")
    names = ", ".join(f"“{p.name}”" for p in defined)
    raise NotFound(f"This workshop has no persona called “{clean_name(name)}”; it has {names}.")


@dataclass(frozen=True)
class PersonaRound:
    workshop: Workshop
    number: int
    persona: Persona
    opened: bool  # a new round was opened for the persona (else the unrated current round)
    changed: bool  # False: the round was already this persona's (a double click, a retry)
    moved_from: Phase | None = None  # the phase the workshop was taken back from


def rate_round_for_persona(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    persona_name: str | None,
    expected_round: int | None = None,
) -> PersonaRound:
    """Run a rating round for one persona (facilitators): the current round when nobody has
    rated it yet, otherwise the next one, opened for it. Idempotent: the round and its persona
    are unique rows, so a double click or two replicas give one round one persona; asked again
    for the same persona, the unrated round it already has is kept."""
    from flows.gaps.rounds import open_rating_round  # flows.gaps imports this module

    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "run a rating round for a persona")
    if workshop.phase == Phase.closed:
        raise Conflict("The workshop is closed; reopen it before running another round.")
    persona = persona_named(session, workshop, persona_name)
    number = current_round(session, workshop)
    if expected_round is not None and expected_round != number:
        raise Conflict(f"Round {number} is already open; I did not open another.")
    if count_ratings(session, workshop, number) == 0:
        return _give_round(session, workshop, number, persona, user_id)
    opened = open_rating_round(session, team_id, workshop_id, user_id, expected_round=number)
    session.add(
        RoundPersona(
            team_id=team_id,
            workshop_id=workshop_id,
            round=opened.number,
            persona_id=persona.id,  # type: ignore[arg-type]
            set_by=user_id,
        )
    )
    session.flush()
    return PersonaRound(opened.workshop, opened.number, persona, True, True, opened.moved_from)


def _give_round(
    session: Session, workshop: Workshop, number: int, persona: Persona, user_id: str
) -> PersonaRound:
    """The unrated current round becomes `persona`'s (or changes persona while unrated)."""
    current = round_persona(session, workshop, number)
    if current is not None and current.id == persona.id:
        return PersonaRound(workshop, number, persona, False, False)
    if current is not None:
        session.execute(
            update(RoundPersona)
            .where(
                *of_workshop(RoundPersona, workshop),
                col(RoundPersona.round) == number,
            )
            .values(persona_id=persona.id, set_by=user_id)
        )
        return PersonaRound(workshop, number, persona, False, True)
    given = RoundPersona(
        team_id=workshop.team_id,
        workshop_id=workshop.id,  # type: ignore[arg-type]
        round=number,
        persona_id=persona.id,  # type: ignore[arg-type]
        set_by=user_id,
    )
    if not added(session, given):  # given at the same moment by another request
        winner = round_persona(session, workshop, number)
        if winner is not None and winner.id == persona.id:
            return PersonaRound(workshop, number, persona, False, False)
        raise Conflict(
            f"Round {number} was just given to another persona; have a look at the board."
        ) from None
    return PersonaRound(workshop, number, persona, False, True)
