"""RDF export: the mapping of organisations, memberships and money ties; privacy; IRIs; formats."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import ORG, RDF, SKOS, TIME, XSD

from partnergraph.errors import ConfigError
from partnergraph.graph.base import GraphStore
from partnergraph.rdf.export import DEFAULT_BASE, triples, write_rdf
from partnergraph.rdf.mapping import ADMS, ROV, compile_mapping
from partnergraph.records import Node, Tie
from partnergraph.schema import PG

B = "https://example.org/pg"
COOP = URIRef(f"{B}/org/krs/0000123456")
BUYER = URIRef(f"{B}/org/hotel")
PARTNERSHIP = URIRef(f"{B}/partnership/lokalne")
ROLE_LEADER = URIRef("https://w3id.org/partnergraph/vocab/role/leader")


def _small(store: GraphStore) -> GraphStore:
    nodes = [
        Node(
            "krs:0000123456",
            "Organisation",
            {
                "name": "Spółdzielnia Socjalna Smaki",
                "kind": "social_cooperative",
                "krs": "0000123456",
                "nip": "5260250274",
                "regon": "012345675",
                "email": "biuro@smaki.example",
                "city": "Kwilcz",
            },
        ),
        Node("org:hotel", "Organisation", {"name": "Hotel", "kind": "business"}),
        Node("org:gops", "Organisation", {"name": "GOPS", "kind": "welfare_centre"}),
        Node("partnership:lokalne", "Partnership", {"name": "Lokalne partnerstwo"}),
    ]
    ties = [
        Tie(
            "MEMBER_OF",
            "krs:0000123456",
            "partnership:lokalne",
            {"role": "leader", "since": dt.date(2024, 1, 1), "until": dt.date(2024, 12, 31)},
        ),
        Tie("TRADES_WITH", "krs:0000123456", "org:hotel", {"amount": 2500.5, "since": dt.date(2024, 9, 10)}),
        Tie("REFERS", "org:gops", "krs:0000123456", {"count": 3, "since": dt.date(2024, 1, 1)}),
    ]
    store.upsert(nodes, ties, source="test")
    return store


def _graph(store: GraphStore, **options: bool) -> Graph:
    graph = Graph()
    for triple in triples(store, base=B, **options):
        graph.add(triple)
    return graph


def _tie(graph: Graph, predicate: URIRef) -> URIRef:
    (resource,) = graph.subjects(RDF.predicate, predicate)
    assert isinstance(resource, URIRef)
    return resource


def test_organisation_with_register_numbers(store: GraphStore) -> None:
    g = _graph(_small(store))
    # KRS comes first in pg:identifiedBy (krs nip regon), so it is the rov:registration; all three are adms:Identifiers.
    assert (COOP, RDF.type, ORG.FormalOrganization) in g
    assert (COOP, RDF.type, ROV.RegisteredOrganization) in g
    assert (COOP, ROV.legalName, Literal("Spółdzielnia Socjalna Smaki")) in g
    assert (COOP, ROV.registration, URIRef(f"{COOP}/id/krs")) in g
    assert (URIRef(f"{COOP}/id/krs"), SKOS.notation, Literal("0000123456")) in g
    assert {str(o) for o in g.objects(COOP, ADMS.identifier)} == {f"{COOP}/id/{n}" for n in ("krs", "nip", "regon")}
    assert (COOP, ROV.orgType, URIRef("https://w3id.org/partnergraph/vocab/kind/social_cooperative")) in g
    # An organisation without a register number is not a rov:RegisteredOrganization.
    assert (BUYER, RDF.type, ROV.RegisteredOrganization) not in g


def test_member_of_is_a_membership_with_role_and_period(store: GraphStore) -> None:
    g = _graph(_small(store))
    membership = _tie(g, PG.MEMBER_OF)
    assert (COOP, PG.MEMBER_OF, PARTNERSHIP) in g and (COOP, ORG.memberOf, PARTNERSHIP) in g
    assert (membership, RDF.type, ORG.Membership) in g
    assert (membership, ORG.member, COOP) in g and (membership, ORG.organization, PARTNERSHIP) in g
    assert (membership, ORG.role, ROLE_LEADER) in g
    period = g.value(membership, ORG.memberDuring)
    start, end = g.value(period, TIME.hasBeginning), g.value(period, TIME.hasEnd)
    assert g.value(start, TIME.inXSDDate) == Literal("2024-01-01", datatype=XSD.date)
    assert g.value(end, TIME.inXSDDate) == Literal("2024-12-31", datatype=XSD.date)


def test_tie_with_amount_is_a_qualified_relation_and_a_direct_triple(store: GraphStore) -> None:
    g = _graph(_small(store))
    trade = _tie(g, PG.TRADES_WITH)
    assert (COOP, PG.TRADES_WITH, BUYER) in g and (COOP, ORG.linkedTo, BUYER) in g
    assert (trade, RDF.type, PG.Tie) in g
    assert (trade, RDF.subject, COOP) in g and (trade, RDF.object, BUYER) in g
    assert (trade, PG.amount, Literal("2500.5", datatype=XSD.decimal)) in g
    assert (trade, PG.since, Literal("2024-09-10", datatype=XSD.date)) in g


def test_private_properties_and_small_counts_are_left_out_by_default(store: GraphStore) -> None:
    g = _graph(_small(store))
    referral = _tie(g, PG.REFERS)
    assert not list(g.objects(COOP, PG.email))
    assert not list(g.objects(referral, PG["count"]))  # 3 is from 1 to 4: never shown
    assert Literal(3) not in set(g.objects(referral, None))
    assert (referral, PG.countSuppressed, Literal(True)) in g


def test_include_private_gives_contacts_but_never_a_small_count(store: GraphStore) -> None:
    g = _graph(_small(store), include_private=True)
    assert (COOP, PG.email, Literal("biuro@smaki.example")) in g
    referral = _tie(g, PG.REFERS)
    assert (referral, PG["count"], Literal(3)) not in g and (referral, PG.countSuppressed, Literal(True)) in g


def test_slugs_with_polish_letters_are_percent_encoded_and_read_back(store: GraphStore) -> None:
    mapping = compile_mapping(store.schema)
    iri = mapping.node_iri(DEFAULT_BASE, "Organisation", "org:spółdzielnia-łąka/2")
    assert iri == f"{DEFAULT_BASE}/org/sp%C3%B3%C5%82dzielnia-%C5%82%C4%85ka%2F2"
    assert mapping.node_key(DEFAULT_BASE, iri) == ("Organisation", "org:spółdzielnia-łąka/2")
    assert mapping.node_iri(DEFAULT_BASE, "Municipality", "teryt:3014022") == f"{DEFAULT_BASE}/municipality/3014022"


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("jsonld", "json-ld"), ("ntriples", "nt"), ("rdfxml", "xml")]
)
def test_every_format_holds_the_same_graph(sqlite_store: GraphStore, fmt: str, rdflib_format: str) -> None:
    store = _small(sqlite_store)
    out = io.BytesIO()
    report = write_rdf(store, out, format=fmt, base=B)
    data = out.getvalue()
    if fmt == "jsonld":  # rdflib's JSON-LD parser warns (ConjunctiveGraph is deprecated): read it with pyoxigraph
        import pyoxigraph

        data = (
            pyoxigraph.serialize(
                pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD), format=pyoxigraph.RdfFormat.N_TRIPLES
            )
            or b""
        )
        rdflib_format = "nt"
    parsed = Graph().parse(data=data, format=rdflib_format)
    assert isomorphic(parsed, _graph(store))
    assert report.nodes == 4 and report.ties == 3


def test_a_bad_base_names_the_option(sqlite_store: GraphStore) -> None:
    with pytest.raises(ConfigError) as error:
        write_rdf(sqlite_store, io.BytesIO(), base="example.org/x")
    assert str(error.value) == (
        "--base 'example.org/x' nie jest bezwzględnym adresem IRI http(s) "
        "(np. https://example.org/partnergraph (bez spacji i końcowego /))"
    )


def test_a_text_stream_gets_the_same_text(sqlite_store: GraphStore) -> None:
    store = _small(sqlite_store)
    text, binary = io.StringIO(), io.BytesIO()
    write_rdf(store, text, format="turtle", base=B)
    write_rdf(store, binary, format="turtle", base=B)
    assert text.getvalue() == binary.getvalue().decode("utf-8")
    assert "Spółdzielnia Socjalna Smaki" in text.getvalue()


def test_pkd_groupings_are_matched_to_nace(store: GraphStore) -> None:
    # PKD 2007 keeps NACE Rev. 2's first four levels: 56.29.Z (class 56.29 not subdivided) is NACE 5629;
    # 56.10.A is one of several subclasses of NACE 56.10, so NACE 56.10 is broader.
    nodes = [
        Node(
            "pkd:56.29.Z", "Activity", {"code": "56.29.Z", "name": "Pozostała gastronomia", "classification": "PKD2007"}
        ),
        Node("pkd:56.10.A", "Activity", {"code": "56.10.A", "name": "Restauracje", "classification": "PKD2007"}),
        Node("pkd:56", "Activity", {"code": "56", "name": "Gastronomia", "classification": "PKD2007"}),
    ]
    store.upsert(nodes, source="test")
    g = _graph(store)
    base = f"{B}/activity/pkd"
    nace = "http://data.europa.eu/ux2/nace2"
    assert (URIRef(f"{base}/56.29.Z"), SKOS.exactMatch, URIRef(f"{nace}/5629")) in g
    assert (URIRef(f"{base}/56.10.A"), SKOS.broadMatch, URIRef(f"{nace}/5610")) in g
    assert (URIRef(f"{base}/56"), SKOS.exactMatch, URIRef(f"{nace}/56")) in g
