"""The schema: models.ttl loaded once, checked, and exposed as typed Python objects.

Node types, tie types, their properties (datatype, required, pattern, vocabulary, checksum),
allowed endpoints, sheet titles, SKOS vocabularies with their synonyms, and the roles some terms
play (the searched and sort properties, the place tie) all come from ``models.ttl``; nothing
here names a type or a property, save :data:`ORGANISATION`, the one node type that code
branches on by name (registers of organisations write it; Kumu and GraphML elements default to
it). Validation of records lives in :mod:`partnergraph.validate`.

    >>> schema = load_schema()
    >>> schema.node_types["Organisation"].label("en")
    'Organisation'
    >>> schema.tie_types["COOPERATES_WITH"].symmetric
    True
    >>> schema.vocabularies["OrganisationKinds"].lookup("Fundacja").name, schema.place_tie, schema.searched_by
    ('ngo', 'LOCATED_IN', ('name', 'short_name'))
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Final

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node as RdfNode

from partnergraph.errors import SchemaError
from partnergraph.i18n import Msg
from partnergraph.text import fold

__all__ = [
    "ORGANISATION",
    "PG",
    "Concept",
    "NodeType",
    "PropertyDef",
    "Schema",
    "TieType",
    "Vocabulary",
    "load_schema",
    "parse_schema",
]

PG = Namespace("https://w3id.org/partnergraph/ns#")
ORGANISATION: Final = "Organisation"
"""The node type of organisations, for the code that branches on it by name (tests/test_schema.py
checks that models.ttl declares it, like every node type and property name the code uses)."""
DATATYPES = {
    XSD.string: "string",
    XSD.date: "date",
    XSD.integer: "integer",
    XSD.decimal: "decimal",
    XSD.boolean: "boolean",
}


def _local(iri: RdfNode) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _name_key(text: str) -> str:
    """A concept name as compared: folded (no case, no diacritics), ``_`` as a blank, blanks evened."""
    return " ".join(fold(text).replace("_", " ").split())


@dataclass(frozen=True)
class Labelled:
    """Something with Polish and English labels and a comment."""

    name: str
    iri: str
    labels: dict[str, str]
    comments: dict[str, str]

    def label(self, language: str = "pl") -> str:
        """The label in ``language`` (falls back to the other language, then the name)."""
        return self.labels.get(language) or next(iter(self.labels.values()), self.name)

    def comment(self, language: str = "pl") -> str:
        """The comment in ``language``."""
        return self.comments.get(language) or next(iter(self.comments.values()), "")


@dataclass(frozen=True)
class Concept(Labelled):
    """A SKOS concept; ``name`` is its skos:notation, the value stored in the graph."""

    default_sector: str | None = None
    teryt_code: str | None = None
    alt_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """skos:altLabel by language: synonyms and acronyms recognised on import (``fundacja``, ``OPS``)."""
    hidden_labels: tuple[str, ...] = ()
    """skos:hiddenLabel: looser words recognised on import but never shown (``spółdzielnia``)."""
    legal_form_words: tuple[str, ...] = ()
    """pg:legalFormWord, folded: word beginnings that make a register's legal form this concept."""

    def names(self) -> tuple[str, ...]:
        """Everything that names the concept: notation, labels, alternative and hidden labels."""
        alternative = (label for labels in self.alt_labels.values() for label in labels)
        return (self.name, *self.labels.values(), *alternative, *self.hidden_labels)


@dataclass(frozen=True)
class Vocabulary(Labelled):
    """A SKOS concept scheme and its concepts by notation."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    default: str | None = None
    """The notation of the pg:defaultConcept, assumed when an imported value fits no concept."""

    def lookup(self, text: str) -> Concept | None:
        """The concept whose notation, label, skos:altLabel or skos:hiddenLabel is ``text``.

        Compared folded (any language, case and diacritics, ``_`` as a blank); the reader makes
        sure that every such name belongs to one concept of the scheme.
        """
        if text in self.concepts:
            return self.concepts[text]
        return self._names.get(_name_key(text))

    def by_legal_form(self, legal_form: str) -> Concept | None:
        """The concept a register's legal form stands for, by its pg:legalFormWord (else None).

        A word matches where a word of the (folded) form begins with it; the match nearest the
        start of the form wins, the longer word on a tie.
        """
        folded = fold(legal_form)
        found = [
            (match.start(), -len(word), concept.name)
            for concept in self.concepts.values()
            for word in concept.legal_form_words
            if (match := re.search(r"(?<!\w)" + re.escape(word), folded))
        ]
        return self.concepts[min(found)[2]] if found else None

    @property
    def default_concept(self) -> Concept | None:
        """The pg:defaultConcept of the scheme, if it has one."""
        return self.concepts[self.default] if self.default else None

    @functools.cached_property
    def _names(self) -> dict[str, Concept]:
        return {_name_key(name): concept for concept in self.concepts.values() for name in concept.names()}


@dataclass(frozen=True)
class PropertyDef(Labelled):
    """A property as used by one node type or tie type."""

    datatype: str = "string"
    required: bool = False
    pattern: str | None = None
    vocabulary: Vocabulary | None = None
    allowed: tuple[str, ...] = ()
    checksum: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    not_after: str | None = None
    key_prefix: str | None = None
    private: bool = False
    """Marked ``pg:private`` (contact data): research exports leave it out unless asked."""


@dataclass(frozen=True)
class NodeType(Labelled):
    """A node type: its properties and how its key is formed."""

    properties: dict[str, PropertyDef] = field(default_factory=dict)
    identified_by: tuple[str, ...] = ()
    slug_prefix: str | None = None
    sheet_titles: dict[str, str] = field(default_factory=dict)
    """pg:sheetTitle by language tag (``pl``, ``en``, ``en-US`` …): sheet and CSV file names."""
    sheet_order: int | None = None
    """pg:sheetOrder: the place of its sheet in the template (None: after the others)."""

    def sheet_title(self, language: str = "pl") -> str:
        """The name of its sheet in ``language`` (its plural pg:sheetTitle, else its label)."""
        return self.sheet_titles.get(language) or self.label(language)

    def key_prefixes(self) -> dict[str, str | None]:
        """Allowed key prefixes, each with the property it stands for (None for a slug)."""
        prefixes: dict[str, str | None] = {}
        for name in self.identified_by:
            prefixes[self.properties[name].key_prefix or name] = name
        if self.slug_prefix:
            prefixes[self.slug_prefix] = None
        return prefixes


@dataclass(frozen=True)
class TieType(Labelled):
    """A tie type: allowed endpoint types and kinds, properties, symmetry."""

    domain: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    target_kinds: tuple[str, ...] = ()
    kind_scheme: str | None = None
    """The vocabulary the kinds come from; the endpoint property using it is checked."""
    symmetric: bool = False
    properties: dict[str, PropertyDef] = field(default_factory=dict)


@dataclass(frozen=True)
class Schema:
    """Everything models.ttl says, ready to use."""

    node_types: dict[str, NodeType]
    tie_types: dict[str, TieType]
    vocabularies: dict[str, Vocabulary]
    graph: Graph = field(repr=False, compare=False)
    person_words: tuple[str, ...] = ()
    """Folded word beginnings that make a type a person (``pg:personWord`` on the ontology)."""
    legal_person_words: tuple[str, ...] = ()
    """… unless one of these begins another word (``osoba prawna``: ``pg:legalPersonWord``)."""
    searched_by: tuple[str, ...] = ("name",)
    """Properties whose words the text search looks at, and by which a tie end given as a name
    finds its node (``pg:searchedBy`` on the ontology, in its order)."""
    sorted_by: str = "name"
    """The property lists of nodes are ordered by (``pg:sortedBy``)."""
    place_tie: str = ""
    """The tie type that gives a node its place, an organisation's seat (``pg:placeTie``)."""
    tie_sheet_titles: dict[str, str] = field(default_factory=dict)
    """The sheet and CSV file names of ties by language tag (``pg:sheetTitle`` on pg:Tie)."""

    @property
    def place_type(self) -> str:
        """The node type of places: the range of :attr:`place_tie` (``Municipality``)."""
        return self.tie_types[self.place_tie].range[0]

    def sheet_types(self) -> tuple[str, ...]:
        """Node types in the order of their sheets (pg:sheetOrder, then by name)."""
        order = {name: (t.sheet_order is None, t.sheet_order or 0, name) for name, t in self.node_types.items()}
        return tuple(sorted(self.node_types, key=order.__getitem__))

    def tie_sheet_title(self, language: str = "pl") -> str:
        """The name of the ties sheet in ``language``."""
        return self.tie_sheet_titles.get(language) or next(iter(self.tie_sheet_titles.values()), "ties")

    def kinds(self, node_type: str) -> tuple[str, Vocabulary] | None:
        """The property of ``node_type`` holding the kinds tie types constrain (pg:sourceKind /
        pg:targetKind), with its vocabulary: ``("kind", OrganisationKinds)`` for organisations."""
        scheme = next((t.kind_scheme for t in self.tie_types.values() if t.kind_scheme), None)
        prop = self.vocabulary_property(node_type, scheme) if scheme else None
        return (prop, self.vocabularies[scheme]) if prop and scheme else None

    def is_person(self, type_text: str) -> bool:
        """Whether ``type_text`` (an element's type: ``Beneficjentka``, ``osoby bezdomne``) names people."""
        words = re.findall(r"\w+", fold(type_text))
        people = any(word.startswith(self.person_words) for word in words)
        return people and not any(word.startswith(self.legal_person_words) for word in words)

    def vocabulary_property(self, node_type: str, vocabulary: str) -> str | None:
        """The property of ``node_type`` whose values come from ``vocabulary``, if any."""
        for prop in self.node_types[node_type].properties.values():
            if prop.vocabulary is not None and prop.vocabulary.name == vocabulary:
                return prop.name
        return None

    def datatypes(self) -> dict[str, str]:
        """Datatype of every property name used anywhere (the reader makes sure they agree across types)."""
        found: dict[str, str] = {}
        owners: list[NodeType | TieType] = [*self.node_types.values(), *self.tie_types.values()]
        for owner in owners:
            for prop in owner.properties.values():
                found.setdefault(prop.name, prop.datatype)
        return found


class _Reader:
    """Turns the RDF graph of models.ttl into the dataclasses above, checking as it goes."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.vocabularies: dict[str, Vocabulary] = {}
        self.datatypes: dict[str, str] = {}  # property name -> its datatype, the same in every shape

    def fail(self, term: RdfNode, detail: str) -> SchemaError:
        return SchemaError(Msg("schema.term", term=_local(term), detail=detail))

    def tagged(self, term: RdfNode, predicate: URIRef) -> dict[str, tuple[str, ...]]:
        """The literals of ``predicate`` by language tag; each must have one."""
        found: dict[str, list[str]] = {}
        for value in sorted(self.g.objects(term, predicate), key=str):
            if not isinstance(value, Literal) or not value.language:
                raise self.fail(term, f"{_local(predicate)} {value!r} needs a language tag")
            found.setdefault(value.language, []).append(str(value))
        return {language: tuple(texts) for language, texts in sorted(found.items())}

    def texts(self, term: RdfNode, *predicates: URIRef) -> dict[str, str]:
        found: dict[str, str] = {}
        for predicate in predicates:
            for value in self.g.objects(term, predicate):
                if isinstance(value, Literal) and value.language in ("pl", "en"):
                    found.setdefault(value.language, str(value))
        return found

    def labelled(
        self, term: RdfNode, label: URIRef = RDFS.label, comment: URIRef = RDFS.comment
    ) -> dict[str, dict[str, str]]:
        labels, comments = self.texts(term, label), self.texts(term, comment)
        if set(labels) != {"pl", "en"}:
            raise self.fail(term, "needs rdfs:label in Polish and English")
        if not comments:
            raise self.fail(term, "needs an rdfs:comment")
        return {"labels": labels, "comments": comments}

    def one(self, term: RdfNode, predicate: URIRef) -> RdfNode | None:
        return next(iter(self.g.objects(term, predicate)), None)

    def sheet_titles(self, term: RdfNode) -> dict[str, str]:
        """pg:sheetTitle by language tag, one per tag."""
        found = self.tagged(term, PG.sheetTitle)
        for language, titles in found.items():
            if len(titles) > 1:
                raise self.fail(term, f"one pg:sheetTitle per language, not {titles} in {language}")
        return {language: titles[0] for language, titles in found.items()}

    def members(self, term: RdfNode | None) -> tuple[str, ...]:
        """A class, or the classes of an owl:unionOf, as local names."""
        if term is None:
            return ()
        union = self.one(term, OWL.unionOf)
        if union is not None:
            return tuple(_local(c) for c in Collection(self.g, union))
        return (_local(term),)

    def vocabulary(self, scheme: RdfNode) -> Vocabulary:
        name = _local(scheme)
        if name in self.vocabularies:
            return self.vocabularies[name]
        if (scheme, RDF.type, SKOS.ConceptScheme) not in self.g:
            raise self.fail(scheme, "pg:vocabulary must name a skos:ConceptScheme")
        concepts: dict[str, Concept] = {}
        for concept in sorted(self.g.subjects(SKOS.inScheme, scheme), key=str):
            notation = self.one(concept, SKOS.notation)
            if notation is None:
                raise self.fail(concept, "a concept needs a skos:notation")
            sector = self.one(concept, PG.defaultSector)
            teryt = self.one(concept, PG.terytCode)
            hidden = self.tagged(concept, SKOS.hiddenLabel)
            concepts[str(notation)] = Concept(
                str(notation),
                str(concept),
                **self.labelled(concept, SKOS.prefLabel, SKOS.definition),
                default_sector=_local(sector) if sector is not None else None,
                teryt_code=str(teryt) if teryt is not None else None,
                alt_labels=self.tagged(concept, SKOS.altLabel),
                hidden_labels=tuple(label for labels in hidden.values() for label in labels),
                legal_form_words=tuple(sorted(fold(str(w)) for w in self.g.objects(concept, PG.legalFormWord))),
            )
        owners: dict[str, str] = {}
        for concept_name, concept_def in concepts.items():
            for label in concept_def.names():
                owner = owners.setdefault(_name_key(label), concept_name)
                if owner != concept_name:
                    raise self.fail(URIRef(concept_def.iri), f"{label!r} also names {owner} in {name}")
        default = self.one(scheme, PG.defaultConcept)
        default_name = str(self.one(default, SKOS.notation)) if default is not None else None
        if default is not None and default_name not in concepts:
            raise self.fail(scheme, "pg:defaultConcept must name a concept of the scheme")
        vocab = Vocabulary(
            name,
            str(scheme),
            **self.labelled(scheme, SKOS.prefLabel, SKOS.definition),
            concepts=concepts,
            default=default_name,
        )
        self.vocabularies[name] = vocab
        return vocab

    def shape_properties(self, shape: RdfNode) -> dict[str, PropertyDef]:
        props: dict[str, PropertyDef] = {}
        for spec in self.g.objects(shape, SH.property):
            path = self.one(spec, SH.path)
            if path is None:
                raise self.fail(shape, "a property shape needs sh:path")
            datatype = self.one(spec, SH.datatype)
            if datatype not in DATATYPES:
                raise self.fail(path, f"unsupported or missing sh:datatype {datatype}")
            kind = DATATYPES[datatype]  # type: ignore[index]
            if self.datatypes.setdefault(_local(path), kind) != kind:  # stores decode a property by its name alone
                raise self.fail(path, f"sh:datatype {kind} here, {self.datatypes[_local(path)]} in another shape")
            min_count = self.one(spec, SH.minCount)
            vocab, allowed = self.one(spec, PG.vocabulary), self.one(spec, SH["in"])
            checksum, low, high = (
                self.one(spec, PG.checksum),
                self.one(spec, SH.minInclusive),
                self.one(spec, SH.maxInclusive),
            )
            pattern, not_after, prefix = (
                self.one(spec, SH.pattern),
                self.one(spec, SH.lessThanOrEquals),
                self.one(path, PG.keyPrefix),
            )
            props[_local(path)] = PropertyDef(
                _local(path),
                str(path),
                **self.labelled(path),
                datatype=kind,
                required=min_count is not None and int(str(min_count)) > 0,
                pattern=str(pattern) if pattern is not None else None,
                vocabulary=self.vocabulary(vocab) if vocab is not None else None,
                allowed=tuple(str(v) for v in Collection(self.g, allowed)) if allowed is not None else (),
                checksum=str(checksum) if checksum is not None else None,
                minimum=float(str(low)) if low is not None else None,
                maximum=float(str(high)) if high is not None else None,
                not_after=_local(not_after) if not_after is not None else None,
                key_prefix=str(prefix) if prefix is not None else None,
                private=(path, PG.private, Literal(True)) in self.g,
            )
        return props

    def node_types(self) -> dict[str, NodeType]:
        types: dict[str, NodeType] = {}
        for cls in sorted(self.g.subjects(RDF.type, PG.NodeType), key=str):
            shape = self.one_subject(SH.targetClass, cls)
            if shape is None:
                raise self.fail(cls, "a node type needs a SHACL shape (sh:targetClass)")
            props = self.shape_properties(shape)
            ids = self.one(cls, PG.identifiedBy)
            identified = tuple(_local(p) for p in Collection(self.g, ids)) if ids is not None else ()
            for name in identified:
                if name not in props:
                    raise self.fail(cls, f"pg:identifiedBy names {name}, which its shape lacks")
            slug = self.one(cls, PG.slugPrefix)
            if not identified and slug is None:
                raise self.fail(cls, "needs pg:identifiedBy or pg:slugPrefix")
            order = self.one(cls, PG.sheetOrder)
            types[_local(cls)] = NodeType(
                _local(cls),
                str(cls),
                **self.labelled(cls),
                properties=props,
                identified_by=identified,
                slug_prefix=str(slug) if slug is not None else None,
                sheet_titles=self.sheet_titles(cls),
                sheet_order=int(str(order)) if order is not None else None,
            )
        return types

    def one_subject(self, predicate: URIRef, obj: RdfNode) -> RdfNode | None:
        return next(iter(self.g.subjects(predicate, obj)), None)

    def tie_types(self, node_types: dict[str, NodeType]) -> dict[str, TieType]:
        tie_shape = self.one_subject(SH.targetClass, PG.Tie)
        if tie_shape is None:
            raise self.fail(PG.Tie, "needs a SHACL shape (sh:targetClass pg:Tie)")
        common = self.shape_properties(tie_shape)
        types: dict[str, TieType] = {}
        for prop in sorted(self.g.subjects(RDF.type, PG.TieType), key=str):
            domain, range_ = self.members(self.one(prop, RDFS.domain)), self.members(self.one(prop, RDFS.range))
            for end in (*domain, *range_):
                if end not in node_types:
                    raise self.fail(prop, f"rdfs:domain/rdfs:range names {end}, which is not a node type")
            if not domain or not range_:
                raise self.fail(prop, "a tie type needs rdfs:domain and rdfs:range")
            kind_iris = [*self.g.objects(prop, PG.sourceKind), *self.g.objects(prop, PG.targetKind)]
            schemes = {self.one(k, SKOS.inScheme) for k in kind_iris}
            if None in schemes or len(schemes) > 1:
                raise self.fail(prop, "pg:sourceKind/pg:targetKind must name concepts of one concept scheme")
            kind_scheme = self.vocabulary(schemes.pop()) if schemes else None  # type: ignore[arg-type]
            notations = {str(k): str(self.one(k, SKOS.notation)) for k in kind_iris}
            source_kinds = tuple(sorted(notations[str(k)] for k in self.g.objects(prop, PG.sourceKind)))
            target_kinds = tuple(sorted(notations[str(k)] for k in self.g.objects(prop, PG.targetKind)))
            own = self.one(prop, PG.tieShape)
            props = {**common, **(self.shape_properties(own) if own is not None else {})}
            types[_local(prop)] = TieType(
                _local(prop),
                str(prop),
                **self.labelled(prop),
                domain=domain,
                range=range_,
                source_kinds=source_kinds,
                target_kinds=target_kinds,
                kind_scheme=kind_scheme.name if kind_scheme else None,
                symmetric=(prop, RDF.type, OWL.SymmetricProperty) in self.g,
                properties=props,
            )
        return types

    def roles(
        self, ontology: URIRef, node_types: dict[str, NodeType], tie_types: dict[str, TieType]
    ) -> tuple[tuple[str, ...], str, str]:
        """The terms the ontology names for a role: the searched properties, the sort property, the place tie."""
        names = {p for t in node_types.values() for p in t.properties}
        searched_list = self.one(ontology, PG.searchedBy)
        searched = tuple(_local(p) for p in Collection(self.g, searched_list)) if searched_list is not None else ()
        sort, place = self.one(ontology, PG.sortedBy), self.one(ontology, PG.placeTie)
        for prop in (*searched, *([_local(sort)] if sort is not None else [])):
            if prop not in names:
                raise self.fail(ontology, f"pg:searchedBy/pg:sortedBy names {prop}, which no node shape has")
        if not searched or sort is None:
            raise self.fail(ontology, "needs pg:searchedBy (a list of properties) and pg:sortedBy")
        if place is None or _local(place) not in tie_types or len(tie_types[_local(place)].range) != 1:
            raise self.fail(ontology, "pg:placeTie must name a tie type with one node type as its range")
        return searched, _local(sort), _local(place)


def _models_text() -> str:
    return resources.files("partnergraph").joinpath("models.ttl").read_text(encoding="utf-8")


def parse_schema(text: str) -> Schema:
    """Build a :class:`Schema` from the Turtle text of a models.ttl (raises SchemaError)."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise SchemaError(Msg("schema.parse", detail=str(exc).strip().splitlines()[0][:300])) from exc
    reader = _Reader(graph)
    node_types = reader.node_types()
    tie_types = reader.tie_types(node_types)
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        reader.vocabulary(scheme)
    ontology = URIRef(str(PG))
    words, legal = (
        tuple(sorted(str(w) for w in graph.objects(ontology, p))) for p in (PG.personWord, PG.legalPersonWord)
    )
    searched, sort, place = reader.roles(ontology, node_types, tie_types)
    return Schema(
        node_types,
        tie_types,
        dict(sorted(reader.vocabularies.items())),
        graph,
        words,
        legal,
        searched_by=searched,
        sorted_by=sort,
        place_tie=place,
        tie_sheet_titles=reader.sheet_titles(PG.Tie),
    )


@functools.cache
def load_schema(path: Path | None = None) -> Schema:
    """The schema from the packaged models.ttl (or ``path``), loaded once per process."""
    return parse_schema(path.read_text(encoding="utf-8") if path else _models_text())
