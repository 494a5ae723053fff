"""Municipalities side by side and the partnership pages."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.test_pages import text_of


def test_municipalities_side_by_side_default_to_those_with_most_organisations(viewer: FlaskClient) -> None:
    html = viewer.get("/municipalities").get_data(as_text=True)
    page = text_of(html)
    # organisations: Poznań 12, Kwilcz 10 (8 + the two test ones), Drezdenko 6, Międzychód 1, Strzelce Krajeńskie 1
    assert "Wskaźnik Poznań Kwilcz Drezdenko Międzychód Strzelce Krajeńskie organizacje 12 10 6 1 1" in page
    assert "Brak liczby ludności dla" in page  # the note says why per-10k figures are missing
    assert '<img src="/analyses/compare/chart.svg?municipalities=teryt:3064011,teryt:3014022' in html


def test_municipalities_chosen_by_the_form(viewer: FlaskClient) -> None:
    page = text_of(viewer.get("/municipalities?m=teryt:3014022&m=teryt:0806023").get_data(as_text=True))
    assert "Wskaźnik Kwilcz Drezdenko organizacje 10 6" in page
    assert "skierowania otrzymane ≥9 ≥15" in page  # referral counts stay suppressed


def test_partnerships_list_links_each_partnership(viewer: FlaskClient) -> None:
    html = viewer.get("/partnerships").get_data(as_text=True)
    assert html.count('href="/partnerships/partnership:') == 4
    assert "Lokalne partnerstwo ekonomii społecznej – Kwilcz 7 4 1 2 powiatowy urząd pracy (PUP)" in text_of(html)


def test_partnership_page_shows_members_roles_kpis_and_candidates(viewer: FlaskClient) -> None:
    page = text_of(viewer.get("/partnerships/partnership:lokalne-kwilcz").get_data(as_text=True))
    assert "Członkowie (7)" in page and "Centrum Ekonomii Społecznej w Kwilczu lider 01.03.2024" in page
    assert "udział członków powiązanych z innym członkiem 0,571 4/7" in page
    candidates = page.split("Kandydaci na członków")[1]
    assert candidates.startswith(" Spółdzielnia Socjalna „Kwilecka Kuchnia” współpracuje z 5 członkami")


def test_partnership_page_of_something_else_is_404(viewer: FlaskClient) -> None:
    assert viewer.get("/partnerships/org:ces-kwilcz").status_code == 404
    assert viewer.get("/partnerships/partnership:nie-ma").status_code == 404


def test_places_need_a_login(client: FlaskClient) -> None:
    for url in ("/municipalities", "/partnerships", "/partnerships/partnership:lokalne-kwilcz"):
        assert client.get(url).status_code == 302
