"""The RDF mapping: what models.ttl says, plus the few alignments it does not (yet) say.

Everything the exporter and the importer need is compiled here, once per schema, from
``store.schema.graph`` (models.ttl): the class and property IRIs, their datatypes, which
properties are private, the key prefixes that shape the IRIs, and the alignments
(``rdfs:subClassOf`` / ``skos:closeMatch`` of classes become extra ``rdf:type`` triples;
``rdfs:subPropertyOf`` of properties becomes extra, entailed triples). The tables below
(``EXTRA_PROPERTIES`` and the other per-type rules) hold the alignments that cannot be said in
models.ttl with ``rdfs:subPropertyOf`` without being wrong for another node type (docs/rdf.md).

    >>> from partnergraph.schema import load_schema
    >>> m = compile_mapping(load_schema())
    >>> m.node_iri("https://ex.org", "Organisation", "krs:0000123456")
    'https://ex.org/org/krs/0000123456'
    >>> m.node_iri("https://ex.org", "Municipality", "teryt:3014022")
    'https://ex.org/municipality/3014022'
    >>> m.node_key("https://ex.org", "https://ex.org/org/sp%C3%B3%C5%82dzielnia-%C5%82%C4%85ka")
    ('Organisation', 'org:spółdzielnia-łąka')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, TIME, XSD
from rdflib.term import URIRef

from partnergraph.schema import PG, NodeType, PropertyDef, Schema

__all__ = [
    "ADMS",
    "DEFAULT_BASE",
    "LOCN",
    "ROV",
    "SCHEMA",
    "Mapping",
    "NodePlan",
    "PropPlan",
    "TiePlan",
    "compile_mapping",
    "known_terms",
    "nace_match",
    "prefixes",
]

DEFAULT_BASE = "https://w3id.org/partnergraph/id"
"""Base of the IRIs of nodes, ties and writes (``--base`` changes it)."""

ROV = Namespace("http://www.w3.org/ns/regorg#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, str] = {
    "pg": str(PG),
    "org": str(ORG),
    "rov": str(ROV),
    "adms": str(ADMS),
    "locn": str(LOCN),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "time": str(TIME),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
}
"""Prefixes written in Turtle and the JSON-LD context."""


def prefixes(schema: Schema) -> dict[str, str]:
    """:data:`PREFIXES` plus the vocabulary namespaces models.ttl binds (kind:, sector: …)."""
    own = {
        name: str(iri)
        for name, iri in schema.graph.namespaces()
        if str(iri).startswith("https://w3id.org/partnergraph/vocab/")
    }
    return {**PREFIXES, **dict(sorted(own.items()))}


# -- alignments models.ttl does not state (docs/rdf.md gives the Turtle to add there) ----------
REGISTERED = ROV.RegisteredOrganization
"""Asserted (from models.ttl's closeMatch) only for nodes that have a register identifier."""
EXTRA_PROPERTIES: dict[tuple[str, str], tuple[URIRef, ...]] = {
    ("Organisation", "name"): (ROV.legalName,),
    ("Organisation", "kind"): (ROV.orgType,),
    ("Organisation", "founded"): (SCHEMA.foundingDate,),
    ("Organisation", "short_name"): (SCHEMA.alternateName,),
    ("Activity", "name"): (SKOS.prefLabel,),
    ("Municipality", "name"): (LOCN.geographicName,),
    ("County", "name"): (LOCN.geographicName,),
    ("Voivodeship", "name"): (LOCN.geographicName,),
}
"""Extra predicates for a property of a node type (literals, or concepts for vocabulary values)."""
CONCEPT_LINK_DEFAULT: dict[str, URIRef] = {"sector": ORG.classification}
"""Predicate linking a node to the SKOS concept of a vocabulary value, when models.ttl gives none."""
CONCEPT_LINK_FALLBACK = DCTERMS.type
ADDRESS_PARTS: dict[str, URIRef] = {"address": LOCN.thoroughfare, "postcode": LOCN.postCode, "city": LOCN.postName}
"""Properties that also go into a ``locn:Address`` resource ``{node}/address``."""
TIES_BY_SOURCE: dict[tuple[str, str], tuple[URIRef, ...]] = {("PART_OF", "Activity"): (SKOS.broader,)}
"""Direct predicates replacing models.ttl's alignment when the tie starts at this node type."""
MEMBERSHIP: dict[str, tuple[URIRef, URIRef, URIRef, URIRef]] = {
    "MEMBER_OF": (ORG.Membership, ORG.member, ORG.organization, ORG.memberDuring),
}
"""Tie types whose tie resource is also an org:Membership: (class, member, organisation, period)."""
NACE: dict[str, str] = {"pkd": "http://data.europa.eu/ux2/nace2/", "pkd2025": "http://data.europa.eu/ux2/nace2.1/"}
"""Key prefix of a PKD grouping → the EU Vocabularies NACE scheme it refines (PKD 2007 → NACE Rev. 2,
PKD 2025 → NACE Rev. 2.1; concept IRIs are the code without dots: ``…/nace2/5629``)."""
CONCEPT_SCHEME_BY: dict[str, str] = {"Activity": "classification"}
"""Node types whose nodes are SKOS concepts, and the property naming their scheme (PKD2007, PKD2025)."""
SUPPRESSED_COUNTS = frozenset({"count"})
"""Tie properties that are counts of people: 1–4 are left out, flagged with pg:countSuppressed."""
COUNT_SUPPRESSED = PG.countSuppressed
EXPORT_ONLY = frozenset({COUNT_SUPPRESSED})
"""pg: terms the export writes that models.ttl does not define (yet)."""


@dataclass(frozen=True)
class PropPlan:
    """How one property of one node type or tie type is written."""

    name: str
    iri: str
    datatype: str
    """The XSD datatype IRI of its literal."""
    private: bool
    also: tuple[str, ...] = ()
    """Extra predicates of the same literal (entailed by rdfs:subPropertyOf, or from EXTRA_PROPERTIES)."""
    concepts: dict[str, str] = field(default_factory=dict)
    """For vocabulary values: notation → concept IRI."""
    concept_links: tuple[str, ...] = ()
    """Predicates from the subject to the value's concept."""
    address: str | None = None
    label: str = ""
    """The English label (names the register of an identifier)."""


@dataclass(frozen=True)
class NodePlan:
    """How nodes of one type are written."""

    name: str
    iri: str
    types: tuple[str, ...]
    registered: bool
    """Whether nodes with an identifier are also rov:RegisteredOrganization."""
    props: dict[str, PropPlan]
    identifiers: tuple[str, ...]
    segment: str
    """First path segment of its IRIs (the slug prefix, else the type name in lower case)."""
    prefixes: dict[str, str | None]
    scheme_property: str | None = None
    """For skos:Concept subclasses: the property whose value names the concept scheme."""


@dataclass(frozen=True)
class TiePlan:
    """How ties of one type are written."""

    name: str
    iri: str
    direct: tuple[str, ...]
    by_source: dict[str, tuple[str, ...]]
    props: dict[str, PropPlan]
    membership: tuple[str, str, str, str] | None
    symmetric: bool


def _external(schema: Schema, term: str, *predicates: URIRef) -> tuple[str, ...]:
    found = [
        str(o) for p in predicates for o in schema.graph.objects(URIRef(term), p) if not str(o).startswith(str(PG))
    ]
    return tuple(sorted(set(found)))


def _unique(*iris: str) -> tuple[str, ...]:
    """``iris`` without repeats, in order (an alignment both in models.ttl and in EXTRA_* is written once)."""
    return tuple(dict.fromkeys(iris))


def _datatype(prop: PropertyDef) -> str:
    return str(XSD[prop.datatype])


def _prop_plan(schema: Schema, owner: str, prop: PropertyDef) -> PropPlan:
    extra = tuple(str(i) for i in EXTRA_PROPERTIES.get((owner, prop.name), ()))
    entailed = _external(schema, prop.iri, RDFS.subPropertyOf)
    if prop.vocabulary is None:
        return PropPlan(
            prop.name,
            prop.iri,
            _datatype(prop),
            prop.private,
            _unique(*entailed, *extra),
            address=_address(prop.name),
            label=prop.label("en"),
        )
    aligned = entailed or _external(schema, prop.iri, SKOS.closeMatch)
    links = aligned or (str(CONCEPT_LINK_DEFAULT.get(prop.name, CONCEPT_LINK_FALLBACK)),)
    concepts = {c.name: c.iri for c in prop.vocabulary.concepts.values()}
    return PropPlan(
        prop.name,
        prop.iri,
        _datatype(prop),
        prop.private,
        (),
        concepts,
        _unique(*links, *extra),
        label=prop.label("en"),
    )


def _address(name: str) -> str | None:
    part = ADDRESS_PARTS.get(name)
    return str(part) if part is not None else None


def _node_plan(schema: Schema, node_type: NodeType) -> NodePlan:
    aligned = _external(schema, node_type.iri, RDFS.subClassOf, SKOS.closeMatch)
    types = tuple(t for t in aligned if t != str(REGISTERED))
    props = {name: _prop_plan(schema, node_type.name, p) for name, p in sorted(node_type.properties.items())}
    return NodePlan(
        node_type.name,
        node_type.iri,
        _unique(node_type.iri, *types),
        str(REGISTERED) in aligned,
        props,
        node_type.identified_by,
        node_type.slug_prefix or node_type.name.lower(),
        node_type.key_prefixes(),
        CONCEPT_SCHEME_BY.get(node_type.name),
    )


@dataclass(frozen=True)
class Mapping:
    """The compiled mapping of one schema."""

    nodes: dict[str, NodePlan]
    ties: dict[str, TiePlan]
    tie_class: tuple[str, ...]
    vocabularies: dict[str, str]
    """Concept scheme name → IRI."""
    by_segment: dict[str, str] = field(default_factory=dict)
    prefix_types: dict[str, str] = field(default_factory=dict)
    """Key prefix → node type, for prefixes one node type uses."""
    shared_prefixes: frozenset[str] = frozenset()
    """Key prefixes several node types use (teryt): their nodes' types are looked up."""
    suppressed: frozenset[str] = SUPPRESSED_COUNTS

    def node_iri(self, base: str, type_: str, key: str) -> str:
        """The stable IRI of a node: ``{base}/{segment}[/{prefix}]/{value}`` (value percent-encoded)."""
        plan = self.nodes[type_]
        prefix, _, value = key.partition(":")
        if prefix == plan.segment or (len(plan.prefixes) == 1 and prefix in plan.prefixes):
            return f"{base}/{plan.segment}/{quote(value, safe='')}"
        return f"{base}/{plan.segment}/{quote(prefix, safe='')}/{quote(value, safe='')}"

    def node_key(self, base: str, iri: str) -> tuple[str, str] | None:
        """The (type, key) an IRI made by :meth:`node_iri` stands for, or None."""
        if not iri.startswith(base + "/"):
            return None
        parts = iri[len(base) + 1 :].split("/")
        type_ = self.by_segment.get(parts[0])
        if type_ is None or len(parts) not in (2, 3):
            return None
        plan = self.nodes[type_]
        if len(parts) == 3:
            return type_, f"{unquote(parts[1])}:{unquote(parts[2])}"
        prefix = plan.segment if plan.segment in plan.prefixes else next(iter(plan.prefixes))
        return type_, f"{prefix}:{unquote(parts[1])}"


def _tie_plan(schema: Schema, name: str) -> TiePlan:
    tie = schema.tie_types[name]
    direct = _unique(*_external(schema, tie.iri, RDFS.subPropertyOf))
    by_source = {
        src: tuple(str(i) for i in iris) for (tie_name, src), iris in TIES_BY_SOURCE.items() if tie_name == name
    }
    props = {p: _prop_plan(schema, name, d) for p, d in sorted(tie.properties.items())}
    member = MEMBERSHIP.get(name)
    members = tuple(str(i) for i in member) if member else None
    return TiePlan(name, tie.iri, direct, by_source, props, members, tie.symmetric)  # type: ignore[arg-type]


_CACHE: dict[int, tuple[Schema, Mapping]] = {}


def compile_mapping(schema: Schema) -> Mapping:
    """The mapping of ``schema`` (cached per schema object)."""
    cached = _CACHE.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    mapping = _compile(schema)
    _CACHE[id(schema)] = (schema, mapping)
    return mapping


def _compile(schema: Schema) -> Mapping:
    owners: dict[str, set[str]] = {}
    for node_type in schema.node_types.values():
        for prefix in node_type.key_prefixes():
            owners.setdefault(prefix, set()).add(node_type.name)
    nodes = {name: _node_plan(schema, t) for name, t in sorted(schema.node_types.items())}
    ties = {name: _tie_plan(schema, name) for name in sorted(schema.tie_types)}
    tie_class = (str(PG.Tie), *_external(schema, str(PG.Tie), RDFS.subClassOf), str(RDF.Statement))
    vocabularies = {name: v.iri for name, v in schema.vocabularies.items()}
    unique = {prefix: next(iter(names)) for prefix, names in owners.items() if len(names) == 1}
    shared = frozenset(prefix for prefix, names in owners.items() if len(names) > 1)
    return Mapping(nodes, ties, tie_class, vocabularies, {p.segment: p.name for p in nodes.values()}, unique, shared)


FIXED_CLASSES = (
    REGISTERED,
    ADMS.Identifier,
    LOCN.Address,
    SKOS.ConceptScheme,
    SKOS.Concept,
    PROV.Activity,
    TIME.Interval,
    TIME.Instant,
)
FIXED_PREDICATES = (
    RDF.type,
    RDF.subject,
    RDF.predicate,
    RDF.object,
    ADMS.identifier,
    ADMS.schemeAgency,
    ROV.registration,
    SKOS.notation,
    SKOS.prefLabel,
    SKOS.altLabel,  # the synonyms of models.ttl's concepts, exported with their schemes
    SKOS.hiddenLabel,
    SKOS.definition,
    SKOS.inScheme,
    LOCN.address,
    PROV.wasGeneratedBy,
    PROV.endedAtTime,
    DCTERMS.modified,
    RDFS.label,
    TIME.hasBeginning,
    TIME.hasEnd,
    TIME.inXSDDate,
    COUNT_SUPPRESSED,
    SKOS.exactMatch,
    SKOS.broadMatch,
)
"""Terms of the auxiliary resources the export writes (identifiers, addresses, schemes, provenance, periods)."""


def nace_match(key: str) -> tuple[str, str] | None:
    """The SKOS mapping of a PKD grouping (by its key) to NACE: (predicate, NACE concept IRI), or None.

    PKD's sections to classes are NACE's own, so divisions, groups and classes are
    ``skos:exactMatch``; a subclass ``NN.NN.Z`` (a class not subdivided) is its NACE class too;
    other subclasses (``56.10.A``) are narrower than their NACE class: ``skos:broadMatch``.
    Sections (letters) are left out: their IRIs are not checked here.

    >>> nace_match("pkd:56.29.Z"), nace_match("pkd:56.10.A")[0][-10:], nace_match("pkd:A")
    (('http://www.w3.org/2004/02/skos/core#exactMatch', 'http://data.europa.eu/ux2/nace2/5629'), 'broadMatch', None)
    """
    prefix, _, code = key.partition(":")
    scheme = NACE.get(prefix)
    parts = code.split(".")
    if scheme is None or not parts[0].isdigit() or len(parts) > 3:
        return None
    digits = "".join(parts[:2])
    exact = len(parts) < 3 or parts[2] == "Z"
    return str(SKOS.exactMatch if exact else SKOS.broadMatch), scheme + digits


def known_terms(mapping: Mapping) -> tuple[frozenset[str], frozenset[str]]:
    """Every class and every predicate the export can write (what the RDF import accepts)."""
    classes = {str(c) for c in FIXED_CLASSES} | set(mapping.tie_class)
    predicates = {str(p) for p in FIXED_PREDICATES} | {str(p) for p in ADDRESS_PARTS.values()}
    for node in mapping.nodes.values():
        classes.update(node.types)
        for prop in node.props.values():
            predicates.update((prop.iri, *prop.also, *prop.concept_links))
    for tie in mapping.ties.values():
        predicates.update((tie.iri, *tie.direct, *(p for ps in tie.by_source.values() for p in ps)))
        if tie.membership:
            classes.add(tie.membership[0])
            predicates.update(tie.membership[1:])
        for prop in tie.props.values():
            predicates.update((prop.iri, *prop.also, *prop.concept_links))
    return frozenset(classes), frozenset(predicates)
