from textwrap import dedent

import pytest
from sqlalchemy import func
from sqlmodel import select

from flows.errors import NotFound
from flows.journey import DEFAULT_JOURNEY
from flows.kpi_catalogue import define_custom_kpi, validate_custom_kpi
from flows.kpi_import import ImportRefused, RowProblem, import_kpi_csv, workshop_for_import
from flows.kpis import kpi_table
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import KpiValue

TEAM = "T1"


def make_workshop(session, team=TEAM):
    spec = WorkshopSpec(title="Onboarding", stages=list(DEFAULT_JOURNEY))
    return create_workshop(session, team, "C1", "UF", spec)


def csv_text(text: str) -> str:
    return dedent(text).lstrip("\n")


def count_values(session) -> int:
    return session.exec(select(func.count()).select_from(KpiValue)).one()


GOOD_FILE = csv_text(
    """
    kpi,period_end,value,answers,target,benchmark,benchmark_source,stage
    NPS,2025-05-31,28,,30,35,Retently 2024,
    nps,2025-06-30,,"10 9 9 8 7 6 3 10 0 9",30,35,Retently 2024,
    CSAT,2025-06-30,84.5%,,85,,,Purchase
    Churn rate,2025-06-30,,"1200, 1150, 90",10,,,
    first_response,2025-06-30,42,,30,45,Zendesk benchmark,
    """
)


def test_a_good_file_is_imported_whole(session):
    workshop = make_workshop(session)
    result = import_kpi_csv(session, TEAM, workshop.id, GOOD_FILE, "cli")
    assert (result.imported, result.new, result.replaced) == (5, 5, 0)
    assert result.kpis == ["NPS", "CSAT", "Churn", "First response"]
    rows = {(row.kpi.key, row.stage): row for row in kpi_table(session, TEAM, workshop.id).rows}
    nps = rows["nps", None]
    assert nps.latest.value == pytest.approx(20.0) and nps.previous.value == 28.0
    assert rows["csat", "Purchase"].latest.value == 84.5
    assert rows["churn", None].latest.value == pytest.approx(11.6666667)
    assert rows["first_response", None].index.value == pytest.approx(45 / 42 * 100)


def test_importing_the_same_file_again_replaces_and_duplicates_nothing(session):
    workshop = make_workshop(session)
    import_kpi_csv(session, TEAM, workshop.id, GOOD_FILE, "cli")
    again = import_kpi_csv(session, TEAM, workshop.id, GOOD_FILE, "cli")
    assert (again.imported, again.new, again.replaced) == (5, 0, 5)
    assert count_values(session) == 5


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(session):
    workshop = make_workshop(session)
    text = csv_text(
        """
        kpi,period_end,value,answers,target,benchmark,benchmark_source,stage
        NPS,2025-05-31,28,,30,35,Retently 2024,
        NSP,2025-06-30,28,,,,,
        CSAT,2025-06-30,104,,,,,

        nps,2025-06-31,,"9 10 11",,,,
        churn,2025-06-30,4,,,,,Checkout
        NPS,2025-05-31,29,,,,,
        ces,2025-06-30,3,,,,
        first_response,2025-06-30,-5,,,45,,
        """
    )
    with pytest.raises(ImportRefused) as raised:
        import_kpi_csv(session, TEAM, workshop.id, text, "cli")
    assert str(raised.value) == "Nothing was imported: 7 rows have problems."
    problems = raised.value.problems
    assert [problem.line for problem in problems] == [3, 4, 6, 7, 8, 9, 10]
    assert problems[0].message.startswith("kpi: “NSP” is not a KPI of this workshop. Known: NPS")
    assert problems[1] == RowProblem(4, "value: CSAT is from 0 to 100%: 104 is not")
    assert problems[2] == RowProblem(
        6,
        "period_end: “2025-06-31” is not a date like 2025-06-30; "
        "answers: answer 3 ('11') is outside 0–10",
    )
    assert problems[3].message.startswith("stage: “Checkout” is not a stage of this journey.")
    assert problems[4] == RowProblem(8, "repeats NPS, period ending 2025-05-31 (line 2)")
    assert problems[5] == RowProblem(9, "7 cells, but the header has 8 columns")
    assert str(problems[6]) == (
        "line 10: value: First response is at least 0 minutes: −5 is not; "
        "benchmark_source: Say where the benchmark comes from (e.g. “Retently 2024, B2B SaaS”)"
    )
    assert count_values(session) == 0


def test_an_empty_file_is_refused_clearly(session):
    workshop = make_workshop(session)
    for text in ("", "\n\n  \n", "\ufeff"):
        with pytest.raises(ImportRefused, match=r"The file is empty\. Its first line should be"):
            import_kpi_csv(session, TEAM, workshop.id, text, "cli")


def test_a_header_without_rows_is_refused(session):
    workshop = make_workshop(session)
    with pytest.raises(ImportRefused, match=r"has a header \(line 1\) but no rows of values"):
        import_kpi_csv(session, TEAM, workshop.id, "kpi,period_end,value\n\n", "cli")


def test_an_unexpected_header_is_refused_with_the_expected_columns(session):
    workshop = make_workshop(session)
    text = "metric,date,value,owner\nNPS,2025-06-30,30,Ana\n"
    with pytest.raises(ImportRefused) as raised:
        import_kpi_csv(session, TEAM, workshop.id, text, "cli")
    assert str(raised.value) == (
        "Unexpected header (line 1): unexpected columns “metric”, “date”, “owner”; "
        "no kpi or period_end column. Expected columns: kpi, period_end, and value or answers "
        "(or both columns, one filled per row); optionally target, benchmark, "
        "benchmark_source, stage. Nothing was imported."
    )
    assert count_values(session) == 0


def test_a_header_needs_a_value_or_answers_column(session):
    workshop = make_workshop(session)
    with pytest.raises(ImportRefused, match="no value or answers column"):
        import_kpi_csv(session, TEAM, workshop.id, "kpi,period_end,target\nNPS,2025-06-30,3\n", "x")


def test_header_names_are_forgiving_and_excel_semicolons_and_bom_work(session):
    workshop = make_workshop(session)
    text = "\ufeffKPI;Period End;Answers\nCSAT;2025-06-30;5 4 3 2 1 5 4 4\n"
    result = import_kpi_csv(session, TEAM, workshop.id, text, "cli")
    assert result.imported == 1
    [row] = kpi_table(session, TEAM, workshop.id).rows
    assert row.latest.value == 62.5 and row.answer_count == 8


def test_custom_kpis_are_imported_by_name(session):
    workshop = make_workshop(session)
    spec = validate_custom_kpi("Days to value", "days", False, "0", None)
    define_custom_kpi(session, workshop, "UF", spec)
    result = import_kpi_csv(
        session, TEAM, workshop.id, "kpi,period_end,value\ndays to VALUE,2025-06-30,12\n", "cli"
    )
    assert result.kpis == ["Days to value"]


def test_a_quoted_cell_over_several_lines_keeps_line_numbers_right(session):
    workshop = make_workshop(session)
    text = 'kpi,period_end,answers\nnps,2025-05-31,"9\n10\n7"\nces,2025-06-30,9\n'
    with pytest.raises(ImportRefused) as raised:
        import_kpi_csv(session, TEAM, workshop.id, text, "cli")
    assert raised.value.problems == [RowProblem(5, "answers: answer 1 ('9') is outside 1–7")]


def test_the_workshop_for_an_import_is_found_by_number_and_checked_against_the_team(session):
    workshop = make_workshop(session, team="T9")
    assert workshop_for_import(session, workshop.id).team_id == "T9"
    assert workshop_for_import(session, workshop.id, "T9").id == workshop.id
    with pytest.raises(NotFound, match=f"There is no workshop #{workshop.id} in workspace T1"):
        workshop_for_import(session, workshop.id, "T1")
    with pytest.raises(NotFound):
        workshop_for_import(session, 999_999)


@pytest.mark.parametrize("character", ["\x00", "\ud800"])
def test_a_file_with_a_character_that_cannot_be_saved_is_refused_with_its_line(session, character):
    workshop = make_workshop(session)
    text = csv_text(f"""
        kpi,period_end,value,benchmark_source
        nps,2025-05-31,28,Survey
        nps,2025-06-30,20,Sur{character}vey
    """)
    with pytest.raises(ImportRefused, match=r"Nothing was imported: line 3 contains a character"):
        import_kpi_csv(session, TEAM, workshop.id, text, "cli")
    with pytest.raises(ImportRefused, match="recorded as contains a character that can't"):
        import_kpi_csv(session, TEAM, workshop.id, "kpi,period_end,value\n", "cli\x00")
    assert count_values(session) == 0
