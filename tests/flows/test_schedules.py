"""Schedules' life (create, pause, resume, delete, failing) and the claim that makes every digest
post happen once."""

import threading

import pytest
from sqlmodel import select

from flows.errors import InvalidInput, NotAllowed, NotFound
from flows.schedules import (
    MAX_SCHEDULES_PER_WORKSHOP,
    DigestRule,
    ScheduleAction,
    ScheduleSpec,
    change_schedule,
    claim_delivery,
    create_schedule,
    finish_delivery,
    owned_schedules,
    previous_digest_time,
    record_channel_failure,
    record_channel_success,
    runnable_schedules,
    workshop_schedules,
)
from flows.workshops import join_workshop
from storage.models import Cadence, DigestDelivery, DigestSchedule, ScheduleStatus
from tests.factories import OTHER_TEAM, TEAM, make_workshop, utc

DAILY = ScheduleSpec(DigestRule(Cadence.daily, "Europe/Berlin", 9, 0), channel_id="C9")


def test_facilitators_create_schedules(session):
    workshop = make_workshop(session, co_facilitators=["UC"])
    schedule = create_schedule(session, workshop, "UC", DAILY)
    assert (schedule.team_id, schedule.created_by, schedule.cadence) == (TEAM, "UC", "daily")
    join_workshop(session, workshop, "UP")
    with pytest.raises(NotAllowed):
        create_schedule(session, workshop, "UP", DAILY)


def test_a_workshop_has_a_bounded_number_of_schedules(session):
    workshop = make_workshop(session)
    for _ in range(MAX_SCHEDULES_PER_WORKSHOP):
        create_schedule(session, workshop, "UF", DAILY)
    with pytest.raises(InvalidInput):
        create_schedule(session, workshop, "UF", DAILY)


def test_only_the_owner_or_facilitators_change_a_schedule(session):
    workshop = make_workshop(session, co_facilitators=["UC"])
    join_workshop(session, workshop, "UP")
    schedule = create_schedule(session, workshop, "UC", DAILY)
    with pytest.raises(NotAllowed):
        change_schedule(session, TEAM, schedule.id, "UP", ScheduleAction.pause)
    paused = change_schedule(session, TEAM, schedule.id, "UF", ScheduleAction.pause)
    assert paused.status == ScheduleStatus.paused
    assert runnable_schedules(session) == []


def test_another_workspace_cannot_reach_a_schedule(session):
    workshop = make_workshop(session)
    schedule = create_schedule(session, workshop, "UF", DAILY)
    for action in ScheduleAction:
        with pytest.raises(NotFound):
            change_schedule(session, OTHER_TEAM, schedule.id, "UF", action)
    assert session.get(DigestSchedule, schedule.id).status == ScheduleStatus.active


def test_resume_clears_a_failure_and_restarts_the_clock(session):
    workshop = make_workshop(session)
    schedule = create_schedule(session, workshop, "UF", DAILY)
    before = schedule.active_since
    assert record_channel_failure(session, TEAM, schedule.id, "is_archived") is True
    resumed = change_schedule(session, TEAM, schedule.id, "UF", ScheduleAction.resume)
    assert (resumed.status, resumed.last_error, resumed.failure_notified) == (
        ScheduleStatus.active,
        None,
        False,
    )
    assert resumed.active_since >= before


def test_a_failure_is_reported_once_until_fixed(session):
    workshop = make_workshop(session)
    schedule = create_schedule(session, workshop, "UF", DAILY)
    assert record_channel_failure(session, TEAM, schedule.id, "is_archived") is True
    assert record_channel_failure(session, TEAM, schedule.id, "not_in_channel") is False
    session.refresh(schedule)
    assert (schedule.status, schedule.last_error) == (ScheduleStatus.failing, "not_in_channel")
    assert [s.schedule_id for s in runnable_schedules(session)] == [schedule.id]  # keeps trying
    assert record_channel_success(session, TEAM, schedule.id) is True  # invited back
    assert record_channel_failure(session, TEAM, schedule.id, "is_archived") is True  # told again
    assert record_channel_failure(session, OTHER_TEAM, schedule.id, "is_archived") is False


def test_lists_show_description_destinations_and_last_digest(session, db):
    workshop = make_workshop(session)
    spec = ScheduleSpec(DigestRule(Cadence.weekly, "UTC", 8, 30, weekday=0), None, ["UM"])
    schedule = create_schedule(session, workshop, "UF", spec)
    session.commit()
    delivery = claim_delivery(db, TEAM, workshop.id, utc(2026, 11, 2, 8, 30), schedule.id)
    with db.session() as other:
        finish_delivery(other, TEAM, delivery, utc(2026, 11, 2, 8, 30, 5))
    [view] = workshop_schedules(session, workshop)
    assert view.description == "Every Monday at 08:30 (UTC)"
    assert (view.channel_id, view.dm_user_ids) == (None, ["UM"])
    assert view.last_sent == utc(2026, 11, 2, 8, 30, 5)
    assert view.next_fire.weekday() == 0
    assert [v.id for v in owned_schedules(session, TEAM, "UF")] == [schedule.id]
    assert owned_schedules(session, OTHER_TEAM, "UF") == []


# Claims --------------------------------------------------------------------------------------


def test_a_slot_is_claimed_once(db):
    with db.session() as session:
        workshop = make_workshop(session)
        schedule = create_schedule(session, workshop, "UF", DAILY)
    slot = utc(2026, 11, 2, 8)
    first = claim_delivery(db, TEAM, workshop.id, slot, schedule.id)
    assert first is not None
    assert claim_delivery(db, TEAM, workshop.id, slot, schedule.id) is None
    # The same instant with microseconds or in another zone is the same slot.
    assert claim_delivery(db, TEAM, workshop.id, slot.replace(microsecond=7), schedule.id) is None
    # Digests asked for by hand never collide.
    assert claim_delivery(db, TEAM, workshop.id, slot, None) is not None
    assert claim_delivery(db, TEAM, workshop.id, slot, None) is not None


def test_concurrent_claims_let_exactly_one_through(db):
    with db.session() as session:
        workshop = make_workshop(session)
        schedule = create_schedule(session, workshop, "UF", DAILY)
    results, barrier = [], threading.Barrier(6)

    def claim():
        barrier.wait()
        results.append(claim_delivery(db, TEAM, workshop.id, utc(2026, 11, 2, 8), schedule.id))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r is not None]) == 1
    with db.session() as session:
        assert len(session.exec(select(DigestDelivery)).all()) == 1


def test_the_period_starts_at_the_previous_sent_digest(db):
    with db.session() as session:
        workshop = make_workshop(session)
        schedule = create_schedule(session, workshop, "UF", DAILY)
    first = claim_delivery(db, TEAM, workshop.id, utc(2026, 11, 2, 8), schedule.id)
    with db.session() as session:
        finish_delivery(session, TEAM, first, utc(2026, 11, 2, 8, 0, 3))
    failed = claim_delivery(db, TEAM, workshop.id, utc(2026, 11, 3, 8), schedule.id)
    with db.session() as session:
        finish_delivery(session, TEAM, failed, utc(2026, 11, 3, 8, 0, 3), error="is_archived")
    current = claim_delivery(db, TEAM, workshop.id, utc(2026, 11, 4, 8), schedule.id)
    by_hand = claim_delivery(db, TEAM, workshop.id, utc(2026, 11, 3, 12), None)
    with db.session() as session:
        finish_delivery(session, TEAM, by_hand, utc(2026, 11, 3, 12))
        # A failed digest was never read: the period runs from the last one sent.
        assert previous_digest_time(session, TEAM, workshop.id, schedule.id, current) == utc(
            2026, 11, 2, 8, 0, 3
        )
        # For a digest asked for by hand, any previous digest of the workshop counts.
        assert previous_digest_time(session, TEAM, workshop.id, None, current) == utc(
            2026, 11, 3, 12
        )
        assert previous_digest_time(session, OTHER_TEAM, workshop.id, None, current) is None
