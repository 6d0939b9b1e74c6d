"""The "local time + time zone" inputs that scheduling forms share (digests, rounds, deadlines):
a time picker, and a select of every time zone grouped by region with the given one chosen."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    OptionGroup,
    TimePickerElement,
)

from bot.slack import ids
from bot.slack.blocks import truncate
from bot.slack.inputs import select_input
from storage.models import utcnow

TIMEZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
MAX_GROUP_OPTIONS = 100


@cache
def _zone_names() -> tuple[str, ...]:
    """One time zone per country region (tzdata's zone.tab), as Slack's own pickers offer."""
    table = files("tzdata").joinpath("zoneinfo/zone.tab").read_text()
    zones = {line.split("\t")[2] for line in table.splitlines() if line and line[0] != "#"}
    return tuple(sorted(zones))


def _zone_label(name: str, now: datetime) -> str:
    offset = now.astimezone(ZoneInfo(name)).strftime("%z")
    return truncate(f"{name.replace('_', ' ')} (UTC{offset[:3]}:{offset[3:]})", 75)


def timezone_groups(selected: str, now: datetime | None = None) -> list[OptionGroup]:
    """Every zone grouped by region, at most 100 options per group (Block Kit's limit)."""
    now = now or utcnow()
    names = set(_zone_names()) | {"UTC", selected}
    groups: list[OptionGroup] = [
        OptionGroup(label="UTC", options=[Option(value="UTC", text=_zone_label("UTC", now))])
    ]
    for region in TIMEZONE_REGIONS:
        zones = sorted(n for n in names if n.split("/")[0] == region)
        chunks = [zones[i : i + MAX_GROUP_OPTIONS] for i in range(0, len(zones), MAX_GROUP_OPTIONS)]
        for chunk in chunks:
            label = (
                region if len(chunks) == 1 else f"{region} ({_city(chunk[0])}–{_city(chunk[-1])})"
            )
            groups.append(
                OptionGroup(
                    label=truncate(label, 75),
                    options=[Option(value=name, text=_zone_label(name, now)) for name in chunk],
                )
            )
    others = sorted(n for n in names if n != "UTC" and n.split("/")[0] not in TIMEZONE_REGIONS)
    if others:  # e.g. a legacy zone name Slack reported for the user
        groups.append(
            OptionGroup(
                label="Other", options=[Option(value=n, text=_zone_label(n, now)) for n in others]
            )
        )
    return groups


def _city(name: str) -> str:
    return name.split("/")[-1].replace("_", " ")


def chosen_option(groups: list[OptionGroup], value: str) -> Option | None:
    """The option of `groups` whose value is `value`, if any."""
    for group in groups:
        for option in group.options or []:
            if option.value == value:
                return option
    return None


def time_input(block_id: str, label: str, initial_time: str, hint: str | None = None) -> InputBlock:
    """A time of day ("HH:MM"), read back with bot/slack/view_state.selected_time."""
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        element=TimePickerElement(action_id=ids.INPUT, initial_time=initial_time),
    )


def timezone_input(
    block_id: str, zone: str, hint: str | None = None, now: datetime | None = None
) -> InputBlock:
    """A "Time zone" select of every zone, `zone` chosen (read back with selected_value)."""
    groups = timezone_groups(zone, now)
    return select_input(
        block_id,
        "Time zone",
        hint=hint,
        option_groups=groups,
        initial_option=chosen_option(groups, zone),
    )
