"""What every analysis shares: parameters declared as data, typed rows, and the result record.

An analysis module declares its analyses in ``ANALYSES`` (a tuple of :class:`Analysis`); the
CLI builds ``partnergraph analyze NAME`` from each (one option per :class:`Param`) and the web
builds a form from the same declaration. The analysis itself is a plain function
``run(store, **params) -> Result``, usable from Python::

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> from partnergraph.queries.overview import overview        # doctest: +SKIP
    >>> overview(SqliteStore(":memory:")).rows                   # doctest: +SKIP
    [...]

A :class:`Result` says which algorithm and parameters produced it; its rows are frozen
dataclasses whose fields are plain JSON values (str, int, float, bool, None, lists of those).
Counts that could identify people are suppressed *in the rows* (see
:mod:`partnergraph.queries.privacy`), so no output path can leak them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from partnergraph.errors import ConfigError, NotFoundError, Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import Graph, project
from partnergraph.i18n import Msg, register_messages, translate
from partnergraph.values import parse_date

__all__ = [
    "FILTER_PARAMS",
    "Analysis",
    "Param",
    "Result",
    "Row",
    "check_kinds",
    "check_node",
    "check_tie_types",
    "column_context",
    "filtered_graph",
    "row_columns",
    "row_labels",
]

register_messages(
    {
        "q.unknown_kind": "{param}: unknown organisation kind {value!r}",
        "q.unknown_tie_type": "{param}: unknown tie type {value!r}",
        "q.no_node": "{param}: no node with key {key!r}",
        "q.no_node.hint": "look the key up with 'partnergraph find NAME'",
        "q.bad_date": "{flag}: {value!r} is not a date; give YYYY-MM-DD or DD.MM.YYYY",
        "q.wrong_type": "{param}: {key} is a {actual}, but a {expected} is needed",
    }
)

ParamKind = Literal["text", "int", "float", "date", "bool", "choice", "list", "key"]


@dataclass(frozen=True)
class Param:
    """One parameter of an analysis: a CLI option and a web form field.

    ``kind`` decides parsing: ``list`` is comma-separated text (``FUNDS,TRADES_WITH``) given
    to the analysis as a tuple of str (or None when not given); ``key`` is a node key
    (``org:ces-kwilcz``); ``date`` accepts 2024-03-01 or 01.03.2024; ``bool`` is a flag.
    """

    name: str
    """The Python name; the CLI option is ``--name`` with ``_`` as ``-``."""
    kind: ParamKind
    help_en: str
    """The help in English, as the CLI option's ``help=``; other languages come from the gettext catalogue."""
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def help(self, language: str | None = None) -> str:
        """The help in ``language`` (default: the current one)."""
        return translate(self.help_en, None, language)

    def parse(self, raw: Any) -> Any:
        """A value typed by a user (CLI option, web form) in the kind the analysis expects.

        Empty means the default; ``list`` splits at commas; ``date`` takes 2024-03-01 or
        01.03.2024 (ConfigError naming the option otherwise). Other kinds are parsed by the face
        (click, the form) already.
        """
        if raw is None or raw == "" or raw == ():
            return self.default
        if self.kind == "list":
            items = [part.strip() for part in str(raw).split(",")]
            return tuple(item for item in items if item)
        if self.kind == "date":
            try:
                return parse_date(raw)
            except ValueError as exc:
                raise ConfigError(Msg("q.bad_date", flag=self.flag, value=raw)) from exc
        return raw


class Row(Protocol):
    """A row type: a frozen dataclass, optionally with English column labels (``LABELS``; other
    languages from the gettext catalogue, context ``column:<row type>``)."""

    LABELS: ClassVar[Mapping[str, str]]


def row_columns(row_type: type) -> list[str]:
    """The field names of a row dataclass, in order (the CSV/JSON column names)."""
    return [f.name for f in dataclasses.fields(row_type)]


def row_labels(row_type: type, language: str | None = None) -> dict[str, str]:
    """Column headers for tables: the row type's ``LABELS`` in ``language``, else the field name."""
    labels: Mapping[str, str] = getattr(row_type, "LABELS", {})
    context = column_context(row_type)
    return {
        name: translate(labels[name], context, language) if name in labels else name for name in row_columns(row_type)
    }


def column_context(row_type: type) -> str:
    """The gettext context of a row type's column labels (one English word may be two Polish ones)."""
    return f"column:{row_type.__name__}"


@dataclass
class Result:
    """What an analysis produced, with what it was produced by."""

    analysis: str
    """The analysis name (``brokerage``)."""
    algorithm: str
    """Algorithm, engine and conventions, e.g. ``"PageRank (igraph 0.11, damping 0.85)"``."""
    params: dict[str, Any]
    """The parameters as given (JSON values)."""
    rows: Sequence[Any]
    """Frozen dataclass instances, all of :attr:`row_type`."""
    row_type: type
    notes: list[str] = field(default_factory=list)
    """Things a reader must know (sampling, what was left out), in the current language."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Machine-readable extras: graph size, sample size and measured error, engine versions …"""

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts of JSON values."""
        return [dataclasses.asdict(row) for row in self.rows]

    def columns(self) -> list[str]:
        return row_columns(self.row_type)

    def labels(self, language: str | None = None) -> dict[str, str]:
        return row_labels(self.row_type, language)


@dataclass(frozen=True)
class Analysis:
    """An analysis as the faces see it: name, help, parameters, the function, an optional chart."""

    name: str
    title_en: str
    help_en: str
    """Title and help in English (the CLI's help); other languages come from the gettext catalogue."""
    params: tuple[Param, ...]
    run: Callable[..., Result]
    """``run(store, **params)``: params by :attr:`Param.name`, parsed to their kinds."""
    chart: Callable[[Result], str] | None = None
    """An SVG picture of a result (offline, no scripts), for ``--chart`` and the web."""

    def title(self, language: str | None = None) -> str:
        return translate(self.title_en, "analysis", language)

    def help(self, language: str | None = None) -> str:
        return translate(self.help_en, None, language)


FILTER_PARAMS: tuple[Param, ...] = (
    Param(
        "kinds",
        "list",
        "Only organisations of these kinds (e.g. social_cooperative,business).",
    ),
    Param(
        "tie_types",
        "list",
        "Only ties of these types (e.g. COOPERATES_WITH,TRADES_WITH).",
    ),
    Param(
        "municipality",
        "key",
        "Only organisations in this municipality (key, e.g. teryt:3014022).",
    ),
    Param(
        "as_of",
        "date",
        "The network as of this date (ties valid that day: since ≤ date ≤ until).",
    ),
)
"""The projection filters, shared by analyses over the organisation network."""


def check_kinds(store: GraphStore, kinds: Sequence[str] | None, param: str = "--kinds") -> None:
    """Refuse organisation kinds that models.ttl does not know, naming the allowed ones."""
    vocabulary = store.schema.vocabularies["OrganisationKinds"]
    bad = [k for k in kinds or () if k not in vocabulary.concepts]
    if bad:
        hint = Msg("val.types_hint", allowed=", ".join(sorted(vocabulary.concepts)))
        raise ValidationError([Problem(Msg("q.unknown_kind", param=param, value=k), "", hint) for k in bad])


def check_tie_types(store: GraphStore, tie_types: Sequence[str] | None, param: str = "--tie-types") -> None:
    """Refuse tie types that models.ttl does not know, naming the allowed ones."""
    bad = [t for t in tie_types or () if t not in store.schema.tie_types]
    if bad:
        hint = Msg("val.types_hint", allowed=", ".join(sorted(store.schema.tie_types)))
        raise ValidationError([Problem(Msg("q.unknown_tie_type", param=param, value=t), "", hint) for t in bad])


def check_node(store: GraphStore, key: str, param: str, node_type: str | None = None) -> Any:
    """The stored node ``key`` (NotFoundError naming ``param`` and the fix if there is none)."""
    node = store.get_node(key)
    if node is None:
        raise NotFoundError(Msg("q.no_node", param=param, key=key), hint=Msg("q.no_node.hint"))
    if node_type is not None and node.type != node_type:
        raise ValidationError(
            [Problem(Msg("q.wrong_type", param=param, key=key, actual=node.type, expected=node_type))]
        )
    return node


def filtered_graph(
    store: GraphStore,
    *,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
    node_types: Sequence[str] | None = ("Organisation",),
) -> Graph:
    """The organisation network (by default) with the :data:`FILTER_PARAMS` applied (names checked first)."""
    check_kinds(store, kinds)
    check_tie_types(store, tie_types)
    if municipality is not None:
        check_node(store, municipality, "--municipality", "Municipality")
    return project(
        store, node_types=node_types, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of
    )
