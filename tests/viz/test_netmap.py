"""Network maps: what a map shows, that its page is self-contained and escaped, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.errors import ConfigError, NotFoundError, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.records import Node, Tie
from partnergraph.viz.netmap import network_map
from partnergraph.viz.page import render_html, write_map
from tests.conftest import demo_runner

SCRIPT_NAME = "<script>alert(1)</script>"
KWILCZ, POZNAN = "teryt:3014022", "teryt:3064011"


def tiny(store: GraphStore) -> GraphStore:
    """Five organisations in two gminas, one partnership:

    Kwilcz: a (cooperative) — b (the <script> NGO), c (welfare centre) → a REFERS 3 people;
    Poznań: d (business) — e (business); a → d TRADES_WITH in 2023 only; partnership p = {a, c}.
    """
    orgs = [
        ("org:a", "Spółdzielnia Socjalna „Źródło”", "social_cooperative", KWILCZ),
        ("org:b", SCRIPT_NAME, "ngo", KWILCZ),
        ("org:c", "Gminny Ośrodek Pomocy Społecznej w Kwilczu", "welfare_centre", KWILCZ),
        ("org:d", "Łęgi Sp. z o.o.", "business", POZNAN),
        ("org:e", "Żółć i Ślęża S.A.", "business", POZNAN),
    ]
    nodes = [
        Node(KWILCZ, "Municipality", {"name": "Kwilcz", "teryt": "3014022"}),
        Node(POZNAN, "Municipality", {"name": "Poznań", "teryt": "3064011"}),
        Node("partnership:p", "Partnership", {"name": "Partnerstwo „Ząb”"}),
    ]
    nodes += [Node(key, "Organisation", {"name": name, "kind": kind}) for key, name, kind, _ in orgs]
    ties = [Tie("LOCATED_IN", key, muni) for key, _, _, muni in orgs]
    ties += [
        Tie("COOPERATES_WITH", "org:a", "org:b"),
        Tie("REFERS", "org:c", "org:a", {"count": 3}),
        Tie("TRADES_WITH", "org:a", "org:d", {"since": dt.date(2023, 1, 1), "until": dt.date(2023, 12, 31)}),
        Tie("COOPERATES_WITH", "org:d", "org:e"),
        Tie("MEMBER_OF", "org:a", "partnership:p"),
        Tie("MEMBER_OF", "org:c", "partnership:p"),
    ]
    store.upsert(nodes, ties, source="test")
    return store


def ids(result: Any) -> set[str]:
    return {node.id for node in result.nodes}


def pairs(result: Any) -> set[tuple[str, str]]:
    return {(edge.source, edge.target) for edge in result.edges}


def test_whole_network_one_edge_per_pair_and_type(store: GraphStore) -> None:
    # 5 organisations; 4 ties between them (a–b, c→a, a→d, d–e); LOCATED_IN and MEMBER_OF are not drawn
    result = network_map(tiny(store))
    assert ids(result) == {"org:a", "org:b", "org:c", "org:d", "org:e"}
    assert pairs(result) == {("org:a", "org:b"), ("org:c", "org:a"), ("org:a", "org:d"), ("org:d", "org:e")}
    assert result.physics and all(node.x is None for node in result.nodes)
    # legend: a cooperative, an NGO, a welfare centre, two businesses
    assert sorted(count for _, _, count in result.legend) == [1, 1, 1, 2]


def test_filters_narrow_the_map(store: GraphStore) -> None:
    tiny(store)
    # a→d traded only in 2023: on 2024-06-01 it is gone, the organisations stay
    assert pairs(network_map(store, as_of=dt.date(2024, 6, 1))) == {
        ("org:a", "org:b"),
        ("org:c", "org:a"),
        ("org:d", "org:e"),
    }
    assert ids(network_map(store, kinds=("business",))) == {"org:d", "org:e"}
    assert ids(network_map(store, municipality=KWILCZ)) == {"org:a", "org:b", "org:c"}
    assert pairs(network_map(store, tie_types=("COOPERATES_WITH",))) == {("org:a", "org:b"), ("org:d", "org:e")}


def test_ego_view_to_depth(store: GraphStore) -> None:
    tiny(store)
    # a's neighbours b, c, d (either direction); e is two steps away, through d
    first = network_map(store, ego="org:a")
    assert ids(first) == {"org:a", "org:b", "org:c", "org:d"}
    assert [node.id for node in first.nodes if node.marked] == ["org:a"]
    assert ids(network_map(store, ego="org:a", depth=2)) == {"org:a", "org:b", "org:c", "org:d", "org:e"}
    assert ids(network_map(store, ego="org:e")) == {"org:d", "org:e"}


def test_partnership_view_members_and_partners(store: GraphStore) -> None:
    tiny(store)
    # members a, c and the one tie among them (c→a); with partners also b and d (a's), not e (d's)
    members = network_map(store, partnership="partnership:p")
    assert ids(members) == {"org:a", "org:c"} and pairs(members) == {("org:c", "org:a")}
    wider = network_map(store, partnership="partnership:p", with_partners=True)
    assert ids(wider) == {"org:a", "org:b", "org:c", "org:d"}
    assert {node.id for node in wider.nodes if node.marked} == {"org:a", "org:c"}


def test_aggregate_one_node_per_municipality(store: GraphStore) -> None:
    # Kwilcz holds a, b, c (2 ties inside), Poznań d, e (1 inside); a→d is the one tie between them
    result = network_map(tiny(store), aggregate="municipality")
    assert ids(result) == {KWILCZ, POZNAN}
    sizes = {node.id: node.size for node in result.nodes}
    assert sizes[KWILCZ] > sizes[POZNAN]
    assert [(e.source, e.target, e.weight) for e in result.edges] == [(KWILCZ, POZNAN, 1.0)]
    assert "Kwilcz: 3 organizacje, 2 powiązania wewnątrz gminy" in {node.title.split("\n")[0] for node in result.nodes}


def test_aggregate_example_has_every_municipality_with_organisations(example_store: GraphStore) -> None:
    located = {t.end for t in example_store.iter_ties("LOCATED_IN") if t.start.startswith("org:")}
    result = network_map(example_store, aggregate="municipality")
    assert ids(result) == located and len(result.nodes) == len(located)


def test_aggregate_keeps_the_strongest_links_and_says_so(
    example_store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnergraph.viz import netmap

    everything = network_map(example_store, aggregate="municipality")
    monkeypatch.setattr(netmap, "AGGREGATE_EDGES", 2)
    strongest = network_map(example_store, aggregate="municipality")
    weights = sorted((e.weight for e in everything.edges), reverse=True)
    assert len(everything.edges) == 5 and sorted(e.weight for e in strongest.edges) == sorted(weights[:2])
    assert weights[1] == 2
    assert "Pokazano najsilniejsze połączenia między gminami: 2 z 5 (każde ma co najmniej 2 powiązania)" in render_html(
        strongest
    )


def test_large_map_has_physics_off_and_positions(store: GraphStore) -> None:
    result = network_map(tiny(store), large=3)
    assert not result.physics and all(node.x is not None and node.y is not None for node in result.nodes)
    data = _map_data(render_html(result))
    assert data["options"]["physics"] is False and all("x" in n and "y" in n for n in data["nodes"])
    assert "fizyka wyłączona, położenia policzone wcześniej" in render_html(result)
    assert network_map(store, large=5).physics  # 5 nodes is not above 5


def test_referral_counts_are_suppressed(store: GraphStore) -> None:
    result = network_map(tiny(store))
    (refers,) = [edge for edge in result.edges if edge.kind == "REFERS"]
    assert "skierowania: <5" in refers.title and "3" not in refers.title


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [value or "" for name, value in attrs if name in ("src", "href", "data", "action", "poster")]


def _map_data(page: str) -> Any:
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_page_references_nothing_outside_the_file(example_store: GraphStore, tmp_path: Path) -> None:
    page = write_map(network_map(example_store), tmp_path / "map.html").read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(page)
    assert parser.refs == [] and "link" not in parser.tags
    assert "cdn" not in page.lower() and "node_modules" not in page and "@import" not in page
    assert "vis.Network" in page and len(page) > 400_000  # vis-network itself is inlined


def test_page_polish_text_and_escaped_names(store: GraphStore) -> None:
    page = render_html(network_map(tiny(store)))
    assert '<html lang="pl">' in page and "<title>Mapa sieci</title>" in page and "Legenda" in page
    for letters in ("Źródło", "Łęgi", "Żółć i Ślęża", "spółdzielnia socjalna", "Wielkość węzła: stopień"):
        assert letters in page
    assert SCRIPT_NAME not in page and "alert(1)</" not in page
    names = {node["id"]: node["label"] for node in _map_data(page)["nodes"]}
    assert names["org:b"] == SCRIPT_NAME  # shown as text: vis-network draws labels on the canvas


def test_ego_title_is_escaped_in_markup(store: GraphStore) -> None:
    page = render_html(network_map(tiny(store), ego="org:b"))
    assert "<title>Sieć wokół: &lt;script&gt;alert(1)&lt;/script&gt; (głębokość 1)</title>" in page
    assert SCRIPT_NAME not in page


def test_page_in_english(store: GraphStore) -> None:
    from partnergraph.i18n import use_language

    with use_language("en"):
        page = render_html(network_map(tiny(store)))
    assert '<html lang="en">' in page and "Legend" in page and "Network map" in page


def test_bad_views_name_the_option(store: GraphStore) -> None:
    tiny(store)
    with pytest.raises(NotFoundError, match="--ego: nie ma węzła o kluczu 'org:nope'"):
        network_map(store, ego="org:nope")
    with pytest.raises(ValidationError, match="--partnership: org:a jest typu Organisation"):
        network_map(store, partnership="org:a")
    with pytest.raises(ValidationError, match="--ego i --partnership wykluczają się"):
        network_map(store, ego="org:a", partnership="partnership:p")
    with pytest.raises(ValidationError, match="--depth: 0"):
        network_map(store, ego="org:a", depth=0)
    with pytest.raises(ValidationError, match="--ego: org:d nie spełnia filtrów"):
        network_map(store, ego="org:d", municipality=KWILCZ)


def test_unwritable_path_is_a_clear_error_and_leaves_nothing(store: GraphStore, tmp_path: Path) -> None:
    result, folder = network_map(tiny(store)), tmp_path / "out"
    with pytest.raises(ConfigError, match=r"nie można zapisać .*map.html: nie ma takiego pliku ani folderu"):
        write_map(result, folder / "map.html")
    (folder / "taken").mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"nie można zapisać .*taken: to jest folder, nie plik"):
        write_map(result, folder / "taken")  # a folder is in the way
    assert sorted(p.name for p in folder.iterdir()) == ["taken"]  # no temporary file left behind


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    runner = demo_runner(monkeypatch, tmp_path)
    return runner


def test_cli_map_writes_the_file(demo: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "mapa.html"
    result = demo.invoke(main, ["map", "--out", str(out), "--color", "sector", "--municipality", KWILCZ])
    assert result.exit_code == 0, result.output
    assert f"Zapisano mapę {out}: 8 węzłów" in result.output  # the 8 organisations located in Kwilcz
    page = out.read_text(encoding="utf-8")
    assert "Kolor: sektor" in page and "CES Kwilcz" in page and "CES Poznań" not in page


def test_cli_map_ego_and_aggregate(demo: CliRunner, tmp_path: Path) -> None:
    ego = demo.invoke(main, ["map", "--out", str(tmp_path / "ego.html"), "--ego", "org:ces-kwilcz"])
    assert (
        ego.exit_code == 0 and "7 węzłów" in ego.output
    )  # CES Kwilcz, 2 other CES, GOPS, PUP, the office, its cooperative
    agg = demo.invoke(main, ["map", "--out", str(tmp_path / "agg.html"), "--aggregate", "municipality"])
    assert agg.exit_code == 0 and "Organizacje zgrupowane według gmin" in (tmp_path / "agg.html").read_text(
        encoding="utf-8"
    )


def test_cli_unknown_ego_is_one_error_line(demo: CliRunner, tmp_path: Path) -> None:
    result = demo.invoke(main, ["map", "--out", str(tmp_path / "m.html"), "--ego", "org:nope"])
    assert result.exit_code == 1
    assert (
        result.output
        == "Błąd: --ego: nie ma węzła o kluczu 'org:nope' (sprawdź klucz poleceniem 'partnergraph find NAZWA')\n"
    )
    assert not (tmp_path / "m.html").exists()
