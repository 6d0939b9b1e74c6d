"""Reading the records of an imported CSV file, and refusing what cannot be stored."""

import pytest

from flows.csv_import import ImportRefused, csv_records, refuse_unsavable_lines


def test_records_are_numbered_by_their_first_line_and_blank_ones_skipped():
    text = '\ufeffkpi,note\nnps,"two\nlines"\n\n , \ncsat,ok\n'
    assert list(csv_records(text)) == [
        (1, ["kpi", "note"]),
        (2, ["nps", "two\nlines"]),
        (6, ["csat", "ok"]),  # line 4 is blank and line 5 only spaces
    ]


@pytest.mark.parametrize(
    ("text", "tabs", "first"),
    [
        ("a;b\n1;2\n", False, ["a", "b"]),  # a semicolon header
        ("a;b,c\n", False, ["a;b", "c"]),  # commas win over semicolons
        ("a\tb\n", True, ["a", "b"]),  # pasted from a spreadsheet
        ("a\tb\n", False, ["a\tb"]),  # tabs only where the import takes them
        ("a\tb,c\n", True, ["a\tb", "c"]),
    ],
)
def test_the_separator_is_read_from_the_header(text, tabs, first):
    assert next(csv_records(text, tabs=tabs))[1] == first


def test_a_file_that_is_not_csv_is_refused_with_its_line():
    with pytest.raises(ImportRefused, match="Line 2 is not valid CSV"):
        list(csv_records("a,b\n" + "x" * 200_000 + "\n"))  # past csv's field size limit


def test_a_line_the_database_cannot_store_is_named():
    refuse_unsavable_lines("a,b\nok,fine\n")  # nothing to refuse
    with pytest.raises(ImportRefused, match="line 3 contains"):
        refuse_unsavable_lines("a,b\nok,fine\nbad,\x00\n")
