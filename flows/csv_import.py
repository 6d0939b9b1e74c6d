"""What the CSV imports (KPI values, customers' answers) share: reading a file's records and
refusing a file, or a row, with a message for the person importing it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from flows.errors import FlowError
from flows.savable import UNSAVABLE, UNSAVABLE_CHARACTER


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportRefused(FlowError):
    """Nothing was imported; `problems` lists every bad row (empty for a file-level problem)."""

    def __init__(self, message: str, problems: list[RowProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def refuse_unsavable_lines(text: str) -> None:
    """ImportRefused naming the first line that holds a character the database cannot store."""
    found = UNSAVABLE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise ImportRefused(
            f"Nothing was imported: line {line} contains {UNSAVABLE_CHARACTER}. "
            "Remove it and try again."
        )


def csv_records(text: str, tabs: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each non-blank CSV record; a quoted cell may span lines.

    Cells are separated by "," or, when the header uses it, ";"; with `tabs`, by tabs too when
    the header has no other separator (a table pasted from a spreadsheet)."""
    sample = text.lstrip("\ufeff")
    first_line = sample.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    if tabs and "\t" in first_line and "," not in first_line and ";" not in first_line:
        delimiter = "\t"
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportRefused(f"Line {reader.line_num} is not valid CSV: {error}.") from None
