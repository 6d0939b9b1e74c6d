"""`workshop-bot kpi import FILE --workshop N [--team T]` from the command line."""

from sqlmodel import select

from storage.models import KpiValue
from tests.helpers import cli_said, count_rows, run_cli
from tests.helpers import cli_workshop as make_workshop

GOOD = "kpi,period_end,value,answers,target\nNPS,2025-05-31,28,,30\nnps,2025-06-30,,9 10 7,30\n"


def run(db, *args):
    return run_cli(db, "kpi", "import", *args)


def test_a_good_file_is_imported_into_the_workshops_own_workspace(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "kpis.csv"
    path.write_text(GOOD)
    result = run(db, path, "--workshop", workshop_id)
    assert "(workspace T0CLI): 2 new, 0 replaced" in cli_said(result)
    assert f"Imported 2 KPI values into workshop #{workshop_id} “Onboarding”" in result.output
    with db.session() as session:
        teams = session.exec(select(KpiValue.team_id, KpiValue.recorded_by)).all()
    assert set(teams) == {("T0CLI", "csv-import")}
    again = run(db, path, "-w", workshop_id, "--team", "T0CLI", "--by", "ops")
    assert "0 new, 2 replaced" in cli_said(again)
    assert count_rows(db, KpiValue) == 2


def test_a_file_with_bad_rows_is_refused_with_every_line_and_a_non_zero_exit(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "CSAT,2025-06-30,104,,\nfoo,2025-06-30,1,,\n")
    output = cli_said(run(db, path, "--workshop", workshop_id), 1)
    assert "Refused: Nothing was imported: 2 rows have problems." in output
    assert "line 4: value: CSAT is from 0 to 100%: 104 is not" in output
    assert "line 5: kpi: “foo” is not a KPI of this workshop." in output
    assert count_rows(db, KpiValue) == 0


def test_empty_file_unexpected_header_and_unreadable_file_are_refused(db, tmp_path):
    workshop_id = make_workshop(db)
    cases = {
        "empty.csv": (b"", "The file is empty."),
        "header.csv": (b"metric,when\nNPS,2025-06-30\n", "Unexpected header (line 1)"),
        "latin1.csv": ("kpi,period_end,value\nNPS,2025-06-30,3 é\n".encode("latin-1"), "UTF-8"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        assert message in cli_said(run(db, tmp_path / name, "--workshop", workshop_id), 1), name
    missing = run(db, tmp_path / "nope.csv", "--workshop", workshop_id)
    assert missing.exit_code == 1 and "There is no file" in missing.output
    assert count_rows(db, KpiValue) == 0


def test_a_workshop_of_another_workspace_or_none_is_refused(db, tmp_path):
    workshop_id = make_workshop(db, team="T0CLI")
    path = tmp_path / "kpis.csv"
    path.write_text(GOOD)
    wrong_team = run(db, path, "--workshop", workshop_id, "--team", "T0ELSE")
    assert wrong_team.exit_code == 1
    assert f"There is no workshop #{workshop_id} in workspace T0ELSE" in wrong_team.output
    assert run(db, path, "--workshop", 999_999).exit_code == 1
    assert count_rows(db, KpiValue) == 0
