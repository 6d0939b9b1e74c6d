"""Channels: through which channel each touchpoint happens, results per channel, and how
consistently a stage serves its customers across channels (journey lanes, issue 17).

Definitions (ours; each is checked with a worked example in tests/flows/test_channels.py):

- A touchpoint carries at most one channel (web, app, email, phone, store, chat, social,
  partner, other); a touchpoint without one is left out of every channel figure.
- A **channel's mean gap** (over the journey, or within one stage) pools every rating of the
  round at the touchpoints that carry that channel: the mean of those ratings' gaps
  (experience − expectation), the same pooling as a stage's figures (flows.gaps.statistics).
- A stage's **omnichannel spread** is the highest minus the lowest of its channels' mean gaps,
  over the channels rated in that stage; it exists only where at least two channels were rated.
  0 means every channel serves the stage's customers equally well; the wider it is, the more the
  experience depends on the channel. Its **worst-served channel** is the one with the lowest mean
  gap (ties: the earlier channel in the list above).
- The **heat map** holds a channel × stage cell for every pair with ratings: that channel's mean
  gap within that stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select, update
from sqlmodel import Session, col

from flows.errors import InvalidInput, NotFound
from flows.gaps.aggregation import current_round, journey_touchpoints, touchpoint_sums
from flows.gaps.statistics import GapStats, RatingSums, pooled
from flows.scope import of_workshop
from flows.workshops import get_workshop, require_facilitator
from storage.models import Channel, Touchpoint, Workshop

CHANNELS: tuple[Channel, ...] = tuple(Channel)
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.web: "Web",
    Channel.app: "App",
    Channel.email: "Email",
    Channel.phone: "Phone",
    Channel.store: "Store",
    Channel.chat: "Chat",
    Channel.social: "Social",
    Channel.partner: "Partner",
    Channel.other: "Other",
}


def channel_label(channel: Channel) -> str:
    return CHANNEL_LABELS[channel]


def channel_field(touchpoint_id: int) -> str:
    """The form field (block id) of one touchpoint's channel: "channel:12"."""
    return f"channel:{touchpoint_id}"


# Setting channels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TouchpointChannel:
    touchpoint_id: int
    name: str
    stage_name: str
    channel: Channel | None


def touchpoint_channels(session: Session, workshop: Workshop) -> list[TouchpointChannel]:
    """Every touchpoint in journey order with its channel (None when not set)."""
    journey = journey_touchpoints(session, workshop)
    channels = _channels_of(session, workshop)
    return [TouchpointChannel(tp.id, tp.name, tp.stage_name, channels.get(tp.id)) for tp in journey]


def _channels_of(session: Session, workshop: Workshop) -> dict[int, Channel]:
    rows = session.execute(
        select(col(Touchpoint.id), col(Touchpoint.channel)).where(
            *of_workshop(Touchpoint, workshop),
            col(Touchpoint.channel).is_not(None),
        )
    ).all()
    return {touchpoint_id: Channel(channel) for touchpoint_id, channel in rows}


def parse_channel(value: str | None) -> Channel | None:
    """A channel from a form value; None for none chosen. Anything else is not a channel."""
    if value is None or not value.strip():
        return None
    try:
        return Channel(value.strip())
    except ValueError:
        raise ValueError(f"“{value[:20]}” is not a channel.") from None


def set_channels(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    chosen: Mapping[int, str | None],
) -> int:
    """Set (or clear, with None) the channel of each touchpoint in `chosen`; facilitators only.
    All or nothing: an unknown channel is an InvalidInput on its field. Returns how many
    touchpoints changed channel."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "set the touchpoints' channels")
    errors: dict[str, str] = {}
    wanted: dict[int, Channel | None] = {}
    for touchpoint_id, value in chosen.items():
        try:
            wanted[touchpoint_id] = parse_channel(value)
        except ValueError as error:
            errors[channel_field(touchpoint_id)] = str(error)
    if errors:
        raise InvalidInput(errors)
    current = {tp.touchpoint_id: tp.channel for tp in touchpoint_channels(session, workshop)}
    if not set(wanted) <= set(current):
        raise NotFound("Some of these touchpoints are no longer part of this workshop.")
    changed = 0
    for touchpoint_id, channel in wanted.items():
        if current[touchpoint_id] == channel:
            continue
        set_channel(session, workshop, touchpoint_id, channel)
        changed += 1
    return changed


def set_channel(
    session: Session, workshop: Workshop, touchpoint_id: int, channel: Channel | None
) -> None:
    """Set (or clear, with None) one touchpoint's channel, for the form and for a template."""
    session.execute(
        update(Touchpoint)
        .where(*of_workshop(Touchpoint, workshop), col(Touchpoint.id) == touchpoint_id)
        .values(channel=None if channel is None else channel.value)
    )


# Results per channel ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelGap:
    channel: Channel
    touchpoints: int  # touchpoints carrying the channel (rated or not)
    stats: GapStats  # pooled over the ratings at those touchpoints

    @property
    def label(self) -> str:
        return channel_label(self.channel)


@dataclass(frozen=True)
class StageConsistency:
    stage_id: int
    stage_name: str
    channels: tuple[ChannelGap, ...]  # the channels rated in this stage, in CHANNELS order
    spread: float | None  # highest − lowest channel mean gap; None with fewer than 2 channels
    worst: Channel | None  # the channel with the lowest mean gap (None when none is rated)

    def cell(self, channel: Channel) -> ChannelGap | None:
        return next((c for c in self.channels if c.channel == channel), None)


@dataclass(frozen=True)
class ChannelResults:
    workshop_id: int
    title: str
    round: int
    channels: tuple[ChannelGap, ...]  # every channel in use, in CHANNELS order
    stages: tuple[StageConsistency, ...]  # journey order, stages with a channel-carrying touchpoint

    @property
    def has_ratings(self) -> bool:
        return any(c.stats.n for c in self.channels)

    @property
    def rated(self) -> tuple[ChannelGap, ...]:
        """Rated channels, lowest mean gap (worst served) first."""
        return tuple(
            sorted(
                (c for c in self.channels if c.stats.n),
                key=lambda c: (c.stats.exact_mean_gap, CHANNELS.index(c.channel)),
            )
        )

    @property
    def worst(self) -> ChannelGap | None:
        return self.rated[0] if self.rated else None

    @property
    def least_consistent(self) -> StageConsistency | None:
        spread = [s for s in self.stages if s.spread is not None]
        return max(spread, key=lambda s: s.spread) if spread else None  # type: ignore[arg-type,return-value]


def channel_results(
    session: Session, workshop: Workshop, round_number: int | None = None
) -> ChannelResults | None:
    """The round's figures per channel and per stage; None when no touchpoint has a channel
    (the lane is off: the results look exactly as they do without it)."""
    channels = _channels_of(session, workshop)
    if not channels:
        return None
    number = round_number or current_round(session, workshop)
    sums = touchpoint_sums(session, workshop, number)
    journey = journey_touchpoints(session, workshop)
    assert workshop.id is not None
    return summarise_channels(
        workshop.id,
        workshop.title,
        number,
        [(tp.id, tp.stage_id, tp.stage_name) for tp in journey],
        channels,
        sums,
    )


def summarise_channels(
    workshop_id: int,
    title: str,
    number: int,
    journey: list[tuple[int, int, str]],  # (touchpoint id, stage id, stage name), journey order
    channels: Mapping[int, Channel],
    sums: Mapping[int, RatingSums],
) -> ChannelResults:
    """The channel figures from each touchpoint's channel and rating sums (pure)."""
    by_channel: dict[Channel, list[int]] = {}
    by_stage: dict[int, dict[Channel, list[int]]] = {}
    stage_names: dict[int, str] = {}
    for touchpoint_id, stage_id, stage_name in journey:
        channel = channels.get(touchpoint_id)
        if channel is None:
            continue
        by_channel.setdefault(channel, []).append(touchpoint_id)
        by_stage.setdefault(stage_id, {}).setdefault(channel, []).append(touchpoint_id)
        stage_names[stage_id] = stage_name

    def gap_of(channel: Channel, members: list[int]) -> ChannelGap:
        group = pooled(sums[tp] for tp in members if tp in sums)
        return ChannelGap(channel, len(members), GapStats.from_sums(group))

    overall = tuple(gap_of(c, by_channel[c]) for c in CHANNELS if c in by_channel)
    stages = []
    for stage_id, members in by_stage.items():
        rated = [
            cell
            for cell in (gap_of(c, members[c]) for c in CHANNELS if c in members)
            if cell.stats.n
        ]
        stages.append(_consistency(stage_id, stage_names[stage_id], rated))
    return ChannelResults(workshop_id, title, number, overall, tuple(stages))


def _consistency(stage_id: int, name: str, rated: list[ChannelGap]) -> StageConsistency:
    means: list[Fraction] = [c.stats.exact_mean_gap for c in rated]  # type: ignore[misc]
    spread = float(max(means) - min(means)) if len(rated) >= 2 else None
    worst = (
        min(rated, key=lambda c: (c.stats.exact_mean_gap, CHANNELS.index(c.channel))).channel
        if rated
        else None
    )
    return StageConsistency(stage_id, name, tuple(rated), spread, worst)
