"""Customers' voice beyond its own report: the digest's "Blind spots" section and the export's
table of customer figures (flows.customers reads and words them)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from flows.customers.reports import Comparison, customer_report
from flows.customers.text import (
    BLIND_SPOTS_IN_SUMMARY,
    BLIND_SPOTS_TITLE,
    blind_spot_line,
    change_words,
    no_blind_spot_text,
)
from flows.digest import DigestField, DigestItem, DigestSection, text
from flows.exports import Cell, ExportTable
from flows.formatting import calendar_day
from storage.models import Workshop, pk

BLIND_SPOTS_DIGEST_ORDER = 25  # after the gaps, before the KPIs
CUSTOMER_FIGURES_EXPORT_ORDER = 65  # after the team's touchpoint gaps


def blind_spots_section(
    session: Session, workshop: Workshop, since: datetime | None
) -> DigestSection | None:
    """The top three blind spots in plain words; nothing when no customer answers are in."""
    report = customer_report(session, workshop.team_id, pk(workshop))
    if not report.has_answers:
        return None
    spots = report.blind_spots
    items = [DigestItem(text(blind_spot_line(spot))) for spot in spots[:BLIND_SPOTS_IN_SUMMARY]]
    items += [DigestItem(text(change_words(change))) for change in report.changes[:2]]
    latest = report.imports[-1]
    figures = (
        DigestField("Customer answers", text(f"{report.answers:,}")),
        DigestField("Latest survey", text(calendar_day(latest.survey_date))),
        DigestField("Blind spots", text(str(len(spots)))),
    )
    notes = [] if spots else [no_blind_spot_text(report.touchpoints)]
    notes += report.scale_notes
    return DigestSection(
        key="blind_spots",
        title=BLIND_SPOTS_TITLE,
        items=tuple(items),
        total=len(spots) + min(2, len(report.changes)),
        figures=figures,
        note=text(_sentence("; ".join(notes))) if notes else (),
    )


CUSTOMER_COLUMNS = (
    "stage",
    "touchpoint",
    "survey_date",
    "customer_n_expectation",
    "customer_expectation",
    "customer_sd_expectation",
    "customer_n_experience",
    "customer_experience",
    "customer_sd_experience",
    "customer_gap",
    "customer_gap_ci_low",
    "customer_gap_ci_high",
    "team_n",
    "team_expectation",
    "team_experience",
    "knowledge_gap",
    "knowledge_gap_p",
    "perception_gap",
    "perception_gap_p",
    "blind_spots",
)


def customer_figures_table(session: Session, workshop: Workshop) -> ExportTable | None:
    """Per touchpoint (and stage, pooled) with customer answers: the customers' figures (1–7,
    converted from the survey's scale), the team's in its current round, the knowledge and
    perception gaps with Welch's p, and any blind spot in words."""
    report = customer_report(session, workshop.team_id, pk(workshop))
    if not report.has_answers:
        return None
    rows = [_row(c, stage=False) for c in report.touchpoints]
    rows += [_row(c, stage=True) for c in report.stages]
    return ExportTable(
        name="customer_figures",
        title=f"Customers' answers beside the team's (round {report.round})",
        columns=CUSTOMER_COLUMNS,
        rows=rows,
    )


def _row(c: Comparison, stage: bool) -> tuple[Cell, ...]:
    e, p = c.customer_expectation, c.customer_experience
    gap = c.customer_gap_test
    knowledge, perception = c.knowledge_test, c.perception_test
    team = c.team_expectation
    return (
        c.place.stage_name,
        "" if stage else (c.place.touchpoint_name or "(whole stage)"),
        c.survey_date.isoformat() if c.survey_date else None,
        e.n if e else None,
        _round(e.mean if e else None),
        _round(e.sd if e else None),
        p.n if p else None,
        _round(p.mean if p else None),
        _round(p.sd if p else None),
        _round(c.customer_gap),
        _round(gap.ci[0] if gap else None),
        _round(gap.ci[1] if gap else None),
        team.n if team else None,
        _round(team.mean if team else None),
        _round(c.team_experience.mean if c.team_experience else None),
        _round(c.knowledge_gap),
        _round(knowledge.p if knowledge else None, 4),
        _round(c.perception_gap),
        _round(perception.p if perception else None, 4),
        "; ".join(spot.kind.value for spot in c.blind_spots),
    )


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:] + ("" if words.endswith(".") else ".")
