"""The digest schedule form (`/workshop digest`) and the list of a workshop's schedules."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConversationFilter,
    ConversationSelectElement,
    HeaderBlock,
    InputBlock,
    Option,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    Mrkdwn,
    cap_blocks,
    context,
    danger_button,
    join_lines,
    md,
    mention,
    mrkdwn_section,
    slack_date,
    truncate,
)
from bot.slack.blocks import user_list as mentions
from bot.slack.inputs import select_input, text_input, whole_number_input
from bot.slack.modals import modal
from bot.slack.time_inputs import time_input, timezone_input
from bot.slack.values import WorkshopMetadata
from flows.schedules import MAX_DM_RECIPIENTS, WEEKDAY_NAMES, ScheduleView
from storage.models import Cadence, ScheduleStatus

CADENCE_LABELS = {
    Cadence.daily: "Every day",
    Cadence.weekdays: "Every weekday (Monday to Friday)",
    Cadence.weekly: "Once a week",
    Cadence.monthly: "Once a month",
    Cadence.cron: "Custom: a cron expression",
}
STATUS_LABELS = {
    ScheduleStatus.active: ":large_green_circle: Active",
    ScheduleStatus.paused: ":double_vertical_bar: Paused",
    ScheduleStatus.failing: ":warning: Failing",
    ScheduleStatus.suspended: ":double_vertical_bar: Stopped",
}


class ScheduleFormMetadata(WorkshopMetadata):
    """The schedule form's metadata: the workshop's title too, to redraw the form when another
    frequency is chosen."""

    title: str | None = None


DEFAULT_CADENCE = Cadence.weekly  # quiet by default: once a week, Monday 09:00
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME = "09:00"
# The fields each frequency needs besides the time zone and the destinations.
CADENCE_FIELDS = {
    Cadence.daily: (ids.DIGEST_TIME,),
    Cadence.weekdays: (ids.DIGEST_TIME,),
    Cadence.weekly: (ids.DIGEST_WEEKDAY, ids.DIGEST_TIME),
    Cadence.monthly: (ids.DIGEST_DAY_OF_MONTH, ids.DIGEST_TIME),
    Cadence.cron: (ids.DIGEST_CRON,),
}


def build_schedule_modal(
    workshop_id: int,
    workshop_title: str,
    channel_id: str,
    timezone: str,
    cadence: Cadence | str | None = DEFAULT_CADENCE,
) -> View:
    """The schedule form, showing only the fields of the chosen frequency. Choosing another
    frequency sends a block_actions request (`dispatch_action` on its select), answered with
    views.update to this form for that frequency; the inputs keep their block and action ids,
    so Slack keeps what was already typed in them."""
    try:
        chosen = Cadence(cadence or DEFAULT_CADENCE)
    except ValueError:
        chosen = DEFAULT_CADENCE
    cadences = [Option(value=c.value, text=label) for c, label in CADENCE_LABELS.items()]
    weekdays = [Option(value=str(n), text=name) for n, name in enumerate(WEEKDAY_NAMES)]
    fields = {
        ids.DIGEST_TIME: time_input(ids.DIGEST_TIME, "Time of day", DEFAULT_TIME),
        ids.DIGEST_WEEKDAY: select_input(
            ids.DIGEST_WEEKDAY,
            "Day of the week",
            options=weekdays,
            initial_option=weekdays[DEFAULT_WEEKDAY],
            placeholder="Choose a day",
        ),
        ids.DIGEST_DAY_OF_MONTH: whole_number_input(
            ids.DIGEST_DAY_OF_MONTH,
            "Day of the month",
            hint="1–31. In months without that day (29–31), it goes out on the month's "
            "last day instead.",
            min_value="1",
            max_value="31",
        ),
        ids.DIGEST_CRON: text_input(
            ids.DIGEST_CRON,
            "Cron expression",
            hint="minute hour day month weekday, in the time zone below (0 or 7 = Sunday), "
            "e.g. 0 9 * * 1-5 for 09:00 Monday to Friday. At most once an hour.",
            max_length=100,
            placeholder="0 9 * * 1-5",
        ),
    }
    return modal(
        "Schedule a digest",
        [
            context(
                f"A short summary of *#{workshop_id} {truncate(workshop_title, 100)}*: what "
                "changed, the widest shortfalls, the action items and the KPIs, with the "
                "details in its thread. Sent to a channel and/or to managers by DM; it "
                "mentions nobody."
            ),
            select_input(
                ids.DIGEST_CADENCE,
                "How often",
                dispatch_action=True,
                options=cadences,
                initial_option=cadences[list(CADENCE_LABELS).index(chosen)],
            ),
            *(fields[block_id] for block_id in CADENCE_FIELDS[chosen]),
            timezone_input(
                ids.DIGEST_TIMEZONE,
                timezone,
                hint="The digest follows this zone's clock, summer time included.",
            ),
            InputBlock(
                block_id=ids.DIGEST_CHANNEL,
                label="Post in this channel",
                optional=True,
                hint="Invite me to a private channel first.",
                element=ConversationSelectElement(
                    action_id=ids.INPUT,
                    initial_conversation=channel_id,
                    filter=ConversationFilter(include=["public", "private"]),
                ),
            ),
            InputBlock(
                block_id=ids.DIGEST_RECIPIENTS,
                label="Send by DM to",
                optional=True,
                hint="Managers who want it in their own DMs. A channel, DMs, or both.",
                element=UserMultiSelectElement(
                    action_id=ids.INPUT,
                    placeholder="Choose people",
                    max_selected_items=MAX_DM_RECIPIENTS,
                ),
            ),
        ],
        callback_id=ids.DIGEST_MODAL,
        submit="Save schedule",
        close="Cancel",
        private_metadata=ScheduleFormMetadata(
            workshop_id=workshop_id, channel_id=channel_id, title=truncate(workshop_title, 100)
        ).encode(),
    )


# The list --------------------------------------------------------------------------------------


def destinations_text(channel_id: str | None, dm_user_ids: list[str]) -> Mrkdwn:
    parts = [md("<#{}>", channel_id)] if channel_id else []
    if dm_user_ids:
        shown = mentions(dm_user_ids[:5]) + (
            f" and {len(dm_user_ids) - 5} more" if len(dm_user_ids) > 5 else ""
        )
        parts.append(md("DMs to {}", shown))
    return Mrkdwn(" and ").join(parts)


def schedule_text(schedule: ScheduleView, with_workshop: bool = False) -> Mrkdwn:
    lines = []
    if with_workshop:
        lines.append(md("*#{} {}*", schedule.workshop_id, truncate(schedule.workshop_title, 80)))
    lines.append(
        md(
            "*{}* → {}",
            schedule.description,
            destinations_text(schedule.channel_id, schedule.dm_user_ids),
        )
    )
    status = STATUS_LABELS[schedule.status]
    if schedule.status is ScheduleStatus.failing and schedule.last_error:
        status += f" (`{schedule.last_error}`: invite me back, then Resume)"
    if schedule.status is ScheduleStatus.suspended and schedule.last_error:
        status += f" (Slack refused my access: `{schedule.last_error}`; Resume, or reinstall me)"
    when = [status]
    if schedule.next_fire:
        when.append(md("next {}", slack_date(schedule.next_fire)))
    if schedule.last_sent:
        when.append(md("last sent {}", slack_date(schedule.last_sent)))
    lines.append(Mrkdwn(" · ").join(when) + md(" · set up by {}", mention(schedule.created_by)))
    return truncate(join_lines(lines), 3000)


def pause_or_resume_button(schedule: ScheduleView) -> ButtonElement:
    if schedule.status in (ScheduleStatus.paused, ScheduleStatus.suspended):
        return ButtonElement(
            text="Resume", action_id=ids.SCHEDULE_RESUME, value=str(schedule.id), style="primary"
        )
    label = "Resume" if schedule.status is ScheduleStatus.failing else "Pause"
    action = (
        ids.SCHEDULE_RESUME if schedule.status is ScheduleStatus.failing else ids.SCHEDULE_PAUSE
    )
    return ButtonElement(text=label, action_id=action, value=str(schedule.id))


def schedule_buttons(schedule: ScheduleView) -> list[ButtonElement]:
    value = str(schedule.id)
    return [
        ButtonElement(text="Send now", action_id=ids.SCHEDULE_SEND_NOW, value=value),
        pause_or_resume_button(schedule),
        danger_button(
            "Delete",
            ids.SCHEDULE_DELETE,
            value,
            title="Delete this digest?",
            question="Nobody will receive it any more. You can set up a new one later.",
            confirm="Delete it",
            deny="Keep it",
        ),
    ]


def build_schedule_list(
    workshop_id: int, workshop_title: str, schedules: list[ScheduleView]
) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Digests of #{workshop_id} {workshop_title}", 150))
    ]
    if not schedules:
        blocks.append(
            mrkdwn_section("No digests yet. `/workshop digest` sets one up for managers.")
        )
        return blocks
    for schedule in schedules:
        blocks += [
            mrkdwn_section(schedule_text(schedule)),
            ActionsBlock(block_id=f"schedule_{schedule.id}", elements=schedule_buttons(schedule)),
        ]
    blocks.append(
        context(
            "Only the person who set up a digest, or the workshop's facilitators, can change "
            "it. Times are shown in your own time zone."
        )
    )
    return cap_blocks(blocks)
