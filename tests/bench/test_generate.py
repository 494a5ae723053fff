"""The benchmark's network generator: valid, deterministic, located, skewed; the raw baseline writes the store's rows."""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter
from pathlib import Path

from bench.bench_store import load_raw, load_store
from bench.generate import generate
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.records import Node, Tie
from partnergraph.schema import load_schema

MISSING = Path("/nonexistent/TERC.csv")


def network(n_orgs: int, seed: int = 0, teryt_path: Path | None = None) -> tuple[list[Node], list[Tie]]:
    nodes, ties = generate(n_orgs, seed, teryt_path)
    return list(nodes), list(ties)


def test_network_loads_into_the_store_without_validation_errors(tmp_path: Path) -> None:
    nodes, ties = network(300, seed=3)
    with SqliteStore(tmp_path / "store.db") as store:
        summary = store.upsert(nodes, ties, source="bench")
        assert store.check() == []
    assert summary.get("node", "created") == len(nodes)  # no two records share a key or a tie id
    assert summary.get("tie", "created") == len(ties)


def test_same_seed_same_network_other_seed_other_network() -> None:
    first, again, other = network(300, seed=7), network(300, seed=7), network(300, seed=8)
    assert first == again
    assert first != other


def test_every_organisation_is_located_in_one_real_gmina() -> None:
    nodes, ties = network(300)
    orgs = {n.key for n in nodes if n.type == "Organisation"}
    gminas = {n.key for n in nodes if n.type == "Municipality"}
    located = Counter(t.start for t in ties if t.type == "LOCATED_IN")
    assert len(orgs) == 300
    assert set(located) == orgs and set(located.values()) == {1}
    assert {t.end for t in ties if t.type == "LOCATED_IN"} <= gminas


def test_degrees_are_skewed_and_about_five_ties_per_organisation() -> None:
    nodes, ties = network(300)
    orgs = {n.key for n in nodes if n.type == "Organisation"}
    degree = Counter(key for t in ties if t.start in orgs and t.end in orgs for key in (t.start, t.end))
    assert 3.5 <= sum(degree.values()) / 2 / len(orgs) <= 6
    assert max(degree.values()) >= 5 * statistics.median(degree[key] for key in orgs)


def test_every_kind_and_every_tie_type_between_organisations_appears() -> None:
    nodes, ties = network(3000)
    schema = load_schema()
    kinds = {n.props["kind"] for n in nodes if n.type == "Organisation"}
    assert kinds == set(schema.vocabularies["OrganisationKinds"].concepts)
    between = {name for name, t in schema.tie_types.items() if "Organisation" in t.domain and "Organisation" in t.range}
    assert between <= {t.type for t in ties}


def test_without_the_teryt_file_a_built_in_excerpt_with_the_partnership_gminas_is_used(tmp_path: Path) -> None:
    nodes, ties = network(100, teryt_path=MISSING)
    keys = {n.key for n in nodes}
    assert {"teryt:3014022", "teryt:0806023", "teryt:3064011", "teryt:3014", "teryt:30"} <= keys
    with SqliteStore(tmp_path / "store.db") as store:
        store.upsert(nodes, ties, source="bench")
        kwilcz = store.get_node("teryt:3014022")
    assert kwilcz is not None and kwilcz.props["name"] == "Kwilcz"


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as con:
        return {
            "nodes": con.execute(
                "SELECT key, type, sort, search, props, origin, version FROM nodes ORDER BY key"
            ).fetchall(),
            "ties": con.execute(
                'SELECT id, type, start, "end", props, origin, version FROM ties ORDER BY id'
            ).fetchall(),
            "changes": con.execute(
                "SELECT version, seq, user, source, op, entity, key, before, after FROM changes ORDER BY 2"
            ).fetchall(),
            "search": con.execute(
                "SELECT n.key, s.text FROM search s JOIN nodes n ON n.rowid = s.rowid ORDER BY n.key"
            ).fetchall(),
            "meta": con.execute("SELECT name, value FROM meta ORDER BY name").fetchall(),
        }


def test_the_raw_baseline_writes_exactly_the_rows_the_store_writes(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store.db", 200, 5, MISSING)
    raw = load_raw(tmp_path / "raw.db", 200, 5, MISSING)
    assert (store.nodes, store.ties) == (raw.nodes, raw.ties)
    assert _rows(tmp_path / "store.db") == _rows(tmp_path / "raw.db")
