"""Every feature's digest sections and export tables, registered explicitly.

`register_reports()` puts each feature's providers (its `*_reports` module) into the digest's and
the export's registries (flows/digest.py, flows/exports.py). Whatever builds a digest or an
export calls it first: the bot's digests and exports, and the command line. Registering again
changes nothing.
"""

from __future__ import annotations

from flows import (
    customer_reports,
    gap_reports,
    kpi_reports,
    lane_reports,
    loop,
    stakeholder_reports,
    voting_reports,
)
from flows.digest import DigestSectionProvider, register_digest_section
from flows.exports import ExportTableProvider, register_export_table

DIGEST_SECTIONS: tuple[tuple[int, DigestSectionProvider], ...] = (
    (gap_reports.GAPS_DIGEST_ORDER, gap_reports.widest_gaps_section),
    (lane_reports.PERSONAS_DIGEST_ORDER, lane_reports.personas_section),
    (lane_reports.CHANNELS_DIGEST_ORDER, lane_reports.channels_section),
    (lane_reports.EMOTIONS_DIGEST_ORDER, lane_reports.emotions_section),
    (customer_reports.BLIND_SPOTS_DIGEST_ORDER, customer_reports.blind_spots_section),
    (kpi_reports.KPIS_DIGEST_ORDER, kpi_reports.kpis_section),
    (stakeholder_reports.STAKEHOLDERS_DIGEST_ORDER, stakeholder_reports.stakeholders_section),
    (voting_reports.FIXES_DIGEST_ORDER, voting_reports.fixes_section),
)
EXPORT_TABLES: tuple[tuple[int, ExportTableProvider], ...] = (
    (gap_reports.TOUCHPOINT_GAPS_EXPORT_ORDER, gap_reports.touchpoint_gaps_table),
    (lane_reports.PERSONA_GAPS_EXPORT_ORDER, lane_reports.persona_gaps_table),
    (lane_reports.CHANNEL_GAPS_EXPORT_ORDER, lane_reports.channel_gaps_table),
    (lane_reports.EMOTION_CURVE_EXPORT_ORDER, lane_reports.emotion_curve_table),
    (lane_reports.EMOTION_LINES_EXPORT_ORDER, lane_reports.emotion_lines_table),
    (customer_reports.CUSTOMER_FIGURES_EXPORT_ORDER, customer_reports.customer_figures_table),
    (loop.TRENDS_EXPORT_ORDER, loop.touchpoint_trends_table),
    (kpi_reports.KPI_VALUES_EXPORT_ORDER, kpi_reports.kpi_values_table),
    (stakeholder_reports.STAKEHOLDERS_EXPORT_ORDER, stakeholder_reports.stakeholders_table),
    (voting_reports.FIXES_EXPORT_ORDER, voting_reports.fixes_table),
    (voting_reports.ACTION_ITEMS_EXPORT_ORDER, voting_reports.action_items_table),
)


def register_reports() -> None:
    for order, section in DIGEST_SECTIONS:
        register_digest_section(order)(section)
    for order, table in EXPORT_TABLES:
        register_export_table(order)(table)
