"""Dependency of cooperatives on their buyers and funders: hand-checked indicators, the example, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.queries.dependency import dependency, hhi
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner

GMINA = "teryt:1111011"


def _org(key: str, name: str, kind: str) -> Node:
    return Node(key, "Organisation", {"name": name, "kind": kind})


def _small(store: GraphStore) -> GraphStore:
    nodes = [
        Node(GMINA, "Municipality", {"name": "Łąkowo", "teryt": "1111011"}),
        _org("org:c1", "Spółdzielnia Jeden", "social_cooperative"),
        _org("org:c2", "Spółdzielnia Dwa", "social_cooperative"),
        _org("org:c3", "Spółdzielnia Trzy", "social_cooperative"),
        _org("org:c4", "Spółdzielnia Cztery", "social_cooperative"),
        _org("org:firm", "Firma", "business"),
        _org("org:office", "Urząd", "municipality_office"),
        _org("org:school", "Szkoła", "school"),
    ]
    buyers = [f"org:b{i}" for i in range(5)]
    nodes += [_org(b, f"Kupiec {i}", "business") for i, b in enumerate(buyers)]
    ties = [
        # c1 by amount: Firma 600, Urząd 300 (social clause), Szkoła 100; funded by the gmina 1000
        Tie("TRADES_WITH", "org:c1", "org:firm", {"amount": 600}),
        Tie("TRADES_WITH", "org:c1", "org:office", {"amount": 300, "social_clause": True}),
        Tie("TRADES_WITH", "org:c1", "org:school", {"amount": 100}),
        Tie("FUNDS", GMINA, "org:c1", {"amount": 1000}),
        # c2: one tie without an amount → counted by ties: Firma 2 (one of them a subcontract), Urząd 1
        Tie("TRADES_WITH", "org:c2", "org:firm", {"amount": 500}),
        Tie("SUBCONTRACTS", "org:firm", "org:c2"),
        Tie("TRADES_WITH", "org:c2", "org:office", {"amount": 100}),
    ]
    # c3: five equal buyers
    ties += [Tie("TRADES_WITH", "org:c3", b, {"amount": 10}) for b in buyers]
    store.upsert(nodes, ties, source="test")
    return store


def test_hhi_scale() -> None:
    # one buyer: 100² = 10,000; two equal: 50² + 50² = 5,000; nothing: 0
    assert (hhi([7]), hhi([1, 1]), hhi([])) == (10000.0, 5000.0, 0.0)


def test_indicators_by_amount(store: GraphStore) -> None:
    rows = {r.key: r for r in dependency(_small(store)).rows}
    c1 = rows["org:c1"]
    # shares 0.6, 0.3, 0.1 → HHI 60² + 30² + 10² = 3600 + 900 + 100 = 4600
    # public money: Urząd 300 + Szkoła 100 + the gmina 1000 = 1400 of 1000 + 1000 = 2000 → 0.7
    assert (c1.basis, c1.buyers, c1.funders, c1.largest_buyer, c1.largest_share, c1.hhi) == (
        "amount",
        3,
        1,
        "Firma",
        0.6,
        4600.0,
    )
    assert (c1.public_share, c1.social_clause, c1.flagged) == (0.7, 1, True)
    assert c1.reason == "HHI 4600 ≥ 2500; największy odbiorca Firma: 60% ≥ 50%"


def test_tie_count_basis_when_an_amount_is_missing(store: GraphStore) -> None:
    c2 = {r.key: r for r in dependency(_small(store)).rows}["org:c2"]
    # Firma 2 ties (trade + subcontract), Urząd 1 → shares 2/3, 1/3 → HHI 4444.4 + 1111.1 = 5555.6; public 1/3
    assert (c2.basis, c2.basis_text, c2.largest_share, c2.hhi, c2.public_share) == (
        "ties",
        "liczba powiązań",
        0.6667,
        5555.6,
        0.3333,
    )


def test_thresholds_and_no_buyers(store: GraphStore) -> None:
    rows = {r.key: r for r in dependency(_small(store)).rows}
    # c3: five buyers of 20% → HHI 5 × 400 = 2000 < 2500 and 0.2 < 0.5
    assert (rows["org:c3"].hhi, rows["org:c3"].flagged, rows["org:c3"].reason) == (2000.0, False, "poniżej progów")
    assert (rows["org:c4"].hhi, rows["org:c4"].flagged, rows["org:c4"].reason) == (None, False, "brak odbiorców")
    stricter = {r.key: r for r in dependency(store, hhi_threshold=2000, max_share=0.9).rows}
    assert stricter["org:c3"].flagged and stricter["org:c3"].reason == "HHI 2000 ≥ 2000"
    assert [r.key for r in dependency(store).rows][:2] == ["org:c2", "org:c1"]  # flagged first, higher HHI first
    with pytest.raises(ValidationError, match=r"--max-share: 1,5 nie jest udziałem od 0 do 1"):
        dependency(store, max_share=1.5)


def test_example_network(example_store: GraphStore) -> None:
    rows = {r.key: r for r in dependency(example_store).rows}
    zielona = rows["org:ss-zielona-pracownia"]
    # buyers: Urząd Miasta Poznania 82,000, Drukarnia 6,400, Hotel (subcontract) 7,000 → 95,400; 82,000 / 95,400 = 0.8595
    assert (zielona.buyers, zielona.largest_share, zielona.public_share, zielona.flagged) == (3, 0.8595, 0.8595, True)
    wildy = rows["org:ss-smaki-wildy"]  # Hotel 48,000 / (48,000 + 36,500.5) = 0.568
    assert (wildy.largest_buyer, wildy.largest_share) == ("Hotel nad Wartą Sp. z o.o.", 0.568)


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    runner = demo_runner(monkeypatch, tmp_path)
    return runner


def test_cli_json_csv_and_error(demo_env: CliRunner) -> None:
    records = json.loads(demo_env.invoke(main, ["analyze", "dependency", "--format", "json"]).stdout)
    assert {r["key"] for r in records} == {
        "org:ss-kwilecka-kuchnia",
        "org:ss-noteckie-uslugi",
        "org:ss-smaki-wildy",
        "org:ss-zielona-pracownia",
    }
    assert all(r["basis"] == "amount" and r["flagged"] for r in records)
    header = demo_env.invoke(main, ["analyze", "dependency", "--format", "csv"]).stdout.splitlines()[0]
    assert header.startswith("key;name;kind;basis;basis_text;buyers;funders;largest_buyer;largest_share;hhi")
    bad = demo_env.invoke(main, ["analyze", "dependency", "--max-share", "2"])
    assert bad.exit_code == 1 and bad.output.splitlines()[0] == "Błąd: --max-share: 2 nie jest udziałem od 0 do 1"
