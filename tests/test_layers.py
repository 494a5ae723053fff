"""Module shape: the layers of DESIGN.md hold, and no modules import each other in a ring.

Every import counts — at the top, inside a function, or under ``TYPE_CHECKING`` — since a ring
of any of them means two modules that cannot be understood (or moved) one without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "partnergraph"

# DESIGN.md, "Layers (dependencies point down only)": the faces, the core operations, the store.
FACES = {"cli", "web"}
CORE = {"importers", "queries", "viz", "rdf", "exports"}
FORBIDDEN = {
    "graph": FACES | CORE,
    **dict.fromkeys(CORE, FACES),
    "web": {"cli"},
    "": FACES,  # the top-level modules (schema, records, values, i18n …) serve every layer
}
KNOWN_RINGS = [
    # The Writer's own undo, split out of graph/base.py for its size: Revert drives the Writer's
    # checks and stamps, and the Writer hands a revert to it.
    {"partnergraph.graph.base", "partnergraph.graph.invariants", "partnergraph.graph.revert"},
]


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph[str]:
    """Module → the partnergraph modules it imports (not the packages it lives in)."""
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            graph.add_edges_from(
                (name, t) for t in targets if t in modules and t != name and not name.startswith(t + ".")
            )
    return graph


def _layer(module: str) -> str:
    """The subpackage of ``module`` (``graph``, ``web`` …), or "" for a top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else ""


def test_the_import_graph_sees_known_imports() -> None:
    graph = import_graph()
    assert graph.has_edge("partnergraph.importers.run", "partnergraph.importers.check")
    assert graph.has_edge("partnergraph.graph.neo4j", "partnergraph.graph.neo4j_layout")
    assert graph.has_edge("partnergraph.importers.check", "partnergraph.importers.base")  # under TYPE_CHECKING too


def test_layers_point_down_only() -> None:
    wrong = sorted(
        f"{a} imports {b}"
        for a, b in import_graph().edges
        if _layer(a) in FORBIDDEN and _layer(b) in FORBIDDEN[_layer(a)]
    )
    assert wrong == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("partnergraph.graph.neo4j", "partnergraph.graph.neo4j_write"),
        ("partnergraph.importers.check", "partnergraph.importers.run"),
        ("partnergraph.importers.workbook", "partnergraph.importers.run"),
    ],
)
def test_the_rings_once_found_stay_broken(a: str, b: str) -> None:
    graph = import_graph()
    assert not (nx.has_path(graph, a, b) and nx.has_path(graph, b, a))


def test_no_other_modules_import_each_other_in_a_ring() -> None:
    rings = [ring for ring in nx.strongly_connected_components(import_graph()) if len(ring) > 1]
    assert [sorted(r) for r in rings if r not in KNOWN_RINGS] == []
