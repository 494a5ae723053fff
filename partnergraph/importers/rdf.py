"""RDF import of the export's own mapping (Turtle, N-Triples, JSON-LD, RDF/XML).

The file is parsed with pyoxigraph (in file order), every class and property is checked
against the mapping — the first term the export never writes refuses the whole file, by name —
then each subject typed with a node type of models.ttl becomes a node and each ``pg:Tie``
resource (``rdf:subject`` / ``rdf:predicate`` / ``rdf:object``) a tie. Only the ``pg:``
triples are read: the aligned triples (org:, rov:, schema: …) are entailed by them. Records
are located at their subject IRI and each value at its predicate
(``graf.ttl: <https://…/org/a> pg:krs``). The base of the IRIs is recognised from the file.

A referral count the export suppressed (``pg:countSuppressed true``, no ``pg:count``) keeps the
count stored for that tie; with none stored it is a problem (copy between stores with JSON Lines).

    >>> from partnergraph.importers.base import READERS
    >>> sorted(n for n in READERS if n in ("turtle", "ntriples", "jsonld", "rdfxml"))
    ['jsonld', 'ntriples', 'rdfxml', 'turtle']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from rdflib.namespace import RDF

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, register_reader
from partnergraph.rdf.mapping import COUNT_SUPPRESSED, Mapping, compile_mapping, known_terms
from partnergraph.records import Node, Tie
from partnergraph.schema import PG, load_schema

__all__ = ["read_rdf"]

register_messages(
    {
        "rdf.imp.syntax": "this is not a valid RDF file ({format}): {detail}",
        "rdf.imp.syntax.hint": "check the file, or give the right --format",
        "rdf.imp.unknown_class": "unknown class {term}: the file uses another vocabulary than partnergraph",
        "rdf.imp.unknown_property": "unknown property {term}: the file uses another vocabulary than partnergraph",
        "rdf.imp.unknown.hint": "only RDF written by partnergraph export rdf can be imported",
        "rdf.imp.not_iri": "{what} must be the IRI of a node from a partnergraph export, not {value}",
        "rdf.imp.suppressed": "the referral count was hidden (<5) in the export, and the store has no such tie",
        "rdf.imp.suppressed.hint": "to move a store with its exact counts, use partnergraph export jsonl",
    }
)

_SUFFIX_FORMATS = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}
_TYPE = str(RDF.type)
_TIE = str(PG.Tie)


@dataclass
class _Subject:
    types: list[str] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=dict)


def _term(term: Any) -> Any:
    """An IRI as str; a literal as itself (pyoxigraph Literal); a blank node as '_:id'."""
    name = type(term).__name__
    if name == "NamedNode":
        return term.value
    if name == "BlankNode":
        return f"_:{term.value}"
    return term


def _parse(path: Path, fmt: str, mapping: Mapping) -> dict[str, _Subject]:
    """Subjects in file order with their types and predicate values; refuses unknown terms."""
    import pyoxigraph

    classes, predicates = known_terms(mapping)
    subjects: dict[str, _Subject] = {}
    try:
        with path.open("rb") as stream:
            for triple in pyoxigraph.parse(stream, format=getattr(pyoxigraph.RdfFormat, _SUFFIX_FORMATS[fmt])):
                s, p, o = _term(triple.subject), triple.predicate.value, _term(triple.object)
                entry = subjects.setdefault(s, _Subject())
                if p == _TYPE:
                    if o not in classes:
                        raise _unknown("rdf.imp.unknown_class", path, s, p, o)
                    entry.types.append(o)
                elif p not in predicates:
                    raise _unknown("rdf.imp.unknown_property", path, s, p, p)
                entry.values.setdefault(p, []).append(o)
    except SyntaxError as exc:
        where = f"{path.name}:{exc.lineno}:{exc.offset}" if exc.lineno else path.name
        detail = str(exc).split(": ", 1)[-1]
        raise ValidationError(
            [Problem(Msg("rdf.imp.syntax", format=fmt, detail=detail), where, Msg("rdf.imp.syntax.hint"))]
        ) from exc
    except OSError as exc:
        raise ValidationError([Problem(Msg("reader.unreadable", detail=exc.strerror or exc), path.name)]) from exc
    return subjects


def _unknown(message: str, path: Path, subject: str, predicate: str, term: str) -> ValidationError:
    return ValidationError(
        [
            Problem(
                Msg(message, term=f"<{term}>"), f"{path.name}: <{subject}> <{predicate}>", Msg("rdf.imp.unknown.hint")
            )
        ]
    )


@dataclass
class _Reading:
    path: Path
    mapping: Mapping
    store: GraphStore | None
    subjects: dict[str, _Subject]
    keys: dict[str, str] = field(default_factory=dict)
    """Node IRI → key, for the nodes of the file."""
    bases: set[str] = field(default_factory=set)

    def place(self, subject: str, predicate: str = "") -> str:
        return f"{self.path.name}: <{subject}>" + (f" {_short(predicate)}" if predicate else "")


def _short(iri: str) -> str:
    return "pg:" + iri[len(str(PG)) :] if iri.startswith(str(PG)) else f"<{iri}>"


def _lexical(value: Any) -> Any:
    return value if isinstance(value, str) else value.value


def _props(
    reading: _Reading, subject: str, entry: _Subject, plans: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    props: dict[str, Any] = {}
    fields: dict[str, str] = {}
    by_iri = {plan.iri: name for name, plan in plans.items()}
    for predicate, values in entry.values.items():
        name = by_iri.get(predicate)
        if name is not None:
            props[name] = _lexical(values[0]) if len(values) == 1 else [_lexical(v) for v in values]
            fields[name] = reading.place(subject, predicate)
    return props, fields


def _node_key(reading: _Reading, iri: str, type_: str) -> str | None:
    segment = reading.mapping.nodes[type_].segment
    parts = iri.split("/")
    for cut in (2, 3):
        if len(parts) > cut and parts[-cut] == segment:
            base = "/".join(parts[:-cut])
            found = reading.mapping.node_key(base, iri)
            if found is not None and found[0] == type_:
                reading.bases.add(base)
                return found[1]
    return None


def _nodes(reading: _Reading) -> Iterator[Located | Problem]:
    types = {plan.iri: name for name, plan in reading.mapping.nodes.items()}
    for subject, entry in reading.subjects.items():
        type_ = next((types[t] for t in entry.types if t in types), None)
        if type_ is None:
            continue
        key = _node_key(reading, subject, type_)
        if key is None:
            yield Problem(Msg("rdf.imp.not_iri", what=type_, value=f"<{subject}>"), reading.place(subject))
            continue
        reading.keys[subject] = key
        props, fields = _props(reading, subject, entry, reading.mapping.nodes[type_].props)
        yield Located(Node(key, type_, props), reading.place(subject), {"key": reading.place(subject), **fields})


def _end(reading: _Reading, iri: Any) -> str | None:
    if not isinstance(iri, str):
        return None
    if iri in reading.keys:
        return reading.keys[iri]
    for base in sorted(reading.bases):
        found = reading.mapping.node_key(base, iri)
        if found is not None:
            return found[1]
    return None


def _tie(reading: _Reading, subject: str, entry: _Subject) -> Located | Problem:
    def one(predicate: Any) -> Any:
        return (entry.values.get(str(predicate)) or [None])[0]

    types = {plan.iri: name for name, plan in reading.mapping.ties.items()}
    type_ = types.get(one(RDF.predicate) or "")
    if type_ is None:
        return Problem(
            Msg("rdf.imp.not_iri", what="rdf:predicate", value=one(RDF.predicate)),
            reading.place(subject, str(RDF.predicate)),
        )
    ends = []
    for predicate in (RDF.subject, RDF.object):
        key = _end(reading, one(predicate))
        if key is None:
            return Problem(
                Msg("rdf.imp.not_iri", what=_short(str(predicate)).strip("<>"), value=one(predicate)),
                reading.place(subject, str(predicate)),
            )
        ends.append(key)
    props, fields = _props(reading, subject, entry, reading.mapping.ties[type_].props)
    tie_id = unquote(subject.rsplit("/tie/", 1)[-1]) if "/tie/" in subject else ""
    if str(COUNT_SUPPRESSED) in entry.values:
        stored = reading.store.get_tie(tie_id) if reading.store is not None and tie_id else None
        if stored is None or "count" not in stored.props:
            return Problem(
                Msg("rdf.imp.suppressed"), reading.place(subject, str(COUNT_SUPPRESSED)), Msg("rdf.imp.suppressed.hint")
            )
        props.setdefault("count", stored.props["count"])
    where = reading.place(subject)
    located = {
        "start": reading.place(subject, str(RDF.subject)),
        "end": reading.place(subject, str(RDF.object)),
        **fields,
    }
    return Located(
        Tie(type_, ends[0], ends[1], props, tie_id),
        where,
        {"type": reading.place(subject, str(RDF.predicate)), **located},
    )


def read_rdf(path: Path, format: str = "turtle", store: GraphStore | None = None) -> Iterator[Located | Problem]:
    """Nodes, then ties, of an RDF file written by ``partnergraph export rdf``."""
    mapping = compile_mapping(store.schema if store is not None else load_schema())
    reading = _Reading(path, mapping, store, _parse(path, format, mapping))
    yield from _nodes(reading)
    for subject, entry in reading.subjects.items():
        if _TIE in entry.types:
            yield _tie(reading, subject, entry)


def _register(name: str) -> None:
    def reader(path: Path, store: GraphStore | None = None) -> Iterator[Located | Problem]:
        return read_rdf(path, name, store)

    reader.__doc__ = f"RDF ({name}) written by partnergraph export rdf."
    register_reader(name)(reader)


for _name in _SUFFIX_FORMATS:
    _register(_name)
