"""Communities: Louvain with a fixed seed, stable numbering, described by municipalities and kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.queries.communities import communities, community_members, membership
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner


def _two_triangles(store: GraphStore) -> GraphStore:
    """Triangles a–b–c (Kwilcz) and d–e–f (Drezdenko), bridged by c–d; all COOPERATES_WITH."""
    places = [
        Node("", "Municipality", {"name": "Kwilcz", "teryt": "3014022"}),
        Node("", "Municipality", {"name": "Drezdenko", "teryt": "0806023"}),
    ]
    orgs = [
        Node(f"org:{k}", "Organisation", {"name": k.upper(), "kind": "business" if k in "ad" else "ngo"})
        for k in "abcdef"
    ]
    pairs = ["ab", "bc", "ac", "de", "ef", "df", "cd"]
    ties = [Tie("COOPERATES_WITH", f"org:{p[0]}", f"org:{p[1]}") for p in pairs]
    ties += [Tie("LOCATED_IN", f"org:{k}", "teryt:3014022" if k in "abc" else "teryt:0806023") for k in "abcdef"]
    store.upsert(places + orgs, ties, source="test")
    return store


def test_two_triangles_are_two_communities_numbered_by_smallest_key(store: GraphStore) -> None:
    result = communities(_two_triangles(store))
    first, second = result.rows
    # 7 edges; each triangle: 3 inside, degree sum 7 → 3/7 − (7/14)² = 0.178571; together 0.357143
    assert (first.id, first.size, first.internal_ties, first.modularity) == (1, 3, 3, 0.178571)
    assert result.meta["modularity"] == 0.357143
    assert first.municipalities == "Kwilcz 100%" and second.municipalities == "Drezdenko 100%"
    assert first.kinds == "organizacja pozarządowa (fundacja, stowarzyszenie) 67%, przedsiębiorstwo 33%"
    assert first.largest_members == ["C", "A", "B"]  # c has 3 ties; a and b 2, by key


def test_members_follow_the_same_numbering(store: GraphStore) -> None:
    rows = community_members(_two_triangles(store)).rows
    assert [(r.key, r.community, r.community_size) for r in rows][:4] == [
        ("org:a", 1, 3),
        ("org:b", 1, 3),
        ("org:c", 1, 3),
        ("org:d", 2, 3),
    ]


def test_small_communities_are_left_out_with_a_note(store: GraphStore) -> None:
    _two_triangles(store)
    store.upsert([Node("org:g", "Organisation", {"name": "G", "kind": "ngo"})], source="test")
    result = communities(store)
    assert [r.size for r in result.rows] == [3, 3] and result.meta["communities"] == 3
    assert result.notes == ["Pominięto 1 społeczność mniejszą niż 2 organizacji (1 organizacji)."]


def test_same_seed_same_result_on_every_backend(example_store: GraphStore) -> None:
    first = membership(example_store, seed=7)
    assert membership(example_store, seed=7) == first
    result = communities(example_store)
    assert [r.size for r in result.rows] == [12, 9, 7] and result.meta["modularity"] == 0.497451
    assert result.rows[0].municipalities == "Poznań 100%"
    assert communities(example_store).rows == result.rows


def test_bad_resolution_is_refused(store: GraphStore) -> None:
    with pytest.raises(ValidationError, match="--resolution"):
        communities(store, resolution=0)


def test_the_cli_prints_json_and_the_exact_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = demo_runner(monkeypatch, tmp_path)
    done = runner.invoke(main, ["analyze", "communities", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert [r["size"] for r in json.loads(done.stdout)] == [12, 9, 7]
    members = runner.invoke(main, ["analyze", "community-members", "--format", "json"])
    assert len(json.loads(members.stdout)) == 28
    bad = runner.invoke(main, ["analyze", "communities", "--resolution", "-1"])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines()[-1] == "Błąd: --resolution: potrzebna liczba > 0, podano -1"
