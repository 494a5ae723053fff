"""SPARQL over the current graph: SELECT, ASK, CONSTRUCT and DESCRIBE on the RDF export.

The store is exported with :func:`partnergraph.rdf.export.raw_triples` (the same mapping,
privacy and IRIs as ``partnergraph export rdf``) into an in-memory engine — pyoxigraph when
installed, else rdflib (:mod:`partnergraph.exports.sparql_engines`) — built once per store
write version and privacy choice, and reused until the store changes. Queries may use the
prefixes of the export and of models.ttl without declaring them (``pg:``, ``org:``, ``kind:``,
``mtype:`` …, and ``id:`` for the IRIs of nodes). The graph is read only: SPARQL Update is
refused. Example queries ship with the package (:func:`examples`), one ``.rq`` file each,
documented in their header comments::

    # title@pl: …            # title@en: …
    # pl: what the query answers, in Polish
    # en: the same in English

    >>> sorted(examples())[:2]
    ['cooperatives-per-municipality-type', 'founded-by-municipality']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from rdflib import Graph

from partnergraph.errors import NotFoundError, Problem, ValidationError
from partnergraph.exports.sparql_engines import EngineName, default_engine, load, prefixes, run
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.rdf.mapping import DEFAULT_BASE

__all__ = ["Example", "QueryResult", "example", "examples", "load_query", "rdf_graph", "run_query"]

register_messages(
    {
        "sparql.syntax": "SPARQL query, line {line}, column {column}: syntax error ({detail})",
        "sparql.syntax.hint": "check brackets, full stops and prefixes; examples: partnergraph sparql --list",
        "sparql.invalid": "SPARQL query: {detail}",
        "sparql.no_file": "there is no query file {path}",
        "sparql.no_file.hint": "give the path of an .rq file or the query text",
        "sparql.no_example": "there is no example query {name!r}",
        "sparql.no_example.hint": "available: {names}",
        "sparql.update": "SPARQL query: read only (SELECT, ASK, CONSTRUCT, DESCRIBE); change the data by importing",
    }
)

QUERIES = "queries"
"""The package folder of example queries (partnergraph/exports/queries/*.rq)."""

Kind = Literal["select", "ask", "graph"]


@dataclass(frozen=True)
class Example:
    """A documented example query."""

    name: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    text: str

    def title(self, language: str = "pl") -> str:
        return self.titles.get(language) or self.titles.get("pl") or self.name

    def description(self, language: str = "pl") -> str:
        return self.descriptions.get(language) or self.descriptions.get("pl", "")


def _example(name: str, text: str) -> Example:
    titles: dict[str, str] = {}
    descriptions: dict[str, list[str]] = {"pl": [], "en": []}
    current = "en"
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        tag, sep, rest = line.lstrip("#").strip().partition(":")
        if sep and tag in ("title@pl", "title@en"):
            titles[tag[-2:]] = rest.strip()
        elif sep and tag in ("pl", "en"):
            current = tag
            descriptions[current].append(rest.strip())
        elif line.lstrip("#").strip():
            descriptions[current].append(line.lstrip("#").strip())
    return Example(name, titles, {k: " ".join(v) for k, v in descriptions.items() if v}, text)


def examples() -> dict[str, Example]:
    """The shipped example queries by name (file name without ``.rq``), sorted."""
    folder = resources.files("partnergraph.exports").joinpath(QUERIES)
    found = {
        f.name[:-3]: _example(f.name[:-3], f.read_text(encoding="utf-8"))
        for f in folder.iterdir()
        if f.name.endswith(".rq")
    }
    return dict(sorted(found.items()))


def example(name: str) -> Example:
    """The example query ``name`` (NotFoundError listing the names if there is none)."""
    found = examples()
    if name not in found:
        raise NotFoundError(
            Msg("sparql.no_example", name=name), hint=Msg("sparql.no_example.hint", names=", ".join(found))
        )
    return found[name]


def load_query(query: str) -> str:
    """The query text: ``query`` itself, or the contents of the file it names (``*.rq``, ``*.sparql``, or any existing file)."""
    text = query.strip()
    if "\n" in text or len(text) > 1024 or "{" in text:
        return query
    path = Path(text)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if text.endswith((".rq", ".sparql")):
        raise NotFoundError(Msg("sparql.no_file", path=text), hint=Msg("sparql.no_file.hint"))
    return query


def rdf_graph(store: GraphStore, *, include_private: bool = False, base: str | None = None) -> Graph:
    """The store as an rdflib graph (cached until the store's write version changes)."""
    return cast(Graph, load(store, "rdflib", base or DEFAULT_BASE, include_private))


@dataclass
class QueryResult:
    """Rows of a SELECT (columns = its variables), one ``ask`` row, or the triples of a CONSTRUCT."""

    kind: Kind
    columns: list[str]
    rows: list[dict[str, Any]]
    """JSON values: numbers and booleans typed, dates as ISO text, IRIs as text, blank nodes ``_:id``."""
    turtle: str = field(default="", repr=False)
    """The constructed triples as Turtle (CONSTRUCT / DESCRIBE)."""
    prefixes: dict[str, str] = field(default_factory=dict, repr=False)
    engine: str = ""

    def compact(self, text: Any) -> Any:
        """An IRI shortened with a known prefix for reading (``kind:social_cooperative``, ``id:org/ces-kwilcz``)."""
        if not isinstance(text, str) or "://" not in text:
            return text
        best = max((ns for ns in self.prefixes.values() if text.startswith(ns)), key=len, default=None)
        if best is None or not text[len(best) :]:
            return text
        prefix = next(p for p, ns in self.prefixes.items() if ns == best)
        return f"{prefix}:{text[len(best) :]}"

    def compact_rows(self) -> list[dict[str, Any]]:
        return [{k: self.compact(v) for k, v in row.items()} for row in self.rows]


def _syntax_error(exc: Exception) -> ValidationError:
    line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
    detail = str(getattr(exc, "msg", "") or exc).strip().splitlines()[0][:200]
    if line is None:
        return ValidationError([Problem(Msg("sparql.invalid", detail=detail), "", Msg("sparql.syntax.hint"))])
    return ValidationError(
        [Problem(Msg("sparql.syntax", line=line, column=column, detail=detail), "", Msg("sparql.syntax.hint"))]
    )


def _is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update (INSERT, DELETE …), which is refused: the graph is read only."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # not an update either: the caller reports the query's own syntax error
        return False
    return True


def _parse(text: str, prefixes: dict[str, str]) -> Any:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text, initNs=prefixes)
    except ParseBaseException as exc:
        if _is_update(text):
            raise ValidationError([Problem(Msg("sparql.update"))]) from exc
        raise _syntax_error(exc) from exc
    except Exception as exc:  # rdflib reports unknown prefixes and bad algebra as plain Exception
        raise _syntax_error(exc) from exc


def run_query(
    store: GraphStore,
    text: str,
    *,
    include_private: bool = False,
    base: str | None = None,
    engine: EngineName | None = None,
) -> QueryResult:
    """Run the SPARQL query ``text`` over the store's current graph (``engine``: the fastest installed by default).

    The syntax is checked with rdflib's parser first, whichever engine runs the query, so that
    an error names its line and column the same way.
    """
    base = base or DEFAULT_BASE
    names = prefixes(store, base)
    _parse(text, names)
    engine = engine or default_engine()
    try:
        answer = run(load(store, engine, base, include_private), engine, text, names)
    except SyntaxError as exc:  # pyoxigraph refused what rdflib's parser accepted
        raise ValidationError(
            [Problem(Msg("sparql.invalid", detail=str(exc).splitlines()[0][:200]), "", Msg("sparql.syntax.hint"))]
        ) from exc
    return QueryResult(answer.kind, answer.columns, answer.rows, answer.turtle, names, engine)
