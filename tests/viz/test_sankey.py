"""The Sankey chart: valid offline SVG, levels by depth, hidden counts never drawn as numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from partnergraph.viz.sankey import HIDDEN_WIDTH, Flow, _columns, _layout, sankey, shown_total


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))  # also proves the SVG is well-formed XML
    return ["".join(e.itertext()).strip() for e in root.iter() if e.tag.endswith("}text")]


FLOWS = [
    Flow("MOPS Łódź", "CES Łódź", 12),
    Flow("PUP Łódź", "CES Łódź", "<5"),
    Flow("CES Łódź", "Spółdzielnia „Żółw”", 6),
]


def test_columns_follow_depth_of_the_flow_graph() -> None:
    # sources → CES → cooperative: three columns; a cycle (A ⇄ B) shares one column instead of failing
    assert _columns(FLOWS) == [["MOPS Łódź", "PUP Łódź"], ["CES Łódź"], ["Spółdzielnia „Żółw”"]]
    assert _columns([Flow("A", "B", 5), Flow("B", "A", 6), Flow("B", "C", 7)]) == [["A", "B"], ["C"]]


def test_labels_show_shown_counts_and_lower_bound_totals() -> None:
    texts = _texts(sankey(FLOWS, title="Skierowania"))
    # CES receives 12 and a hidden count → ≥13; it sends 6 on; PUP's only flow is hidden → ≥1
    assert {
        "Skierowania",
        "12",
        "<5",
        "6",
        "CES Łódź (≥13)",
        "PUP Łódź (≥1)",
        "MOPS Łódź (12)",
        "Spółdzielnia „Żółw” (6)",
    } <= set(texts)
    assert not {"1", "2", "3", "4"} & set(texts)


def test_a_hidden_flow_has_a_fixed_width_whatever_its_number() -> None:
    # the input is already suppressed (a hidden 1 and a hidden 4 both arrive as <5): the band is HIDDEN_WIDTH wide
    flows = [Flow("A", "B", "<5"), Flow("C", "B", 9)]
    assert HIDDEN_WIDTH == 2.5
    assert _layout(flows, _columns(flows)).size == {"A": 2.5, "C": 9.0, "B": 11.5}
    assert _layout([Flow("A", "B", "<5")], [["A"], ["B"]]).size == {"A": 2.5, "B": 2.5}
    assert shown_total(["<5", "<5", 10]) == "≥12" and shown_total([0, 5]) == 5


def test_names_are_escaped_and_nothing_is_fetched() -> None:
    svg = sankey([Flow("<script>alert(1)</script>", "CES $x$", 7)])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg and "<script" not in svg
    assert "CES $x$ (7)" in _texts(svg)  # dollar signs stay text, not mathtext
    assert not re.search(r"(href|src)=\"https?:", svg)


def test_no_flows_gives_an_empty_but_valid_picture() -> None:
    assert _texts(sankey([], title="Brak")) == ["Brak"]
