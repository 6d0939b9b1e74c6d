"""Standard five-field crontab lines (minute hour day month weekday) and their fire times, worked
out with zoneinfo alone: flows/ carries no scheduler library.

The dialect is the one the bot has always accepted (it used to hand the lines to APScheduler 3,
and tests/flows/test_crontab.py checks the fire times against APScheduler's CronTrigger):

- minute 0–59, hour 0–23, day of month 1–31 or `last`, month 1–12 or jan–dec, weekday 0–7 or
  sun–sat (0 and 7 are Sunday, as in crontab);
- each field is a comma list of `*`, `*/step`, `n`, `a-b`, `a-b/step` and `a/step` (from a to
  the field's maximum); a step wider than its range is refused;
- a day fires when its day of month *and* its weekday match (classic cron takes either one when
  both are restricted; the bot never has);
- wall-clock times follow DigestRule's rule across daylight-saving changes: a time the clocks
  skip is taken at the offset before the change, a time they repeat fires at its first
  occurrence.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

_CRON_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ALL = re.compile(r"\*(?:/(?P<step>\d+))?$")
_RANGE = re.compile(r"(?P<first>\d+)(?:-(?P<last>\d+))?(?:/(?P<step>\d+))?$")
_MONTH_RANGE = re.compile(r"(?P<first>[a-z]+)(?:-(?P<last>[a-z]+))?", re.IGNORECASE)
_LAST_DAY = re.compile(r"last", re.IGNORECASE)
LAST = 0  # in a day-of-month set: the month's last day
# The Gregorian calendar repeats its dates and weekdays every 400 years: a line that does not
# fire within that many years never fires.
_CALENDAR_CYCLE_YEARS = 400


@dataclass(frozen=True)
class Crontab:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]  # 1–31, and LAST for the month's last day
    months: tuple[int, ...]
    weekdays: frozenset[int]  # date.weekday(): Monday = 0

    def fires_on(self, day: date) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        in_month = day.day in self.days or (LAST in self.days and day.day == last)
        return in_month and day.weekday() in self.weekdays

    def wall_times(self, start: date) -> Iterator[datetime]:
        """Every naive local time the line names, in order, from the start of `start`."""
        for year in range(start.year, min(start.year + _CALENDAR_CYCLE_YEARS, MAXYEAR) + 1):
            for month in self.months:
                if (year, month) < (start.year, start.month):
                    continue
                last = calendar.monthrange(year, month)[1]
                first = start.day if (year, month) == (start.year, start.month) else 1
                for number in range(first, last + 1):
                    day = date(year, month, number)
                    if self.fires_on(day):
                        for hour in self.hours:
                            for minute in self.minutes:
                                yield datetime.combine(day, time(hour, minute))

    def next_fire_after(self, after: datetime, zone: ZoneInfo) -> datetime | None:
        """The first fire time strictly after `after` (aware), in UTC; None if it never fires."""
        after = after.astimezone(UTC)
        # A day early: a local time on the day before can be later in UTC than `after`.
        start = after.astimezone(zone).date() - timedelta(days=1)
        for wall in self.wall_times(start):
            # fold=0: a wall time skipped by DST maps past the gap; a repeated one, to its first.
            fire = wall.replace(tzinfo=zone).astimezone(UTC)
            if fire > after:
                return fire
        return None


@cache  # DigestRule parses its line for every fire time it works out
def parse_crontab(expression: str) -> Crontab:
    """A crontab line, or ValueError saying what is wrong with it."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"A cron expression has 5 fields (minute hour day month weekday); got {len(fields)}."
        )
    minute, hour, day, month, weekday = fields
    return Crontab(
        minutes=tuple(sorted(_numbers(minute, "minute", 0, 59))),
        hours=tuple(sorted(_numbers(hour, "hour", 0, 23))),
        days=frozenset(_numbers(day, "day", 1, 31, last_day=True)),
        months=tuple(sorted(_numbers(month, "month", 1, 12, names=_MONTH_NAMES))),
        weekdays=frozenset((day - 1) % 7 for day in crontab_weekdays(weekday)),
    )


def _numbers(
    text: str,
    name: str,
    low: int,
    high: int,
    *,
    last_day: bool = False,
    names: tuple[str, ...] = (),
) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        values.update(_part_numbers(part, name, low, high, last_day, names))
    return values


def _part_numbers(
    part: str, name: str, low: int, high: int, last_day: bool, names: tuple[str, ...]
) -> range | set[int]:
    if match := _ALL.match(part):
        step = _step(match["step"], high - low, part)
        return range(low, high + 1, step)
    if match := _RANGE.match(part):
        first, step_text = int(match["first"]), match["step"]
        last = int(match["last"]) if match["last"] else (None if step_text else first)
        if last is not None and first > last:
            raise ValueError(f"“{part}” runs backwards.")
        if first < low or (last is not None and last > high):
            raise ValueError(f"“{part}” is outside {low}–{high} for the {name}.")
        step_size = _step(step_text, (last or high) - first, part)
        return range(first, (high if last is None else last) + 1, step_size)
    if names and (match := _MONTH_RANGE.match(part)):
        first = _named(match["first"], names)
        last = _named(match["last"], names) if match["last"] else first
        if first > last:
            raise ValueError(f"“{part}” runs backwards.")
        return range(first, last + 1)
    if last_day and _LAST_DAY.match(part):
        return {LAST}
    raise ValueError(f"“{part}” is not a valid {name}.")


def _step(text: str | None, span: int, part: str) -> int:
    if text is None:
        return 1
    step = int(text)
    if step == 0 or step > span:
        raise ValueError(f"“{part}” has a step of {step}, which does not fit its range.")
    return step


def _named(text: str, names: tuple[str, ...]) -> int:
    if text.lower() not in names:
        raise ValueError(f"“{text}” is not a month (jan–dec).")
    return names.index(text.lower()) + 1


def crontab_weekdays(field_text: str) -> set[int]:
    """The weekday field as crontab numbers (Sunday = 0)."""
    if field_text == "*":
        return set(range(7))
    days: set[int] = set()
    for part in field_text.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ValueError(f"“{part}” has an invalid step.")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first_text, _, last_text = span.partition("-")
            first, last = _cron_day(first_text), _cron_day(last_text, allow_seven=True)
            if first > last:
                raise ValueError(f"“{span}” runs backwards.")
        else:
            first = _cron_day(span, allow_seven=True)
            last = 6 if step else first
        days.update(day % 7 for day in range(first, last + 1, step or 1))
    return days


def _cron_day(text: str, allow_seven: bool = False) -> int:
    if text in _CRON_DAY_NAMES:
        return _CRON_DAY_NAMES.index(text)
    if text.isdigit() and 0 <= int(text) <= (7 if allow_seven else 6):
        return int(text)
    raise ValueError(f"“{text}” is not a day of the week (0–7 or sun–sat).")
