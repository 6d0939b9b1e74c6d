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
from storage.models import Phase, Role, Workshop

ROLE_NAMES = {
    Role.facilitator: "you facilitate",
    Role.co_facilitator: "you co-facilitate",
    Role.participant: "you take part",
}


class DescribedCommand(Protocol):
    usage: str
    summary: str


def build_help(commands: Mapping[str, DescribedCommand], unknown: str | None = None) -> list[Block]:
    lines = "\n".join(f"`/workshop {cmd.usage}`  {cmd.summary}" for cmd in commands.values())
    blocks: list[Block] = [
        mrkdwn_section(
            "*Journey workshops* walk your team through stakeholders, gap rating, fixes and "
            "voting, right here in the channel."
        ),
        mrkdwn_section(lines),
        context(
            "Commands act on this channel's most recent open workshop; add a number "
            "(`/workshop status #12`) to pick another."
        ),
    ]
    if unknown:
        blocks.insert(0, mrkdwn_section(f"I don't know `/workshop {truncate(unknown, 40)}`."))
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
