"""Typed property values: parsing what users type in spreadsheets, CLIs and JSON.

Dates are accepted as ``2024-03-01`` or ``01.03.2024``; numbers with a decimal comma and
spaces or non-breaking spaces as thousands separators (``1 234,50``); yes/no values in Polish
and English. Each parser returns the typed value or raises :class:`ValueError`.

    >>> parse_date("01.03.2024")
    datetime.date(2024, 3, 1)
    >>> parse_decimal("1 234,50")
    1234.5
    >>> parse_boolean("tak")
    True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "PARSERS",
    "ThousandsDot",
    "Value",
    "parse_boolean",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "to_json",
]

Value = str | int | float | bool | dt.date

_TRUE = {"true", "tak", "t", "yes", "y", "1", "prawda"}
_FALSE = {"false", "nie", "n", "no", "0", "fałsz", "falsz"}
_PL_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_THOUSANDS_DOT = re.compile(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$")  # 12.500, 1.000.000: Polish thousands dots


class ThousandsDot(ValueError):
    """A number written with dots between groups of three digits (``12.500``): 12,500 in Polish
    writing, 12.5 in English — too ambiguous to guess.

        >>> parse_decimal("12.500")
        Traceback (most recent call last):
        ...
        partnergraph.values.ThousandsDot: 12.500
    """


def parse_text(value: Any) -> str:
    """Text; numbers become their decimal form."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(value)


def parse_date(value: Any) -> dt.date:
    """A date from a date, ``YYYY-MM-DD`` or ``DD.MM.YYYY``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = _PL_DATE.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if _ISO_DATE.match(text):  # not fromisoformat's other forms: week dates (2024-W09-5), 20240301
            return dt.date.fromisoformat(text)
    raise ValueError(value)


def parse_integer(value: Any) -> int:
    """A whole number from an int, an integral float or digits with optional spaces."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = _SPACES.sub("", value)
        if _THOUSANDS_DOT.match(text):
            raise ThousandsDot(value)
        return int(text)
    raise ValueError(value)


def parse_decimal(value: Any) -> float:
    """A number; a decimal comma and thousands spaces are accepted."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = _SPACES.sub("", value)
        if _THOUSANDS_DOT.match(text):
            raise ThousandsDot(value)
        number = float(text.replace(",", "."))
    else:
        raise ValueError(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(value)
    return number


def parse_boolean(value: Any) -> bool:
    """A yes/no value: a bool, 0/1 or tak/nie/true/false/yes/no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError(value)


# XSD datatype local name → parser.
PARSERS: dict[str, Callable[[Any], Value]] = {
    "string": parse_text,
    "date": parse_date,
    "integer": parse_integer,
    "decimal": parse_decimal,
    "boolean": parse_boolean,
}


def to_json(value: Value) -> str | int | float | bool:
    """A JSON-ready form of a typed value (dates as ISO strings)."""
    return value.isoformat() if isinstance(value, dt.date) else value
