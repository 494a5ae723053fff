"""The pages a viewer reads: dashboard, organisations, one organisation, analyses, map."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from partnergraph.queries import analyses
from tests.web.conftest import LACKA


def text_of(html: str) -> str:
    """The visible text of a page, tags dropped and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_dashboard_shows_counts_partnerships_kpis_and_gaps(viewer: FlaskClient) -> None:
    page = text_of(viewer.get("/").get_data(as_text=True))
    assert "Organizacja 30" in page  # 28 example organisations + Łącka + the script-named one
    assert "Kwilcz (3014022) 10" in page  # 8 in the example, + the two test organisations
    assert "Lokalne partnerstwo ekonomii społecznej – Kwilcz 7 4 1 2 powiatowy urząd pracy (PUP)" in page
    assert "2,5 (10/4)" in page  # ESwP: 10 cross-sector ties over 4 members, with a decimal comma
    assert "Brakujące usługi w gminach: 48." in page


def test_dashboard_of_an_empty_store_says_how_to_load_data(make_app: object, tmp_path: object) -> None:
    from pathlib import Path

    app = make_app(PUBLIC=True, STORE=f"sqlite:///{Path(str(tmp_path)) / 'empty.db'}")  # type: ignore[operator]
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Magazyn jest pusty" in page and "partnergraph demo" in page


@pytest.mark.parametrize("query", ["lacka", "Łącka", "ŁĄCKA", "spoldzielnia lac"])
def test_search_ignores_case_and_polish_diacritics(viewer: FlaskClient, query: str) -> None:
    page = viewer.get("/organisations", query_string={"q": query}).get_data(as_text=True)
    assert LACKA in page


def test_search_finds_nothing_politely(viewer: FlaskClient) -> None:
    assert "Nic nie znaleziono." in viewer.get("/organisations?q=zzzz").get_data(as_text=True)


def test_filters_by_kind_sector_and_municipality(viewer: FlaskClient) -> None:
    cooperatives = text_of(viewer.get("/organisations?kind=social_cooperative").get_data(as_text=True))
    assert cooperatives.count("spółdzielnia socjalna") == 5 + 1  # 5 rows (4 example + Łącka) and the selected option
    drezdenko = viewer.get("/organisations?municipality=teryt:0806023").get_data(as_text=True)
    assert drezdenko.count('<td><a href="/organisations/') == 6  # the dashboard's count for Drezdenko
    both = viewer.get("/organisations?municipality=teryt:0806023&kind=social_cooperative").get_data(as_text=True)
    assert "Noteckie Usługi" in both and "Tartak" not in both
    private = viewer.get("/organisations?sector=private").get_data(as_text=True)
    assert "Drukarnia Łęgi" in private and "Gminny Ośrodek" not in private


def test_pagination_walks_through_every_organisation_once(viewer: FlaskClient) -> None:
    seen: list[str] = []
    page, url = 1, "/organisations"
    while url:
        html = viewer.get(url).get_data(as_text=True)
        seen += re.findall(r'<td><a href="/organisations/([^"]+)">', html)
        following = re.search(r'rel="next" href="([^"]+)"', html)
        url = following.group(1).replace("&amp;", "&") if following else ""
        page += 1
    assert len(seen) == len(set(seen)) == 30 and page == 3  # 25 per page: two pages


def test_pagination_keeps_the_filters(viewer: FlaskClient) -> None:
    html = viewer.get("/organisations?q=o&page=1").get_data(as_text=True)
    assert "page=2" not in html or "q=o" in html


def test_organisation_page_shows_identity_ties_metrics_and_suggestions(viewer: FlaskClient) -> None:
    page = text_of(viewer.get("/organisations/org:ss-kwilecka-kuchnia").get_data(as_text=True))
    assert "Spółdzielnia Socjalna „Kwilecka Kuchnia”" in page
    assert "rodzaj spółdzielnia socjalna" in page and "data założenia 14.06.2024" in page
    assert "założyciel (2) kierunek z kim szczegóły ← od Koło Gospodyń Wiejskich w Kwilczu od : 14.06.2024" in page
    assert "siedziba w gminie (1)" in page and "→ do Kwilcz" in page
    assert "Miary w sieci stopień" in page and "PageRank" in page
    assert "Hotel nad Wartą Sp. z o.o." in page.split("Proponowani partnerzy")[1]
    assert "potrzebuje: Pozostała usługowa działalność gastronomiczna (56.29.Z)" in page


def test_organisation_page_links_its_ego_map_and_its_changes(viewer: FlaskClient) -> None:
    html = viewer.get("/organisations/org:ces-kwilcz").get_data(as_text=True)
    assert 'href="/map/?ego=org:ces-kwilcz"' in html
    assert 'href="/changes/?key=org:ces-kwilcz"' in html


def test_symmetric_ties_read_both_ways(viewer: FlaskClient) -> None:
    page = text_of(viewer.get("/organisations/org:lacka").get_data(as_text=True))
    assert "↔ z Centrum Ekonomii Społecznej w Kwilczu" in page


def test_other_nodes_have_a_page_too(viewer: FlaskClient) -> None:
    page = text_of(viewer.get("/organisations/teryt:3014022").get_data(as_text=True))
    assert "Kwilcz" in page and "Gmina" in page and "Proponowani partnerzy" not in page


def test_analysis_index_lists_every_analysis(viewer: FlaskClient) -> None:
    html = viewer.get("/analyses/").get_data(as_text=True)
    for name, analysis in analyses().items():
        assert f'href="/analyses/{name}"' in html and analysis.title("pl") in html


@pytest.mark.parametrize("name", sorted(analyses()))
def test_every_analysis_page_opens(viewer: FlaskClient, name: str) -> None:
    analysis = analyses()[name]
    response = viewer.get(f"/analyses/{name}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert analysis.title("pl") in html
    for param in analysis.params:
        assert f'name="{param.name}"' in html


def test_analysis_table_has_polish_labels_notes_and_decimal_commas(viewer: FlaskClient) -> None:
    html = viewer.get("/analyses/metrics?top=3&run=1").get_data(as_text=True)
    page = text_of(html)
    assert "klucz nazwa rodzaj gmina stopień" in page and "pośrednictwo" in page
    assert "Pokazano 3 z 30 organizacji" in page
    assert html.count("<tr>") == 4  # the header and three rows
    assert re.search(r'<td class="num">0,\d+</td>', html)


def test_analysis_with_a_required_key_asks_for_it_then_runs(viewer: FlaskClient) -> None:
    first = viewer.get("/analyses/matching").get_data(as_text=True)
    assert "Uzupełnij wymagane parametry" in first and 'id="result"' not in first
    done = text_of(viewer.get("/analyses/matching?for=org:ss-kwilecka-kuchnia&run=1").get_data(as_text=True))
    assert "Hotel nad Wartą" in done and "uzasadnienie" in done


def test_bad_parameter_values_are_shown_next_to_the_form(viewer: FlaskClient) -> None:
    response = viewer.get("/analyses/metrics?top=dużo&kinds=zzz&run=1")
    assert response.status_code == 400
    page = text_of(response.get_data(as_text=True))
    assert "top: 'dużo' nie jest liczbą całkowitą" in page
    assert 'name="top" value="dużo"' in response.get_data(as_text=True)  # the form keeps what was typed
    unknown = text_of(viewer.get("/analyses/metrics?kinds=zzz&run=1").get_data(as_text=True))
    assert "nieznany rodzaj organizacji 'zzz'" in unknown and "social_cooperative" in unknown
    missing = viewer.get("/analyses/matching?for=org:nie-ma&run=1")
    assert missing.status_code == 404 and "nie ma węzła o kluczu" in missing.get_data(as_text=True)


def test_unknown_analysis_is_404(viewer: FlaskClient) -> None:
    assert viewer.get("/analyses/nie-ma-takiej").status_code == 404
    assert viewer.get("/analyses/nie-ma-takiej.csv").status_code == 404


def test_csv_download_is_semicolon_separated_utf8_with_bom(viewer: FlaskClient) -> None:
    response = viewer.get("/analyses/metrics.csv?top=2&run=1")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="metrics.csv"'
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("key;name;kind;municipality;degree") and len(lines) == 3


def test_csv_guards_formula_cells(viewer: FlaskClient, app: object) -> None:
    from partnergraph.graph import open_store
    from partnergraph.records import Node

    with open_store(app.config["STORE"]) as store:  # type: ignore[attr-defined]
        store.upsert(
            [Node("org:formula", "Organisation", {"name": '=HYPERLINK("http://zly")', "kind": "ngo"})], source="test"
        )
    body = viewer.get("/analyses/metrics.csv?top=0&run=1").get_data(as_text=True)
    assert ';"\'=HYPERLINK(""http://zly"")";' in body  # quoted because of the quotes, prefixed with '
    assert ";=HYPERLINK" not in body and ';"=HYPERLINK' not in body


def test_chart_is_served_as_svg_and_shown_as_an_image(viewer: FlaskClient) -> None:
    html = viewer.get("/analyses/partnership").get_data(as_text=True)
    assert '<img src="/analyses/partnership/chart.svg' in html
    chart = viewer.get("/analyses/partnership/chart.svg")
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data
    assert viewer.get("/analyses/metrics/chart.svg").status_code == 404  # metrics draws no chart


def test_map_page_frames_the_map_with_the_filters(viewer: FlaskClient) -> None:
    html = viewer.get("/map/?ego=org:ces-kwilcz&depth=1").get_data(as_text=True)
    assert (
        '<iframe class="map" id="map-frame" sandbox="allow-scripts" src="/map/frame?ego=org:ces-kwilcz&amp;depth=1"'
        in html
    )
    for name in ("kinds", "tie_types", "municipality", "as_of", "color", "size", "ego", "depth", "partnership"):
        assert f'name="{name}"' in html


def test_map_frame_is_a_self_contained_page_with_its_own_policy(viewer: FlaskClient) -> None:
    response = viewer.get("/map/frame?ego=org:ces-kwilcz")
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "vis.Network" in html
    assert "Centrum Ekonomii Społecznej w Kwilczu" in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'unsafe-inline'" in policy and "sandbox allow-scripts" in policy and "connect-src" not in policy
    assert "default-src 'none'" in policy


def test_map_frame_reports_a_bad_filter(viewer: FlaskClient) -> None:
    response = viewer.get("/map/frame?kinds=zzz")
    assert response.status_code == 400
    assert "nieznany rodzaj organizacji 'zzz'" in text_of(response.get_data(as_text=True))


def test_english_pages_use_english_labels(viewer: FlaskClient) -> None:
    page = text_of(viewer.get("/analyses/metrics?top=2&run=1&lang=en").get_data(as_text=True))
    assert "key name kind municipality degree" in page and "Showing 2 of 30 organisations" in page


def test_municipality_list_is_in_the_stores_order_with_and_without_search(viewer: FlaskClient) -> None:
    from partnergraph.text import fold

    html = viewer.get("/organisations?municipality=teryt:3014022").get_data(as_text=True)
    names = [unescape(n) for n in re.findall(r'<td><a href="/organisations/[^"]+">([^<]+)</a>', html)]
    assert len(names) == 10 and names == sorted(names, key=fold)  # 8 example organisations + the two test ones
    searched = viewer.get("/organisations?municipality=teryt:3014022&q=kwilcz").get_data(as_text=True)
    found = [unescape(n) for n in re.findall(r'<td><a href="/organisations/[^"]+">([^<]+)</a>', searched)]
    assert found and all("Kwil" in n for n in found) and set(found) < set(names)


def test_every_node_page_opens(viewer: FlaskClient, app: object) -> None:
    from partnergraph.graph import open_store

    with open_store(app.config["STORE"]) as store:  # type: ignore[attr-defined]
        keys = [node.key for node in store.iter_nodes()]
    assert len(keys) > 60
    for key in keys:
        assert viewer.get(f"/organisations/{key}").status_code == 200, key
