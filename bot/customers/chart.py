"""Team against customers, touchpoint by touchpoint: two rows each, expectation and experience,
with the team's mean (hollow circle) and the customers' (filled square), each with its 95 %
interval, on the 1–7 scale. Colours are Okabe & Ito's colour-blind-safe blue and vermillion,
and the shapes and the legend say the same thing, so nothing is told by colour alone; a blind
spot is written out in words (after a ◆) at the end of its row.

Built on matplotlib's object API (no pyplot), so concurrent listener threads never share state.
"""

from __future__ import annotations

from matplotlib.lines import Line2D

from bot.charts.drawing import hide_spines, new_figure, png_bytes, short
from bot.charts.palette import BANDS, BLUE, GRID, INK, MUTED, RULE, VERMILLION
from flows.customers.figures import Sample
from flows.customers.reports import Comparison, CustomerReport
from flows.customers.text import number
from flows.stats import t_confidence_interval

TEAM, CUSTOMERS = BLUE, VERMILLION
ROW_HEIGHT_IN = 0.34
WIDTH_IN = 11.0
DPI = 110
MAX_ROWS = 40  # touchpoints drawn; the rest are in the table and the export
MAX_LABEL = 30
SHORT_KIND = {
    "the team underestimates what customers expect": "team underestimates expectations",
    "the team overestimates what customers expect": "team overestimates expectations",
    "the team overrates the experience": "team overrates the experience",
    "the team underrates the experience": "team underrates the experience",
}


def _interval(sample: Sample | None) -> tuple[float, float] | None:
    if sample is None:
        return None
    return t_confidence_interval(sample.mean, sample.sd, sample.n)


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return short(text, limit)


def render_customer_chart(report: CustomerReport) -> bytes:
    comparisons = report.touchpoints[:MAX_ROWS]
    rows = 2 * max(len(comparisons), 1)
    height = 1.9 + ROW_HEIGHT_IN * rows
    figure = new_figure(WIDTH_IN, height, DPI)
    axes = figure.add_subplot(1, 1, 1)
    labels = []
    for index, comparison in enumerate(comparisons):
        top = 2 * index
        if index % 2 == 0:
            axes.axhspan(top - 0.5, top + 1.5, color=BANDS[0], zorder=0, lw=0)
        _draw_pair(axes, top, comparison.team_expectation, comparison.customer_expectation)
        _draw_pair(axes, top + 1, comparison.team_experience, comparison.customer_experience)
        labels += [f"{_short(comparison.place.name)} · expects", "· gets"]
        _blind_spot_notes(axes, top, comparison)
    axes.set_yticks(range(len(labels)), labels, fontsize=8.5)
    axes.set_ylim(rows - 0.5, -0.5)
    axes.set_xlim(0.8, 12.6)
    axes.set_xticks(range(1, 8))
    axes.axvline(7.2, color=RULE, lw=0.8)
    axes.grid(axis="x", color=GRID, lw=0.6, zorder=0)
    hide_spines(axes)
    axes.set_xlabel("Mean on 1–7, with its 95 % interval", fontsize=9, color=INK)
    figure.suptitle(
        f"Team against customers · {_short(report.title, 60)} · team round {report.round}",
        fontsize=11.5,
        color=INK,
        x=0.01,
        ha="left",
    )
    axes.legend(
        handles=[
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                markerfacecolor="white",
                color=TEAM,
                markeredgewidth=1.8,
                label="Team (hollow circle)",
            ),
            Line2D([], [], marker="s", ls="", color=CUSTOMERS, label="Customers (filled square)"),
        ],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=2,
        fontsize=8.5,
        frameon=False,
    )
    figure.subplots_adjust(left=0.2, right=0.99, top=1 - 0.95 / height, bottom=0.75 / height)
    return png_bytes(figure)


def _draw_pair(axes, y: int, team: Sample | None, customers: Sample | None) -> None:
    for sample, offset, marker, fill in (
        (team, -0.14, "o", "white"),
        (customers, 0.14, "s", CUSTOMERS),
    ):
        if sample is None:
            continue
        colour = TEAM if marker == "o" else CUSTOMERS
        interval = _interval(sample)
        if interval is not None:
            low, high = max(1.0, interval[0]), min(7.0, interval[1])
            axes.plot([low, high], [y + offset] * 2, color=colour, lw=1.4, zorder=2)
        axes.scatter(
            [sample.mean],
            [y + offset],
            marker=marker,
            s=46,
            facecolor=fill,
            edgecolor=colour,
            linewidths=1.8,
            zorder=3,
        )
    if team is None and customers is None:
        axes.text(4, y, "no answers", ha="center", va="center", color=MUTED, fontsize=8)


def _blind_spot_notes(axes, top: int, comparison: Comparison) -> None:
    notes = {0: "", 1: ""}
    for spot in comparison.blind_spots:
        row = 0 if spot.about_expectations else 1
        notes[row] = f"◆ blind spot: {SHORT_KIND[spot.kind.value]}"
    for row, (c, t) in enumerate(
        (
            (comparison.customer_expectation, comparison.team_expectation),
            (comparison.customer_experience, comparison.team_experience),
        )
    ):
        figures = f"C {number(c.mean if c else None)} · T {number(t.mean if t else None)}"
        axes.text(7.35, top + row, figures, va="center", fontsize=8, color=INK)
        if notes[row]:
            axes.text(
                8.35, top + row, notes[row], va="center", fontsize=8, color=INK, fontweight="bold"
            )


def chart_alt_text(report: CustomerReport) -> str:
    """What the chart shows, for screen readers."""
    parts = [
        f"Team against customers for {report.title}: for each touchpoint, two rows (what "
        "customers expect, what they get), the team's mean as a hollow circle and the "
        "customers' as a filled square, each with its 95 % interval, on 1–7."
    ]
    for c in report.touchpoints[:12]:
        expect = f"customers {_mean(c.customer_expectation)}, team {_mean(c.team_expectation)}"
        get = f"customers {_mean(c.customer_experience)}, team {_mean(c.team_experience)}"
        spots = "".join(f"; blind spot: {spot.kind.value}" for spot in c.blind_spots)
        parts.append(f"{c.place.name}: expect {expect}; get {get}{spots}.")
    return " ".join(parts)


def _mean(sample: Sample | None) -> str:
    return number(sample.mean if sample else None)
