"""`workshop-bot customers import FILE --workshop N [--scale S] [--date D]`."""

from storage.models import CustomerFigure, CustomerImport
from tests.helpers import cli_said, count_rows, run_cli
from tests.helpers import cli_workshop as make_workshop

GOOD = "Checkout expectation,Checkout experience\n5,2\n4,1\n5,2\n"


def run(db, *args):
    return run_cli(db, "customers", "import", *args)


def test_a_good_file_is_imported_once_and_says_it_was_converted(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "survey.csv"
    path.write_text(GOOD)
    result = run(db, path, "--workshop", workshop_id, "--scale", "1-5", "--date", "2026-01-31")
    output = cli_said(result)
    assert (
        f"Imported 6 customer answers (answers on 1–5 converted linearly to 1–7) into workshop "
        f"#{workshop_id} “Onboarding” (workspace T0CLI), survey of Sat 31 Jan 2026: Checkout."
    ) in output
    again = run(db, path, "-w", workshop_id, "--scale", "1-5", "--date", "2026-01-31")
    assert again.exit_code == 0 and "Already imported" in again.output
    assert (count_rows(db, CustomerImport), count_rows(db, CustomerFigure)) == (1, 2)


def test_a_bad_file_is_refused_with_every_line_and_nothing_saved(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "9,1\nx,2\n")
    output = cli_said(run(db, path, "--workshop", workshop_id), 1)
    assert "Refused: Nothing was imported: 2 rows have problems." in output
    assert "line 5: Checkout expectation: “9” is not an answer 1–7" in output
    assert "line 6: Checkout expectation: “x” is not an answer 1–7" in output
    assert count_rows(db, CustomerImport) == 0


def test_unknown_scale_and_unmatched_columns_are_refused(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "survey.csv"
    path.write_text("Chekout expectation\n5\n")
    assert run(db, path, "-w", workshop_id, "--scale", "1-9").exit_code == 2
    assert "“Chekout expectation”" in cli_said(run(db, path, "-w", workshop_id), 1)
    assert run(db, path, "-w", 999_999).exit_code == 1
