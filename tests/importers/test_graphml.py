"""GraphML and GEXF: the Knoke & Wood networks (igraph), a Gephi export, mappings, broken files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from partnergraph.errors import ConfigError
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.importers.check import Notice
from partnergraph.importers.graphml import GraphMapping, read_gexf, read_graphml
from tests.importers.test_teryt import FIXTURES, load, messages, split

GRAPHFILES = Path(__file__).parents[1] / "fixtures" / "graphfiles"  # copies of the shared data's files (PROVENANCE.md)
KNOKI = GRAPHFILES / "KNOKI.GraphML"
KNOKM = GRAPHFILES / "KNOKM.GraphML"
SECTORS = {"nodes": {"values": {"sector": {"GOV": "public", "VOL": "social", "PVT": "private"}}}}


def notices(items: Sequence[object]) -> list[str]:
    return [str(i) for i in items if isinstance(i, Notice)]


def test_knoke_information_network_imports_with_a_sector_mapping(tmp_path: Path) -> None:
    items = list(read_graphml(KNOKI, mapping=GraphMapping.load(SECTORS)))
    nodes, ties, problems = split(items)
    assert [p for p in problems if not isinstance(p, Notice)] == []
    assert [(n.key, n.props["sector"]) for n in nodes][:4] == [
        ("org:knoki-n0", "public"),
        ("org:knoki-n1", "social"),
        ("org:knoki-n2", "public"),
        ("org:knoki-n3", "private"),
    ]
    assert [n.props["name"] for n in nodes][:4] == ["COUN", "COMM", "EDUC", "INDU"]  # labels are names, ids are keys
    assert {n.props["kind"] for n in nodes} == {"other"}
    assert Counter(t.type for t in ties) == {"COOPERATES_WITH": 21}  # 22 directed edges, one reciprocal pair
    assert notices(items) == [
        "KNOKI.GraphML: 22 krawędzie bez type: przyjęto 'COOPERATES_WITH'",
        "KNOKI.GraphML: 10 węzłów bez kind: przyjęto 'other'",
        "KNOKI.GraphML: 10 węzłów bez type: przyjęto 'Organisation'",
        "KNOKI.GraphML: 22 krawędzie skierowane zaimportowano jako symetryczne COOPERATES_WITH "
        "(kierunek pominięty; scalono powtórzenia: 1)",
        "KNOKI.GraphML: atrybuty pominięte (brak pasującej właściwości): Rating",
    ]
    with SqliteStore(tmp_path / "s.db") as store:
        summary = store.upsert(nodes, ties, source="KNOKI")
        assert summary.get("node", "created") == 10 and summary.get("tie", "created") == 21


def test_knoke_money_network_keeps_its_direction_as_funds(tmp_path: Path) -> None:
    mapping = GraphMapping.load({**SECTORS, "edges": {"defaults": {"type": "FUNDS"}}})
    nodes, ties, _ = split(read_graphml(KNOKM, mapping=mapping))
    assert len(nodes) == 10 and Counter(t.type for t in ties) == {"FUNDS": 49}
    assert ("org:knokm-n0", "org:knokm-n1") in {(t.start, t.end) for t in ties}  # COUN funds COMM
    with SqliteStore(tmp_path / "s.db") as store:
        store.upsert(nodes, ties, source="KNOKM")
        assert store.count_ties() == {"FUNDS": 49}


def test_without_a_mapping_foreign_values_are_problems_at_their_data_element() -> None:
    assert messages(read_graphml(KNOKI))[:2] == [
        "KNOKI.GraphML:24:7: 'GOV' nie jest dozwoloną wartością 'sector' (dozwolone: private, public, social)",
        "KNOKI.GraphML:29:7: 'VOL' nie jest dozwoloną wartością 'sector' (dozwolone: private, public, social)",
    ]
    assert "KNOKI.GraphML:72:5: krawędź n0 → n2 wskazuje na odrzucony węzeł n0" in messages(read_graphml(KNOKI))


def test_a_gephi_export_maps_types_kinds_and_tie_labels(tmp_path: Path) -> None:
    items = list(read_gexf(FIXTURES / "network.gexf"))
    nodes, ties, _ = split(items)
    assert [(n.key, n.type, n.props.get("kind")) for n in nodes] == [
        ("org:network-1", "Organisation", "social_cooperative"),
        ("org:network-2", "Organisation", "ces"),
        ("nip:8567346215", "Organisation", "business"),  # a register identifier gives the key
        ("teryt:3014022", "Municipality", None),
        ("org:network-5", "Organisation", "other"),
    ]
    assert [(t.type, t.start, t.end, dict(t.props)) for t in ties] == [
        ("SUPPORTS", "org:network-2", "org:network-1", {}),
        ("TRADES_WITH", "org:network-1", "nip:8567346215", {"since": "01.03.2024"}),
        ("LOCATED_IN", "org:network-1", "teryt:3014022", {}),
        ("COOPERATES_WITH", "org:network-2", "org:network-5", {}),
    ]
    assert notices(items)[-1] == "network.gexf: atrybuty pominięte (brak pasującej właściwości): Degree, weight"
    with SqliteStore(tmp_path / "s.db") as store:
        summary = load(store, (i for i in items if not isinstance(i, Notice)))
        assert summary.get("node", "created") == 5 and summary.get("tie", "created") == 4


def test_graphml_keys_for_all_defaults_and_undirected_edges(tmp_path: Path) -> None:
    path = tmp_path / "yed.graphml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="all" attr.name="label" attr.type="string"/>
  <key id="d1" for="node" attr.name="kind" attr.type="string"><default>ngo</default></key>
  <key id="d2" for="edge" attr.name="form" attr.type="string"/>
  <graph edgedefault="undirected">
    <node id="a"><data key="d0">Fundacja A</data></node>
    <node id="b"><data key="d0">Spółdzielnia B</data><data key="d1">social_cooperative</data></node>
    <edge source="b" target="a"><data key="d2">agreement</data></edge>
  </graph>
</graphml>
""")
    nodes, ties, problems = split(read_graphml(path))
    assert [(n.key, n.props["kind"]) for n in nodes] == [("org:yed-a", "ngo"), ("org:yed-b", "social_cooperative")]
    assert [(t.type, t.start, t.end, dict(t.props)) for t in ties] == [
        ("COOPERATES_WITH", "org:yed-a", "org:yed-b", {"form": "agreement"})
    ]
    assert [str(p) for p in problems] == [
        "yed.graphml: 1 krawędź bez type: przyjęto 'COOPERATES_WITH'",
        "yed.graphml: 2 węzły bez type: przyjęto 'Organisation'",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '<node id="a"><data key="l">X</data></node><edge source="a" target="z"/>',
            "g.graphml:3:43: krawędź a → z wskazuje na węzeł z, którego nie ma w pliku",
        ),
        (
            '<node id="a"><data key="n">5260250995</data></node><node id="b"><data key="n">526-025-09-95</data></node>',
            "g.graphml:3:52: węzły a i b dostają ten sam klucz nip:5260250995 "
            "(popraw identyfikator albo klucz jednego z nich, albo połącz je w jeden węzeł)",
        ),
        ('<hyperedge><endpoint node="a"/></hyperedge>', "g.graphml:3:1: hyperedges nie są obsługiwane"),
        ('<node id="a"><data key="l">X</data>', "g.graphml:3:36: niepoprawny XML: no element found"),
    ],
)
def test_graph_problems_name_their_place(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "g.graphml"
    keys = '<key id="l" for="node" attr.name="label"/><key id="n" for="node" attr.name="nip"/>'
    path.write_text(f'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">{keys}\n<graph>\n{body}')
    text = path.read_text()
    if "no element found" not in expected:
        path.write_text(text + "\n</graph></graphml>")
    assert [m for m in messages(read_graphml(path)) if "przyjęto" not in m] == [expected]


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.gexf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE gexf [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<gexf><graph><nodes><node id="1" label="&b;"/></nodes></graph></gexf>'
    )
    assert messages(read_gexf(path)) == [
        "bomb.gexf:2: plik XML zawiera deklarację DOCTYPE, której nie przyjmujemy (ze względów bezpieczeństwa) "
        "(usuń linię <!DOCTYPE …> albo wyeksportuj plik ponownie)"
    ]


def test_a_truncated_export_ends_in_a_problem_after_what_was_whole(tmp_path: Path) -> None:
    text = KNOKI.read_text(encoding="utf-8")
    for cut in range(0, len(text), 173):
        path = tmp_path / "cut.graphml"
        path.write_text(text[:cut], encoding="utf-8")
        items = list(read_graphml(path, mapping=GraphMapping.load(SECTORS)))
        assert "niepoprawny XML" in str(items[-1]) or isinstance(items[-1], Notice)


def test_a_mapping_file_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_text('{"nodes": {"attributes": {"Sector": "sector"}}, "edges": {"defaults": {"type": "FUNDS"}}}')
    mapping = GraphMapping.load(path)
    assert mapping.nodes.attributes == {"Sector": "sector"}
    assert mapping.nodes.defaults == {"type": "Organisation", "kind": "other"} and mapping.edges.defaults == {
        "type": "FUNDS"
    }
    with pytest.raises(ConfigError) as caught:
        GraphMapping.load({"nodes": {"colours": {}}})
    assert str(caught.value) == "zła mapa atrybutów: nodes: colours"
    path.write_text("{")
    with pytest.raises(ConfigError):
        GraphMapping.load(path)
