"""Result rows as CSV for spreadsheets: ``;`` separated, UTF-8 with a BOM (Polish Excel), formulas guarded.

>>> csv_text(["name", "n"], [{"name": "=HYPERLINK(1)", "n": 2.5}])[1:]
"name;n\\r\\n'=HYPERLINK(1);2.5\\r\\n"
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from partnergraph.importers.sheets import escape

__all__ = ["csv_text"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    """The table as CSV text, starting with a byte-order mark."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                _cell(row.get(c))
                if isinstance(row.get(c), int | float) and not isinstance(row.get(c), bool)
                else escape(_cell(row.get(c)))
                for c in columns
            ]
        )
    return buffer.getvalue()
