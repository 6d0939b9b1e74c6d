"""A workshop with stakeholders, two gap-rating rounds and KPI values, built with the features'
own flows, for the digest, export and Home tests. The figures are worked out by hand below.

Gap rating, journey Find (A, B) → Buy (C, D); each cell is (expectation, experience, importance).
Importance is the same in both rounds: A 4, B 2, C 1, D 1, so the weights are A 4/8 = 0.5,
B 2/8 = 0.25, C 1/8 = 0.125, D 1/8 = 0.125 (exact in binary: no rounding surprises).

    round 1   U1         U2         mean gap   weighted gap
    A         (6,3,4)    (6,4,4)    −2.5       −1.25
    B         (4,4,2)    (5,4,2)    −0.5       −0.125
    C         (5,2,1)    (6,2,1)    −3.5       −0.4375
    D         (3,5,1)    (3,4,1)    +1.5       +0.1875     journey −1.625 (shown −1.6)

    round 2
    A         (6,5,4)    (6,6,4)    −0.5       −0.25       change +2.0 narrowed
    B         (4,5,2)    (5,5,2)     +0.5       +0.125      change +1.0 closed
    C         (5,3,1)    (6,2,1)    −3.0       −0.375      change +0.5 narrowed
    D         (3,4,1)    (3,4,1)    +1.0       +0.125      change −0.5 widened
                                                           journey −0.375 (shown −0.4)

Round 1 ranked by importance-weighted gap: A, C, B (by mean gap alone it would be C, A, B).

Stakeholders (influence, interest) by U1 and U2: CFO (5,2) (4,2) → 4.5, 2.0 keep satisfied;
Sales reps (4,4) (3,5) → 3.5, 4.5 manage closely; Support agents (2,5) (2,4) → 2.0, 4.5 keep
informed; Competitor X (1,1) (2,1) → 1.5, 1.0 monitor; Regulator: not rated.

KPIs: NPS 22 (31 Mar 2025) → 28 (30 Apr 2025), target 30, benchmark 35 (Retently 2024);
churn 5.5% → 4%, target 4.5, benchmark 5 (Recurly); CES 3.2 (30 Apr 2025) only.

Fixes (by U1): Clearer pricing on A, Better search on B, Faster checkout on C, Loyalty perks on
D. Votes (budget 3, at most 1 per fix): U1 pricing, search, checkout; U2 pricing, checkout; UF
checkout. Totals: checkout 3, pricing 2, search 1, perks 0: ranks 1 to 4 (6 of 9 votes cast).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from flows.actions import (
    save_action_items,
    set_action_status,
    today_utc,
    validate_action_items,
)
from flows.fixes import FixDraft, propose_fix
from flows.gaps.ratings import RawAnswer
from flows.gaps.ratings import save_ratings as save_gap_ratings
from flows.gaps.rounds import open_rating_round
from flows.journey import StageSpec
from flows.kpis import kpi_choices, record_kpi_value, validate_entry
from flows.stakeholders import add_stakeholder, validate_stakeholder
from flows.stakeholders import save_ratings as save_stakeholder_ratings
from flows.voting import change_vote
from flows.workshops import WorkshopSpec, create_workshop, join_workshop
from storage.models import (
    ActionStatus,
    DeliveryStatus,
    DigestDelivery,
    Phase,
    Stakeholder,
    Workshop,
)
from tests.factories import touchpoint_ids

TEAM = "T1"
FACILITATOR = "UF"
RATERS = ("U1", "U2")
JOURNEY = [StageSpec("Find", ("A", "B")), StageSpec("Buy", ("C", "D"))]
TODAY = date(2025, 7, 15)

ROUND_1 = {
    "U1": {"A": (6, 3, 4), "B": (4, 4, 2), "C": (5, 2, 1), "D": (3, 5, 1)},
    "U2": {"A": (6, 4, 4), "B": (5, 4, 2), "C": (6, 2, 1), "D": (3, 4, 1)},
}
ROUND_2 = {
    "U1": {"A": (6, 5, 4), "B": (4, 5, 2), "C": (5, 3, 1), "D": (3, 4, 1)},
    "U2": {"A": (6, 6, 4), "B": (5, 5, 2), "C": (6, 2, 1), "D": (3, 4, 1)},
}
STAKEHOLDERS = {  # name: (category, attitude, {rater: (influence, interest)})
    "CFO": ("executive", "blocker", {"U1": (5, 2), "U2": (4, 2)}),
    "Sales reps": ("employee", "supporter", {"U1": (4, 4), "U2": (3, 5)}),
    "Support agents": ("employee", "supporter", {"U1": (2, 5), "U2": (2, 4)}),
    "Competitor X": ("competitor", "blocker", {"U1": (1, 1), "U2": (2, 1)}),
    "Regulator": ("regulator", "neutral", {}),
}


def make_workshop(
    session: Session,
    team: str = TEAM,
    channel: str = "C1",
    facilitator: str = FACILITATOR,
    title: str = "Onboarding",
    stages: list[StageSpec] | None = None,
) -> Workshop:
    spec = WorkshopSpec(title=title, stages=list(stages or JOURNEY))
    workshop = create_workshop(session, team, channel, facilitator, spec)
    for rater in RATERS:
        join_workshop(session, workshop, rater)
    return workshop


def set_phase(session: Session, workshop: Workshop, phase: Phase) -> None:
    workshop.phase = phase
    session.add(workshop)
    session.flush()


def rate_round(session: Session, workshop: Workshop, ratings: dict) -> None:
    set_phase(session, workshop, Phase.rating)
    ids = touchpoint_ids(session, workshop)
    for user, answers in ratings.items():
        raw = {
            ids[name]: RawAnswer(str(expectation), str(experience), str(importance))
            for name, (expectation, experience, importance) in answers.items()
        }
        save_gap_ratings(session, workshop.team_id, workshop.id, user, raw)


def rate_two_rounds(
    session: Session, workshop: Workshop, first: dict = ROUND_1, second: dict = ROUND_2
) -> None:
    rate_round(session, workshop, first)
    open_rating_round(session, workshop.team_id, workshop.id, workshop.facilitator_id)
    rate_round(session, workshop, second)


def add_stakeholders(
    session: Session,
    workshop: Workshop,
    stakeholders: dict = STAKEHOLDERS,
    created_at: datetime | None = None,
) -> dict[str, int]:
    """Add and rate the stakeholders (the workshop goes to the stakeholders phase for it)."""
    set_phase(session, workshop, Phase.stakeholders)
    ids = {}
    for name, (category, attitude, _) in stakeholders.items():
        added = add_stakeholder(
            session,
            workshop.team_id,
            workshop.id,
            workshop.facilitator_id,
            validate_stakeholder(name, category, attitude),
        )
        if created_at is not None:
            added.created_at = created_at
            session.add(added)
        ids[name] = added.id
    rate_stakeholders(session, workshop, {n: s[2] for n, s in stakeholders.items()}, ids)
    session.flush()
    return ids


def rate_stakeholders(
    session: Session, workshop: Workshop, ratings: dict[str, dict], ids: dict[str, int]
) -> None:
    set_phase(session, workshop, Phase.stakeholders)
    by_rater: dict[str, dict[int, tuple[int, int]]] = {}
    for name, scores in ratings.items():
        for rater, score in scores.items():
            by_rater.setdefault(rater, {})[ids[name]] = score
    for rater, scores in by_rater.items():
        save_stakeholder_ratings(session, workshop.team_id, workshop.id, rater, scores)


def stakeholder_ids(session: Session, workshop: Workshop) -> dict[str, int]:
    rows = session.exec(
        select(Stakeholder.name, Stakeholder.id).where(Stakeholder.workshop_id == workshop.id)
    ).all()
    return dict(rows)


def record(session: Session, workshop: Workshop, user: str = FACILITATOR, **fields) -> None:
    fields = {"today": TODAY} | fields
    entry = validate_entry(kpi_choices(session, workshop.team_id, workshop.id), **fields)
    record_kpi_value(session, workshop, user, entry, join=user.startswith("U"))


def ratings_by(ratings: dict, people: dict[str, str]) -> dict:
    """A round of the fixture rated by other people: `people` maps "U1", "U2" to their ids."""
    return {people[rater]: answers for rater, answers in ratings.items()}


def stakeholders_rated_by(stakeholders: dict, people: dict[str, str]) -> dict:
    return {
        name: (category, attitude, {people[r]: score for r, score in scores.items()})
        for name, (category, attitude, scores) in stakeholders.items()
    }


def record_kpis(session: Session, workshop: Workshop, user: str = FACILITATOR) -> None:
    record(session, workshop, user, kpi="nps", value="22", period_end="2025-03-31")
    record(
        session,
        workshop,
        user,
        kpi="nps",
        value="28",
        period_end="2025-04-30",
        target="30",
        benchmark="35",
        benchmark_source="Retently 2024",
    )
    record(session, workshop, user, kpi="churn", value="5.5", period_end="2025-03-31")
    record(
        session,
        workshop,
        user,
        kpi="churn",
        value="4",
        period_end="2025-04-30",
        target="4.5",
        benchmark="5",
        benchmark_source="Recurly",
    )
    record(session, workshop, "csv-import", kpi="ces", value="3.2", period_end="2025-04-30")


FIXES = {  # title: touchpoint
    "Clearer pricing": "A",
    "Better search": "B",
    "Faster checkout": "C",
    "Loyalty perks": "D",
}
VOTES = {
    "U1": ("Clearer pricing", "Better search", "Faster checkout"),
    "U2": ("Clearer pricing", "Faster checkout"),
    FACILITATOR: ("Faster checkout",),
}


def propose_fixes(session: Session, workshop: Workshop, author: str = "U1") -> dict[str, int]:
    set_phase(session, workshop, Phase.fixes)
    touchpoints = touchpoint_ids(session, workshop)
    return {
        title: propose_fix(
            session, workshop.team_id, workshop.id, author, FixDraft(title, touchpoints[where])
        ).id
        for title, where in FIXES.items()
    }


def cast_votes(
    session: Session, workshop: Workshop, fixes: dict[str, int], votes: dict = VOTES
) -> None:
    set_phase(session, workshop, Phase.voting)
    for voter, titles in votes.items():
        for title in titles:
            change_vote(session, workshop.team_id, workshop.id, voter, fixes[title], 0, 1)


def assign_action_items(
    session: Session,
    workshop: Workshop,
    fixes: dict[str, int],
    people: dict[str, str] | None = None,
) -> None:
    """Checkout to U1, in progress, due in 30 days; pricing to U2, due five days ago (overdue)."""
    people = people or {"U1": "U1", "U2": "U2"}
    set_phase(session, workshop, Phase.closed)
    today = today_utc()
    plan = {
        "Faster checkout": (people["U1"], today + timedelta(days=30), today),
        "Clearer pricing": (people["U2"], today - timedelta(days=5), today - timedelta(days=10)),
    }
    saved = {}
    for title, (owner, due, as_of) in plan.items():
        drafts = validate_action_items(
            [fixes[title]], {fixes[title]: owner}, {fixes[title]: due.isoformat()}, as_of
        )
        [saved[title]] = save_action_items(
            session, workshop.team_id, workshop.id, workshop.facilitator_id, drafts, as_of
        )
    checkout = saved["Faster checkout"].item
    set_action_status(
        session, workshop.team_id, checkout.id, checkout.owner_id, ActionStatus.in_progress
    )


def full_workshop(session: Session, team: str = TEAM, channel: str = "C1") -> Workshop:
    """Stakeholders, two rating rounds and KPIs; left in the fixes phase."""
    workshop = make_workshop(session, team, channel)
    add_stakeholders(session, workshop)
    rate_two_rounds(session, workshop)
    record_kpis(session, workshop)
    set_phase(session, workshop, Phase.fixes)
    return workshop


def deliver_digest(
    session: Session,
    workshop: Workshop,
    at: datetime,
    memos: dict | None,
    status: DeliveryStatus = DeliveryStatus.sent,
) -> None:
    """A digest delivery fired and generated `at`, as bot.digests.posts records it once sent,
    with the sections' memos (what the next digest compares with)."""
    session.add(
        DigestDelivery(
            team_id=workshop.team_id,
            workshop_id=workshop.id,
            fire_time=at,
            generated_at=at,
            status=status,
            section_memos=memos,
        )
    )
    session.flush()
