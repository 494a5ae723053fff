"""RDF export of a store, driven by models.ttl (see :mod:`partnergraph.rdf.mapping`).

:func:`triples` streams every triple (rdflib terms); :func:`write_rdf` writes Turtle, JSON-LD,
N-Triples or RDF/XML. N-Triples is written line by line and never holds the graph; Turtle,
JSON-LD and RDF/XML go through pyoxigraph's streaming serializers in chunks (rdflib when
pyoxigraph is missing). What is written:

* nodes: their pg: class and its aligned classes, every property as a typed literal (vocabulary
  values also as links to their SKOS concepts), register identifiers as ``adms:Identifier``
  resources (the first one is the ``rov:registration``), the address as a ``locn:Address``;
* ties: a direct triple (plus its aligned predicates) and a qualified relation
  ``{base}/tie/{id}`` (``pg:Tie``, ``rdf:Statement``) carrying the tie's properties; MEMBER_OF
  ties are also ``org:Membership`` with ``org:role`` and ``org:memberDuring``;
* the concept schemes of models.ttl, the PKD schemes, and provenance (``prov:wasGeneratedBy``
  the write of the change log, ``dcterms:modified``).

Private properties are left out unless ``include_private``; referral counts from 1 to 4 are
always replaced by ``pg:countSuppressed true`` (a lossless copy between stores is JSON Lines).

    >>> from partnergraph.graph import open_store
    >>> from partnergraph.records import Node
    >>> with open_store("sqlite:///:memory:") as s:
    ...     _ = s.upsert([Node("org:a", "Organisation", {"name": "A", "kind": "ngo"})], source="doc")
    ...     ("https://w3id.org/partnergraph/id/org/a", "https://w3id.org/partnergraph/ns#name", "A") in {
    ...         tuple(map(str, t)) for t in triples(s)}
    True
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD
from rdflib.term import Node as RdfNode

from partnergraph.errors import ConfigError, Problem, ValidationError
from partnergraph.files import atomic_file
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.privacy import SMALL_MAX, SMALL_MIN
from partnergraph.rdf.mapping import (
    ADMS,
    COUNT_SUPPRESSED,
    DEFAULT_BASE,
    LOCN,
    ROV,
    Mapping,
    NodePlan,
    PropPlan,
    TiePlan,
    compile_mapping,
    nace_match,
    prefixes,
)
from partnergraph.rdf.terms import Lit, Term, Triple, lexical, to_rdflib
from partnergraph.rdf.writers import jsonld_context, serialize, to_graph
from partnergraph.records import Node, Tie

__all__ = [
    "DEFAULT_BASE",
    "FORMATS",
    "ExportReport",
    "check_base",
    "check_format",
    "jsonld_context",
    "raw_triples",
    "to_graph",
    "triples",
    "write_rdf",
]

FORMATS = ("turtle", "jsonld", "ntriples", "rdfxml")

register_messages(
    {
        "rdf.bad_format": "unknown RDF format {name!r}",
        "rdf.bad_format.hint": "give one of: {formats}",
        "rdf.bad_base": "--base {base!r} is not an absolute http(s) IRI",
        "rdf.bad_base.hint": "e.g. https://example.org/partnergraph (no spaces, no trailing /)",
    }
)

_TYPE, _BOOL_TRUE = str(RDF.type), Lit("true", str(XSD.boolean))


@dataclass
class ExportReport:
    """What an export wrote."""

    format: str
    triples: int = 0
    nodes: int = 0
    ties: int = 0
    validated: bool = False
    problems: list[Problem] = field(default_factory=list)
    """SHACL findings (empty when valid or not validated)."""


@dataclass
class _Context:
    mapping: Mapping
    base: str
    include_private: bool
    provenance: bool
    writes: set[int] = field(default_factory=set)
    schemes: set[str] = field(default_factory=set)
    ambiguous: dict[str, str] = field(default_factory=dict)
    """Keys whose prefix several node types share (TERYT units: a bounded set) → type."""
    report: ExportReport | None = None


def check_base(base: str) -> str:
    """``base`` without a trailing slash, or a ConfigError naming --base."""
    clean = base.rstrip("/")
    if not clean.startswith(("http://", "https://")) or any(c in clean for c in ' <>"{}|\\^`'):
        raise ConfigError(Msg("rdf.bad_base", base=base), hint=Msg("rdf.bad_base.hint"))
    return clean


def _props(subject: str, plan: PropPlan, value: Any, ctx: _Context) -> Iterator[Triple]:
    lit = lexical(value, plan.datatype)
    yield subject, plan.iri, lit
    for also in plan.also:
        yield subject, also, lit
    concept = plan.concepts.get(str(value)) if plan.concepts else None
    if concept:
        for link in plan.concept_links:
            yield subject, link, concept


def _provenance(subject: str, record: Node | Tie, ctx: _Context, aux: list[Triple]) -> Iterator[Triple]:
    if not ctx.provenance or not record.version:
        return
    write = f"{ctx.base}/write/{record.version}"
    yield subject, str(PROV.wasGeneratedBy), write
    if record.updated:
        yield subject, str(DCTERMS.modified), Lit(record.updated, str(XSD.dateTime))
    if record.version not in ctx.writes:
        ctx.writes.add(record.version)
        aux.append((write, _TYPE, str(PROV.Activity)))
        aux.append((write, str(RDFS.label), Lit(record.origin or "")))
        if record.updated:
            aux.append((write, str(PROV.endedAtTime), Lit(record.updated, str(XSD.dateTime))))


def _identifiers(subject: str, node: Node, plan: NodePlan, aux: list[Triple]) -> Iterator[Triple]:
    """Links to one adms:Identifier per register number (the first is the rov:registration); the resources go to ``aux``."""
    present = [name for name in plan.identifiers if node.props.get(name) not in (None, "")]
    for index, name in enumerate(present):
        ident = f"{subject}/id/{name}"
        yield subject, str(ADMS.identifier), ident
        if index == 0 and plan.registered:
            yield subject, _TYPE, str(ROV.RegisteredOrganization)
            yield subject, str(ROV.registration), ident
        aux.append((ident, _TYPE, str(ADMS.Identifier)))
        aux.append((ident, str(SKOS.notation), Lit(str(node.props[name]))))
        aux.append((ident, str(ADMS.schemeAgency), Lit(plan.props[name].label)))


def _address(subject: str, node: Node, plan: NodePlan, aux: list[Triple]) -> Iterator[Triple]:
    parts = [
        (p.address, node.props[n]) for n, p in plan.props.items() if p.address and node.props.get(n) not in (None, "")
    ]
    if parts:
        address = f"{subject}/address"
        yield subject, str(LOCN.address), address
        aux.append((address, _TYPE, str(LOCN.Address)))
        aux.extend((address, str(predicate), Lit(str(value))) for predicate, value in parts)


def _scheme(subject: str, node: Node, plan: NodePlan, ctx: _Context, aux: list[Triple]) -> Iterator[Triple]:
    """Nodes of a skos:Concept subclass (PKD) are concepts of a scheme per classification."""
    if str(SKOS.Concept) not in plan.types or not plan.scheme_property:
        return
    name = str(node.props.get(plan.scheme_property) or "unknown")
    scheme = f"{ctx.base}/scheme/{quote(name.lower(), safe='')}"
    yield subject, str(SKOS.inScheme), scheme
    nace = nace_match(node.key)
    if nace is not None:
        yield subject, nace[0], nace[1]
    if scheme not in ctx.schemes:
        ctx.schemes.add(scheme)
        aux.append((scheme, _TYPE, str(SKOS.ConceptScheme)))
        aux.append((scheme, str(SKOS.prefLabel), Lit(name)))


def _node(node: Node, ctx: _Context) -> Iterator[Triple]:
    plan = ctx.mapping.nodes[node.type]
    subject = ctx.mapping.node_iri(ctx.base, node.type, node.key)
    for type_ in plan.types:
        yield subject, _TYPE, type_
    for name, value in sorted(node.props.items()):
        prop = plan.props.get(name)
        if prop is not None and (ctx.include_private or not prop.private) and value is not None:
            yield from _props(subject, prop, value, ctx)
    aux: list[Triple] = []
    yield from _identifiers(subject, node, plan, aux)
    yield from _address(subject, node, plan, aux)
    yield from _scheme(subject, node, plan, ctx, aux)
    yield from _provenance(subject, node, ctx, aux)
    yield from aux


def _end(key: str, ctx: _Context) -> tuple[str, str]:
    type_ = ctx.ambiguous.get(key) or ctx.mapping.prefix_types.get(key.partition(":")[0], "")
    return type_, ctx.mapping.node_iri(ctx.base, type_, key)


def _membership(resource: str, tie: Tie, plan: TiePlan, start: str, end: str) -> Iterator[Triple]:
    if plan.membership is None:
        return
    cls, member, organisation, during = plan.membership
    yield resource, _TYPE, cls
    yield resource, member, start
    yield resource, organisation, end
    if tie.props.get("since") is not None or tie.props.get("until") is not None:
        yield resource, during, f"{resource}/period"


def _period(resource: str, tie: Tie, plan: TiePlan) -> Iterator[Triple]:
    """The org:memberDuring interval (time:Interval with time:Instant ends) of a membership."""
    bounds = [(TIME.hasBeginning, "beginning", tie.props.get("since")), (TIME.hasEnd, "end", tie.props.get("until"))]
    if plan.membership is None or all(value is None for _, _, value in bounds):
        return
    period = f"{resource}/period"
    yield period, _TYPE, str(TIME.Interval)
    for predicate, name, value in bounds:
        if value is not None:
            instant = f"{period}/{name}"
            yield period, str(predicate), instant
            yield instant, _TYPE, str(TIME.Instant)
            yield instant, str(TIME.inXSDDate), lexical(value, str(XSD.date))


def _tie(tie: Tie, ctx: _Context) -> Iterator[Triple]:
    plan = ctx.mapping.ties[tie.type]
    (start_type, start), (_, end) = _end(tie.start, ctx), _end(tie.end, ctx)
    for predicate in (plan.iri, *plan.by_source.get(start_type, plan.direct)):
        yield start, predicate, end
        if plan.symmetric:
            yield end, predicate, start
    resource = f"{ctx.base}/tie/{quote(tie.id, safe='')}"
    for type_ in ctx.mapping.tie_class:
        yield resource, _TYPE, type_
    yield resource, str(RDF.subject), start
    yield resource, str(RDF.predicate), plan.iri
    yield resource, str(RDF.object), end
    yield from _membership(resource, tie, plan, start, end)
    for name, value in sorted(tie.props.items()):
        prop = plan.props.get(name)
        if prop is None or value is None or (prop.private and not ctx.include_private):
            continue
        if name in ctx.mapping.suppressed and SMALL_MIN <= int(value) <= SMALL_MAX:  # type: ignore[arg-type]
            yield resource, str(COUNT_SUPPRESSED), _BOOL_TRUE
            continue
        yield from _props(resource, prop, value, ctx)
    aux: list[Triple] = []
    yield from _provenance(resource, tie, ctx, aux)
    yield from _period(resource, tie, plan)
    yield from aux


def _vocabularies(ctx: _Context, graph: Any) -> Iterator[Triple]:
    """The SKOS concept schemes of models.ttl, as they are there (SKOS and rdf:type triples)."""
    for scheme in ctx.mapping.vocabularies.values():
        subjects = [scheme, *sorted(str(c) for c in graph.subjects(SKOS.inScheme, to_rdflib(scheme)))]
        for subject in subjects:
            for predicate, obj in sorted(graph.predicate_objects(to_rdflib(subject))):
                if predicate == RDF.type or str(predicate).startswith(str(SKOS)):
                    lang = getattr(obj, "language", None)
                    datatype = getattr(obj, "datatype", None)
                    term: Term = (
                        str(obj)
                        if not hasattr(obj, "language")
                        else Lit(str(obj), str(datatype) if datatype else None, lang)
                    )
                    yield subject, str(predicate), term


def raw_triples(
    store: GraphStore,
    *,
    base: str = DEFAULT_BASE,
    include_private: bool = False,
    provenance: bool = True,
    report: ExportReport | None = None,
) -> Iterator[Triple]:
    """Every triple as light terms (IRIs as str, literals as :class:`~partnergraph.rdf.terms.Lit`)."""
    ctx = _Context(compile_mapping(store.schema), check_base(base), include_private, provenance, report=report)
    yield from _vocabularies(ctx, store.schema.graph)
    for node in store.iter_nodes():
        if node.key.partition(":")[0] in ctx.mapping.shared_prefixes:
            ctx.ambiguous[node.key] = node.type
        if report:
            report.nodes += 1
        yield from _node(node, ctx)
    for tie in store.iter_ties():
        if report:
            report.ties += 1
        yield from _tie(tie, ctx)


def triples(
    store: GraphStore, *, base: str = DEFAULT_BASE, include_private: bool = False, provenance: bool = True
) -> Iterator[tuple[RdfNode, RdfNode, RdfNode]]:
    """Every triple of the mapping as rdflib terms, streamed (see the module docs).

    ``provenance=False`` leaves out the write provenance (which an import into another store
    necessarily changes), for comparing exports.
    """
    predicates: dict[str, RdfNode] = {}  # a few dozen: built once
    last: tuple[str, RdfNode] = ("", to_rdflib(base))  # a subject's triples come together
    for s, p, o in raw_triples(store, base=base, include_private=include_private, provenance=provenance):
        if s != last[0]:
            last = (s, to_rdflib(s))
        predicate = predicates.get(p) or predicates.setdefault(p, to_rdflib(p))
        yield last[1], predicate, to_rdflib(o)


def check_format(fmt: str) -> str:
    """``fmt`` if it is one of :data:`FORMATS`, else a ConfigError naming --format."""
    if fmt not in FORMATS:
        raise ConfigError(Msg("rdf.bad_format", name=fmt), hint=Msg("rdf.bad_format.hint", formats=", ".join(FORMATS)))
    return fmt


class _TextSink:
    """A binary stream's ``write`` over a text stream (the chunks are whole UTF-8 lines or pyoxigraph's output)."""

    def __init__(self, text: IO[str]) -> None:
        self.text = text
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> int:
        self.text.write(self.decoder.decode(data))
        return len(data)

    def flush(self) -> None:
        self.text.flush()


def write_rdf(
    store: GraphStore,
    out: Path | IO[bytes] | IO[str],
    *,
    format: str = "turtle",
    base: str = DEFAULT_BASE,
    include_private: bool = False,
    validate: bool = False,
    provenance: bool = True,
) -> ExportReport:
    """Write the store as RDF to ``out`` (a path, written through ``OUT.part``, or a binary or text stream).

    With ``validate`` the graph is first checked against the SHACL shapes of models.ttl (this
    builds it in memory); violations raise ValidationError and nothing is written.
    """
    report = ExportReport(check_format(format))
    base = check_base(base)
    if validate:
        from partnergraph.rdf.shacl import validate_graph

        graph = to_graph(raw_triples(store, base=base, include_private=include_private, provenance=provenance))
        report.problems = validate_graph(graph)
        report.validated = True
        if report.problems:
            raise ValidationError(report.problems)
    items = raw_triples(store, base=base, include_private=include_private, provenance=provenance, report=report)
    names = prefixes(store.schema)
    if isinstance(out, Path):
        with atomic_file(out) as partial, partial.open("wb") as stream:
            report.triples = serialize(items, stream, format, names)
    else:
        binary = _TextSink(out) if isinstance(out, io.TextIOBase) else out  # sys.stdout, StringIO: UTF-8 text
        report.triples = serialize(items, binary, format, names)  # type: ignore[arg-type]
    return report
