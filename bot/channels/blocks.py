"""Channels in Block Kit: the form that sets each touchpoint's channel (paged), and the results
per channel with each stage's omnichannel spread (definitions in flows/channels.py)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    HeaderBlock,
    InputBlock,
    Option,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Mrkdwn,
    cap_blocks,
    context,
    escape,
    fit,
    join_lines,
    md,
    mrkdwn_section,
    truncate,
)
from bot.slack.modals import modal
from bot.slack.values import Offset, WorkshopMetadata
from flows.channels import (
    CHANNELS,
    ChannelResults,
    TouchpointChannel,
    channel_field,
    channel_label,
)
from flows.gaps.statistics import display, signed
from storage.models import Channel

CHANNELS_PAGE_SIZE = 40  # selects per page: with at most 10 stage headings, far below 100 blocks
NAME_WIDTH = 18


class ChannelsMetadata(WorkshopMetadata):
    """A page of the channel form: the workshop, the channel it was opened from, the page."""

    page: Offset | None = None


def channel_pages(items: Sequence[TouchpointChannel]) -> int:
    return max(1, -(-len(items) // CHANNELS_PAGE_SIZE))


def _option(channel: Channel) -> Option:
    return Option(value=channel.value, text=channel_label(channel))


def build_channels_modal(
    workshop_id: int,
    title: str,
    channel_id: str,
    items: Sequence[TouchpointChannel],
    page: int = 0,
) -> View:
    """One page of the channel form: a select per touchpoint under its stage's name. Saving a
    page stores it and opens the next one."""
    pages = channel_pages(items)
    page = min(max(page, 0), pages - 1)
    shown = items[page * CHANNELS_PAGE_SIZE : (page + 1) * CHANNELS_PAGE_SIZE]
    intro = md(
        "Through which channel does each touchpoint of *{}* happen? Leave one empty when it "
        "has none; results per channel appear with the gap results once a channel is set.",
        truncate(title, 150),
    )
    if pages > 1:
        intro = md("{} (page {} of {})", intro, page + 1, pages)
    blocks: list[Block] = [mrkdwn_section(intro)]
    stage = None
    for item in shown:
        if item.stage_name != stage:
            stage = item.stage_name
            blocks.append(mrkdwn_section(md("*{}*", stage)))
        select = StaticSelectElement(
            action_id=ids.INPUT,
            placeholder="No channel",
            options=[_option(channel) for channel in CHANNELS],
            initial_option=None if item.channel is None else _option(item.channel),
        )
        blocks.append(
            InputBlock(
                block_id=channel_field(item.touchpoint_id),
                label=truncate(item.name, 2000),
                element=select,
                optional=True,
            )
        )
    last = page == pages - 1
    return modal(
        "Touchpoint channels",
        callback_id=ids.CHANNELS_MODAL,
        submit="Save" if last else "Save and next",
        close="Cancel",
        private_metadata=ChannelsMetadata(
            workshop_id=workshop_id, channel_id=channel_id, page=page
        ).encode(),
        blocks=blocks,
    )


def channels_saved_text(title: str, changed: int) -> Mrkdwn:
    if not changed:
        return md("No channel changed in *{}*.", truncate(title, 150))
    touchpoints = "touchpoint" if changed == 1 else "touchpoints"
    return md(
        "Saved the channels of {} {} in *{}*. `/workshop gaps` shows the results per channel.",
        changed,
        touchpoints,
        truncate(title, 150),
    )


# Results ------------------------------------------------------------------------------------


def _points(value: float) -> str:
    """A distance (never negative) to one decimal: "3.0"."""
    return f"{display(value):.1f}"


def _cell(name: str) -> str:
    return fit(name.replace("`", "ˋ"), NAME_WIDTH)


def channel_table(results: ChannelResults) -> str:
    """Rated channels, worst served first, as displayed (escaped by `_code_section`)."""
    lines = [f"{'Channel':<10} Touchpoints   n    Gap"]
    for gap in results.rated:
        lines.append(
            f"{gap.label:<10} {gap.touchpoints:>11} {gap.stats.n:>3}  "
            f"{signed(gap.stats.mean_gap, minus='-'):>5}"
        )
    return "\n".join(lines)


def stage_spread_table(results: ChannelResults) -> str:
    lines = [f"{'Stage':<{NAME_WIDTH}}  Spread  Worst served"]
    for stage in results.stages:
        if not stage.channels:
            continue
        spread = "–" if stage.spread is None else _points(stage.spread)
        worst = stage.cell(stage.worst) if stage.worst else None
        named = (
            f"{worst.label} {signed(worst.stats.mean_gap, minus='-')}" if worst is not None else "–"
        )
        lines.append(f"{_cell(stage.stage_name)}  {spread:>6}  {named}")
    return "\n".join(lines)


def _code_section(title: str, table: str) -> Block:
    """`title` over `table` in a code block; escaped after padding, cut by whole lines."""
    budget = MAX_SECTION_TEXT - len(f"{title}\n``````") - 2
    kept: list[Mrkdwn] = []
    for line in (escape(line) for line in table.split("\n")):
        if len("\n".join([*kept, line])) > budget:
            kept.append(Mrkdwn("…"))
            break
        kept.append(line)
    return mrkdwn_section(md("{}\n```{}```", title, join_lines(kept)))


def _summary(results: ChannelResults) -> Mrkdwn:
    worst = results.worst
    assert worst is not None
    gap = worst.stats.mean_gap or 0.0
    if gap < 0:
        first = md(
            ":satellite_antenna: Customers are served worst through *{}*: expectations missed "
            "by *{}* points on average ({} ratings at {} {}).",
            worst.label,
            _points(-gap),
            worst.stats.n,
            worst.touchpoints,
            "touchpoint" if worst.touchpoints == 1 else "touchpoints",
        )
    else:
        first = md(
            ":white_check_mark: Every channel meets expectations on average; the lowest is "
            "*{}* at *{}*.",
            worst.label,
            signed(gap),
        )
    lines = [first]
    uneven = results.least_consistent
    if uneven is not None and uneven.spread is not None and uneven.worst is not None:
        lines.append(
            md(
                ":left_right_arrow: Least consistent stage: *{}*, where channels differ by "
                "*{}* points; *{}* serves it worst.",
                uneven.stage_name,
                _points(uneven.spread),
                channel_label(uneven.worst),
            )
        )
    return join_lines(lines)


CHANNEL_LEGEND = (
    "A channel's gap pools every rating at the touchpoints that carry it (experience − "
    "expectation on 1–7). A stage's spread is our omnichannel consistency figure: its highest "
    "channel gap minus its lowest, over the channels rated in it (none with one channel; 0 = "
    "every channel serves it alike). Worst served = the channel with the lowest gap."
)


def build_channel_results(results: ChannelResults) -> list[Block]:
    """The results per channel, posted in the board's thread after the gap results."""
    if not results.has_ratings:
        return [mrkdwn_section(channel_results_text(results))]
    blocks: list[Block] = [
        HeaderBlock(text=f"Channels · round {results.round}"),
        mrkdwn_section(_summary(results)),
        _code_section("*Channels, worst served first*", channel_table(results)),
        _code_section("*Omnichannel spread per stage*", stage_spread_table(results)),
        context(CHANNEL_LEGEND),
    ]
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def channel_results_text(results: ChannelResults) -> Mrkdwn:
    """Notification and screen-reader fallback."""
    worst = results.worst
    if worst is None:
        return md("No touchpoint with a channel has ratings in round {} yet.", results.round)
    return md(
        "Channels, round {}: served worst through {} (mean gap {}).",
        results.round,
        worst.label,
        signed(worst.stats.mean_gap),
    )
