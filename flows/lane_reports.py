"""The journey lanes in digests and exports (issue 17): the figures per persona with the persona
splits, the channel figures and the emotion curve. Each is left out of a workshop that does not
use its lane. flows/reports.py registers them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from flows.channels import channel_results
from flows.digest import DigestField, DigestItem, DigestSection, text
from flows.emotions import emotion_curve, emotion_lines
from flows.exports import Cell, ExportTable
from flows.gaps.aggregation import journey_touchpoints
from flows.gaps.statistics import display, signed
from flows.personas import SPLIT_AT, PersonaResults, persona_results
from storage.models import Workshop

PERSONAS_DIGEST_ORDER = 25
CHANNELS_DIGEST_ORDER = 26
EMOTIONS_DIGEST_ORDER = 27
PERSONA_GAPS_EXPORT_ORDER = 62
CHANNEL_GAPS_EXPORT_ORDER = 64
EMOTION_CURVE_EXPORT_ORDER = 66
EMOTION_LINES_EXPORT_ORDER = 67


def _raters(count: int) -> str:
    return f"{count} rater" if count == 1 else f"{count} raters"


def split_words(results: PersonaResults) -> str:
    count = len(results.splits)
    if not count:
        return (
            f"No persona split in round {results.round}: at every touchpoint the personas' "
            f"gaps are within {float(SPLIT_AT):.1f} point of each other."
        )
    touchpoints = "touchpoint" if count == 1 else "touchpoints"
    return (
        f"Personas split at {count} {touchpoints} in round {results.round} (their gaps "
        f"{float(SPLIT_AT):.1f} point or more apart): one journey does not fit them all."
    )


def personas_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    results = persona_results(session, workshop)
    if results is None or not results.has_ratings:
        return None
    figures = (
        *(
            DigestField(
                p.name,
                text(
                    f"gap {signed(p.stats.mean_gap)} ({_raters(p.raters)}"
                    + (f", its round {p.round})" if p.round not in (0, results.round) else ")")
                    if p.stats.n
                    else "no ratings"
                ),
            )
            for p in results.personas
        ),
        DigestField("Everyone", text(f"gap {signed(results.overall.mean_gap)}")),
    )
    items = tuple(
        DigestItem(
            text(
                f"{s.touchpoint} ({s.stage}): {s.low[0]} {signed(s.low[1])}, "
                f"{s.high[0]} {signed(s.high[1])}, {display(s.difference):.1f} apart"
            )
        )
        for s in results.splits
    )
    return DigestSection(
        key="personas",
        title="Personas",
        note=text(split_words(results)),
        figures=figures,
        items=items,
        total=len(items),
    )


def channels_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """Per stage, the worst-served channel and the omnichannel spread (widest first), and each
    channel's gap over the journey (worst first); thread only. None while no touchpoint has a
    channel or none of them is rated."""
    results = channel_results(session, workshop)
    if results is None or not results.has_ratings:
        return None
    figures = tuple(
        DigestField(c.label, text(f"gap {signed(c.stats.mean_gap)}")) for c in results.rated
    )[:9]
    stages = sorted(
        (s for s in results.stages if s.worst is not None),
        key=lambda s: -(s.spread if s.spread is not None else -1),
    )
    items = []
    for stage in stages:
        worst = stage.cell(stage.worst)  # type: ignore[arg-type]
        assert worst is not None
        if stage.spread is None:
            words = f"only {worst.label} rated (gap {signed(worst.stats.mean_gap)})"
        else:
            words = (
                f"spread {display(stage.spread):.1f} across {len(stage.channels)} channels; "
                f"worst served: {worst.label} (gap {signed(worst.stats.mean_gap)})"
            )
        items.append(DigestItem(text(f"{stage.stage_name}: {words}")))
    widest = results.least_consistent
    worst_overall = results.worst
    assert worst_overall is not None
    note = f"Worst served over the journey: {worst_overall.label} "
    note += f"(gap {signed(worst_overall.stats.mean_gap)}) in round {results.round}"
    if widest is not None and widest.spread is not None:
        note += (
            f"; least consistent stage: {widest.stage_name}, its channels' gaps "
            f"{display(widest.spread):.1f} points apart"
        )
    return DigestSection(
        key="channels",
        title="Channels",
        note=text(note + "."),
        figures=figures,
        items=tuple(items),
        total=len(items),
    )


def emotions_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """The moments that matter and the change since the last round, with the mean feeling per
    persona (or per round); thread only. None while nobody has given a feeling this round."""
    lines = emotion_lines(session, workshop)
    if lines is None or not lines.current.has_feelings:
        return None
    curve = lines.current
    previous = {
        p.touchpoint_id: p
        for c in lines.rounds
        if c.round == lines.compared_round  # like for like by persona (flows.gaps.like_for_like)
        for p in c.points
        if p.n
    }
    note = f"Round {curve.round}: the customer feels {signed(curve.mean)} on average (−2…+2)"
    change = lines.change
    if change is not None and change.words() is not None:
        touchpoints = "touchpoint" if change.compared == 1 else "touchpoints"
        note += (
            f", {change.words()} (over the {change.compared} {touchpoints} with feelings in both)"
        )
    if lines.by_persona:
        figures = tuple(
            DigestField(
                p.name,
                text(
                    f"feels {signed(p.curve.mean)}"
                    + ("" if p.curve.round == curve.round else f" (round {p.curve.round})")
                ),
            )
            for p in lines.personas
        )
    else:
        figures = tuple(
            DigestField(f"Round {c.round}", text(f"feels {signed(c.mean)}"))
            for c in lines.rounds[-5:]
        )
    items = []
    for point in curve.lowest:
        was = previous.get(point.touchpoint_id)
        then = f", was {signed(was.mean)} in round {lines.compared_round}" if was else ""
        items.append(
            DigestItem(text(f"{point.name} ({point.stage_name}): feels {signed(point.mean)}{then}"))
        )
    return DigestSection(
        key="emotions",
        title="Emotion curve",
        note=text(
            note
            + (
                ". The moments that matter, lowest first:"
                if items
                else ". The curve never dips below neutral."
            )
        ),
        figures=figures if lines.by_persona or len(lines.rounds) > 1 else (),
        items=tuple(items),
        total=len(items),
    )


def persona_gaps_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """Each persona's figures at each touchpoint it was rated for, in the latest round rated for
    it (the current round unless the facilitator runs a round per persona)."""
    results = persona_results(session, workshop)
    if results is None:
        return None
    split = {s.touchpoint_id for s in results.splits}
    names = {p.persona_id: p.name for p in results.personas}
    rounds = {p.persona_id: p.round or results.round for p in results.personas}
    rows: list[tuple[Cell, ...]] = []
    for tp in journey_touchpoints(session, workshop):
        for persona_id, stats in results.by_touchpoint.get(tp.id, {}).items():
            rows.append(
                (
                    rounds[persona_id],  # the latest round rated for the persona
                    names[persona_id],
                    tp.stage_name,
                    tp.name,
                    stats.n,
                    stats.mean_expectation,
                    stats.mean_experience,
                    stats.mean_gap,
                    tp.id in split,
                )
            )
    return ExportTable(
        name="persona_gaps",
        title="Gaps per persona",
        columns=(
            "round",
            "persona",
            "stage",
            "touchpoint",
            "n",
            "mean_expectation",
            "mean_experience",
            "mean_gap",
            "persona_split",
        ),
        rows=rows,
    )


def channel_gaps_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """Each channel's gap in each stage (the heat map's cells) and the stage's spread."""
    results = channel_results(session, workshop)
    if results is None:
        return None
    rows: list[tuple[Cell, ...]] = [
        (
            results.round,
            stage.stage_name,
            cell.label,
            cell.touchpoints,
            cell.stats.n,
            cell.stats.mean_gap,
            stage.spread,
            cell.channel == stage.worst,
        )
        for stage in results.stages
        for cell in stage.channels
    ]
    return ExportTable(
        name="channel_gaps",
        title="Gaps per channel and stage",
        columns=(
            "round",
            "stage",
            "channel",
            "touchpoints",
            "n",
            "mean_gap",
            "stage_spread",
            "worst_served",
        ),
        rows=rows,
    )


def emotion_curve_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """The mean feeling at each touchpoint (the curve), with the lowest points marked."""
    curve = emotion_curve(session, workshop)
    if curve is None:
        return None
    lowest = {p.touchpoint_id: rank for rank, p in enumerate(curve.lowest, start=1)}
    return ExportTable(
        name="emotion_curve",
        title="Emotion curve",
        columns=("round", "stage", "touchpoint", "n", "mean_feeling", "lowest_rank"),
        rows=[
            (curve.round, p.stage_name, p.name, p.n, p.mean, lowest.get(p.touchpoint_id))
            for p in curve.points
        ],
    )


def emotion_lines_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """The curve per round (all raters) and per persona (its latest round): one row per line
    and touchpoint with feelings, then the line's pooled mean (touchpoint left blank)."""
    lines = emotion_lines(session, workshop)
    if lines is None or not (lines.by_persona or len(lines.rounds) > 1):
        return None  # one round, no personas: the emotion_curve table says it all
    drawn = [("round", f"Round {c.round}", c) for c in lines.rounds] + [
        ("persona", p.name, p.curve) for p in lines.personas
    ]
    rows: list[tuple[Cell, ...]] = []
    for kind, label, curve in drawn:
        rows += [
            (kind, label, curve.round, p.stage_name, p.name, p.n, p.mean)
            for p in curve.points
            if p.n
        ]
        rows.append(
            (kind, label, curve.round, None, None, sum(p.n for p in curve.points), curve.mean)
        )
    return ExportTable(
        name="emotion_curve_lines",
        title="Emotion curve per round and per persona",
        columns=("line", "label", "round", "stage", "touchpoint", "n", "mean_feeling"),
        rows=rows,
    )
