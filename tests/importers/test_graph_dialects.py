"""GraphML/GEXF as the tools write them: keys from node ids, GEXF dynamics and hierarchies, yEd
labels, self-loops. Real public files are in tests/fixtures/graphfiles (see its PROVENANCE.md);
the files written here are small ones made for one case each, and say so."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.importers.check import Notice
from partnergraph.importers.graphml import GraphMapping, read_gexf, read_graphml
from partnergraph.importers.run import run_import
from tests.importers.test_teryt import messages, split

FILES = Path(__file__).parent.parent / "fixtures" / "graphfiles"


def notices(items: Sequence[object]) -> list[str]:
    return [str(i) for i in items if isinstance(i, Notice)]


def problems(items: Sequence[object]) -> list[str]:
    return [str(i) for i in split(items)[2] if not isinstance(i, Notice)]  # type: ignore[arg-type]


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def gexf(body: str, graph: str = 'defaultedgetype="undirected"') -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">'
    return f"{head}<graph {graph}>\n{body}\n</graph></gexf>\n"


GRAPHML = '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>\n{}\n</graph></graphml>'


# -- 2. keys: the file's node ids, not labels --------------------------------------------------
AIRPORTS = gexf("""<nodes>
<node id="PWM" label="Portland"/><node id="PDX" label="Portland"/><node id="SFO" label="San Francisco"/>
</nodes><edges><edge source="PWM" target="PDX"/><edge source="PDX" target="SFO"/></edges>""")
"""Written here, after Gephi's US Airports sample: two airports labelled Portland (Maine, Oregon)."""


def test_nodes_sharing_a_label_are_kept_apart_with_a_probable_duplicate_notice(tmp_path: Path) -> None:
    items = list(read_gexf(written(tmp_path, "US Airports.gexf", AIRPORTS)))
    nodes, ties, _ = split(items)
    assert problems(items) == []
    assert [(n.key, n.props["name"]) for n in nodes] == [
        ("org:us-airports-PWM", "Portland"),
        ("org:us-airports-PDX", "Portland"),
        ("org:us-airports-SFO", "San Francisco"),
    ]
    assert [(t.start, t.end) for t in ties] == [
        ("org:us-airports-PDX", "org:us-airports-PWM"),
        ("org:us-airports-PDX", "org:us-airports-SFO"),
    ]
    assert notices(items)[-1] == (
        "US Airports.gexf: 1 nazwę nosi kilka węzłów (zapisano osobno, każdy pod kluczem ze swojego id; "
        "możliwe duplikaty): portland (PWM, PDX)"
    )


def test_the_same_file_gives_the_same_keys_so_a_re_import_changes_nothing(store: GraphStore) -> None:
    first = run_import(store, FILES / "hierarchy1.gexf")
    assert (first.summary.get("node", "created"), first.summary.get("tie", "created")) == (10, 9)
    again = run_import(store, FILES / "hierarchy1.gexf")
    assert (again.count("created"), again.count("updated"), again.count("unchanged")) == (0, 0, 19)


def test_ids_with_blanks_are_escaped_so_distinct_ids_never_share_a_key(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        "g.gexf",
        gexf('<nodes><node id="a b" label="X"/><node id="a%20b" label="Y"/><node id="Łąka 1" label="Z"/></nodes>'),
    )
    assert [n.key for n in split(read_gexf(path))[0]] == ["org:g-a%20b", "org:g-a%2520b", "org:g-Łąka%201"]


def test_a_register_identifier_still_gives_the_key(tmp_path: Path) -> None:
    body = """<attributes class="node"><attribute id="0" title="NIP" type="string"/></attributes>
<nodes><node id="7" label="Żółta Łódź"><attvalues><attvalue for="0" value="526-025-09-95"/></attvalues></node></nodes>"""
    assert [n.key for n in split(read_gexf(written(tmp_path, "g.gexf", gexf(body))))[0]] == ["nip:5260250995"]


def test_a_mapping_of_id_is_used(tmp_path: Path) -> None:
    text = GRAPHML.format('<node id="{}"><data key="label">Fundacja</data></node>')
    as_key = GraphMapping.load({"nodes": {"attributes": {"id": "key"}}})
    nodes = split(read_graphml(written(tmp_path, "a.graphml", text.format("krs:0000127206")), mapping=as_key))[0]
    assert [n.key for n in nodes] == ["krs:0000127206"]
    as_nip = GraphMapping.load({"nodes": {"attributes": {"id": "nip"}}})
    nodes = split(read_graphml(written(tmp_path, "b.graphml", text.format("5260250995")), mapping=as_nip))[0]
    assert [(n.key, n.props["nip"]) for n in nodes] == [("nip:5260250995", "5260250995")]


def test_a_mapped_key_that_is_no_key_is_a_problem_at_its_node(tmp_path: Path) -> None:
    path = written(tmp_path, "g.graphml", GRAPHML.format('<node id="n0"><data key="label">A</data></node>'))
    found = problems(list(read_graphml(path, mapping=GraphMapping.load({"nodes": {"attributes": {"id": "key"}}}))))
    assert found == ["g.graphml:2:1: klucz 'n0' ma zły format; oczekiwano prefiks:wartość, np. krs:…"]


@pytest.mark.parametrize("name", ["igraph-test.graphml", "yfiles-java.graphml"])
def test_graphml_nodes_are_keyed_by_file_and_id(name: str) -> None:
    nodes = split(read_graphml(FILES / name))[0]
    stem = name.removesuffix(".graphml")
    assert [n.key for n in nodes][:3] == [f"org:{stem}-n0", f"org:{stem}-n1", f"org:{stem}-n2"]


# -- 3. GEXF dynamics ---------------------------------------------------------------------------
def test_gexf_start_and_end_become_since_and_until() -> None:
    items = list(read_gexf(FILES / "dynamics.gexf"))
    _, ties, _ = split(items)
    assert problems(items) == []
    assert [(t.start[-1], t.end[-1], dict(t.props)) for t in ties] == [
        ("0", "1", {"since": "2009-03-01"}),
        ("0", "2", {"since": "2009-03-01", "until": "2009-03-10"}),
        ("1", "2", {"until": "2009-03-10"}),
        ("0", "3", {"since": "2009-03-01"}),
    ]
    assert notices(items)[-2:] == [
        "dynamics.gexf: 2 węzły Organisation mają okresy istnienia (start/end/spells), których model nie przechowuje "
        "dla Organisation: pominięto je",
        "dynamics.gexf: w 3 węzłach lub krawędziach atrybuty mają wartości zmienne w czasie (attvalue start/end): zachowano ostatnią",
    ]


def test_gexf_spells_in_date_time_keep_their_day_with_a_notice() -> None:
    items = list(read_gexf(FILES / "dynamicGraph.gexf"))
    _, ties, _ = split(items)
    assert problems(items) == []
    assert [dict(t.props) for t in ties][:2] == [
        {"since": "2012-04-28", "until": "2012-04-28"},
        {"since": "2012-04-30", "until": "2012-05-03"},
    ]
    assert dict(ties[-1].props) == {}  # edge 5 has no spell
    assert "dynamicGraph.gexf: 5 krawędzi z czasami zawierającymi godzinę: zachowano tylko daty" in notices(items)


def test_several_spells_give_several_ties_and_times_that_are_no_dates_are_reported(tmp_path: Path) -> None:
    body = """<nodes><node id="a" label="A"/><node id="b" label="B"/><node id="c" label="C"/></nodes><edges>
<edge source="a" target="b"><spells><spell start="2019-01-01" end="2019-12-31"/><spell start="2022-05-01"/></spells></edge>
<edge source="b" target="c" start="3.0" end="4.5"/></edges>"""
    items = list(read_gexf(written(tmp_path, "g.gexf", gexf(body))))
    _, ties, _ = split(items)
    assert [dict(t.props) for t in ties] == [
        {"since": "2019-01-01", "until": "2019-12-31"},
        {"since": "2022-05-01"},
        {},
    ]
    assert (
        "g.gexf: 1 krawędź ma kilka okresów (spells): każdy zapisano jako osobne powiązanie z since/until"
        in notices(items)
    )
    assert "g.gexf: 1 krawędź z czasami (start/end/spells), które nie są datami: czasy pominięto" in notices(items)


def test_a_node_type_with_since_keeps_its_first_span(tmp_path: Path) -> None:
    body = """<nodes><node id="p" label="Partnerstwo Kwilcz">
<attvalues><attvalue for="type" value="Partnership"/></attvalues>
<spells><spell start="2018-02-01"/><spell start="2021-06-01"/></spells></node></nodes>"""
    items = list(read_gexf(written(tmp_path, "g.gexf", gexf(body))))
    nodes = split(items)[0]
    assert [(n.type, n.props.get("since")) for n in nodes] == [("Partnership", "2018-02-01")]
    assert "g.gexf: 1 węzeł Partnership ma kilka okresów: zachowano pierwszy jako since/until" in notices(items)


# -- 4. GEXF hierarchies (and yEd groups) -----------------------------------------------------
@pytest.mark.parametrize(
    ("name", "nodes", "ties", "flat"),
    [
        ("hierarchy1.gexf", 10, 9, "9 węzłów Organisation zagnieżdżonych"),
        ("hierarchy4.gexf", 7, 4, "6 węzłów Organisation zagnieżdżonych"),
        ("phylogeny.gexf", 3, 0, "2 węzły Organisation zagnieżdżone"),
    ],
)
def test_nested_nodes_pid_and_parents_are_imported_flat_with_a_count(
    name: str, nodes: int, ties: int, flat: str
) -> None:
    items = list(read_gexf(FILES / name))
    found = split(items)
    assert problems(items) == []
    assert (len(found[0]), len(found[1])) == (nodes, ties)
    assert notices(items)[-1] == (
        f"{name}: {flat} w węźle Organisation zaimportowano płasko: model nie pozwala na PART_OF między nimi"
    )


def test_nesting_becomes_part_of_where_the_model_allows_it(tmp_path: Path) -> None:
    body = """<attributes class="node"><attribute id="t" title="Type"/><attribute id="k" title="teryt"/></attributes>
<nodes><node id="p" label="czarnkowsko-trzcianecki">
<attvalues><attvalue for="t" value="County"/><attvalue for="k" value="3014"/></attvalues>
<nodes><node id="g" label="Kwilcz">
<attvalues><attvalue for="t" value="Municipality"/><attvalue for="k" value="3014022"/></attvalues></node></nodes>
</node><node id="x" label="Y" pid="nowhere"/></nodes>"""
    items = list(read_gexf(written(tmp_path, "g.gexf", gexf(body))))
    assert [(t.type, t.start, t.end) for t in split(items)[1]] == [("PART_OF", "teryt:3014022", "teryt:3014")]
    assert problems(items) == ["g.gexf:8:8: węzeł x ma nadrzędny węzeł nowhere, którego nie ma w pliku"]


def test_yed_groups_are_imported_flat_and_edges_into_them_resolve(tmp_path: Path) -> None:
    text = """<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="l" for="node" attr.name="label"/>
<graph edgedefault="undirected">
<node id="n0"><data key="l">Grupa</data><graph id="n0:"><node id="n0::n0"><data key="l">A</data></node>
<node id="n0::n1"><data key="l">B</data></node><edge source="n0::n0" target="n0::n1"/></graph></node>
<node id="n1"><data key="l">C</data></node><edge source="n1" target="n0::n1"/></graph></graphml>"""
    items = list(read_graphml(written(tmp_path, "groups.graphml", text)))
    nodes, ties, _ = split(items)
    assert problems(items) == []
    assert [n.props["name"] for n in nodes] == ["Grupa", "A", "B", "C"] and len(ties) == 2
    assert (
        "groups.graphml: 2 węzły Organisation zagnieżdżone w węźle Organisation zaimportowano płasko: "
        "model nie pozwala na PART_OF między nimi" in notices(items)
    )


def test_a_file_with_pid_imports_whole_and_says_the_nesting_was_not_kept(store: GraphStore) -> None:
    report = run_import(store, FILES / "hierarchy4.gexf")
    assert store.count_nodes() == {"Organisation": 7} and report.summary.get("tie", "created") == 4
    assert (
        "hierarchy4.gexf: 6 węzłów Organisation zagnieżdżonych w węźle Organisation zaimportowano płasko: "
        "model nie pozwala na PART_OF między nimi" in [str(n) for n in report.notices]
    )


# -- 5. yEd labels ------------------------------------------------------------------------------
def test_yed_node_labels_are_names() -> None:
    nodes = split(read_graphml(FILES / "yfiles-java.graphml"))[0]
    assert [n.props["name"] for n in nodes] == ["1", "2", "3"]


def test_yfiles_for_html_label_texts_are_names() -> None:
    nodes = split(read_graphml(FILES / "yfiles-html.graphml"))[0]
    assert [n.props["name"] for n in nodes][:3] == ["Top left rounded rectangle", "Star", "őð中"]


# -- 9. self-loops --------------------------------------------------------------------------------
def test_self_loops_are_left_out_with_one_counted_notice(store: GraphStore) -> None:
    items = list(read_graphml(FILES / "yfiles-html.graphml"))
    assert problems(items) == []
    assert notices(items)[-1] == (
        "yfiles-html.graphml: pominięto pętle COOPERATES_WITH (krawędź z węzła do niego samego): 1; "
        "model nie pozwala, by powiązanie łączyło węzeł z nim samym"
    )
    report = run_import(store, FILES / "yfiles-html.graphml")
    assert report.summary.get("tie", "created") == 2


def test_self_loops_of_a_mapped_tie_type_are_counted_by_type(tmp_path: Path) -> None:
    text = gexf(
        '<nodes><node id="a" label="A"/></nodes><edges><edge source="a" target="a"/><edge source="a" target="a" label="wspiera"/></edges>'
    )
    found = [m for m in messages(read_gexf(written(tmp_path, "g.gexf", text))) if "pętle" in m]
    assert [m.split(" (")[0] for m in found] == [
        "g.gexf: pominięto pętle COOPERATES_WITH",
        "g.gexf: pominięto pętle SUPPORTS",
    ]
