r"""How values look on the pages: :func:`partnergraph.values.display` (Polish numbers with a decimal
comma and non-breaking-space thousands, 01.03.2024 dates, tak/nie) under the names the templates use.

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

import flask_babel
from babel.dates import format_datetime, get_timezone
from flask import has_app_context

from partnergraph.i18n import current_language
from partnergraph.values import DATE, display
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["cell", "date_text", "number", "timestamp"]


def number(value: Any, digits: int = 3) -> str:
    """A number (or yes/no) for reading: at most ``digits`` decimals, trailing zeros dropped; other values as text."""
    return display(value, digits=digits) if isinstance(value, int | float) else str(value)


def date_text(value: Any) -> str:
    """A date (or an ISO date string) as 01.03.2024 (Polish) or 2024-03-01 (English); other values unchanged."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.date):
        return DATE.display(value)
    return "" if value is None else str(value)


_CLOCK = {"pl": "dd.MM.yyyy HH:mm", "en": "yyyy-MM-dd HH:mm"}


def timestamp(value: str) -> str:
    """An ISO 8601 UTC time (the change log's) on the local clock: ``02.12.2026 14:53`` / ``2026-12-02 14:53``.

    The time zone is the app's ``BABEL_DEFAULT_TIMEZONE`` (Europe/Warsaw), through Flask-Babel
    (outside a request, Europe/Warsaw); winter and summer time are Babel's.

    >>> timestamp("2026-12-02T13:53:00Z"), timestamp("2026-07-02T13:53:00Z"), timestamp("not a time")
    ('02.12.2026 14:53', '02.07.2026 15:53', 'not a time')
    """
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    pattern = _CLOCK.get(current_language(), _CLOCK["en"])
    if has_app_context():
        return str(flask_babel.format_datetime(moment, pattern))
    return str(format_datetime(moment, pattern, tzinfo=get_timezone("Europe/Warsaw"), locale=current_language()))


def cell(value: Any) -> str:
    """A table cell: numbers, yes/no and dates formatted, lists joined, None empty."""
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    return display(value)
