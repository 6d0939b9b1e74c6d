"""What `/workshop compare` shows: the outcome in the channel (each workshop's benchmark index,
the widest difference, the first lead), the side-by-side tables and leads in its thread, and
the suggested matches, privately, with *Same touchpoint* / *Different* buttons."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock

from bot.slack import ids
from bot.slack.blocks import cap_blocks, context, mrkdwn_section, truncate
from bot.slack.mrkdwn import Mrkdwn, join_lines, md
from bot.slack.values import ButtonValue, Id
from flows.actions import STATUS_NAMES
from flows.benchmarking import (
    SUGGEST_AT,
    Cell,
    Comparison,
    Lead,
    MatchDecision,
    Row,
    Suggestion,
)
from flows.formatting import number, plural, signed
from storage.models import MatchVerdict

MAX_NAME = 60
MAX_TOUCHPOINT_ROWS = 25
MAX_LEADS = 8
ACTION_NAMES = {status: f"action item {name.lower()}" for status, name in STATUS_NAMES.items()}


class MatchValue(ButtonValue):
    """*Same touchpoint* / *Different* under a suggestion: "41|57", the pair's touchpoints."""

    touchpoint_a_id: Id
    touchpoint_b_id: Id


def _tag(comparison: Comparison, place: int) -> str:
    return f"#{comparison.workshops[place].id}"


def index_text(value: float | None) -> str:
    """ "index 117, ahead of the median" (whole numbers, halves away from zero)."""
    if value is None:
        return "no index (no touchpoint rated by another workshop too)"
    shown = number(value, 0)
    verdict = (
        "on par with the median"
        if shown == "100"
        else "ahead of the median"
        if value > 100
        else "behind the median"
    )
    return f"index {shown}, {verdict}"


def _ranked(comparison: Comparison) -> list[int]:
    """Places by index, highest first; workshops without one last, in the order named."""
    return sorted(
        range(len(comparison.workshops)),
        key=lambda p: (comparison.index[p] is None, -(comparison.index[p] or 0.0), p),
    )


def _workshop_line(comparison: Comparison, place: int) -> Mrkdwn:
    workshop = comparison.workshops[place]
    return md(
        "• *#{}* {} (round {}, {}): *{}*",
        workshop.id,
        truncate(workshop.title, MAX_NAME),
        workshop.round or "–",
        plural(workshop.raters, "rater"),
        index_text(comparison.index[place]),
    )


def _widest(comparison: Comparison) -> Row | None:
    compared = [row for row in comparison.touchpoints if row.compared]
    return max(compared, key=lambda row: row.spread, default=None)


def _gaps_in_words(comparison: Comparison, row: Row) -> Mrkdwn:
    rated = sorted(row.rated(), key=lambda r: -r[1])
    return Mrkdwn(", ").join(f"{_tag(comparison, p)} {signed(g)}" for p, g in rated)


def comparison_text(comparison: Comparison) -> Mrkdwn:
    """The outcome, first screen: how many touchpoints match, each workshop's index (best
    first), the widest difference and the first lead to follow."""
    matched = sum(1 for row in comparison.touchpoints if row.compared)
    lines = [
        md(
            ":straight_ruler: *{} workshops compared* on {}, each in its latest rated round:",
            len(comparison.workshops),
            plural(matched, "shared touchpoint"),
        ),
        *(_workshop_line(comparison, p) for p in _ranked(comparison)),
    ]
    widest = _widest(comparison)
    if widest is not None:
        lines.append(
            md(
                "Widest difference: *{}*: {}.",
                truncate(widest.name, MAX_NAME),
                _gaps_in_words(comparison, widest),
            )
        )
    if comparison.leads:
        lead = comparison.leads[0]
        lines.append(
            md(
                "Lead to follow: *{}* in {}: “{}”.",
                truncate(lead.touchpoint, MAX_NAME),
                _tag(comparison, lead.best),
                truncate(lead.fixes[0].title, MAX_NAME),
            )
        )
    return join_lines(lines)


def build_comparison(comparison: Comparison) -> list[Block]:
    """The channel message: the outcome, and where the detail is."""
    note = "Gaps side by side, leads to follow, the chart and a CSV are in the thread."
    if comparison.suggestions:
        note += (
            f" {plural(len(comparison.suggestions), 'similar name')} "
            f"{'awaits' if len(comparison.suggestions) == 1 else 'await'} a facilitator's "
            "confirmation."
        )
    return [mrkdwn_section(comparison_text(comparison)), context(note)]


def _cell_text(cell: Cell | None, best: bool) -> str:
    if cell is None:
        return "–"
    if cell.mean_gap is None:
        return "not rated"
    return f"{signed(cell.mean_gap)} (n {cell.n})" + (" ▲ best" if best else "")


def _row_block(comparison: Comparison, row: Row, stage_row: bool) -> Block:
    best = row.best
    parts = []
    for place, cell in enumerate(row.cells):
        label = _tag(comparison, place)
        if cell is not None and cell.name != row.name:
            label += f" “{truncate(cell.name, 40)}”"
        parts.append(f"{label} {_cell_text(cell, place == best)}")
    median = row.median_gap
    head = md(
        "*{}*{}{}",
        truncate(row.name, MAX_NAME),
        "" if stage_row else md(" · {}", truncate(row.stage, 40)),
        md(" · median {}", signed(median)) if median is not None else "",
    )
    return mrkdwn_section(head + Mrkdwn("\n") + Mrkdwn(" · ").join(parts))


def _lead_block(comparison: Comparison, lead: Lead) -> Block:
    behind = ", ".join(f"{_tag(comparison, p)} {signed(g)}" for p, g in lead.behind)
    fixes = [
        md("• “{}”{}", truncate(f.title, 80), md(" ({})", ACTION_NAMES[f.action_status]))
        if f.action_status
        else md("• “{}” (no action item yet)", truncate(f.title, 80))
        for f in lead.fixes[:5]
    ]
    more = len(lead.fixes) - len(fixes)
    head = md(
        "*{}*: {} does best at {} (against {}); its fixes there:",
        truncate(lead.touchpoint, MAX_NAME),
        _tag(comparison, lead.best),
        signed(lead.best_gap),
        behind,
    )
    tail = (
        [md("… and {} more in the export of {}", more, _tag(comparison, lead.best))] if more else []
    )
    return mrkdwn_section(join_lines([head, *fixes, *tail]))


def build_comparison_detail(comparison: Comparison) -> list[Block]:
    """The thread: stages side by side (journey order), matched touchpoints (widest median
    shortfall first), leads to follow (widest lead first), what matched nothing."""
    legend = Mrkdwn(" · ").join(
        md("*#{}* {} (round {})", w.id, truncate(w.title, 40), w.round or "–")
        for w in comparison.workshops
    )
    blocks: list[Block] = [
        mrkdwn_section(
            md(
                "*Gaps side by side* (mean of experience − expectation; n = raters of the "
                "touchpoint or stage in that round)\n"
            )
            + legend
        )
    ]
    if comparison.stages:
        blocks.append(context("*Stages*, in journey order; each pooled over all its touchpoints"))
        blocks += [_row_block(comparison, row, True) for row in comparison.stages]
    rows = [_row_block(comparison, row, False) for row in comparison.touchpoints]
    if rows:
        blocks.append(context("*Matched touchpoints*, widest median shortfall first"))
        blocks += rows[:MAX_TOUCHPOINT_ROWS]
        if len(rows) > MAX_TOUCHPOINT_ROWS:
            blocks.append(
                context(f"… and {len(rows) - MAX_TOUCHPOINT_ROWS} more touchpoints in the CSV")
            )
    else:
        blocks.append(context("No touchpoint has the same name in two of these workshops."))
    if comparison.leads:
        blocks.append(DividerBlock())
        blocks.append(
            context("*Leads to follow*: where a workshop does best, the fixes it made there")
        )
        blocks += [_lead_block(comparison, lead) for lead in comparison.leads[:MAX_LEADS]]
    unmatched = [
        md("*{}*: {}", _tag(comparison, p), ", ".join(truncate(n, 40) for n in names[:12]))
        + (md(" and {} more", len(names) - 12) if len(names) > 12 else "")
        for p, names in enumerate(comparison.unmatched)
        if names
    ]
    if unmatched:
        blocks.append(context(md("Matched to nothing: ") + Mrkdwn("; ").join(unmatched)))
    blocks.append(
        context(
            "How to read this: the benchmark index is 100 + 100 × D / 6, where D is the mean, "
            "over the touchpoints this workshop and another rated, of its gap minus the median "
            "gap; 100 is on par with the median, above 100 narrower shortfalls. Names match "
            "ignoring case, spaces and punctuation."
        )
    )
    return cap_blocks(blocks, more="… and {hidden} more parts in the CSV")


def detail_text(comparison: Comparison) -> str:
    return (
        f"Gaps side by side of {len(comparison.workshops)} workshops: "
        f"{len(comparison.stages)} stages, {len(comparison.touchpoints)} matched touchpoints"
    )


# Suggestions: confirmed or rejected by a facilitator -----------------------------------------


def suggestions_text(comparison: Comparison) -> str:
    count = len(comparison.suggestions)
    return f"{plural(count, 'touchpoint')} with a similar name: the same touchpoint?"


def _suggestion_blocks(suggestion: Suggestion) -> list[Block]:
    value = MatchValue(
        touchpoint_a_id=suggestion.touchpoint_a_id, touchpoint_b_id=suggestion.touchpoint_b_id
    ).encode()
    return [
        mrkdwn_section(
            md(
                "*#{}* “{}” and *#{}* “{}” ({} % alike)",
                suggestion.workshop_a_id,
                truncate(suggestion.name_a, MAX_NAME),
                suggestion.workshop_b_id,
                truncate(suggestion.name_b, MAX_NAME),
                number(100 * suggestion.similarity, 0),
            )
        ),
        ActionsBlock(
            block_id=f"compare_match-{suggestion.touchpoint_a_id}-{suggestion.touchpoint_b_id}",
            elements=[
                ButtonElement(text="Same touchpoint", action_id=ids.COMPARE_CONFIRM, value=value),
                ButtonElement(text="Different", action_id=ids.COMPARE_REJECT, value=value),
            ],
        ),
    ]


def build_suggestions(comparison: Comparison) -> list[Block]:
    """Privately, to whoever compared: the similar names, each with its two buttons (neither
    primary: both answers are as good)."""
    blocks: list[Block] = [
        mrkdwn_section(
            md(
                "*Similar names, not compared yet.* A facilitator of either workshop can say "
                "whether they are the same touchpoint (names at least {} % alike are offered; "
                "your answer is kept for the next comparison):",
                number(100 * SUGGEST_AT, 0),
            )
        )
    ]
    for suggestion in comparison.suggestions:
        blocks += _suggestion_blocks(suggestion)
    return blocks


def decision_text(decision: MatchDecision) -> Mrkdwn:
    pair = {
        "a": decision.workshop_a_id,
        "name_a": truncate(decision.name_a, MAX_NAME),
        "b": decision.workshop_b_id,
        "name_b": truncate(decision.name_b, MAX_NAME),
    }
    if decision.verdict == MatchVerdict.confirmed:
        return md(
            ":white_check_mark: Matched: *#{a}* “{name_a}” is *#{b}* “{name_b}”. Run "
            "`/workshop compare #{a} #{b}` again to see them side by side.",
            **pair,
        )
    return md(
        "Kept apart: *#{a}* “{name_a}” and *#{b}* “{name_b}” are different touchpoints; they "
        "won't be suggested again.",
        **pair,
    )
