"""`/workshop export`: the report and the CSV files, uploaded in the workshop board's thread."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.blocks import md, mention
from bot.slack.people import user_names
from flows.digest import mentioned_user_ids
from flows.exports import ExportFormat, build_export, export_files, table_user_ids
from flows.reports import register_reports
from flows.workshops import get_workshop
from storage.db import Database

SLACK_FORMATS = (ExportFormat.md, ExportFormat.csv)


def upload_export(
    client: WebClient, db: Database, team_id: str, workshop_id: int, user_id: str
) -> tuple[str, list[str]]:
    """Upload the export in the board's thread; returns the channel and the file names."""
    register_reports()
    with db.session() as session:
        export = build_export(session, team_id, workshop_id)
        workshop = get_workshop(session, team_id, workshop_id)
    # Names for the report's mentions and beside every user id in the CSVs.
    names = user_names(client, [*mentioned_user_ids(export.digest), *table_user_ids(export.tables)])
    files = export_files(export, SLACK_FORMATS, names)
    client.files_upload_v2(
        channel=workshop.channel_id,
        thread_ts=workshop.board_ts,
        initial_comment=md(
            "Export of workshop #{} “{}”, for {}: a Markdown report and {} CSV files "
            "(times in UTC).",
            workshop_id,
            workshop.title,
            mention(user_id),
            len(files) - 1,
        ),
        file_uploads=[{"content": data, "filename": name, "title": name} for name, data in files],
    )
    return workshop.channel_id, [name for name, _ in files]
