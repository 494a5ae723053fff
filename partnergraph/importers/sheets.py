"""Tables of spreadsheets, however stored: the sheets of an XLSX workbook or CSV files.

Shared by the spreadsheet and Kumu readers. A :class:`Source` is one table, read row by row
(memory stays flat: openpyxl's read-only mode, the csv module); each value's place is
``Organizacje!E14`` or ``organizacje.csv:14:5``. CSV files are UTF-8 (with or without BOM),
Windows-1250, ISO-8859-2 or UTF-16 with BOM, detected over the whole file
(:func:`~partnergraph.importers.encodings.detect_encoding`); the separator (``;``, ``,`` or tab) is the one
that splits the header into the most fields. Damaged files end in a clean
:class:`~partnergraph.errors.ValidationError`, whatever the parser raised.

Numbers Excel typed into text columns come back as text, with the leading zeros Excel drops
(TERYT ``0201011``, KRS ``0000123456``) restored; a cell ``'=…`` (a quote before =, +, -, @)
is read without the quote (:func:`partnergraph.values.csv_unguard`): that is how exports keep
spreadsheets from running values as formulas (:func:`partnergraph.values.csv_safe`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partnergraph.errors import Problem, ValidationError
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.encodings import detect_encoding
from partnergraph.schema import PropertyDef
from partnergraph.values import TEXT_LIMIT, csv_unguard

__all__ = [
    "Places",
    "Row",
    "Source",
    "cell_text",
    "cell_value",
    "column_letter",
    "open_sources",
]

Row = tuple[int, Sequence[Any]]

register_messages(
    {
        "sheet.unreadable": "cannot read {name}: {detail}",
        "sheet.unreadable.hint": "save it again as .xlsx or CSV UTF-8",
        "sheet.csv": "CSV format error: {detail}",
        "sheet.field_too_long": "a field has more than 131,072 characters, a value at most {limit} (or the field lacks its closing quote)",
    }
)


@dataclass
class Source:
    """One table: a CSV file or an XLSX sheet, and how to read its rows (header included)."""

    name: str
    title: str
    xlsx: bool
    rows: Callable[[], Iterator[Row]]

    def place(self, row: int, column: int) -> str:
        """``Organizacje!E14`` or ``organizacje.csv:14:5`` (``column`` counts from 0)."""
        return f"{self.name}!{column_letter(column + 1)}{row}" if self.xlsx else f"{self.name}:{row}:{column + 1}"

    def row_place(self, row: int) -> str:
        return f"{self.name}!{row}" if self.xlsx else f"{self.name}:{row}"


def column_letter(number: int) -> str:
    """Spreadsheet column letters of column ``number`` (1 → A, 28 → AB)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Places(Mapping[str, str]):
    """Field → cell, computed only when a problem needs it."""

    __slots__ = ("columns", "row", "source")

    def __init__(self, source: Source, row: int, columns: Mapping[str, int]) -> None:
        self.source, self.row, self.columns = source, row, columns

    def __getitem__(self, name: str) -> str:
        return self.source.place(self.row, self.columns[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


@contextmanager
def open_sources(path: Path, *, xlsx: bool) -> Iterator[list[Source]]:
    """The tables of ``path``: the sheets of a workbook, a CSV file, or a folder's CSV files."""
    if xlsx and not path.is_dir():
        with _workbook(path) as sources:
            yield sources
        return
    files = [path]
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and not p.name.endswith(".rejected.csv"))
    yield [Source(p.name, p.stem, False, _csv_reader(p)) for p in files]


def _csv_reader(path: Path) -> Callable[[], Iterator[Row]]:
    encoding: list[str] = []

    def rows() -> Iterator[Row]:
        if not encoding:
            found, problem = detect_encoding(path)
            if problem or not found:
                raise ValidationError([problem or Problem(Msg("sheet.unreadable", name=path.name, detail="?"))])
            encoding.append(found)
        yield from _csv_rows(path, encoding[0])

    return rows


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    with path.open(encoding=encoding, newline="") as text:
        delimiter = _sniff(text.readline())
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        line = 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):  # longer than any value may be anyway
                where = f"{path.name}:{reader.line_num}"
                raise ValidationError(
                    [Problem(Msg("sheet.field_too_long", limit=TEXT_LIMIT), where, Msg("val.too_long.hint"))]
                ) from exc
            raise ValidationError([Problem(Msg("sheet.csv", detail=exc), f"{path.name}:{reader.line_num}")]) from exc


def _sniff(line: str) -> str:
    """The separator giving the header the most fields (``,`` when none splits it)."""
    best, most = ",", 1
    for delimiter in (";", ",", "\t"):
        try:
            count = len(next(csv.reader([line], delimiter=delimiter), []))
        except csv.Error:
            continue
        if count > most:
            best, most = delimiter, count
    return best


@contextmanager
def _workbook(path: Path) -> Iterator[list[Source]]:
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        raise _unreadable(path, exc) from exc
    try:
        yield [Source(sheet.title, sheet.title, True, _sheet_reader(path, sheet)) for sheet in book.worksheets]
    finally:
        book.close()


def _sheet_reader(path: Path, sheet: Any) -> Callable[[], Iterator[Row]]:
    def rows() -> Iterator[Row]:
        try:
            yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        except ValidationError:
            raise
        except Exception as exc:  # a truncated or damaged sheet fails inside openpyxl, with any type
            raise _unreadable(path, exc) from exc

    return rows


def _unreadable(path: Path, exc: Exception) -> ValidationError:
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return ValidationError(
        [Problem(Msg("sheet.unreadable", name=path.name, detail=detail), path.name, Msg("sheet.unreadable.hint"))]
    )


def cell_text(value: Any) -> str:
    """A cell as text (for keys, ends and types)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return csv_unguard(str(value).strip())


def cell_value(value: Any, prop: PropertyDef) -> Any:
    """A cell as the validator takes it (None when empty); Excel numbers in text columns as text."""
    if isinstance(value, str):
        text = value.strip()
        return (csv_unguard(text) if text[:1] == "'" else text) or None
    if value is None or isinstance(value, bool) or prop.datatype != "string":
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return _pad(str(value), prop)
    return str(value)


_DIGITS = re.compile(r"\^\(?\[0-9\]\{(\d+)\}(?:\|\[0-9\]\{(\d+)\})*\)?\$")


def _pad(digits: str, prop: PropertyDef) -> str:
    """Leading zeros Excel dropped from a fixed-length number (TERYT 0201011, KRS 0000123456)."""
    if not prop.pattern or not _DIGITS.fullmatch(prop.pattern):
        return digits
    widths = sorted(int(w) for w in re.findall(r"\{(\d+)\}", prop.pattern))
    width = next((w for w in widths if w >= len(digits)), len(digits))
    return digits.zfill(width)
