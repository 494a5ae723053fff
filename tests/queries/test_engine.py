"""The compiled engine (igraph) gives networkx's answers on small random graphs."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python  # type: ignore[attr-defined]

from partnergraph.graph.projection import Structure
from partnergraph.queries import engine


def random_structure(n: int, m: int, seed: int, *, symmetric_share: float = 0.3, isolated: int = 2) -> Structure:
    """n nodes (the last ``isolated`` without ties, so the graph is disconnected), m random ties with strengths 1–5 or none."""
    rng = random.Random(seed)
    keys = [f"org:{i:03d}" for i in range(n)]
    s = Structure(keys, {k: i for i, k in enumerate(keys)}, keys, [None] * n, [None] * n, [None] * n)
    for _ in range(m):
        u, v = rng.sample(range(n - isolated), 2)
        s.src.append(u)
        s.dst.append(v)
        s.tie_type.append("COOPERATES_WITH")
        s.strength.append(rng.choice([None, 1.0, 2.0, 5.0]))
        s.symmetric.append(rng.random() < symmetric_share)
    return s


SEEDS = [1, 2, 3]


def close(a: list[float], b: dict[int, float], tol: float = 1e-6) -> bool:
    return all(abs(a[i] - b[i]) <= tol for i in range(len(a)))


@pytest.mark.parametrize("seed", SEEDS)
def test_pagerank_equals_networkx(seed: int) -> None:
    s = random_structure(40, 90, seed)
    reference = _pagerank_python(
        engine.to_networkx(s, directed=True), weight="weight", tol=1e-13, max_iter=10000
    )  # without scipy
    assert close(engine.pagerank(s), reference)


@pytest.mark.parametrize("seed", SEEDS)
def test_betweenness_equals_networkx_exact_and_sampled(seed: int) -> None:
    s = random_structure(40, 70, seed)
    graph = engine.to_networkx(s, directed=False)
    assert close(engine.betweenness(s), nx.betweenness_centrality(graph, normalized=True))
    # the same 10 pivots as networkx draws with the same seed: the same estimate
    assert close(
        engine.betweenness(s, k=10, seed=seed), nx.betweenness_centrality(graph, k=10, seed=seed, normalized=True)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_closeness_uses_networkx_convention_on_disconnected_graphs(seed: int) -> None:
    s = random_structure(40, 45, seed, isolated=5)  # sparse: several components
    assert close(engine.closeness(s), nx.closeness_centrality(engine.to_networkx(s, directed=False), wf_improved=True))


def test_closeness_hand_computed() -> None:
    # a–b–c plus an isolated d: n = 4; for b: r = 3, Σd = 2 → (2/2)·(2/3) = 0.667; for a: Σd = 3 → (2/3)·(2/3) = 0.444
    s = Structure(
        list("abcd"),
        {k: i for i, k in enumerate("abcd")},
        list("abcd"),
        [None] * 4,
        [None] * 4,
        [None] * 4,
        src=[0, 1],
        dst=[1, 2],
        tie_type=["FUNDS"] * 2,
        strength=[None, None],
        symmetric=[False, False],
    )
    assert [round(x, 3) for x in engine.closeness(s)] == [0.444, 0.667, 0.444, 0.0]


@pytest.mark.parametrize("seed", SEEDS)
def test_eigenvector_equals_networkx_scaled_to_max_one(seed: int) -> None:
    s = random_structure(30, 90, seed, isolated=0)
    reference = nx.eigenvector_centrality(
        engine.to_networkx(s, directed=False), weight="weight", max_iter=10000, tol=1e-12
    )
    top = max(reference.values())
    assert close(engine.eigenvector(s), {i: x / top for i, x in reference.items()}, tol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_core_number_equals_networkx(seed: int) -> None:
    s = random_structure(40, 100, seed)
    reference = nx.core_number(engine.to_networkx(s, directed=False))
    assert engine.core_number(s) == [reference[i] for i in range(s.n)]


@pytest.mark.parametrize("seed", SEEDS)
def test_louvain_modularity_close_to_networkx(seed: int) -> None:
    s = random_structure(80, 200, seed)
    graph = engine.to_networkx(s, directed=False)
    membership, q = engine.louvain(s, seed=seed)
    groups: dict[int, set[int]] = {}
    for node, c in enumerate(membership):
        groups.setdefault(c, set()).add(node)
    assert q == pytest.approx(nx.community.modularity(graph, groups.values(), weight="weight"), abs=1e-9)
    reference = nx.community.modularity(
        graph, nx.community.louvain_communities(graph, weight="weight", seed=seed), weight="weight"
    )
    assert abs(q - reference) < 0.03


def test_louvain_is_reproducible_and_leaves_global_random_alone() -> None:
    s = random_structure(80, 200, 7)
    random.seed(5)
    expected_next = random.random()
    random.seed(5)
    first = engine.louvain(s, seed=11)
    assert random.random() == expected_next
    s.cache.clear()
    assert engine.louvain(s, seed=11) == first


def test_parallel_and_symmetric_ties_merge_into_weighted_simple_edges() -> None:
    # a→b twice (strength 2 and none = 1) and a symmetric a–c tie of strength 3
    s = Structure(
        list("abc"),
        {k: i for i, k in enumerate("abc")},
        list("abc"),
        [None] * 3,
        [None] * 3,
        [None] * 3,
        src=[0, 0, 0],
        dst=[1, 1, 2],
        tie_type=["FUNDS", "FUNDS", "COOPERATES_WITH"],
        strength=[2.0, None, 3.0],
        symmetric=[False, False, True],
    )
    assert engine.simple_edges(s, directed=True) == {(0, 1): 3.0, (0, 2): 3.0, (2, 0): 3.0}
    assert engine.simple_edges(s, directed=False) == {(0, 1): 3.0, (0, 2): 3.0}


def test_sampled_closeness_is_close_and_small_components_stay_exact() -> None:
    s = random_structure(200, 400, 4, isolated=0)
    s.src += [198]  # 198–199 become a component of two apart from the rest
    s.dst += [199]
    s.tie_type.append("FUNDS")
    s.strength.append(None)
    s.symmetric.append(False)
    keep = [e for e in range(s.m) if (s.src[e] >= 198) == (s.dst[e] >= 198)]
    for column in ("src", "dst", "tie_type", "strength", "symmetric"):
        setattr(s, column, [getattr(s, column)[e] for e in keep])
    exact, sampled = engine.closeness(s), engine.closeness(s, k=60)
    assert sampled[198] == exact[198] == pytest.approx(1 / 199)  # (1/1)·(1/199): exact, outside the sampled component
    assert max(abs(a - b) / a for a, b in zip(exact[:198], sampled[:198], strict=True) if a) < 0.1
