"""Fire times of digest schedules, worked out by hand across time zones and DST changes."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.crontab import parse_crontab
from flows.errors import InvalidInput
from flows.schedules import DigestRule, cron_problem, validate_schedule
from storage.models import Cadence


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


# Daylight-saving changes: a 09:00 digest stays at 09:00 local time -------------------------


def test_berlin_0900_stays_at_0900_when_the_clocks_go_forward():
    # 2026-03-29 02:00 CET → 03:00 CEST. 09:00 CET = 08:00 UTC; 09:00 CEST = 07:00 UTC.
    rule = DigestRule(Cadence.daily, "Europe/Berlin", 9, 0)
    assert rule.fire_times(utc(2026, 3, 27, 12), 3) == [
        utc(2026, 3, 28, 8),
        utc(2026, 3, 29, 7),  # 23 hours later in UTC, still 09:00 on the wall clock
        utc(2026, 3, 30, 7),
    ]


def test_new_york_0900_stays_at_0900_when_the_clocks_go_back():
    # 2026-11-01 02:00 EDT → 01:00 EST. 09:00 EDT = 13:00 UTC; 09:00 EST = 14:00 UTC.
    rule = DigestRule(Cadence.daily, "America/New_York", 9, 0)
    assert rule.fire_times(utc(2026, 10, 30, 20), 3) == [
        utc(2026, 10, 31, 13),
        utc(2026, 11, 1, 14),  # 25 hours later in UTC
        utc(2026, 11, 2, 14),
    ]


def test_a_time_skipped_by_the_clocks_fires_once_just_after_the_gap():
    # 02:30 does not exist in Berlin on 2026-03-29; it is taken at the pre-change offset
    # (+01:00): 01:30 UTC, which is 03:30 CEST.
    rule = DigestRule(Cadence.daily, "Europe/Berlin", 2, 30)
    assert rule.fire_times(utc(2026, 3, 28, 12), 2) == [
        utc(2026, 3, 29, 1, 30),
        utc(2026, 3, 30, 0, 30),
    ]


def test_a_time_that_happens_twice_fires_once_at_its_first_occurrence():
    # 2026-10-25 in Berlin: 02:30 CEST (00:30 UTC), then again 02:30 CET (01:30 UTC).
    rule = DigestRule(Cadence.daily, "Europe/Berlin", 2, 30)
    assert rule.fire_times(utc(2026, 10, 24, 12), 2) == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]


def test_cron_in_a_time_zone_also_follows_the_wall_clock():
    rule = DigestRule(Cadence.cron, "America/New_York", cron="0 9 * * *")
    assert rule.fire_times(utc(2026, 10, 30, 20), 2) == [
        utc(2026, 10, 31, 13),
        utc(2026, 11, 1, 14),
    ]


# Across time zones ---------------------------------------------------------------------------


def test_the_same_moment_is_a_different_day_in_tokyo():
    # Sunday 2026-03-29 20:00 UTC is already Monday 05:00 in Tokyo (UTC+9, no DST), so Monday's
    # 09:00 JST digest is 4 hours away: 2026-03-30 00:00 UTC.
    rule = DigestRule(Cadence.weekly, "Asia/Tokyo", 9, 0, weekday=0)
    assert rule.next_fire_after(utc(2026, 3, 29, 20)) == utc(2026, 3, 30, 0)
    # In Los Angeles (PDT, UTC-7) it is still Sunday 13:00: Monday 09:00 PDT is 16:00 UTC.
    rule = DigestRule(Cadence.weekly, "America/Los_Angeles", 9, 0, weekday=0)
    assert rule.next_fire_after(utc(2026, 3, 29, 20)) == utc(2026, 3, 30, 16)


def test_weekdays_skip_the_weekend_in_the_schedules_own_zone():
    # Friday 2026-03-27 18:00 in Auckland (NZDT, UTC+13) is Friday 05:00 UTC. Next weekday 08:00
    # there is Monday 2026-03-30 08:00 NZDT = Sunday 2026-03-29 19:00 UTC.
    rule = DigestRule(Cadence.weekdays, "Pacific/Auckland", 8, 0)
    assert rule.next_fire_after(utc(2026, 3, 27, 5)) == utc(2026, 3, 29, 19)


def test_monthly_on_the_31st_uses_the_last_day_of_shorter_months():
    rule = DigestRule(Cadence.monthly, "UTC", 9, 0, day_of_month=31)
    assert rule.fire_times(utc(2026, 1, 31, 10), 4) == [
        utc(2026, 2, 28, 9),  # 2026 is not a leap year
        utc(2026, 3, 31, 9),
        utc(2026, 4, 30, 9),
        utc(2026, 5, 31, 9),
    ]
    leap = DigestRule(Cadence.monthly, "UTC", 9, 0, day_of_month=30)
    assert leap.next_fire_after(utc(2028, 2, 1)) == utc(2028, 2, 29, 9)


def test_latest_fire_is_the_slot_a_run_belongs_to():
    rule = DigestRule(Cadence.daily, "Europe/Berlin", 9, 0)
    assert rule.latest_fire_at_or_before(utc(2026, 3, 29, 7)) == utc(2026, 3, 29, 7)
    assert rule.latest_fire_at_or_before(utc(2026, 3, 29, 6, 59)) == utc(2026, 3, 28, 8)
    weekly = DigestRule(Cadence.cron, "UTC", cron="0 9 * * 1")  # Mondays
    assert weekly.latest_fire_at_or_before(utc(2026, 3, 29, 12)) == utc(2026, 3, 23, 9)
    yearly = DigestRule(Cadence.cron, "UTC", cron="0 9 1 1 *")
    assert yearly.latest_fire_at_or_before(utc(2026, 11, 1)) == utc(2026, 1, 1, 9)


@settings(max_examples=60, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
    cadence=st.sampled_from([Cadence.daily, Cadence.weekdays, Cadence.weekly, Cadence.monthly]),
    hour=st.integers(0, 23),
)
def test_latest_and_next_fire_times_bracket_any_moment(moment, zone, cadence, hour):
    rule = DigestRule(cadence, zone, hour, 15, weekday=2, day_of_month=30)
    moment = moment.replace(tzinfo=UTC)
    latest, following = rule.latest_fire_at_or_before(moment), rule.next_fire_after(moment)
    assert latest <= moment < following
    assert rule.next_fire_after(latest) == following  # no slot in between


# Crontab semantics ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekday_field", "expected_days"),
    [
        ("1-5", ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        ("0", ["Sunday"]),
        ("7", ["Sunday"]),
        ("5-7", ["Friday", "Saturday", "Sunday"]),
        ("*/2", ["Sunday", "Tuesday", "Thursday", "Saturday"]),
        ("mon,wed", ["Monday", "Wednesday"]),
    ],
)
def test_cron_weekdays_mean_what_crontab_means(weekday_field, expected_days):
    # Crontab's numbering: Sunday is 0 or 7 (Python's date.weekday() counts Monday as 0).
    rule = DigestRule(Cadence.cron, "UTC", cron=f"0 9 * * {weekday_field}")
    days = {fire.strftime("%A") for fire in rule.fire_times(utc(2026, 3, 1), 14)}
    assert days == set(expected_days)


def test_malformed_crontab_lines_are_refused():
    for bad in ["every monday", "61 * * * *", "0 9 * * 8", "0 9 * * 5-1"]:
        with pytest.raises(ValueError):
            parse_crontab(bad)


def test_cron_problems_are_explained():
    assert cron_problem("0 9 * * 1-5", "Europe/Berlin") is None
    assert "valid cron" in cron_problem("0 25 * * *")
    assert "never fires" in cron_problem("0 9 31 2 *")
    assert "once an hour" in cron_problem("*/5 * * * *")
    assert "Write a cron" in cron_problem("")


# The form --------------------------------------------------------------------------------------


def test_validate_schedule_builds_the_rule():
    spec = validate_schedule("weekly", "07:45", "Europe/Paris", weekday="4", channel_id="C1")
    assert spec.rule == DigestRule(Cadence.weekly, "Europe/Paris", 7, 45, weekday=4)
    assert spec.rule.describe() == "Every Friday at 07:45 (Europe/Paris)"
    assert spec.channel_id == "C1"


def test_validate_schedule_reports_each_bad_field_under_its_block():
    with pytest.raises(InvalidInput) as raised:
        validate_schedule("monthly", None, "Mars/Olympus", day_of_month="32")
    assert set(raised.value.errors) == {"time", "timezone", "day_of_month", "channel"}


def test_an_invalid_cron_is_an_inline_error_and_time_is_not_needed():
    with pytest.raises(InvalidInput) as raised:
        validate_schedule("cron", None, "UTC", cron="every day", dm_user_ids=["U1"])
    assert list(raised.value.errors) == ["cron"]
    spec = validate_schedule("cron", None, "UTC", cron=" 0  9 * * 1-5 ", dm_user_ids=["U1", "U1"])
    assert spec.rule.cron == "0 9 * * 1-5"
    assert spec.dm_user_ids == ["U1"]


def test_dms_alone_are_a_destination():
    spec = validate_schedule("daily", "9:05", "UTC", dm_user_ids=["U1", "U2"])
    assert (spec.rule.hour, spec.rule.minute, spec.channel_id) == (9, 5, None)


def test_describe_monthly_says_what_happens_in_short_months():
    rule = DigestRule(Cadence.monthly, "UTC", 9, 0, day_of_month=31)
    assert rule.describe() == "Monthly on the 31st (or the month's last day) at 09:00 (UTC)"
    assert DigestRule(Cadence.weekdays, "UTC", 18, 0).describe().startswith("Every weekday")


def test_fire_times_are_strictly_increasing_over_a_year():
    rule = DigestRule(Cadence.weekdays, "America/New_York", 9, 0)
    times = rule.fire_times(utc(2026, 1, 1), 260)
    assert all(
        later - earlier >= timedelta(hours=23) for earlier, later in itertools.pairwise(times)
    )
