"""Support coverage and referral flows; small counts suppressed on every output path."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.errors import ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.queries.coverage import coverage, referrals, referrals_chart
from partnergraph.records import Node, Tie
from tests.conftest import demo_runner

A, B, C = "teryt:1111011", "teryt:1111022", "teryt:2222011"
H1 = {"since": dt.date(2024, 1, 1), "until": dt.date(2024, 6, 30)}
H2 = {"since": dt.date(2024, 7, 1), "until": dt.date(2024, 12, 31)}
YEAR = {"since": dt.date(2024, 1, 1), "until": dt.date(2024, 12, 31)}


def _org(key: str, name: str, kind: str, gmina: str) -> tuple[Node, Tie]:
    return Node(key, "Organisation", {"name": name, "kind": kind}), Tie("LOCATED_IN", key, gmina)


def _small(store: GraphStore) -> GraphStore:
    """Gminas A and B in county 1111 (A by PART_OF, B by its TERYT prefix only), C in county 2222.

    A: a CES offering admission, a welfare centre giving counselling (SUPPORTS) to a cooperative.
    B: an NGO offering training (not a support body by default). C: nothing.
    Referrals: OPS → CES 3 + 4 (two half-years), PUP → CES 3 (first half), CES → cooperative 12 (whole year).
    """
    orgs = [
        _org("org:ces", "CES Ąę", "ces", A),
        _org("org:ops", "GOPS", "welfare_centre", A),
        _org("org:coop", "Spółdzielnia", "social_cooperative", A),
        _org("org:ngo", "Fundacja", "ngo", B),
        _org("org:pup", "PUP", "labour_office", A),
    ]
    nodes = [n for n, _ in orgs] + [
        Node(A, "Municipality", {"name": "Alfa", "teryt": "1111011"}),
        Node(B, "Municipality", {"name": "Beta", "teryt": "1111022"}),
        Node(C, "Municipality", {"name": "Gamma", "teryt": "2222011"}),
        Node("teryt:1111", "County", {"name": "powiat jedynkowy", "teryt": "1111"}),
        Node("teryt:2222", "County", {"name": "powiat dwójkowy", "teryt": "2222"}),
        Node("service:adm", "Service", {"name": "Przyjęcie", "category": "admission"}),
        Node("service:tr", "Service", {"name": "Kursy", "category": "training"}),
    ]
    ties = [t for _, t in orgs] + [
        Tie("PART_OF", A, "teryt:1111"),
        Tie("OFFERS", "org:ces", "service:adm"),
        Tie("SUPPORTS", "org:ops", "org:coop", {"service": "counselling"}),
        Tie("OFFERS", "org:ngo", "service:tr"),
        Tie("REFERS", "org:ops", "org:ces", {"count": 3, **H1}),
        Tie("REFERS", "org:ops", "org:ces", {"count": 4, **H2}),
        Tie("REFERS", "org:pup", "org:ces", {"count": 3, **H1}),
        Tie("REFERS", "org:ces", "org:coop", {"count": 12, **YEAR}),
    ]
    store.upsert(nodes, ties, source="test")
    return store


SERVICES = ("admission", "counselling", "training")


def _texts(svg: str) -> set[str]:
    """Every text element of a (valid) SVG document."""
    root = ET.fromstring(svg.encode("utf-8"))
    return {"".join(e.itertext()).strip() for e in root.iter() if e.tag.endswith("}text")}


def test_coverage_in_the_gmina_in_the_county_or_missing(store: GraphStore) -> None:
    rows = {
        (r.municipality_name, r.service): (r.status_text, r.providers)
        for r in coverage(_small(store), services=SERVICES).rows
    }
    assert rows[("Alfa", "admission")] == ("w gminie", ["CES Ąę"])
    assert rows[("Alfa", "counselling")] == ("w gminie", ["GOPS"])  # from SUPPORTS.service
    assert rows[("Alfa", "training")] == ("brak", [])  # the NGO is not a support body by default
    assert rows[("Beta", "admission")] == ("w powiecie", ["CES Ąę"])  # county found by TERYT prefix 1111
    assert rows[("Gamma", "counselling")] == ("brak", [])  # a gmina with no organisation is a gap too
    assert len(rows) == 9


def test_coverage_options(store: GraphStore) -> None:
    _small(store)
    widened = {
        (r.municipality_name, r.service): r.status
        for r in coverage(store, services=SERVICES, support_kinds=("ngo",)).rows
    }
    assert widened[("Beta", "training")] == "municipality" and widened[("Alfa", "training")] == "county"
    gaps = coverage(store, services=SERVICES, missing_only=True).rows
    # Alfa: training; Beta: training; Gamma: all three
    assert sorted((r.municipality_name, r.service) for r in gaps) == [
        ("Alfa", "training"),
        ("Beta", "training"),
        ("Gamma", "admission"),
        ("Gamma", "counselling"),
        ("Gamma", "training"),
    ]
    with pytest.raises(ValidationError, match="--services: nieznana usługa 'cooking'"):
        coverage(store, services=("cooking",))


def test_referrals_summed_and_suppressed_with_lower_bound_totals(store: GraphStore) -> None:
    # OPS → CES: 3 + 4 = 7 (shown); PUP → CES: 3 → <5; total into CES: 7 + one hidden → ≥8
    # CES → Spółdzielnia: 12, total 12
    rows = [(r.level, r.source_name, r.target_name, r.count) for r in referrals(_small(store)).rows]
    assert rows == [
        ("flow", "GOPS", "CES Ąę", 7),
        ("flow", "PUP", "CES Ąę", "<5"),
        ("total", "razem", "CES Ąę", "≥8"),
        ("flow", "CES Ąę", "Spółdzielnia", 12),
        ("total", "razem", "Spółdzielnia", 12),
    ]


def test_referrals_window_keeps_only_periods_wholly_inside(store: GraphStore) -> None:
    # first half-year: OPS → CES 3 → <5, PUP → CES 3 → <5, total ≥2; the H2 period and the whole-year one are left out
    result = referrals(_small(store), date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 6, 30))
    assert [(r.source_name, r.count) for r in result.rows] == [("GOPS", "<5"), ("PUP", "<5"), ("razem", "≥2")]
    assert result.meta["left_out_periods"] == 2
    assert "Pominięto 2 okresy" in result.notes[1]


def test_referrals_chart_never_shows_a_small_count(store: GraphStore) -> None:
    svg = referrals_chart(referrals(_small(store)))
    texts = _texts(svg)
    assert "<5" in texts and "7" in texts and "12" in texts
    assert not {"1", "2", "3", "4"} & set(texts)
    assert "CES Ąę (≥8)" in texts and "PUP (≥1)" in texts


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    runner = demo_runner(monkeypatch, tmp_path)
    return runner


WINDOW = ["--from", "2024-01-01", "--to", "2024-06-30"]
# In the example's first half-year PUP Międzychód → CES Kwilcz is 3 and PUP Strzelce → CES Drezdenko is 4.


def test_cli_table_csv_json_and_svg_suppress_small_counts(demo_env: CliRunner, tmp_path: Path) -> None:
    table = demo_env.invoke(main, ["analyze", "referrals", *WINDOW])
    lines = {line.split()[0]: line.split() for line in table.stdout.splitlines() if "->" in line}
    assert lines["org:pup-miedzychod->org:ces-kwilcz"][-1] == "<5" and lines["*->org:ces-kwilcz"][-1] == "≥7"
    records = json.loads(demo_env.invoke(main, ["analyze", "referrals", *WINDOW, "--format", "json"]).stdout)
    counts = {r["key"]: r["count"] for r in records}
    assert (
        counts["org:pup-miedzychod->org:ces-kwilcz"] == "<5" and counts["org:pup-strzelce->org:ces-drezdenko"] == "<5"
    )
    assert not [c for c in counts.values() if isinstance(c, int) and 1 <= c <= 4]
    out = demo_env.invoke(
        main, ["analyze", "referrals", *WINDOW, "--format", "csv", "--chart", str(tmp_path / "r.svg")]
    ).stdout
    shown = {r["key"]: r["count"] for r in csv.DictReader(io.StringIO(out), delimiter=";")}
    assert shown == {k: str(v) for k, v in counts.items()}
    svg = (tmp_path / "r.svg").read_text(encoding="utf-8")
    texts = _texts(svg)
    assert "<5" in texts and not {"1", "2", "3", "4"} & texts and "PUP Międzychód (≥1)" in texts


def test_cli_bad_service_is_one_clear_line(demo_env: CliRunner) -> None:
    result = demo_env.invoke(main, ["analyze", "coverage", "--services", "cooking"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "Błąd: --services: nieznana usługa 'cooking' (dozwolone: accounting, admission, counselling, financial_support, "
        "job_placement, legal_advice, self_employment, self_help_fund, social_work, training)"
    )


def test_example_coverage(example_store: GraphStore) -> None:
    rows = {(r.municipality_name, r.service): r for r in coverage(example_store).rows}
    assert rows[("Kwilcz", "admission")].providers == ["CES Kwilcz"]
    assert rows[("Chrzypsko Wielkie", "admission")].status_text == "w powiecie"  # same powiat międzychodzki
    assert rows[("Stare Kurowo", "admission")].status_text == "brak"
    flows = {r.key: r.count for r in referrals(example_store).rows}
    assert flows["org:pup-miedzychod->org:ces-kwilcz"] == 5  # 3 + 2 over the year: shown
