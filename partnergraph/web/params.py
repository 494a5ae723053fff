"""An analysis's parameters as a GET form: the fields, and parsing what comes back.

Lists, dates and text go through :meth:`~partnergraph.queries.base.Param.parse`, as on the
CLI; ``int``, ``float``, ``bool`` and ``choice``, which click parses for the CLI, are parsed
here. Every bad field is reported at once, naming the field.

    >>> from partnergraph.queries.base import Param
    >>> parse_form([Param("top", "int", "", default=50), Param("kinds", "list", "")], {"top": "10", "kinds": "ngo, ces"})
    {'top': 10, 'kinds': ('ngo', 'ces')}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from partnergraph.errors import ConfigError, Problem, ValidationError
from partnergraph.i18n import Msg
from partnergraph.queries.base import Param
from partnergraph.values import parse_boolean, parse_decimal, parse_integer
from partnergraph.web import messages  # noqa: F401  (registers the web.* texts)

__all__ = ["form_value", "missing_required", "parse_form"]

_PARSERS: dict[str, Any] = {"int": parse_integer, "float": parse_decimal}


def _parse(param: Param, raw: str) -> Any:
    if param.kind == "bool":
        return True if raw == "on" else parse_boolean(raw)
    if raw.strip() == "":
        return param.default
    if param.kind == "choice" and param.choices and raw not in param.choices:
        raise ValueError(raw)
    parser = _PARSERS.get(param.kind)
    return parser(raw.strip()) if parser else param.parse(raw.strip())


def _problem(param: Param, raw: str) -> Problem:
    what = (
        Msg("web.an.what_choice", choices=", ".join(param.choices))
        if param.kind == "choice"
        else Msg(f"web.an.what_{param.kind}")
    )
    return Problem(Msg("web.an.bad_value", name=param.name, value=raw, what=what))


def parse_form(params: Sequence[Param], args: Mapping[str, str]) -> dict[str, Any]:
    """The analysis's keyword arguments from form values (ValidationError listing every bad field).

    An unticked checkbox sends nothing: a ``bool`` parameter is False when the form was sent
    (``run`` present) and its default otherwise.
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for param in params:
        raw = args.get(param.name)
        if raw is None:
            values[param.name] = ("run" not in args and bool(param.default)) if param.kind == "bool" else param.default
            continue
        try:
            values[param.name] = _parse(param, raw)
        except (ValueError, ConfigError):
            problems.append(_problem(param, raw))
    if problems:
        raise ValidationError(problems)
    return values


def missing_required(params: Sequence[Param], args: Mapping[str, str]) -> list[Param]:
    """The required parameters with no value in ``args``."""
    return [p for p in params if p.required and not str(args.get(p.name, "")).strip()]


def form_value(param: Param, args: Mapping[str, str]) -> str:
    """What the form field shows: the value given, else the default (lists comma-joined)."""
    if param.name in args:
        return str(args[param.name])
    if param.default is None or param.kind == "bool":
        return ""
    if isinstance(param.default, list | tuple):
        return ",".join(str(v) for v in param.default)
    return str(param.default)
