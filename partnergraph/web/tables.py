"""Result rows as CSV for spreadsheets: ``;`` separated, UTF-8 with a BOM (Polish Excel), formulas guarded.

Values as :func:`partnergraph.values.text` writes them (tak/nie, a decimal comma in Polish), every
cell through :func:`partnergraph.values.csv_safe`, like the CLI's CSV output.

>>> csv_text(["name", "n"], [{"name": "=HYPERLINK(1)", "n": 2.5}])[1:]
"name;n\\r\\n'=HYPERLINK(1);2,5\\r\\n"
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from partnergraph.values import csv_safe, text

__all__ = ["csv_text"]


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return text(value)


def csv_text(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    """The table as CSV text, starting with a byte-order mark."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe(row.get(c), _cell) for c in columns])
    return buffer.getvalue()
