"""The geographic map: offline page, escaping, placement, aggregation, indicators and suppression."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from partnergraph.errors import ConfigError, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.sqlite import SqliteStore
from partnergraph.i18n import use_language
from partnergraph.records import Node, Tie
from partnergraph.viz.geomap import build_geo_map, geo_map, save_geo_map
from tests.conftest import load_example

EVIL = "<script>alert(1)</script>"


def org(key: str, name: str, kind: str = "ngo") -> Node:
    return Node(key, "Organisation", {"name": name, "kind": kind})


def gmina(code: str, name: str) -> Node:
    return Node(f"teryt:{code}", "Municipality", {"name": name, "teryt": code})


def small(store: GraphStore) -> GraphStore:
    """Kwilcz: GOPS, CES, EVIL (ngo); Poznań: two social cooperatives; Nowe Miasto (1008063, a TERC 2022
    code shipped as 1008062): one business; Chrzypsko Wielkie (Kwilcz's county): nobody; one NGO located
    nowhere. GOPS refers 3 people to the CES; the CES offers admission."""
    nodes = [
        gmina("3014022", "Kwilcz"),
        gmina("3064011", "Poznań"),
        gmina("1008063", "Nowe Miasto"),
        gmina("3014012", "Chrzypsko Wielkie"),
        org("org:gops", "GOPS Kwilcz", "welfare_centre"),
        org("org:ces", "CES Kwilcz", "ces"),
        org("org:evil", EVIL),
        org("org:sc1", "Spółdzielnia A", "social_cooperative"),
        org("org:sc2", "Spółdzielnia B", "social_cooperative"),
        org("org:firma", "Firma", "business"),
        org("org:nowhere", "Fundacja Bez Adresu"),
        Node("service:admission", "Service", {"name": "Rekrutacja", "category": "admission"}),
        Node("teryt:3014", "County", {"name": "powiat międzychodzki", "teryt": "3014"}),
    ]
    where = {
        "org:gops": "3014022",
        "org:ces": "3014022",
        "org:evil": "3014022",
        "org:sc1": "3064011",
        "org:sc2": "3064011",
        "org:firma": "1008063",
    }
    ties = [Tie("LOCATED_IN", k, f"teryt:{c}") for k, c in where.items()]
    ties += [
        Tie("REFERS", "org:gops", "org:ces", {"count": 3}),
        Tie("COOPERATES_WITH", "org:ces", "org:sc1"),
        Tie("TRADES_WITH", "org:sc2", "org:firma"),
        Tie("OFFERS", "org:ces", "service:admission"),
    ]
    store.upsert(nodes, ties, source="test")
    return store


def test_example_page_is_offline_and_the_same_on_both_backends(example_store: GraphStore, tmp_path: Path) -> None:
    page = geo_map(example_store)
    assert re.search(r"\b(src|href)\s*=", page) is None  # no script, image, stylesheet or link to fetch
    assert "http" not in page.lower() and "<link" not in page and "@import" not in page
    assert page.count("<script") == 1 and '<html lang="pl">' in page and "Mapa sieci partnerstwa" in page
    assert page.count("<circle") == 28  # the 28 example organisations, all placed
    with SqliteStore(tmp_path / "other.db") as other:
        assert geo_map(load_example(other)) == page
        assert geo_map(other, indicator="referrals") == geo_map(example_store, indicator="referrals")


def test_a_script_name_is_only_text(store: GraphStore) -> None:
    page = geo_map(small(store), aggregate="none")
    assert EVIL not in page and "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 1 and "innerHTML" not in page


def test_organisations_in_one_gmina_are_spread_and_unplaced_ones_are_named(store: GraphStore) -> None:
    gm = build_geo_map(small(store), aggregate="none")
    kwilcz = [m for m in gm.marks if "Kwilcz" in m.tip and "Poznań" not in m.tip]
    assert len(gm.marks) == 6 and len(kwilcz) == 3  # 7 organisations, one located nowhere
    assert len({(m.x, m.y) for m in kwilcz}) == 3  # three distinct points around Kwilcz
    assert (
        len(gm.lines) == 3
    )  # GOPS→CES (inside Kwilcz), CES–Spółdzielnia A, Spółdzielnia B→Firma; OFFERS ends at a Service
    assert any("1 — Fundacja Bez Adresu" in note for note in gm.notes)


def test_aggregated_view_has_one_mark_per_gmina(store: GraphStore) -> None:
    gm = build_geo_map(small(store), aggregate="municipality")
    # Kwilcz 3 organisations, Poznań 2, Nowe Miasto 1 (placed by its first six digits).
    assert sorted(m.tip.split(" — ")[0] for m in gm.marks) == [
        "Kwilcz",
        "Nowe Miasto",
        "Poznań",
    ]  # not Chrzypsko: nobody there
    assert [m.cls for m in gm.marks] == ["gmina"] * 3
    assert {m.tip.split(": ")[1].split(" ")[0] for m in gm.marks} == {"3", "2", "1"}
    # Lines between gminas: Kwilcz–Poznań (CES–Spółdzielnia A) and Poznań–Nowe Miasto (Spółdzielnia B–Firma).
    assert sorted(line.weight for line in gm.lines) == [1, 1]
    page = geo_map(store, aggregate="municipality")
    assert page.count('<circle class="gmina"') == 3


def test_referral_count_three_shows_as_under_five(store: GraphStore) -> None:
    gm = build_geo_map(small(store), indicator="referrals")
    tips = sorted(m.tip for m in gm.marks)
    assert tips == ["Chrzypsko Wielkie: 0", "Kwilcz: <5", "Nowe Miasto: 0", "Poznań: 0"]
    assert ("<5", "#c7e9b4", "1") in gm.legend
    page = geo_map(store, indicator="referrals")
    assert "Kwilcz: &lt;5" in page and "Kwilcz: 3" not in page and "łącznie: &lt;5" in page


def test_kind_and_service_indicators(store: GraphStore) -> None:
    gm = build_geo_map(small(store), indicator="kind:social_cooperative")
    assert sorted(m.tip for m in gm.marks) == ["Chrzypsko Wielkie: 0", "Kwilcz: 0", "Nowe Miasto: 0", "Poznań: 2"]
    # Coverage: the CES offers admission in Kwilcz; Chrzypsko Wielkie shares Kwilcz's county (3014); the others have none.
    gm = build_geo_map(store, indicator="service:admission")
    assert sorted(m.tip for m in gm.marks) == [
        "Chrzypsko Wielkie: w powiecie",
        "Kwilcz: w gminie",
        "Nowe Miasto: brak",
        "Poznań: brak",
    ]
    assert [label for label, _, _ in gm.legend] == ["w gminie", "w powiecie", "brak"]
    gm = build_geo_map(store, indicator="services", municipality="teryt:3014022")
    n = len(store.schema.vocabularies["Services"].concepts)
    assert [m.tip for m in gm.marks] == [f"Kwilcz: w gminie 1, w powiecie 0, brak {n - 1} (z {n})"]


def test_bad_options_name_the_option(store: GraphStore) -> None:
    with pytest.raises(ValidationError, match="--indicator: nieznany wskaźnik 'kind:nonsense'"):
        geo_map(store, indicator="kind:nonsense")
    with pytest.raises(
        ValidationError, match="--indicator: nie ma usługi 'nothing' \\(dozwolone: accounting, admission"
    ):
        geo_map(store, indicator="service:nothing")
    with pytest.raises(ValidationError, match="--aggregate: nieznana wartość 'gmina'"):
        geo_map(store, aggregate="gmina")
    with pytest.raises(ValidationError, match="--kinds"):
        geo_map(store, kinds=["nonsense"])


def test_english_page(store: GraphStore) -> None:
    with use_language("en"):
        page = geo_map(small(store))
    assert '<html lang="en">' in page and "Partnership network map" in page


def test_save_is_atomic_and_refuses_a_missing_folder(tmp_path: Path) -> None:
    target = save_geo_map(tmp_path / "mapa.html", "<!DOCTYPE html>\n")
    assert target.read_text(encoding="utf-8") == "<!DOCTYPE html>\n"
    assert [p.name for p in tmp_path.iterdir()] == ["mapa.html"]  # no temporary file left
    assert target.stat().st_mode & 0o777 == 0o644  # readable by others, like any file the user writes
    with pytest.raises(ConfigError, match="--out: folder pliku"):
        save_geo_map(tmp_path / "missing" / "mapa.html", "x")
