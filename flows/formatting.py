"""One style for numbers, dates and ranks on every surface (digests, results, DMs, files).

- **Figures** have one decimal, rounded half away from zero as people round by hand (Python's
  `round()` rounds halves to even, and 2.675 is stored as 2.67499…: `flows.stats.round_half_away`
  works from the decimal as written). Gaps and changes carry their sign ("−2.3", "+0.7"); a
  figure that rounds to zero is "0.0", never "+0.0" or "−0.0". The minus is the typographic
  "−" (U+2212) unless a monospace table asks for "-".
- **Calendar dates** (a due date, a period's end) read "Sun 20 Dec 2026" for every reader. A
  moment (when something happened) is shown by Slack in each reader's own time zone; files and
  terminals write it in UTC in the same style ("Sun 20 Dec 2026 09:00 UTC"). Machine-readable
  files (CSV and JSON cells) keep ISO 8601, which spreadsheets sort and parse.
- **Ranks** are written as ordinals with "place", "1st place", "=3rd place" when shared, so a
  rank can never be taken for a fix's number ("#3").

Plain text: callers that put it in mrkdwn escape it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flows.stats import round_half_away

MINUS = "−"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rounded(value: float | None, digits: int = 1) -> float | None:
    """A figure as shown: rounded half away from zero (−0.0 becomes 0.0)."""
    return None if value is None else round_half_away(value, digits)


def number(value: float | None, digits: int = 1, none: str = "–") -> str:
    """An unsigned figure: "6.8", "3.0" (a mean score, an importance)."""
    if value is None:
        return none
    shown = round_half_away(value, digits)
    return (MINUS if shown < 0 else "") + f"{abs(shown):.{digits}f}"


def signed(value: float | None, digits: int = 1, minus: str = MINUS, none: str = "–") -> str:
    """A gap or a change: "−2.3", "+0.7", and "0.0" for anything that rounds to zero."""
    if value is None:
        return none
    shown = round_half_away(value, digits)
    text = f"{abs(shown):.{digits}f}"
    if shown < 0:
        return minus + text
    return ("+" + text) if shown > 0 else text


def calendar_day(day: date) -> str:
    """A date that is not a moment (a due date, a period's end): "Mon 7 Dec 2026" for every
    reader. A moment shown in each reader's own time zone would fall on the day before or
    after somewhere on Earth, whatever moment was chosen for a whole day; a date is the same
    date everywhere."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def utc_moment(moment: datetime) -> str:
    """A moment for files and terminals, and the fallback of Slack's date token: the one date
    style with the UTC time, "Sun 20 Dec 2026 09:00 UTC"."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{calendar_day(moment.date())} {moment:%H:%M} UTC"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 102nd."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_text(rank: int, shared: bool = False) -> str:
    """A place in a ranking: "1st place"; "=3rd place" when others share it (standard
    competition ranking, 1, 1, 3). Never "#3", which reads as the fix's number."""
    return f"{'=' if shared else ''}{ordinal(rank)} place"


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 touchpoint", "3 touchpoints"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
