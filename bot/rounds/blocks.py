"""Block Kit for workshops that run themselves: the deadline and recurring-round forms, the
board's deadline line, the reminder DM and what the scheduler posts in the board's thread.

Times are `<!date>` tokens (bot/slack/blocks.slack_date), so each reader sees their own zone.
"""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputBlock,
    Option,
)
from slack_sdk.models.views import View

from bot.gaps.blocks import rate_request
from bot.slack import ids
from bot.slack.blocks import (
    MAX_SECTION_TEXT,
    Mrkdwn,
    context,
    escape,
    fit,
    join_lines,
    md,
    mrkdwn_section,
    slack_date,
    truncate,
)
from bot.slack.inputs import select_input, text_input, whole_number_input
from bot.slack.modals import modal
from bot.slack.time_inputs import time_input, timezone_input
from bot.slack.values import WorkshopMetadata
from flows.formatting import plural
from flows.gaps.statistics import display, signed
from flows.loop import TOP_GAPS, LoopClosure, LoopNoteDue, TouchpointTrend
from flows.rounds import ROUND_CADENCES
from storage.models.rounds import MAX_OPEN_DAYS


def build_deadline_modal(
    workshop_id: int,
    title: str,
    channel_id: str,
    phase_name: str,
    timezone: str,
    day: date,
    time_of_day: str = "17:00",
    rating: bool = True,
) -> View:
    """`/workshop deadline`: when the current phase closes by itself."""
    return modal(
        "Set a deadline",
        [
            context(
                md(
                    "*{}* closes by itself at this moment: the workshop moves on and the "
                    "results are posted.{} Workshop *#{} {}*.",
                    phase_name,
                    " Whoever has not rated by then is reminded once, in their own morning."
                    if rating
                    else "",
                    workshop_id,
                    truncate(title, 100),
                )
            ),
            InputBlock(
                block_id=ids.DEADLINE_DATE,
                label="Day",
                element=DatePickerElement(action_id=ids.INPUT, initial_date=day.isoformat()),
            ),
            time_input(ids.DEADLINE_TIME, "Time", time_of_day),
            timezone_input(
                ids.DEADLINE_TIMEZONE,
                timezone,
                hint="Everyone sees the deadline in their own time on the board.",
            ),
        ],
        callback_id=ids.DEADLINE_MODAL,
        submit="Set deadline",
        close="Cancel",
        private_metadata=WorkshopMetadata(workshop_id=workshop_id, channel_id=channel_id).encode(),
    )


def build_rounds_modal(workshop_id: int, title: str, channel_id: str, timezone: str) -> View:
    """`/workshop rounds`: open a rating round on a schedule, each with its deadline."""
    cadences = [Option(value=key, text=label) for key, label in ROUND_CADENCES.items()]
    return modal(
        "Schedule rating rounds",
        [
            context(
                md(
                    "Rate the same touchpoints again on a schedule, so *#{} {}* shows whether "
                    "its gaps close. Each round opens by itself, reminds whoever has not "
                    "rated, closes at its deadline and posts the results.",
                    workshop_id,
                    truncate(title, 100),
                )
            ),
            select_input(
                ids.ROUND_CADENCE, "Rounds open", options=cadences, initial_option=cadences[0]
            ),
            time_input(ids.ROUND_TIME, "Opening time", "09:00"),
            timezone_input(ids.ROUND_TIMEZONE, timezone),
            whole_number_input(
                ids.ROUND_OPEN_DAYS,
                "Rating stays open (days)",
                initial_value="4",
                min_value="1",
                max_value=str(MAX_OPEN_DAYS),
            ),
            time_input(
                ids.ROUND_CLOSE_TIME,
                "Rating closes at",
                "17:00",
                hint="On the last day, in the time zone above.",
            ),
            text_input(
                ids.ROUND_CRON,
                "Cron expression (custom)",
                optional=True,
                hint="minute hour day month weekday, in the time zone above; e.g. "
                "0 9 1-7 1,4,7,10 mon is 09:00 on the first Monday of each quarter.",
                max_length=100,
            ),
        ],
        callback_id=ids.ROUNDS_MODAL,
        submit="Save",
        close="Cancel",
        private_metadata=WorkshopMetadata(workshop_id=workshop_id, channel_id=channel_id).encode(),
    )


def deadline_line(phase_name: str, due_at: datetime) -> Mrkdwn:
    """The board's line under the phase: when it closes, in the reader's own time."""
    return md(":alarm_clock: *{}* closes {}", phase_name, slack_date(due_at))


def deadline_set_text(title: str, phase_name: str, due_at: datetime, rating: bool) -> Mrkdwn:
    text = md(":alarm_clock: *{}* of “{}” closes {}.", phase_name, title, slack_date(due_at))
    if rating:
        text += " Whoever has not rated by then is reminded once."
    return text + " `/workshop deadline clear` removes it."


def rounds_scheduled_text(
    title: str, when: str, open_days: int, close_at: str, next_round: datetime | None
) -> Mrkdwn:
    days = plural(open_days, "day")
    text = md(
        ":repeat: Rating rounds of “{}” open {}, stay open {} and close at {}.",
        title,
        when,
        days,
        close_at,
    )
    if next_round is not None:
        text += md(" The next one opens {}.", slack_date(next_round))
    return text + " `/workshop rounds off` stops them."


def build_reminder_dm(
    workshop_id: int, title: str, channel_id: str, round_number: int, due_at: datetime
) -> list[Block]:
    """The one reminder before a rating deadline (no mention: it is the reader's own DM)."""
    text = md(
        ":hourglass_flowing_sand: Rating round {} of *{}* in <#{}> closes {}, and your "
        "ratings are not in yet. It takes a few minutes; this is the only reminder.",
        round_number,
        truncate(title, 150),
        channel_id,
        slack_date(due_at),
    )
    return rate_request(text, workshop_id)


def reminder_text(title: str, round_number: int) -> Mrkdwn:
    return md("Rating round {} of “{}” closes soon: please rate.", round_number, title)


def deadline_closed_text(phase_name: str, next_phase_name: str) -> Mrkdwn:
    return md(
        ":alarm_clock: *{}* closed at its deadline; the workshop moved on to *{}*.",
        phase_name,
        next_phase_name,
    )


def scheduled_round_text(number: int, opened: bool, due_at: datetime, touchpoints: int) -> Mrkdwn:
    """Posted in the board's thread when the schedule opens a round (or keeps an unrated one)."""
    if opened:
        head = md(
            ":repeat: *Rating round {}* is open, as scheduled, on the same {} touchpoints.",
            number,
            touchpoints,
        )
    else:
        head = md(":repeat: Round {} is still waiting for its first ratings.", number)
    return head + md(
        " Rate with *Rate touchpoints* on the board; rating closes {}.", slack_date(due_at)
    )


# Closing the loop ------------------------------------------------------------------------------

TREND_ROWS = 10
NAME_WIDTH = 20


def loop_closure_line(closure: LoopClosure) -> Mrkdwn:
    """The loop-closure figure in words, naming the gaps whose loop is closed."""
    closed = [gap.trend.name for gap in closure.top if gap.closed]
    text = md(
        ":arrows_counterclockwise: *Loop closure {} %*: {} of the {} widest gaps of round 1 "
        "{} a finished action item and narrowed since",
        closure.share,
        closure.closed,
        len(closure.top),
        "has" if closure.closed == 1 else "have",
    )
    if closed:
        text += md(" ({})", ", ".join(closed))
    return text + "."


def trend_table(trends: list[TouchpointTrend], width: int, limit: int = TREND_ROWS) -> str:
    """Touchpoints with their mean gap in every round, widest shortfall now first, as displayed
    (escaped by the code section)."""

    def latest_gap(trend: TouchpointTrend) -> float:
        return trend.latest[1] if trend.latest else float("inf")

    rated = sorted((t for t in trends if t.latest), key=latest_gap)
    header = f"{'Touchpoint':<{NAME_WIDTH}}" + "".join(
        f"{'R' + str(n):>6}" for n in range(1, width + 1)
    )
    lines = [header + "  since first"]
    for trend in rated[:limit]:
        cells = "".join(f"{signed(g, minus='-'):>6}" for g in trend.gaps[:width])
        change = "" if trend.change is None else signed(trend.change, minus="-")
        name = fit(trend.name.replace("`", "ˋ"), NAME_WIDTH)
        lines.append(f"{name}{cells}  {change:>11}".rstrip())
    hidden = len(rated) - min(limit, len(rated))
    if hidden:
        lines.append(f"… and {hidden} more (every touchpoint is in the export)")
    return "\n".join(lines)


def _code(table: str) -> Mrkdwn:
    lines = [escape(line) for line in table.split("\n")]
    kept: list[Mrkdwn] = []
    for line in lines:  # whole lines only, within the section's limit
        if len("\n".join([*kept, line])) > MAX_SECTION_TEXT - 20:
            kept.append(Mrkdwn("…"))
            break
        kept.append(line)
    return md("```{}```", join_lines(kept))


def build_trends_message(
    trends: list[TouchpointTrend], width: int, closure: LoopClosure | None
) -> list[Block]:
    """Every touchpoint's gap over all rounds, and the loop-closure figure."""
    head = md("*Gap trends over all {} rounds*", width)
    if closure is not None:
        head += "\n" + loop_closure_line(closure)
    return [
        mrkdwn_section(head),
        mrkdwn_section(_code(trend_table(trends, width))),
        context(
            md(
                "Gap = experience − expectation (below 0: customers get less than they "
                "expect). *Narrowed*: up by at least 0.1 as shown. *Top gaps*: round 1's {} "
                "widest shortfalls. Sorted by the latest gap, widest shortfall first.",
                TOP_GAPS,
            )
        ),
    ]


def trends_text(width: int, closure: LoopClosure | None) -> Mrkdwn:
    text = md("Gap trends over all {} rounds", width)
    if closure is not None:
        text += md(
            ": loop closure {} % ({} of {} top gaps).",
            closure.share,
            closure.closed,
            len(closure.top),
        )
    return text


def loop_note_text(note: LoopNoteDue) -> Mrkdwn:
    """One "you said, we did" note (no mention: quiet by default)."""
    return md(
        ":speech_balloon: *You said, we did.* You said *{}* fell short ({} in round {}). "
        "We did “{}” (action item done). In round {} its gap is {}: narrowed by {}.",
        note.touchpoint,
        signed(note.before_gap),
        note.before_round,
        note.fix_title,
        note.after_round,
        signed(note.after_gap),
        # The difference of the figures shown, so the note's arithmetic checks out.
        f"{display((display(note.after_gap) or 0) - (display(note.before_gap) or 0)):.1f}",
    )
