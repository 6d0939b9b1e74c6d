"""`workshop-bot export`: the same files from the command line."""

import csv
import json

from typer.testing import CliRunner

from bot.cli import cli
from tests.factories import add_participant, make_workshop, utc

runner = CliRunner()


def test_export_writes_each_format_scoped_by_the_workshops_own_workspace(db, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db.url)
    with db.session() as session:
        workshop = make_workshop(session, team="T0ACME", created_at=utc(2026, 11, 2, 9))
        add_participant(session, workshop, "U1", utc(2026, 11, 2, 10))
        number = workshop.id
    result = runner.invoke(
        cli, ["export", str(number), "--format", "csv", "--format", "json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    with open(tmp_path / f"workshop-{number}-participants.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1:] == [
        ["UF", "facilitator", "2026-11-02T09:00:00Z"],
        ["U1", "participant", "2026-11-02T10:00:00Z"],
    ]
    document = json.loads((tmp_path / f"workshop-{number}.json").read_text())
    assert document["workshop"]["team_id"] == "T0ACME"
    assert not (tmp_path / f"workshop-{number}-report.md").exists()

    result = runner.invoke(cli, ["export", str(number), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / f"workshop-{number}-report.md").read_text().startswith("# Workshop report")


def test_export_refuses_a_workshop_of_another_workspace_and_unknown_numbers(
    db, tmp_path, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", db.url)
    with db.session() as session:
        number = make_workshop(session, team="T0ACME").id
    result = runner.invoke(
        cli, ["export", str(number), "--team", "T0OTHER", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert f"no workshop #{number}" in result.output
    result = runner.invoke(cli, ["export", "999", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no workshop #999 in this database" in result.output
    result = runner.invoke(cli, ["export", str(number), "--format", "xlsx"])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []
