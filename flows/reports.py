"""Importing this module registers every feature's digest sections and export tables (each
feature's `*_reports` module). Whatever builds a digest or an export imports it first: the bot's
digests and exports, and the command line."""

from flows import (  # noqa: F401  (registration happens on import)
    gap_reports,
    kpi_reports,
    loop,
    stakeholder_reports,
    voting_reports,
)
