r"""How values look on the pages: Polish numbers (decimal comma, non-breaking-space thousands) and dates.

>>> from partnergraph.i18n import use_language
>>> number(12345.678), number(0.5), number(1234), number(True), date_text("2024-03-01")
('12\xa0345,678', '0,5', '1234', 'tak', '01.03.2024')
>>> with use_language("en"):
...     number(12345.678), date_text("2024-03-01")
('12,345.678', '2024-03-01')
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from partnergraph.i18n import current_language, t
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["cell", "date_text", "number", "timestamp"]

_NBSP = "\u00a0"


def _group(digits: str, separator: str, polish: bool) -> str:
    if polish and len(digits) <= 4:  # Polish style leaves four-digit numbers ungrouped (1234, 12 345)
        return digits
    groups: list[str] = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    return separator.join([digits, *groups])


def number(value: Any, digits: int = 3) -> str:
    """A number for reading: at most ``digits`` decimals, trailing zeros dropped."""
    if isinstance(value, bool):
        return t("web.yes") if value else t("web.no")
    if not isinstance(value, int | float):
        return str(value)
    polish = current_language() == "pl"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    whole = _group(whole, _NBSP if polish else ",", polish)
    if fraction:
        return f"{sign}{whole}{',' if polish else '.'}{fraction}"
    return sign + whole if whole != "0" or not sign else whole


def date_text(value: Any) -> str:
    """A date as 01.03.2024 (Polish) or 2024-03-01 (English); other values unchanged."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if current_language() == "pl" else value.isoformat()
    return "" if value is None else str(value)


def timestamp(value: str) -> str:
    """An ISO 8601 UTC time (the change log's) as ``02.12.2026 13:53`` / ``2026-12-02 13:53``."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{date_text(moment.date())} {moment:%H:%M}"


def cell(value: Any) -> str:
    """A table cell: numbers and dates formatted, lists joined, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, bool | int | float):
        return number(value)
    if isinstance(value, dt.date):
        return date_text(value)
    return str(value)
