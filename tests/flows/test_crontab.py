"""Crontab lines worked out with zoneinfo alone (flows.crontab), checked against APScheduler 3's
CronTrigger, which read them before, and against DigestRule's own daylight-saving rules."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.crontab import crontab_weekdays, parse_crontab
from flows.schedules import DigestRule
from storage.models import Cadence

WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
NO_DST = ["UTC", "Asia/Kolkata", "Asia/Tokyo"]
WITH_DST = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham"]


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def apscheduler_next(expression: str, zone: ZoneInfo, after: datetime) -> datetime | None:
    """How the bot worked out a crontab line before: APScheduler's CronTrigger, its weekday
    field rewritten with names (APScheduler counts Monday as 0, crontab Sunday)."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError("five fields")
    if fields[4] != "*":
        fields[4] = ",".join(WEEKDAY_NAMES[day] for day in sorted(crontab_weekdays(fields[4])))
    trigger = CronTrigger.from_crontab(" ".join(fields), timezone=zone)
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    return fire.astimezone(UTC) if fire else None


def field_part(low: int, high: int, names=(), last=False):
    number = st.integers(low - 1, high + 1)
    step = st.integers(0, high - low + 2)
    parts = [
        st.just("*"),
        step.map(lambda s: f"*/{s}"),
        number.map(str),
        st.tuples(number, number).map(lambda p: f"{p[0]}-{p[1]}"),
        st.tuples(number, number, step).map(lambda p: f"{p[0]}-{p[1]}/{p[2]}"),
        st.tuples(number, step).map(lambda p: f"{p[0]}/{p[1]}"),
    ]
    if names:
        name = st.sampled_from(names)
        parts.append(st.tuples(name, name).map(lambda p: f"{p[0]}-{p[1]}"))
        parts.append(name.map(str.upper))
    if last:
        parts.append(st.just("last"))
    return st.lists(st.one_of(parts), min_size=1, max_size=3).map(",".join)


crontab_lines = st.tuples(
    field_part(0, 59),
    field_part(0, 23),
    field_part(1, 31, last=True),
    field_part(1, 12, names=MONTH_NAMES),
    st.sampled_from(["*", "1-5", "0", "7", "mon,wed", "*/2", "5-7", "SUN", "2/3", "8", "5-1"]),
).map(" ".join)
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=UTC)
)


def outcome(work):
    try:
        return ("fires", work())
    except ValueError:
        return ("refused",)


@settings(max_examples=400, deadline=None)
@given(line=crontab_lines, zone=st.sampled_from(NO_DST), after=moments)
def test_fire_times_and_refusals_are_apschedulers_where_clocks_do_not_change(line, zone, after):
    zone = ZoneInfo(zone)
    ours = outcome(lambda: parse_crontab(line).next_fire_after(after, zone))
    theirs = outcome(lambda: apscheduler_next(line, zone, after))
    assert ours == theirs


@settings(max_examples=200, deadline=None)
@given(line=crontab_lines, zone=st.sampled_from(WITH_DST), after=moments)
def test_the_same_lines_are_refused_in_every_zone(line, zone, after):
    zone = ZoneInfo(zone)
    ours = outcome(lambda: parse_crontab(line).next_fire_after(after, zone))
    theirs = outcome(lambda: apscheduler_next(line, zone, after))
    assert ours[0] == theirs[0]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(WITH_DST),
    after=moments,
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    weekday=st.integers(0, 6),
)
def test_a_daily_or_weekly_line_fires_when_the_same_daily_or_weekly_rule_does(
    zone, after, hour, minute, weekday
):
    # DigestRule's wall-clock rules across daylight-saving changes hold for crontab lines too.
    daily = DigestRule(Cadence.daily, zone, hour, minute)
    as_cron = DigestRule(Cadence.cron, zone, cron=f"{minute} {hour} * * *")
    assert as_cron.fire_times(after, 3) == daily.fire_times(after, 3)
    weekly = DigestRule(Cadence.weekly, zone, hour, minute, weekday=weekday)
    crontab_day = (weekday + 1) % 7  # crontab counts from Sunday
    as_cron = DigestRule(Cadence.cron, zone, cron=f"{minute} {hour} * * {crontab_day}")
    assert as_cron.fire_times(after, 2) == weekly.fire_times(after, 2)


def test_midnight_on_the_first_fires_in_the_month_the_clocks_went_forward():
    # APScheduler 3.11 skipped 1 April 00:00 in Berlin (it went from 1 March to 1 May).
    rule = DigestRule(Cadence.cron, "Europe/Berlin", cron="0 0 1 * *")
    assert rule.fire_times(utc(2026, 2, 15), 3) == [
        utc(2026, 2, 28, 23),  # 1 March 00:00 CET
        utc(2026, 3, 31, 22),  # 1 April 00:00 CEST
        utc(2026, 4, 30, 22),
    ]


def test_a_repeated_time_fires_once_and_a_skipped_one_just_after_the_gap():
    rule = DigestRule(Cadence.cron, "Europe/Berlin", cron="30 2 * * *")
    # 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET): once.
    assert rule.fire_times(utc(2026, 10, 24, 12), 2) == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]
    # 2026-03-29: 02:30 does not exist; it is taken at the offset before the change.
    assert rule.fire_times(utc(2026, 3, 28, 12), 2) == [
        utc(2026, 3, 29, 1, 30),
        utc(2026, 3, 30, 0, 30),
    ]


def test_last_day_month_names_and_both_day_fields():
    last = DigestRule(Cadence.cron, "UTC", cron="0 9 last feb,Apr *")
    assert last.fire_times(utc(2028, 1, 1), 2) == [utc(2028, 2, 29, 9), utc(2028, 4, 30, 9)]
    # Day of month *and* weekday: the 13th when it is a Friday (2026-02-13, 2026-03-13).
    friday_13th = DigestRule(Cadence.cron, "UTC", cron="0 9 13 * 5")
    assert friday_13th.fire_times(utc(2026, 1, 1), 2) == [utc(2026, 2, 13, 9), utc(2026, 3, 13, 9)]


def test_a_line_that_never_fires_says_so():
    assert parse_crontab("0 9 30 2 *").next_fire_after(utc(2026, 1, 1), ZoneInfo("UTC")) is None


@pytest.mark.parametrize(
    "line",
    [
        "0 9 * *",
        "60 9 * * *",
        "0 24 * * *",
        "0 9 0 * *",
        "0 9 * 13 *",
        "*/0 * * * *",
        "0-30/31 * * * *",
        "0 9 * foo *",
        "0 9 1,,2 * *",
        "0 9 * * 8",
    ],
)
def test_malformed_lines_are_refused(line):
    with pytest.raises(ValueError):
        parse_crontab(line)
