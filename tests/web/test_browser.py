"""The web application in headless Chromium: log in, search, open an organisation, an analysis, the map.

Chromium and the guard come from tests/browser_support.py. The app runs on a real server on
loopback; every request to another host is aborted and recorded, and so is every
Content-Security-Policy violation. Screenshots of the main pages go to build/screenshots/web-*.png
for the README.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from partnergraph.web import create_app
from tests.browser_support import Guarded, chromium
from tests.web.conftest import LACKA, PASSWORD

DRAWN_PIXELS = """() => {
  const canvas = document.querySelector("#map canvas");
  if (!canvas) return 0;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && pixels[i] + pixels[i + 1] + pixels[i + 2] < 700) drawn++;
  return drawn;
}"""


@pytest.fixture(scope="module")
def server(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app (example network, test accounts) on a loopback port; yields its base URL."""
    folder = tmp_path_factory.mktemp("web-browser") / "site"
    shutil.copytree(template, folder)
    app = create_app(
        {
            "SECRET_KEY": "browser-test",
            "STORE": f"sqlite:///{folder / 'graph.db'}",
            "INSTANCE_PATH": str(folder / "instance"),
        }
    )
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Session(Guarded):
    """One browser page against the server, recording foreign requests and policy violations."""

    def __init__(self, browser: Any, base: str) -> None:
        super().__init__(browser, allowed=(base,), width=1360)
        self.base = base
        self.violations: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.violations.append(message.text)

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str) -> None:
        self.screenshot(f"web-{name}.png")

    def login(self, name: str = "anna") -> None:
        page = self.open("/login")
        page.fill("#name", name)
        page.fill("#password", PASSWORD)
        page.click("form.card button[type=submit]")
        page.wait_for_load_state()


@pytest.fixture
def session(browser: Any, server: str) -> Iterator[Session]:
    opened = Session(browser, server)
    yield opened
    opened.page.close()
    assert opened.requests == [], "the pages asked for something outside the app"
    assert opened.violations == [], "the Content-Security-Policy blocked something"


def test_log_in_and_see_the_dashboard(session: Session) -> None:
    page = session.open("/")
    assert page.url.startswith(session.base + "/login")
    session.shot("login")
    session.login()
    assert page.url == session.base + "/"
    assert page.locator("h1").inner_text() == "Pulpit"
    assert page.locator("#node-counts").inner_text().startswith("Organizacja")
    session.shot("dashboard")


@pytest.mark.parametrize("query", ["lacka", "Łącka"])
def test_search_with_and_without_diacritics(session: Session, query: str) -> None:
    session.login("wiktor")
    page = session.open("/organisations")
    page.fill("#q", query)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#organisations tbody tr").count() == 1
    assert page.locator("#organisations tbody").inner_text().startswith(LACKA)
    if query == "lacka":
        session.open("/organisations")
        session.shot("organisations")


def test_open_an_organisation_from_the_list(session: Session) -> None:
    session.login("wiktor")
    page = session.open("/organisations?q=kwilecka")
    page.click("text=Spółdzielnia Socjalna „Kwilecka Kuchnia”")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Spółdzielnia Socjalna „Kwilecka Kuchnia”"
    assert page.locator("#metrics").is_visible()
    assert "Hotel nad Wartą" in page.locator("ol.suggestions").inner_text()
    session.shot("organisation")


def test_analysis_page_shows_its_table_and_chart(session: Session) -> None:
    session.login("wiktor")
    page = session.open("/analyses/metrics")
    page.fill("#p-top", "10")
    page.click("form.params button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#result table.data tbody tr").count() == 10
    assert page.locator("#result thead").inner_text().split("\t")[:3] == ["klucz", "nazwa", "rodzaj"]
    session.shot("analysis")
    page = session.open("/analyses/partnership")
    image = page.locator("figure.chart img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure.chart img').complete")
    assert image.evaluate("img => img.naturalWidth") > 100
    session.shot("analysis-chart")


def test_map_draws_the_nodes(session: Session) -> None:
    session.login("wiktor")
    page = session.open("/map/")
    frame = page.frame_locator("#map-frame")
    frame.locator("#map canvas").wait_for()
    inner = next(f for f in page.frames if f.url.startswith(session.base + "/map/frame"))
    inner.wait_for_function("() => window.partnergraphMap !== undefined")
    inner.wait_for_function(DRAWN_PIXELS.replace("return drawn;", "return drawn > 2000;"), timeout=20000)
    assert inner.evaluate("() => window.partnergraphMap.body.data.nodes.length") == 30
    page.wait_for_timeout(1500)  # let the layout settle for the screenshot
    session.shot("map")


def test_change_log_and_revert_confirmation(session: Session) -> None:
    session.login("anna")
    page = session.open("/changes/")
    assert page.locator("#changes tbody tr").count() > 0
    session.shot("changes")
    page.locator("#changes a.button").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Cofnąć zapis w wersji")
    session.shot("revert")


def test_partnership_and_municipalities_pages(session: Session) -> None:
    session.login("wiktor")
    page = session.open("/partnerships/partnership:lokalne-kwilcz")
    assert page.locator("#members tbody tr").count() == 7
    session.shot("partnership")
    page = session.open("/municipalities")
    assert page.locator("#compare thead th").count() == 6  # the indicator column and five municipalities
    session.shot("municipalities")


def test_add_an_organisation_read_the_field_messages_and_add_a_tie(session: Session) -> None:
    session.login("ewa")
    page = session.open("/organisations")
    page.click("text=Dodaj organizację")
    page.wait_for_load_state()
    page.fill("#f-name", "Spółdzielnia Socjalna „Żuraw”")
    page.fill("#f-nip", "123")
    page.click("form.edit button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".field.invalid").count() == 2  # kind (required) and NIP
    assert "ma zły format" in page.locator(".field.invalid:has(#f-nip) small.field-error").inner_text()
    session.shot("edit")
    page.select_option("#f-kind", "social_cooperative")
    page.fill("#f-nip", "")
    page.click("form.edit button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Spółdzielnia Socjalna „Żuraw”"
    assert "Zapisano" in page.locator(".flash.success").inner_text()
    page.click("text=Dodaj powiązanie")  # and tie it to CES Kwilcz
    page.select_option("#t-type", "COOPERATES_WITH")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    page.fill("#f-end", "org:ces-kwilcz")
    page.fill("#f-since", "01.03.2025")
    page.click("form.edit button[type=submit]")
    page.wait_for_load_state()
    assert "Zapisano powiązanie" in page.locator(".flash.success").inner_text()
    assert "Centrum Ekonomii Społecznej w Kwilczu" in page.locator("table.ties").inner_text()
    assert "01.03.2025" in page.locator("table.ties").inner_text()


def test_english_switch(session: Session) -> None:
    session.login("wiktor")
    page = session.open("/")
    page.click("a.lang")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("html").get_attribute("lang") == "en"


def test_import_a_file_with_one_bad_row_and_read_its_error(session: Session, tmp_path: Path) -> None:
    """As Polish Excel saves it (`;`, UTF-8 with BOM): the dry run names the bad cell, nothing is written."""
    path = tmp_path / "organizacje.csv"
    path.write_text(
        "nazwa;rodzaj\nFundacja Pelikań;fundacja\nSpółdzielnia Czapla;spółdzielnia kosmiczna\n", encoding="utf-8-sig"
    )
    session.login("anna")
    page = session.open("/import")
    page.set_input_files("#imp-file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Import odrzucony: organizacje.csv"
    problems = page.locator("#import-problems tbody tr")
    assert problems.count() == 1
    assert problems.first.locator("td").first.inner_text() == "organizacje.csv:3:2"
    assert "spółdzielnia kosmiczna" in problems.first.inner_text()
    session.shot("import")
    page = session.open("/import")  # again, skipping the bad row: the dry run offers to import the good one
    page.check("#imp-skip")
    page.set_input_files("#imp-file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#import-confirm button").is_visible()  # the valid row could be imported; cancel instead
    page.click("text=Anuluj")
    page.wait_for_load_state()
    assert "Anulowano import" in page.locator(".flash").inner_text()
    assert session.open("/organisations?q=pelikan").locator("#organisations tbody tr").count() == 0


def test_export_turtle(session: Session) -> None:
    import rdflib

    session.login("wiktor")
    page = session.open("/export")
    with page.expect_download() as caught:
        page.click("#export-research a[href$='/export/turtle']")
    download = caught.value
    assert download.suggested_filename.startswith("partnergraph-") and download.suggested_filename.endswith(".ttl")
    graph = rdflib.Graph().parse(download.path(), format="turtle")
    assert any(str(o) == LACKA for o in graph.objects())
    session.shot("export")
