"""Block Kit for workshops that run themselves: the deadline and recurring-round forms, the
board's deadline line, the reminder DM and what the scheduler posts in the board's thread.

Times are `<!date>` tokens (bot/slack/blocks.slack_date), so each reader sees their own zone.
"""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.digests.blocks.schedules import timezone_groups
from bot.slack import ids
from bot.slack.blocks import Mrkdwn, context, md, metadata, mrkdwn_section, slack_date, truncate
from flows.rounds import ROUND_CADENCES
from storage.models.rounds import MAX_OPEN_DAYS


def _zone_option(zone: str) -> tuple[list, Option | None]:
    groups = timezone_groups(zone)
    for group in groups:
        for option in group.options:
            if option.value == zone:
                return groups, option
    return groups, None


def build_deadline_modal(
    workshop_id: int,
    title: str,
    channel_id: str,
    phase_name: str,
    timezone: str,
    day: date,
    time_of_day: str = "17:00",
) -> View:
    """`/workshop deadline`: when the current phase closes by itself."""
    zones, selected = _zone_option(timezone)
    return View(
        type="modal",
        callback_id=ids.DEADLINE_MODAL,
        title=PlainTextObject(text="Set a deadline"),
        submit=PlainTextObject(text="Set deadline"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata(workshop_id=workshop_id, channel_id=channel_id),
        blocks=[
            context(
                md(
                    "*{}* closes by itself at this moment: the workshop moves on and the "
                    "results are posted. Whoever has not rated by then is reminded once, "
                    "in their own morning. Workshop *#{} {}*.",
                    phase_name,
                    workshop_id,
                    truncate(title, 100),
                )
            ),
            InputBlock(
                block_id=ids.DEADLINE_DATE,
                label="Day",
                element=DatePickerElement(action_id=ids.INPUT, initial_date=day.isoformat()),
            ),
            InputBlock(
                block_id=ids.DEADLINE_TIME,
                label="Time",
                element=TimePickerElement(action_id=ids.INPUT, initial_time=time_of_day),
            ),
            InputBlock(
                block_id=ids.DEADLINE_TIMEZONE,
                label="Time zone",
                hint="Everyone sees the deadline in their own time on the board.",
                element=StaticSelectElement(
                    action_id=ids.INPUT, option_groups=zones, initial_option=selected
                ),
            ),
        ],
    )


def build_rounds_modal(workshop_id: int, title: str, channel_id: str, timezone: str) -> View:
    """`/workshop rounds`: open a rating round on a schedule, each with its deadline."""
    zones, selected = _zone_option(timezone)
    cadences = [Option(value=key, text=label) for key, label in ROUND_CADENCES.items()]
    return View(
        type="modal",
        callback_id=ids.ROUNDS_MODAL,
        title=PlainTextObject(text="Schedule rating rounds"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata(workshop_id=workshop_id, channel_id=channel_id),
        blocks=[
            context(
                md(
                    "Rate the same touchpoints again on a schedule, so *#{} {}* shows whether "
                    "its gaps close. Each round opens by itself, reminds whoever has not "
                    "rated, closes at its deadline and posts the results.",
                    workshop_id,
                    truncate(title, 100),
                )
            ),
            InputBlock(
                block_id=ids.ROUND_CADENCE,
                label="Rounds open",
                element=StaticSelectElement(
                    action_id=ids.INPUT, options=cadences, initial_option=cadences[0]
                ),
            ),
            InputBlock(
                block_id=ids.ROUND_TIME,
                label="Opening time",
                element=TimePickerElement(action_id=ids.INPUT, initial_time="09:00"),
            ),
            InputBlock(
                block_id=ids.ROUND_TIMEZONE,
                label="Time zone",
                element=StaticSelectElement(
                    action_id=ids.INPUT, option_groups=zones, initial_option=selected
                ),
            ),
            InputBlock(
                block_id=ids.ROUND_OPEN_DAYS,
                label="Rating stays open (days)",
                element=NumberInputElement(
                    action_id=ids.INPUT,
                    is_decimal_allowed=False,
                    initial_value="4",
                    min_value="1",
                    max_value=str(MAX_OPEN_DAYS),
                ),
            ),
            InputBlock(
                block_id=ids.ROUND_CLOSE_TIME,
                label="Rating closes at",
                hint="On the last day, in the time zone above.",
                element=TimePickerElement(action_id=ids.INPUT, initial_time="17:00"),
            ),
            InputBlock(
                block_id=ids.ROUND_CRON,
                label="Cron expression (custom)",
                optional=True,
                hint="minute hour day month weekday, in the time zone above; e.g. "
                "0 9 1-7 1,4,7,10 mon is 09:00 on the first Monday of each quarter.",
                element=PlainTextInputElement(action_id=ids.INPUT, max_length=100),
            ),
        ],
    )


def deadline_line(phase_name: str, due_at: datetime) -> Mrkdwn:
    """The board's line under the phase: when it closes, in the reader's own time."""
    return md(":alarm_clock: *{}* closes {}", phase_name, slack_date(due_at))


def deadline_set_text(title: str, phase_name: str, due_at: datetime) -> Mrkdwn:
    return md(
        ":alarm_clock: *{}* of “{}” closes {}. Whoever has not rated by then is reminded "
        "once; `/workshop deadline clear` removes it.",
        phase_name,
        title,
        slack_date(due_at),
    )


def rounds_scheduled_text(
    title: str, when: str, open_days: int, close_at: str, next_round: datetime | None
) -> Mrkdwn:
    days = f"{open_days} day{'s' * (open_days != 1)}"
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
    return [
        mrkdwn_section(
            md(
                ":hourglass_flowing_sand: Rating round {} of *{}* in <#{}> closes {}, and your "
                "ratings are not in yet. It takes a few minutes; this is the only reminder.",
                round_number,
                truncate(title, 150),
                channel_id,
                slack_date(due_at),
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Rate touchpoints",
                    action_id=ids.RATE_OPEN,
                    value=str(workshop_id),
                    style="primary",
                )
            ]
        ),
    ]


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
