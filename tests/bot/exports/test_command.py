"""`/workshop export`: the report and CSVs land in the board's thread, named for people."""

import csv
import io

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id


def test_export_uploads_the_report_and_csvs_in_the_boards_thread(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    local.sim.click(BEN, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: len(local.standin.calls_to("chat.update")) >= 1)
    local.sim.slash_command(BEN, CHANNEL_ID, "export")
    files = local.standin.wait_for(lambda: local.standin.files(CHANNEL_ID))
    names = sorted(f["name"] for f in files)
    assert names == sorted(
        f"workshop-{workshop_id}-{part}"
        for part in (
            "report.md",
            "workshop.csv",
            "journey.csv",
            "participants.csv",
            "phase_history.csv",
        )
    )
    by_name = {f["name"]: local.standin.file_bytes(f["id"]) for f in files}
    report = by_name[f"workshop-{workshop_id}-report.md"].decode()
    assert "@ben joined" in report  # names, not ids, in a file that leaves Slack
    participants = list(
        csv.reader(io.StringIO(by_name[f"workshop-{workshop_id}-participants.csv"].decode()))
    )
    # The name Slack gives beside each id (users.info), so the file says who.
    assert [row[:3] for row in participants] == [
        ["user_id", "user_name", "role"],
        [ANA, "ana", "facilitator"],
        [BEN, "ben", "participant"],
    ]
    history = by_name[f"workshop-{workshop_id}-workshop.csv"].decode()
    assert "facilitator_id,facilitator_name" in history and f"{ANA},ana" in history
    comment = local.standin.wait_for(lambda: local.standin.thread(CHANNEL_ID, board_ts))
    assert any(f"Export of workshop #{workshop_id}" in m.get("text", "") for m in comment)
    done = local.standin.wait_for(
        lambda: [
            e for e in local.standin.ephemerals(user=BEN) if "is in the board's thread" in e["text"]
        ]
    )
    assert f"workshop-{workshop_id}-report.md" in done[0]["text"]


def test_export_of_an_unknown_workshop_says_so(local):
    local.start_workshop(ANA)
    local.sim.slash_command(ANA, CHANNEL_ID, "export #999")
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=ANA))[-1]["text"]
    assert "no workshop #999 in this workspace" in reply
    assert local.standin.files() == []
