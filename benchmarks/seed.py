"""Seeding big workshops fast: the workshop and its journey through flows (as the setup form
creates them), everything else as bulk INSERTs of the storage models, with values drawn from a
seeded random generator so every run measures the same data."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import Session, col, select

from flows.journey import StageSpec
from flows.stakeholders import name_key
from flows.workshops import PHASE_ORDER, WorkshopSpec, create_workshop
from storage.models import (
    Ballot,
    Fix,
    GapRating,
    Participant,
    Phase,
    PhaseChange,
    Role,
    Stakeholder,
    StakeholderRating,
    StakeholderTouchpoint,
    Touchpoint,
    Vote,
    Workshop,
    utcnow,
)

CATEGORIES = ("customer", "employee", "executive", "supplier", "partner", "regulator")
ATTITUDES = ("supporter", "neutral", "blocker")


@dataclass(frozen=True)
class WorkshopSize:
    stages: int = 5
    touchpoints_per_stage: int = 10
    raters: int = 200  # each rates every touchpoint once
    stakeholders: int = 40
    stakeholder_raters: int = 20  # each rates every stakeholder
    fixes: int = 500
    voters: int = 250
    votes_per_voter: int = 20  # the vote budget; one vote per fix

    @property
    def touchpoints(self) -> int:
        return self.stages * self.touchpoints_per_stage

    @property
    def ratings(self) -> int:
        return self.touchpoints * self.raters

    @property
    def votes(self) -> int:
        return self.voters * self.votes_per_voter

    def describe(self) -> str:
        return (
            f"{self.touchpoints} touchpoints × {self.raters} raters ({self.ratings:,} ratings), "
            f"{self.stakeholders} stakeholders rated by {self.stakeholder_raters}, "
            f"{self.fixes} fixes, {self.votes:,} votes by {self.voters} voters"
        )


def user(n: int) -> str:
    return f"U{n:07d}"


def journey(size: WorkshopSize) -> list[StageSpec]:
    return [
        StageSpec(
            f"Stage {s + 1}",
            [f"Touchpoint {s + 1}.{t + 1}" for t in range(size.touchpoints_per_stage)],
        )
        for s in range(size.stages)
    ]


def new_workshop(
    session: Session,
    team_id: str,
    channel_id: str,
    title: str,
    size: WorkshopSize,
    phase: Phase,
    facilitator: str = "U0FACILITATOR",
) -> Workshop:
    """A workshop with its journey, moved to `phase` with one phase change per step (an hour
    apart, so the digest's phase timeline has something to show)."""
    spec = WorkshopSpec(
        title, journey(size), vote_budget=max(1, size.votes_per_voter), max_votes_per_fix=1
    )
    workshop = create_workshop(session, team_id, channel_id, facilitator, spec)
    steps = PHASE_ORDER[: PHASE_ORDER.index(phase) + 1]
    start = utcnow() - timedelta(hours=len(steps))
    workshop.created_at = start
    session.execute(
        insert(PhaseChange),
        [
            {
                "team_id": team_id,
                "workshop_id": workshop.id,
                "from_phase": before,
                "to_phase": after,
                "action": "advance",
                "user_id": facilitator,
                "at": start + timedelta(hours=n + 1),
            }
            for n, (before, after) in enumerate(itertools.pairwise(steps))
        ],
    )
    workshop.phase = phase
    session.add(workshop)
    session.flush()
    return workshop


def add_participants(session: Session, workshop: Workshop, users: list[str]) -> None:
    session.execute(
        insert(Participant),
        [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "user_id": u,
                "role": Role.participant,
                "joined_at": utcnow(),
            }
            for u in users
        ],
    )


def touchpoint_ids(session: Session, workshop: Workshop) -> list[int]:
    return list(
        session.exec(
            select(Touchpoint.id)
            .where(Touchpoint.workshop_id == workshop.id)
            .order_by(col(Touchpoint.id))
        ).all()
    )


def seed_big_workshop(
    session: Session, team_id: str, channel_id: str, size: WorkshopSize, seed: int = 8
) -> Workshop:
    """Everything a summary reads, at `size`: ratings, stakeholders with ratings, fixes, votes."""
    rng = random.Random(seed)
    workshop = new_workshop(session, team_id, channel_id, "Big journey", size, Phase.voting)
    people = [user(n) for n in range(max(size.raters, size.voters, size.stakeholder_raters))]
    add_participants(session, workshop, people)
    touchpoints = touchpoint_ids(session, workshop)
    _ratings(session, workshop, touchpoints, people[: size.raters], rng)
    _stakeholders(session, workshop, touchpoints, people[: size.stakeholder_raters], size, rng)
    fixes = _fixes(session, workshop, touchpoints, size, rng)
    _votes(session, workshop, fixes, people[: size.voters], size, rng)
    return workshop


def _ratings(
    session: Session, workshop: Workshop, touchpoints: list[int], raters: list[str], rng
) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    rows = []
    for index, touchpoint in enumerate(touchpoints):
        bias = rng.choice((-2, -1, -1, 0, 1))  # some touchpoints fall short more than others
        for rater in raters:
            expectation = rng.randint(3, 7)
            experience = min(7, max(1, expectation + bias + rng.randint(-2, 2)))
            rows.append(
                {
                    "team_id": workshop.team_id,
                    "workshop_id": workshop.id,
                    "touchpoint_id": touchpoint,
                    "round": 1,
                    "user_id": rater,
                    "expectation": expectation,
                    "experience": experience,
                    "importance": rng.randint(1, 5) if rng.random() < 0.7 else None,
                    "comment": f"Comment {index}: it could be better"
                    if rng.random() < 0.05
                    else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    session.execute(insert(GapRating), rows)


def _stakeholders(
    session: Session,
    workshop: Workshop,
    touchpoints: list[int],
    raters: list[str],
    size: WorkshopSize,
    rng,  # type: ignore[no-untyped-def]
) -> None:
    names = [f"Stakeholder {n + 1}" for n in range(size.stakeholders)]
    session.execute(
        insert(Stakeholder),
        [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "name": name,
                "name_key": name_key(name),
                "category": rng.choice(CATEGORIES),
                "attitude": rng.choice(ATTITUDES),
                "note": "",
                "author_id": workshop.facilitator_id,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for name in names
        ],
    )
    ids = session.exec(select(Stakeholder.id).where(Stakeholder.workshop_id == workshop.id)).all()
    session.execute(
        insert(StakeholderTouchpoint),
        [
            {"team_id": workshop.team_id, "stakeholder_id": s, "touchpoint_id": t}
            for s in ids
            for t in rng.sample(touchpoints, 2)
        ],
    )
    session.execute(
        insert(StakeholderRating),
        [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "stakeholder_id": s,
                "rater_id": rater,
                "influence": rng.randint(1, 5),
                "interest": rng.randint(1, 5),
                "updated_at": utcnow(),
            }
            for s in ids
            for rater in raters
        ],
    )


def _fixes(
    session: Session, workshop: Workshop, touchpoints: list[int], size: WorkshopSize, rng
) -> list[int]:  # type: ignore[no-untyped-def]
    session.execute(
        insert(Fix),
        [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "touchpoint_id": touchpoints[n % len(touchpoints)],
                "author_id": user(n % max(1, size.raters)),
                "title": f"Fix {n + 1}",
                "description": "Make it simpler." if rng.random() < 0.5 else None,
                "effort": rng.choice(("S", "M", "L")),
                "impact": rng.choice(("low", "medium", "high")),
                "status": "active",
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for n in range(size.fixes)
        ],
    )
    return list(
        session.exec(
            select(Fix.id).where(Fix.workshop_id == workshop.id).order_by(col(Fix.id))
        ).all()
    )


def _votes(
    session: Session,
    workshop: Workshop,
    fixes: list[int],
    voters: list[str],
    size: WorkshopSize,
    rng,  # type: ignore[no-untyped-def]
) -> None:
    if not voters or not fixes:
        return
    budget = workshop.vote_budget
    session.execute(
        insert(Ballot),
        [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "voter_id": voter,
                "vote_budget": budget,
                "max_votes_per_fix": 1,
                "created_at": utcnow(),
            }
            for voter in voters
        ],
    )
    ballots = session.exec(
        select(Ballot.id).where(Ballot.workshop_id == workshop.id).order_by(col(Ballot.id))
    ).all()
    per_voter = min(size.votes_per_voter, budget, len(fixes))
    # Popular fixes get more votes, as in a real vote.
    weights = [1 / (rank + 1) for rank in range(len(fixes))]
    rows = []
    for ballot in ballots:
        chosen: set[int] = set()
        while len(chosen) < per_voter:
            chosen.add(rng.choices(fixes, weights)[0])
        rows += [
            {
                "team_id": workshop.team_id,
                "workshop_id": workshop.id,
                "ballot_id": ballot,
                "fix_id": fix,
                "vote_budget": budget,
                "max_votes_per_fix": 1,
                "budget_slot": slot,
                "fix_slot": 0,
                "cast_at": utcnow(),
            }
            for slot, fix in enumerate(sorted(chosen))
        ]
    session.execute(insert(Vote), rows)
