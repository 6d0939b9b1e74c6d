"""Ephemeral replies to `/workshop help`, `list` and `status` (the Home tab: bot/home/blocks.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.slack.blocks import (
    cap_blocks,
    context,
    md,
    mrkdwn_section,
    slack_date,
    truncate,
)
from bot.workshop.blocks.board import PHASE_NAMES
from bot.workshop.blocks.progress import build_personal_status
from flows.board import BoardSummary
from flows.personal_progress import PersonalProgress
from storage.models import Phase, Role, Workshop

ROLE_NAMES = {
    Role.facilitator: "you facilitate",
    Role.co_facilitator: "you co-facilitate",
    Role.participant: "you take part",
}


class DescribedCommand(Protocol):
    @property
    def usage(self) -> str: ...
    @property
    def summary(self) -> str: ...


# Help by role: who needs which command. A command no role names (a feature added later) is
# listed under "More", so every command stays in the help.
ROLE_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Taking part",
        "Press the board's green button; these do the same from anywhere in the channel.",
        ("status", "stakeholder", "rate", "fix", "fixes", "vote", "list"),
    ),
    (
        "Facilitating",
        "Move phases with the *For facilitators* buttons under the board.",
        ("new", "board", "nudge", "round", "stakeholders", "grid", "gaps", "ranking", "export"),
    ),
    (
        "Managers: following up",
        "Digests, KPIs, the workshops you follow (on my Home tab) and comparisons show whether "
        "the gaps close.",
        ("follow", "unfollow", "digest", "kpis", "kpi", "actions", "compare"),
    ),
)
# What `/workshop` alone suggests in each phase, beside your next action.
NOW_COMMANDS = {
    Phase.setup: ("status",),
    Phase.stakeholders: ("stakeholder", "grid"),
    Phase.rating: ("rate", "gaps"),
    Phase.fixes: ("fix", "fixes"),
    Phase.voting: ("vote",),
    Phase.closed: ("ranking", "actions", "export"),
}
FACILITATOR_NOW_COMMANDS = {
    Phase.setup: ("board",),
    Phase.rating: ("nudge",),
    Phase.fixes: ("gaps",),
}


def command_line(command: DescribedCommand) -> str:
    return f"`/workshop {command.usage}`  {command.summary}"


def build_help(commands: Mapping[str, DescribedCommand], unknown: str | None = None) -> list[Block]:
    """Every command, grouped by who needs it (participants, facilitators, managers)."""
    blocks: list[Block] = [
        mrkdwn_section(
            "*Journey workshops* walk your team through stakeholders, gap rating, fixes and "
            "voting, right here in the channel. `/workshop` alone shows what you can do now."
        )
    ]
    listed: set[str] = {"help"}
    for title, note, names in ROLE_GROUPS:
        lines = [command_line(commands[name]) for name in names if name in commands]
        listed.update(names)
        if lines:
            blocks.append(mrkdwn_section(f"*{title}* · {note}\n" + "\n".join(lines)))
    rest = [command_line(c) for name, c in commands.items() if name not in listed]
    rest += [command_line(commands["help"])] if "help" in commands else []
    blocks.append(mrkdwn_section("*More*\n" + "\n".join(rest)))
    blocks.append(
        context(
            "Commands act on this channel's most recent open workshop; add a number "
            "(`/workshop status #12`) to pick another."
        )
    )
    if unknown:
        blocks.insert(0, mrkdwn_section(f"I don't know `/workshop {truncate(unknown, 40)}`."))
    return blocks


def build_now(
    commands: Mapping[str, DescribedCommand],
    summary: BoardSummary | None,
    progress: PersonalProgress | None,
) -> list[Block]:
    """`/workshop` alone: your next action in this channel's workshop and the few commands
    that fit its phase; without a workshop, how to start one."""
    if summary is None or progress is None:
        lines = [command_line(commands[name]) for name in ("new", "list") if name in commands]
        return [
            mrkdwn_section("*No open workshop in this channel yet.*\n" + "\n".join(lines)),
            context("`/workshop help` lists every command, by role."),
        ]
    names = list(NOW_COMMANDS.get(summary.phase, ()))
    if progress.facilitates:
        names += FACILITATOR_NOW_COMMANDS.get(summary.phase, ())
    lines = [command_line(commands[name]) for name in dict.fromkeys(names) if name in commands]
    blocks = build_personal_status(summary, progress)
    if lines:
        blocks.insert(-1, mrkdwn_section("*Also useful now*\n" + "\n".join(lines)))
    blocks.append(context("`/workshop help` lists every command, by role."))
    return blocks


def build_workshop_list(workshops: list[Workshop]) -> list[Block]:
    if not workshops:
        return [mrkdwn_section("No workshops in this channel yet. Start one with `/workshop new`.")]
    lines = [
        md(
            "*#{}* {} · {} · started {}",
            w.id,
            truncate(w.title, 80),
            PHASE_NAMES[Phase(w.phase)],
            slack_date(w.created_at, "{date_short_pretty}"),
        )
        for w in workshops
    ]
    return cap_blocks(
        [HeaderBlock(text="Workshops in this channel"), *map(mrkdwn_section, lines)],
        more="… and {hidden} older workshops",
    )
