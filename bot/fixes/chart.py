"""The vote result as a bar chart: one bar per fix, most votes at the top."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.ticker import MaxNLocator

from bot.charts import palette
from bot.charts.drawing import hide_spines, new_figure
from bot.slack.blocks import truncate
from flows.voting import RankedFix
from flows.voting_reports import VoteTally

MAX_BARS = 25
LABEL_LENGTH = 48
TOP_COLOUR = palette.BLUE  # the fixes ranked within the top three: also labelled "top 3"
OTHER_COLOUR = "#c7d3e0"
TOP_RANK = 3


def votes_chart(ranked: Sequence[RankedFix], title: str) -> bytes | None:
    """PNG bytes, or None when there is nothing to draw. Fixes ranked 1–3 (ties included) are
    dark, the rest light; only counts are drawn, never who voted."""
    if not ranked:
        return None
    shown = list(ranked[:MAX_BARS])
    # A Figure without pyplot keeps no global state, so charts can be drawn from any thread.
    figure = new_figure(9, 1.2 + 0.42 * len(shown), 110, layout="constrained")
    axes = figure.add_subplot()
    labels = [f"{r.rank}. {truncate(r.fix.title, LABEL_LENGTH)}" for r in shown]
    votes = [r.votes for r in shown]
    colours = [TOP_COLOUR if r.rank <= TOP_RANK else OTHER_COLOUR for r in shown]
    positions = range(len(shown))
    axes.barh(positions, votes, color=colours, height=0.65)
    axes.set_yticks(list(positions), labels=labels, fontsize=9)
    axes.invert_yaxis()  # rank 1 at the top
    top = max(max(votes), 1)
    axes.set_xlim(0, top * 1.3 + 0.5)
    for position, fix in zip(positions, shown, strict=True):
        label = f"{fix.votes} · top {TOP_RANK}" if fix.rank <= TOP_RANK else str(fix.votes)
        axes.text(fix.votes + top * 0.02, position, label, va="center", fontsize=9)
    locator = axes.xaxis.get_major_locator()
    assert isinstance(locator, MaxNLocator)  # a linear axis's default, AutoLocator, is one
    locator.set_params(integer=True)
    axes.set_xlabel("Votes")
    heading = f"Votes per fix: {truncate(title, 60)}"
    if len(ranked) > len(shown):
        heading += f" (top {len(shown)} of {len(ranked)})"
    axes.set_title(heading, loc="left", fontsize=11)
    hide_spines(axes)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def votes_alt_text(ranked: Sequence[RankedFix], limit: int = 5) -> str:
    """What the votes chart shows, for screen readers (Slack's alt text for the upload)."""
    top = "; ".join(f"{r.fix.title}: {r.votes}" for r in ranked[:limit])
    more = f"; and {len(ranked) - limit} more" if len(ranked) > limit else ""
    return truncate(f"Bar chart of votes per fix, most first. {top}{more}.", 1000)


def tally_chart(tally: VoteTally) -> bytes | None:
    """The digest's chart of a workshop's votes."""
    return votes_chart(tally.ranked, tally.title)
