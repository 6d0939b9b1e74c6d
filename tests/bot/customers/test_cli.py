"""`workshop-bot customers import FILE --workshop N [--scale S] [--date D]`."""

from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import cli
from flows.journey import DEFAULT_JOURNEY
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import CustomerFigure, CustomerImport

GOOD = "Checkout expectation,Checkout experience\n5,2\n4,1\n5,2\n"


def make_workshop(db, team="T0CLI"):
    with db.session() as session:
        spec = WorkshopSpec(title="Onboarding", stages=list(DEFAULT_JOURNEY))
        return create_workshop(session, team, "C1", "U1", spec).id


def run(db, *args):
    runner = CliRunner()
    return runner.invoke(
        cli, ["customers", "import", *map(str, args)], env={"DATABASE_URL": db.url}
    )


def count(db, table):
    with db.session() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_a_good_file_is_imported_once_and_says_it_was_converted(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "survey.csv"
    path.write_text(GOOD)
    result = run(db, path, "--workshop", workshop_id, "--scale", "1-5", "--date", "2026-01-31")
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert (
        f"Imported 6 customer answers (answers on 1–5 converted linearly to 1–7) into workshop "
        f"#{workshop_id} “Onboarding” (workspace T0CLI), survey of Sat 31 Jan 2026: Checkout."
    ) in output
    again = run(db, path, "-w", workshop_id, "--scale", "1-5", "--date", "2026-01-31")
    assert again.exit_code == 0 and "Already imported" in again.output
    assert (count(db, CustomerImport), count(db, CustomerFigure)) == (1, 2)


def test_a_bad_file_is_refused_with_every_line_and_nothing_saved(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "9,1\nx,2\n")
    result = run(db, path, "--workshop", workshop_id)
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "Refused: Nothing was imported: 2 rows have problems." in output
    assert "line 5: Checkout expectation: “9” is not an answer 1–7" in output
    assert "line 6: Checkout expectation: “x” is not an answer 1–7" in output
    assert count(db, CustomerImport) == 0


def test_unknown_scale_and_unmatched_columns_are_refused(db, tmp_path):
    workshop_id = make_workshop(db)
    path = tmp_path / "survey.csv"
    path.write_text("Chekout expectation\n5\n")
    assert run(db, path, "-w", workshop_id, "--scale", "1-9").exit_code == 2
    result = run(db, path, "-w", workshop_id)
    assert result.exit_code == 1 and "“Chekout expectation”" in " ".join(result.output.split())
    assert run(db, path, "-w", 999_999).exit_code == 1
