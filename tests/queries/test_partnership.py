"""Partnership composition, candidate members and KPIs: hand-checked cases, the example, the CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import use_language
from partnergraph.queries.partnership import KEY_KINDS, CompositionRow, candidates, kpi, partnership, sector_chart
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner

GMINA, OTHER = "teryt:1111011", "teryt:2222011"


def _org(key: str, name: str, kind: str, **props: str) -> Node:
    return Node(key, "Organisation", {"name": name, "kind": kind, **props})


def _small(store: GraphStore) -> GraphStore:
    """Partnership p:x with a welfare centre, a firm, a cooperative and the gmina itself as members.

    Not members: an NGO and a school in the gmina (tied to members), a business in another gmina.
    """
    nodes = [
        Node(GMINA, "Municipality", {"name": "Łąkowo", "teryt": "1111011"}),
        Node(OTHER, "Municipality", {"name": "Dalekie", "teryt": "2222011"}),
        Node("partnership:x", "Partnership", {"name": "Partnerstwo Łąkowo"}),
        _org("org:ops", "GOPS Łąkowo", "welfare_centre"),
        _org("org:firm", "Firma", "business"),
        _org("org:coop", "Spółdzielnia", "social_cooperative"),
        _org("org:ngo", "Fundacja", "ngo"),
        _org("org:school", "Szkoła", "school"),
        _org("org:far", "Daleka firma", "business"),
    ]
    ties = [Tie("MEMBER_OF", m, "partnership:x") for m in ("org:ops", "org:firm", "org:coop", GMINA)]
    ties += [Tie("LOCATED_IN", o, GMINA) for o in ("org:ops", "org:firm", "org:coop", "org:ngo", "org:school")]
    ties += [
        Tie("LOCATED_IN", "org:far", OTHER),
        Tie("TRADES_WITH", "org:coop", "org:firm", {"amount": 100}),
        Tie("FUNDS", GMINA, "org:coop", {"amount": 50}),
        Tie("COOPERATES_WITH", "org:ngo", "org:ops", {"strength": 4}),
        Tie("COOPERATES_WITH", "org:coop", "org:ngo"),
        Tie("COOPERATES_WITH", "org:firm", "org:school", {"strength": 2}),
        Tie("COOPERATES_WITH", "org:far", "org:ops"),
    ]
    store.upsert(nodes, ties, source="test")
    return store


def test_composition_counts_sectors_and_names_missing_key_kinds(store: GraphStore) -> None:
    # members: GOPS (public), the gmina (public), Firma (private), Spółdzielnia (social)
    # key kinds present: welfare_centre, business → missing labour_office, ces
    (row,) = partnership(_small(store)).rows
    assert (row.members, row.public, row.private, row.social) == (4, 2, 1, 1)
    assert row.missing_sectors == [] and row.missing_kinds == ["labour_office", "ces"]
    assert row.missing == "powiatowy urząd pracy (PUP); centrum ekonomii społecznej (CES)"


def test_key_kinds_option_changes_what_is_missing(store: GraphStore) -> None:
    (row,) = partnership(_small(store), key_kinds=("school", "business")).rows
    assert row.missing_kinds == ["school"]
    assert KEY_KINDS == ("labour_office", "business", "welfare_centre", "ces")
    with pytest.raises(ValidationError, match="--by: nieznany podział 'county'"):
        partnership(store, by="county")


def test_by_municipality_lists_every_gmina_even_an_empty_one(store: GraphStore) -> None:
    rows = {r.name: r for r in partnership(_small(store), by="municipality").rows}
    # Łąkowo: GOPS, Szkoła (public), Firma (private), Spółdzielnia, Fundacja (social); the gmina itself is not counted
    assert (rows["Łąkowo"].public, rows["Łąkowo"].private, rows["Łąkowo"].social) == (2, 1, 2)
    assert rows["Dalekie"].members == 1 and rows["Dalekie"].missing_sectors == ["public", "social"]


def test_candidates_are_ranked_by_members_tied_then_strength_with_a_reason(store: GraphStore) -> None:
    # Fundacja: tied to GOPS (strength 4) and Spółdzielnia (no strength = 1) → 2 members, strength 5
    # Szkoła: tied to Firma (strength 2) → 1 member; Daleka firma is outside the area (another gmina)
    rows = candidates(_small(store)).rows
    assert [(r.rank, r.name, r.members_tied, r.ties, r.strength) for r in rows] == [
        (1, "Fundacja", 2, 2, 5),
        (2, "Szkoła", 1, 1, 2),
    ]
    assert rows[0].reason == "współpracuje z 2 członkami: GOPS Łąkowo, Spółdzielnia"
    assert rows[1].reason == "współpracuje z 1 członkiem: Firma"
    with use_language("en"):
        assert candidates(store).rows[1].reason == "tied to 1 member: Firma"


def test_kpis_by_hand_with_pass_and_fail(store: GraphStore) -> None:
    # social_with_business: Spółdzielnia trades with Firma (business) and is funded by the gmina → 1/1
    # cross_sector_ties: pairs of different sectors touching a member:
    #   {coop, firm}, {gmina, coop}, {ops, ngo}, {firm, school}, {ops, far} = 5 pairs / 4 members = 1.25
    # sectors_present: 3/3; members_connected: coop, firm, gmina tied to a member, GOPS not → 3/4
    rows = {r.kpi: r for r in kpi(_small(store), target=("cross_sector_ties=1.5", "members_connected=0.75")).rows}
    assert rows["social_with_business"].value == 1.0 and rows["social_with_business"].detail == "1/1"
    assert (rows["cross_sector_ties"].value, rows["cross_sector_ties"].passed, rows["cross_sector_ties"].status) == (
        1.25,
        False,
        "niespełniony",
    )
    assert (rows["members_connected"].value, rows["members_connected"].passed, rows["members_connected"].status) == (
        0.75,
        True,
        "spełniony",
    )
    assert rows["sectors_present"].value == 1.0 and rows["sectors_present"].passed is None


def test_bad_targets_name_the_kpis(store: GraphStore) -> None:
    with pytest.raises(ValidationError) as caught:
        kpi(store, target=("bogus=1", "cross_sector_ties=many"))
    assert [str(p.message) for p in caught.value.problems] == [
        "--target: nieznany wskaźnik 'bogus'",
        "--target: 'cross_sector_ties=many' nie ma postaci wskaźnik=liczba",
    ]
    assert "social_with_business, cross_sector_ties" in str(caught.value)


def test_example_network(example_store: GraphStore) -> None:
    rows = {r.key: r for r in partnership(example_store).rows}
    kwilcz = rows["partnership:lokalne-kwilcz"]
    # GOPS, school, Urząd Gminy, the gmina Kwilcz (public); Przetwórnia (private); CES, KGW (social)
    assert (kwilcz.public, kwilcz.private, kwilcz.social, kwilcz.missing_kinds) == (4, 1, 2, ["labour_office"])
    top = candidates(example_store, partnership="partnership:lokalne-kwilcz").rows[0]
    assert (top.candidate, top.members_tied) == ("org:ss-kwilecka-kuchnia", 5)
    values = {r.kpi: r.value for r in kpi(example_store, partnership="partnership:lokalne-kwilcz").rows}
    assert values["social_with_business"] == 1.0  # Kwilecka Kuchnia: Przetwórnia (business), Urząd Gminy (FOUNDED)


def test_sector_chart_is_valid_svg_with_escaped_names() -> None:
    rows = [CompositionRow("p:1", "Łódź <script>alert(1)</script>", 3, 1, 1, 1, [], [], "—")]
    from partnergraph.queries.base import Result

    svg = sector_chart(Result("partnership", "", {}, rows, CompositionRow))
    ET.fromstring(svg.encode("utf-8"))
    assert "Łódź &lt;script&gt;" in svg and "<script" not in svg and "społeczny" in svg


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    runner = demo_runner(monkeypatch, tmp_path)
    return runner


def test_cli_json_csv_and_chart(demo_env: CliRunner, tmp_path: Path) -> None:
    result = demo_env.invoke(main, ["analyze", "kpi", "--target", "cross_sector_ties=1.5", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [r for r in json.loads(result.stdout) if r["kpi"] == "cross_sector_ties"]
    assert all(r["target"] == 1.5 and isinstance(r["passed"], bool) for r in rows)
    csv_out = demo_env.invoke(main, ["analyze", "partnership", "--format", "csv", "--chart", str(tmp_path / "s.svg")])
    assert csv_out.stdout.splitlines()[0].startswith("key;name;members;public;private;social")
    assert "Lokalne partnerstwo ekonomii społecznej – Kwilcz" in (tmp_path / "s.svg").read_text(encoding="utf-8")


def test_cli_bad_key_kind_is_one_clear_line(demo_env: CliRunner) -> None:
    result = demo_env.invoke(main, ["analyze", "partnership", "--key-kinds", "bizness"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "Błąd: --key-kinds: nieznany rodzaj organizacji 'bizness' (dozwolone: business, ces, church_body, integration_centre, "
        "labour_office, municipality_office, ngo, other, owes, school, social_cooperative, welfare_centre)"
    )
