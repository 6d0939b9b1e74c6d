"""Workshops built straight in the database, with chosen timestamps, for flows and builder tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from flows.fixes import FixDraft, FixSummary, propose_fix
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.gaps.results import GapResults, gap_results
from flows.gaps.rounds import open_rating_round
from flows.gaps.statistics import RatingSums
from flows.journey import DEFAULT_JOURNEY, StageSpec
from flows.stakeholders import StakeholderSpec, add_stakeholder
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import (
    ActionItem,
    Attitude,
    Fix,
    GapRating,
    Participant,
    Phase,
    PhaseChange,
    Role,
    Stakeholder,
    StakeholderCategory,
    Touchpoint,
    Workshop,
)

TEAM = "T1"
OTHER_TEAM = "T2"
CFO = StakeholderSpec("CFO", StakeholderCategory.executive, Attitude.blocker)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def big_journey(touchpoints: int, per_stage: int = 30) -> list[StageSpec]:
    """A journey of `touchpoints` touchpoints (past the setup form's limits, for size tests)."""
    stages = []
    for stage in range(-(-touchpoints // per_stage)):
        count = min(per_stage, touchpoints - stage * per_stage)
        names = tuple(f"Touchpoint {stage + 1}.{n + 1}" for n in range(count))
        stages.append(StageSpec(f"Stage {stage + 1}", names))
    return stages


def fix_summary(fix_id: int, **fields: Any) -> FixSummary:
    """A fix as lists and ballots show it: "Fix N" on Checkout (Purchase) in workshop 7, by UA
    on 1 March 2026, with no description, effort or impact; `fields` change any of that."""
    values = {
        "id": fix_id,
        "workshop_id": 7,
        "title": f"Fix {fix_id}",
        "description": None,
        "touchpoint_id": 3,
        "touchpoint": "Checkout",
        "stage": "Purchase",
        "author_id": "UA",
        "effort": None,
        "impact": None,
        "created_at": datetime(2026, 3, 1, tzinfo=UTC),
    } | fields
    return FixSummary(**values)


def make_workshop(
    session: Session,
    team: str = TEAM,
    channel: str = "C1",
    facilitator: str = "UF",
    title: str = "Onboarding",
    stages: list[StageSpec] | None = None,
    created_at: datetime | None = None,
    co_facilitators: list[str] | None = None,
) -> Workshop:
    spec = WorkshopSpec(
        title=title, stages=list(stages or DEFAULT_JOURNEY), co_facilitators=co_facilitators or []
    )
    workshop = create_workshop(session, team, channel, facilitator, spec)
    if created_at is not None:
        workshop.created_at = created_at
        for participant in session.exec(
            select(Participant).where(Participant.workshop_id == workshop.id)
        ):
            participant.joined_at = created_at
        session.flush()
    return workshop


def add_participant(
    session: Session, workshop: Workshop, user_id: str, joined_at: datetime, role=Role.participant
) -> None:
    session.add(
        Participant(
            team_id=workshop.team_id,
            workshop_id=workshop.id,
            user_id=user_id,
            role=role,
            joined_at=joined_at,
        )
    )
    session.flush()


def move(
    session: Session,
    workshop: Workshop,
    to_phase: Phase,
    at: datetime,
    user_id: str = "UF",
    action: str = "advance",
) -> None:
    """Record a phase change at a chosen moment (flows.workshops.change_phase stamps 'now')."""
    session.add(
        PhaseChange(
            team_id=workshop.team_id,
            workshop_id=workshop.id,
            from_phase=workshop.phase,
            to_phase=to_phase,
            action=action,
            user_id=user_id,
            at=at,
        )
    )
    workshop.phase = to_phase
    session.add(workshop)
    session.flush()


def add_fix(
    session: Session, workshop: Workshop, touchpoint_id: int, title: str, author: str, **fields: Any
) -> Fix:
    """A fix `title` by `author` on the touchpoint, added as stored (no phase checks); `fields`
    set more of it (its status)."""
    fix = Fix(
        team_id=workshop.team_id,
        workshop_id=workshop.id,
        touchpoint_id=touchpoint_id,
        author_id=author,
        title=title,
        **fields,
    )
    session.add(fix)
    session.flush()
    return fix


def add_action_item(
    session: Session,
    workshop: Workshop,
    touchpoint_id: int,
    *,
    title: str,
    author: str,
    owner: str,
    created_by: str,
    due_date: date,
    **fields: Any,
) -> ActionItem:
    """An action item of `owner` on a new fix `title` by `author` on the touchpoint, added as
    stored (no phase checks); `fields` set more of the item (its status, when it was created)."""
    fix = add_fix(session, workshop, touchpoint_id, title, author)
    item = ActionItem(
        team_id=workshop.team_id,
        workshop_id=workshop.id,
        fix_id=fix.id,
        owner_id=owner,
        due_date=due_date,
        created_by=created_by,
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def add_cfo(session: Session, team_id: str, workshop_id: int, user_id: str) -> Stakeholder:
    """The stakeholder most tests need one of: the CFO, an executive and a blocker."""
    return add_stakeholder(session, team_id, workshop_id, user_id, CFO)


def sums(*gaps: int) -> RatingSums:
    """The rating sums of ratings with these gaps, each expecting 6 (so experiencing 6 + gap)."""
    return RatingSums(
        n=len(gaps),
        expectation=6 * len(gaps),
        experience=sum(6 + g for g in gaps),
        gap=sum(gaps),
        gap_squares=sum(g * g for g in gaps),
    )


def touchpoint_ids(session: Session, workshop: Workshop) -> dict[str, int]:
    """The ids of the workshop's touchpoints, by name."""
    rows = session.exec(
        select(Touchpoint.name, Touchpoint.id).where(Touchpoint.workshop_id == workshop.id)
    ).all()
    return dict(rows)


def gap_results_for(
    session: Session,
    stages: list[StageSpec],
    answers_by_user: dict[str, dict[str, tuple]],
    second_round: dict[str, dict[str, tuple]] | None = None,
) -> GapResults:
    """The gap results of a workshop on `stages` in its rating phase, rated as the form saves
    ratings: each user's answers by touchpoint name, (expectation, experience[, importance[,
    comment]]) with None for a blank; `second_round`, if any, rated in a second round."""
    workshop = make_workshop(session, stages=stages)
    workshop.phase = Phase.rating
    session.add(workshop)
    ids = touchpoint_ids(session, workshop)

    def save(rounds):
        for user, answers in rounds.items():
            page = {
                ids[name]: RawAnswer(*(None if v is None else str(v) for v in values))
                for name, values in answers.items()
            }
            save_ratings(session, workshop.team_id, workshop.id, user, page)

    save(answers_by_user)
    if second_round:
        open_rating_round(session, workshop.team_id, workshop.id, workshop.facilitator_id)
        save(second_round)
    return gap_results(session, workshop)


def first_touchpoint_id(session: Session, workshop_id: int) -> int:
    """The id of a touchpoint of the workshop (the first the database gives)."""
    touchpoint_id = session.exec(
        select(Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
    ).first()
    assert touchpoint_id is not None
    return touchpoint_id


def propose_fixes(
    session: Session, team_id: str, workshop_id: int, author: str, count: int
) -> list[Fix]:
    """Fixes "Fix 0", "Fix 1", ... by `author` on a touchpoint of the workshop (in its fixes
    phase), proposed as the form does."""
    touchpoint_id = first_touchpoint_id(session, workshop_id)
    return [
        propose_fix(session, team_id, workshop_id, author, FixDraft(f"Fix {n}", touchpoint_id))
        for n in range(count)
    ]


def add_gap_rating(
    session: Session,
    workshop: Workshop,
    touchpoint_id: int,
    user_id: str,
    round_number: int,
    expectation: int,
    experience: int,
    importance: int | None = None,
) -> None:
    """One person's rating of one touchpoint in a round, added as it is stored."""
    session.add(
        GapRating(
            team_id=workshop.team_id,
            workshop_id=workshop.id,
            touchpoint_id=touchpoint_id,
            round=round_number,
            user_id=user_id,
            expectation=expectation,
            experience=experience,
            importance=importance,
        )
    )
