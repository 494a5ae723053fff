r"""The datatypes of property values, in one place: parsing, validation, rendering and JSON.

Each datatype models.ttl gives a property (``string``, ``integer``, ``decimal``, ``boolean``,
``date``) is one :class:`Datatype` in :data:`DATATYPES`, offering

* ``parse`` — from what users type in spreadsheets, CLIs, forms and JSON: dates as
  ``2024-03-01`` or ``01.03.2024``, numbers with a decimal comma and spaces or non-breaking
  spaces as thousands separators (``1 234,50``), yes/no in Polish and English; raises
  :class:`ValueError`;
* ``validate`` — ``parse`` and ``check`` (numeric range, text hygiene) as
  :class:`~partnergraph.errors.Problem`\ s at the property;
* ``text`` — plain text for the CLI, CSV and spreadsheets (``tak``/``yes``, ``1234,5`` in Polish,
  ``2024-03-01``), which ``parse`` reads back to the same value;
* ``display`` — for reading on the web pages (``1 234,5``, ``01.03.2024`` in Polish);
* ``lexical`` — the XSD form for machines (``true``, ``2024-03-01``, ``1234.5``);
* ``cell`` — an XLSX cell (typed; text guarded by :func:`csv_safe`);
* ``to_json`` / ``from_json``.

The functions of the same names pick the datatype from a Python value. :func:`csv_safe` is the
one guard of every CSV and spreadsheet writer against formula injection.

    >>> DATE.parse("01.03.2024"), DECIMAL.parse("1 234,50"), BOOLEAN.parse("tak")
    (datetime.date(2024, 3, 1), 1234.5, True)
    >>> text(1234.5), display(1234.5), text(True, "en"), display(dt.date(2024, 3, 1)), to_json(dt.date(2024, 3, 1))
    ('1234,5', '1234,5', 'yes', '01.03.2024', '2024-03-01')
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from partnergraph.errors import Problem
from partnergraph.i18n import Msg, Plural, current_language, register_messages

if TYPE_CHECKING:
    from partnergraph.schema import PropertyDef

__all__ = [
    "ANY_CONTROL",
    "BOOLEAN",
    "CONTROL",
    "DATATYPES",
    "DATE",
    "DECIMAL",
    "FORMULA",
    "FREE_TEXT",
    "INTEGER",
    "PARSERS",
    "TEXT",
    "TEXT_LIMIT",
    "Datatype",
    "ThousandsDot",
    "Value",
    "control_problem",
    "csv_safe",
    "csv_unguard",
    "datatype_of",
    "display",
    "from_json",
    "lexical",
    "parse_boolean",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "parse_text",
    "text",
    "to_json",
    "too_long_problem",
]

Value = str | int | float | bool | dt.date
Json = str | int | float | bool

register_messages(
    {
        "value.yes": "yes",
        "value.no": "no",
        "val.thousands_dot": "{value!r} is ambiguous: a dot between groups of three digits is a thousands separator in Polish writing "
        "and a decimal point in English",
        "val.thousands_dot.hint": "write {plain}, or with spaces: {spaced}{fraction}",
        "val.thousands_dot.fraction": "; write a decimal fraction with a comma: {comma}",
        "val.control": "{name} contains the control character {char} (character {position}): {value}",
        "val.control.hint": "remove it — control characters (NUL, ESC, backspace …) can change a terminal or pass for another "
        "name{allowed}",
        "val.too_long": Plural(
            "{name} has {length} character; a value may have at most {limit}: {start}…",
            "{name} has {length} characters; a value may have at most {limit}: {start}…",
            n="length",
        ),
        "val.too_long.hint": "shorten the text or split it (keep longer documents outside the store and link to them)",
        "val.control.free_text": "; tab and new line are allowed in this field",
    }
)

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters never stored in a single-line value: C0 and C1 controls (tab, line feed and carriage return
are checked apart), DEL, bidirectional overrides (a name could display as another) and lone surrogates."""
ANY_CONTROL = re.compile("[\t\n\r]|" + CONTROL.pattern)
""":data:`CONTROL` and tab, line feed, carriage return: what a single-line value may not hold."""
FREE_TEXT = frozenset({"description", "note"})
"""Free-text properties, where tab and new line are allowed."""
TEXT_LIMIT = 32_000
"""The longest text value, the same for every way in (CSV, XLSX, JSON Lines, RDF, the CLI, the web):
below the 32,767 characters one spreadsheet cell holds, with room for the formula guard's quote, so
that every stored value can be exported to every format and imported back."""
FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection)."""

_TRUE = {"true", "tak", "t", "yes", "y", "1", "prawda"}
_FALSE = {"false", "nie", "n", "no", "0", "fałsz", "falsz"}
_PL_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_THOUSANDS_DOT = re.compile(r"^[-+]?[1-9]\d{0,2}(\.\d{3})+$")  # 12.500, 1.000.000: Polish thousands dots
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an XLSX cell cannot hold
_NBSP = "\u00a0"


class ThousandsDot(ValueError):
    """A number written with dots between groups of three digits (``12.500``): 12,500 in Polish
    writing, 12.5 in English — too ambiguous to guess.

        >>> parse_decimal("12.500")
        Traceback (most recent call last):
        ...
        partnergraph.values.ThousandsDot: 12.500
    """


class Datatype(ABC):
    """One datatype: how its values are read, checked, shown and coded (subclasses override)."""

    name: ClassVar[str]
    python: ClassVar[type]

    @abstractmethod
    def parse(self, raw: Any) -> Value:
        """The typed value of ``raw`` (user text, a spreadsheet cell, JSON); raises ValueError."""

    def check(self, value: Any, prop: PropertyDef) -> list[Problem]:
        """Problems of a parsed value as ``prop``'s value (none by default)."""
        return []

    def read(self, raw: Any, prop: PropertyDef) -> tuple[Value | None, list[Problem]]:
        """``parse``, a failure as the problem a user reads."""
        try:
            return self.parse(raw), []
        except ThousandsDot:
            return None, [_thousands_problem(prop.name, str(raw))]
        except (ValueError, TypeError, OverflowError):
            kind = "text" if self.name == "string" else self.name
            return None, [Problem(Msg(f"val.bad_{kind}", value=raw), prop.name)]

    def validate(self, raw: Any, prop: PropertyDef) -> tuple[Value | None, list[Problem]]:
        """``raw`` parsed and checked: the value, or None and the problems."""
        value, problems = self.read(raw, prop)
        problems = problems or self.check(value, prop)
        return (None if problems else value), problems

    def text(self, value: Any, language: str | None = None) -> str:
        """Plain text (CLI, CSV, spreadsheets) that :meth:`parse` reads back to ``value``."""
        return str(value)

    def display(self, value: Any, language: str | None = None, digits: int = 3) -> str:
        """The value for reading on a page."""
        return self.text(value, language)

    def lexical(self, value: Any) -> str:
        """The XSD lexical form (research CSV, GraphML, RDF)."""
        return str(to_json(value))

    def cell(self, value: Any) -> Any:
        """An XLSX cell: the typed value (text guarded by :func:`csv_safe`)."""
        return value

    def to_json(self, value: Any) -> Json:
        return value  # type: ignore[no-any-return]

    def from_json(self, raw: Any) -> Value:
        return raw if type(raw) is self.python else self.parse(raw)  # type: ignore[return-value]


class Text(Datatype):
    name, python = "string", str

    def parse(self, raw: Any) -> str:
        """Text; numbers become their decimal form."""
        if isinstance(raw, str):
            return raw.strip()
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return str(raw)
        raise ValueError(raw)

    def check(self, value: Any, prop: PropertyDef) -> list[Problem]:
        """Control characters (tab and new line allowed in :data:`FREE_TEXT`) and :data:`TEXT_LIMIT`."""
        if (CONTROL if prop.name in FREE_TEXT else ANY_CONTROL).search(value):
            return [control_problem(prop.label(), value, prop.name)]
        if len(value) > TEXT_LIMIT:
            return [too_long_problem(prop.label(), value, prop.name)]
        return []

    def cell(self, value: Any) -> Any:
        return _XLSX_ILLEGAL.sub("", csv_safe(value))

    def lexical(self, value: Any) -> str:
        return str(value)


class _Number(Datatype):
    def check(self, value: Any, prop: PropertyDef) -> list[Problem]:
        """The bounds of models.ttl (``sh:minInclusive`` / ``sh:maxInclusive``)."""
        low, high = prop.minimum, prop.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = {"low": _bound(low), "high": _bound(high)}
            return [Problem(Msg("val.range", name=prop.name, value=value, **bounds), prop.name)]
        return []

    def display(self, value: Any, language: str | None = None, digits: int = 3) -> str:
        """At most ``digits`` decimals, trailing zeros dropped; Polish: decimal comma, groups of
        three split by a non-breaking space from five digits on (1234, 12 345)."""
        polish = (language or current_language()) == "pl"
        shown = f"{value:.{digits}f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        sign, shown = ("-", shown[1:]) if shown.startswith("-") else ("", shown)
        whole, _, fraction = shown.partition(".")
        whole = _group(whole, _NBSP if polish else ",", polish)
        if fraction:
            return f"{sign}{whole}{',' if polish else '.'}{fraction}"
        return sign + whole if whole != "0" or not sign else whole


class Integer(_Number):
    name, python = "integer", int

    def parse(self, raw: Any) -> int:
        """A whole number from an int, an integral float or digits with optional spaces."""
        if isinstance(raw, bool):
            raise ValueError(raw)
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, str):
            digits = _SPACES.sub("", raw)
            if _THOUSANDS_DOT.match(digits):
                raise ThousandsDot(raw)
            return int(digits)
        raise ValueError(raw)


class Decimal(_Number):
    name, python = "decimal", float

    def parse(self, raw: Any) -> float:
        """A number; a decimal comma and thousands spaces are accepted."""
        if isinstance(raw, bool):
            raise ValueError(raw)
        if isinstance(raw, int | float):
            number = float(raw)
        elif isinstance(raw, str):
            digits = _SPACES.sub("", raw)
            if _THOUSANDS_DOT.match(digits):
                raise ThousandsDot(raw)
            number = float(digits.replace(",", "."))
        else:
            raise ValueError(raw)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(raw)
        return number

    def text(self, value: Any, language: str | None = None) -> str:
        """Every digit, ``.0`` dropped; a decimal comma in Polish (``36500,5``)."""
        shown = self.lexical(value)
        return shown.replace(".", ",") if (language or current_language()) == "pl" else shown

    def lexical(self, value: Any) -> str:
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)


class Boolean(Datatype):
    name, python = "boolean", bool

    def parse(self, raw: Any) -> bool:
        """A yes/no value: a bool, 0/1 or tak/nie/true/false/yes/no."""
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str):
            word = raw.strip().casefold()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        raise ValueError(raw)

    def text(self, value: Any, language: str | None = None) -> str:
        """``tak`` / ``nie`` in Polish, ``yes`` / ``no`` in English: the one way a person reads a boolean."""
        return Msg("value.yes" if value else "value.no").render(language)

    def lexical(self, value: Any) -> str:
        return "true" if value else "false"


class Date(Datatype):
    name, python = "date", dt.date

    def parse(self, raw: Any) -> dt.date:
        """A date from a date, ``YYYY-MM-DD`` or ``DD.MM.YYYY``."""
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            written = raw.strip()
            match = _PL_DATE.match(written)
            if match:
                day, month, year = (int(g) for g in match.groups())
                return dt.date(year, month, day)
            if _ISO_DATE.match(written):  # not fromisoformat's other forms: week dates (2024-W09-5), 20240301
                return dt.date.fromisoformat(written)
        raise ValueError(raw)

    def text(self, value: Any, language: str | None = None) -> str:
        return str(value.isoformat())

    def display(self, value: Any, language: str | None = None, digits: int = 3) -> str:
        """01.03.2024 in Polish, 2024-03-01 in English."""
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.strftime("%d.%m.%Y") if (language or current_language()) == "pl" else day.isoformat()

    def to_json(self, value: Any) -> Json:
        return str(value.isoformat())

    def from_json(self, raw: Any) -> Value:
        return self.parse(raw)


TEXT, INTEGER, DECIMAL, BOOLEAN, DATE = Text(), Integer(), Decimal(), Boolean(), Date()
DATATYPES: dict[str, Datatype] = {d.name: d for d in (TEXT, INTEGER, DECIMAL, BOOLEAN, DATE)}
"""XSD datatype local name (as models.ttl gives it) → its datatype."""
PARSERS: dict[str, Callable[[Any], Value]] = {name: d.parse for name, d in DATATYPES.items()}
parse_text, parse_integer, parse_decimal, parse_boolean, parse_date = (
    TEXT.parse,
    INTEGER.parse,
    DECIMAL.parse,
    BOOLEAN.parse,
    DATE.parse,
)


def datatype_of(value: Any) -> Datatype | None:
    """The datatype of a typed Python value (None for None, lists and other objects)."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return DECIMAL
    if isinstance(value, dt.date):
        return DATE
    return TEXT if isinstance(value, str) else None


def text(value: Any, language: str | None = None) -> str:
    """:meth:`Datatype.text` of ``value`` (None: empty; other objects: ``str``)."""
    datatype = datatype_of(value)
    return datatype.text(value, language) if datatype else ("" if value is None else str(value))


def display(value: Any, language: str | None = None, digits: int = 3) -> str:
    """:meth:`Datatype.display` of ``value`` (None: empty; other objects: ``str``)."""
    datatype = datatype_of(value)
    return datatype.display(value, language, digits) if datatype else ("" if value is None else str(value))


def lexical(value: Any) -> str:
    """:meth:`Datatype.lexical` of ``value`` (None: empty)."""
    datatype = datatype_of(value)
    return datatype.lexical(value) if datatype else ("" if value is None else str(value))


def to_json(value: Value) -> Json:
    """A JSON-ready form of a typed value (dates as ISO strings)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def from_json(datatype: str, raw: Any) -> Value:
    """The typed value of a JSON value of ``datatype`` (dates from ISO strings)."""
    return DATATYPES[datatype].from_json(raw)


def csv_safe(value: Any, render: Callable[[Any], str] = text) -> str:
    """``value`` as the text of a CSV or spreadsheet cell that no spreadsheet runs as a formula.

    ``render`` makes the text (default: :func:`text`, in the current language). A number stays
    as it is (``-5`` is a number, not a formula); any other text starting with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return (after any quotes) gets a leading quote (OWASP CSV
    injection guidance), which :func:`csv_unguard` takes off again when the cell is imported.

        >>> csv_safe(-5), csv_safe(-0.5), csv_safe("=1+1"), csv_safe("-5"), csv_safe(True), csv_safe(None)
        ('-5', '-0,5', "'=1+1", "'-5", 'tak', '')
    """
    shown = render(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return shown
    return "'" + shown if shown.lstrip("'").startswith(FORMULA) else shown


def csv_unguard(cell: str) -> str:
    """A cell's text without the quote :func:`csv_safe` put before a formula-like value.

    >>> csv_unguard("'=1+1"), csv_unguard("''=1"), csv_unguard("'tak")
    ('=1+1', "'=1", "'tak")
    """
    stripped = cell.lstrip("'")
    return cell[1:] if stripped != cell and stripped.startswith(FORMULA) else cell


def too_long_problem(name: str, value: str, where: str = "") -> Problem:
    """The problem of a text value longer than :data:`TEXT_LIMIT`."""
    return Problem(
        Msg("val.too_long", name=name, length=len(value), limit=TEXT_LIMIT, start=value[:40]),
        where,
        Msg("val.too_long.hint"),
    )


def control_problem(name: str, value: str, where: str = "") -> Problem:
    """The problem of ``value`` (of the field called ``name``) holding a control character."""
    found = ANY_CONTROL.search(value) or CONTROL.search(value)
    position = found.start() if found else 0
    shown = repr(value[max(0, position - 20) : position + 20])
    allowed = Msg("val.control.free_text") if where in FREE_TEXT else ""
    char = repr(value[position]) if found else "?"
    return Problem(
        Msg("val.control", name=name, char=char, position=position + 1, value=shown),
        where,
        Msg("val.control.hint", allowed=allowed),
    )


def _thousands_problem(where: str, raw: str) -> Problem:
    groups = raw.strip().split(".")
    fraction = Msg("val.thousands_dot.fraction", comma=",".join(groups).rstrip("0")) if len(groups) == 2 else ""
    hint = Msg("val.thousands_dot.hint", plain="".join(groups), spaced=" ".join(groups), fraction=fraction)
    return Problem(Msg("val.thousands_dot", value=raw), where, hint)


def _bound(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _group(digits: str, separator: str, polish: bool) -> str:
    if polish and len(digits) <= 4:  # Polish style leaves four-digit numbers ungrouped (1234, 12 345)
        return digits
    groups: list[str] = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    return separator.join([digits, *groups])
