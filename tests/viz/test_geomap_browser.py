"""The geographic map in headless Chromium with the network off: it draws, fetches nothing, runs no dialog.

Uses Debian's /usr/bin/chromium through the playwright package (no downloaded browser). Without a
browser the test is skipped, or fails when PARTNERGRAPH_REQUIRE_BROWSER=1 (as in CI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from partnergraph.graph.sqlite import SqliteStore
from partnergraph.records import Node, Tie
from partnergraph.viz.geomap import geo_map, save_geo_map
from tests.conftest import load_example

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def _browser(playwright: Any) -> Any:
    try:
        return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    except Exception as error:  # playwright raises its own Error type; any failure to start means no browser
        message = f"headless Chromium ({CHROMIUM}) cannot start: {error}"
        if os.environ.get("PARTNERGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _open(path: Path, screenshot: Path | None = None) -> dict[str, Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    seen: dict[str, Any] = {"requests": [], "dialogs": []}
    with sync_api.sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def route(r: Any) -> None:
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    seen["requests"].append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            page.goto(path.as_uri())
            seen["circles"] = page.locator("svg#geo circle").count()
            seen["outlines"] = page.locator("svg#geo .outlines path").count()
            box = page.locator("svg#geo").bounding_box()
            seen["width"] = box["width"] if box else 0
            page.locator("svg#geo circle").first.hover()
            seen["tip"] = page.locator("#tip").text_content()
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen


def test_example_map_draws_offline(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "x.db") as store:
        path = save_geo_map(tmp_path / "mapa.html", geo_map(load_example(store)))
    seen = _open(path, SCREENSHOTS / "geomap.png")
    assert seen["requests"] == [] and seen["dialogs"] == []
    assert seen["circles"] == 28 and seen["outlines"] == 16 and seen["width"] > 400
    assert seen["tip"]  # hovering a point shows its tooltip


def test_a_script_name_runs_nothing_and_shows_as_text(tmp_path: Path) -> None:
    name = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    with SqliteStore(tmp_path / "x.db") as store:
        nodes = [Node("teryt:3014022", "Municipality", {"name": "Kwilcz", "teryt": "3014022"}),
                 Node("org:evil", "Organisation", {"name": name, "kind": "ngo"})]  # fmt: skip
        store.upsert(nodes, [Tie("LOCATED_IN", "org:evil", "teryt:3014022")], source="test")
        path = save_geo_map(tmp_path / "evil.html", geo_map(store))
    seen = _open(path)
    assert seen["dialogs"] == [] and seen["requests"] == []
    assert seen["circles"] == 1 and name in seen["tip"]
