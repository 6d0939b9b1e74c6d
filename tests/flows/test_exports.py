"""Exports: the files produced, and CSV/JSON that read back equal to the stored data."""

import csv
import io
import json

import pytest
from sqlmodel import select

from flows.exports import (
    MARKDOWN_ROW_LIMIT,
    ExportFormat,
    ExportTable,
    build_export,
    cell_text,
    export_files,
    register_export_table,
    unregister_export_table,
)
from storage.models import JourneyStage, Participant, Phase, PhaseChange, Touchpoint, Workshop
from tests.factories import (
    OTHER_TEAM,
    TEAM,
    add_participant,
    big_journey,
    make_workshop,
    move,
    utc,
)

ALL = (ExportFormat.md, ExportFormat.csv, ExportFormat.json)


@pytest.fixture
def workshop(session):
    workshop = make_workshop(
        session, title="Onboarding | Q3", co_facilitators=["UC"], created_at=utc(2026, 11, 2, 9)
    )
    add_participant(session, workshop, "U1", utc(2026, 11, 2, 10, 30))
    move(session, workshop, Phase.stakeholders, utc(2026, 11, 2, 11))
    move(session, workshop, Phase.rating, utc(2026, 11, 3, 15), user_id="UC", action="skip")
    session.commit()
    return workshop


def files_of(session, workshop, formats=ALL):
    return dict(export_files(build_export(session, workshop.team_id, workshop.id), formats))


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_each_format_produces_its_files(session, workshop):
    names = sorted(files_of(session, workshop))
    n = workshop.id
    assert names == sorted(
        [
            f"workshop-{n}-report.md",
            f"workshop-{n}.json",
            f"workshop-{n}-workshop.csv",
            f"workshop-{n}-journey.csv",
            f"workshop-{n}-participants.csv",
            f"workshop-{n}-phase_history.csv",
        ]
    )


def test_csvs_read_back_equal_the_stored_data(session, workshop):
    files = files_of(session, workshop, [ExportFormat.csv])
    n = workshop.id

    journey = read_csv(files[f"workshop-{n}-journey.csv"])
    stored = session.exec(
        select(
            JourneyStage.position,
            JourneyStage.name,
            Touchpoint.position,
            Touchpoint.id,
            Touchpoint.name,
        )
        .join(Touchpoint, Touchpoint.stage_id == JourneyStage.id)
        .where(JourneyStage.workshop_id == n)
        .order_by(JourneyStage.position, Touchpoint.position)
    ).all()
    assert journey[0] == [
        "stage_number",
        "stage",
        "touchpoint_number",
        "touchpoint_id",
        "touchpoint",
    ]
    assert journey[1:] == [
        [str(s + 1), stage, str(t + 1), str(tid), name] for s, stage, t, tid, name in stored
    ]
    assert len(journey) == 1 + 19

    participants = read_csv(files[f"workshop-{n}-participants.csv"])
    stored = session.exec(
        select(Participant)
        .where(Participant.workshop_id == n)
        .order_by(Participant.joined_at, Participant.id)
    ).all()
    assert participants[1:] == [[p.user_id, p.role, cell_text(p.joined_at)] for p in stored]
    assert participants[1:] == [
        ["UF", "facilitator", "2026-11-02T09:00:00Z"],
        ["UC", "co_facilitator", "2026-11-02T09:00:00Z"],
        ["U1", "participant", "2026-11-02T10:30:00Z"],
    ]

    history = read_csv(files[f"workshop-{n}-phase_history.csv"])
    assert history == [
        ["at", "from_phase", "to_phase", "action", "user_id"],
        ["2026-11-02T11:00:00Z", "setup", "stakeholders", "advance", "UF"],
        ["2026-11-03T15:00:00Z", "stakeholders", "rating", "skip", "UC"],
    ]
    assert len(session.exec(select(PhaseChange)).all()) == 2

    (header, row) = read_csv(files[f"workshop-{n}-workshop.csv"])
    stored = session.get(Workshop, n)
    assert dict(zip(header, row, strict=True)) == {
        "workshop_id": str(n),
        "title": "Onboarding | Q3",
        "phase": "rating",
        "channel_id": "C1",
        "facilitator_id": "UF",
        "vote_budget": "3",
        "max_votes_per_fix": "1",
        "live_tallies": "false",
        "created_at": "2026-11-02T09:00:00Z",
        "updated_at": cell_text(stored.updated_at),
    }


def test_json_holds_every_table_with_typed_values(session, workshop):
    document = json.loads(
        files_of(session, workshop, [ExportFormat.json])[f"workshop-{workshop.id}.json"]
    )
    assert document["workshop"] == {"id": workshop.id, "team_id": TEAM, "title": "Onboarding | Q3"}
    assert list(document["tables"]) == ["workshop", "journey", "participants", "phase_history"]
    (row,) = document["tables"]["workshop"]["rows"]
    assert (row["vote_budget"], row["live_tallies"], row["created_at"]) == (
        3,
        False,
        "2026-11-02T09:00:00Z",
    )
    assert document["tables"]["journey"]["rows"][0] == {
        "stage_number": 1,
        "stage": "Awareness",
        "touchpoint_number": 1,
        "touchpoint_id": document["tables"]["journey"]["rows"][0]["touchpoint_id"],
        "touchpoint": "Search results",
    }


def test_the_report_tells_the_story_and_escapes_table_cells(session, workshop):
    report = files_of(session, workshop, [ExportFormat.md])[
        f"workshop-{workshop.id}-report.md"
    ].decode()
    assert report.startswith("# Workshop report: Onboarding | Q3\n")
    # The header's start date in the one date style, not ISO (the workshop was created on
    # Monday 2 November 2026 at 09:00 UTC).
    assert "everything since it started Mon 2 Nov 2026 09:00 UTC" in report.split("\n## ")[0]
    assert "## Phase and progress" in report
    assert "- @UC skipped ahead to Gap rating · Tue 3 Nov 2026 15:00 UTC" in report
    assert "| workshop_id | title | phase |" in report
    assert "Onboarding \\| Q3" in report  # a pipe in a cell does not break the table


def test_another_workspace_cannot_export_it(session, workshop):
    from flows.errors import NotFound

    with pytest.raises(NotFound):
        build_export(session, OTHER_TEAM, workshop.id)


def test_a_300_touchpoint_workshop_exports_every_row(session):
    workshop = make_workshop(session, stages=big_journey(300))
    files = files_of(session, workshop)
    journey = read_csv(files[f"workshop-{workshop.id}-journey.csv"])
    assert len(journey) == 301
    assert journey[-1][1:3] == ["Stage 10", "30"]
    report = files[f"workshop-{workshop.id}-report.md"].decode()
    assert (
        f"… and {300 - MARKDOWN_ROW_LIMIT} more rows in workshop-{workshop.id}-journey.csv"
        in report
    )


@pytest.fixture
def fixes_table():
    def fixes(session, workshop):
        return ExportTable(
            name="fixes",
            title="Fixes with votes",
            columns=("fix", "votes", "owner", "due"),
            rows=[("Shorter form", 7, "U1", utc(2026, 12, 1)), ("FAQ, updated", 3, None, None)],
        )

    def nothing(session, workshop):
        return None

    register_export_table(70)(fixes)
    register_export_table(80)(nothing)
    yield
    unregister_export_table(fixes)
    unregister_export_table(nothing)


def test_feature_tables_join_in_order_and_round_trip(session, workshop, fixes_table):
    files = files_of(session, workshop)
    assert read_csv(files[f"workshop-{workshop.id}-fixes.csv"]) == [
        ["fix", "votes", "owner", "due"],
        ["Shorter form", "7", "U1", "2026-12-01T00:00:00Z"],
        ["FAQ, updated", "3", "", ""],
    ]
    document = json.loads(files[f"workshop-{workshop.id}.json"])
    assert list(document["tables"])[-1] == "fixes"
    assert document["tables"]["fixes"]["rows"][1] == {
        "fix": "FAQ, updated",
        "votes": 3,
        "owner": None,
        "due": None,
    }
    assert "## Fixes with votes" in files[f"workshop-{workshop.id}-report.md"].decode()


def test_names_go_beside_every_user_id_column_and_nowhere_else():
    from flows.exports import ExportTable, table_user_ids, with_names

    table = ExportTable(
        name="t",
        title="T",
        columns=("fix_id", "author_id", "channel_id", "note", "owner_id"),
        rows=[
            (1, "U0CHLOE", "C0WORK", "U0 is not a person", None),
            (2, "W0DEV", "C0WORK", "", "U0CHLOE"),
        ],
    )
    assert table_user_ids([table]) == ["U0CHLOE", "W0DEV"]
    named = with_names(table, {"U0CHLOE": "Chloé"})
    assert named.columns == (
        "fix_id",
        "author_id",
        "author_name",
        "channel_id",
        "note",
        "owner_id",
        "owner_name",
    )
    # W0DEV has no name from Slack: the cell stays empty; an empty id gets an empty name
    assert named.rows == [
        (1, "U0CHLOE", "Chloé", "C0WORK", "U0 is not a person", None, ""),
        (2, "W0DEV", "", "C0WORK", "", "U0CHLOE", "Chloé"),
    ]
