"""The geographic map in headless Chromium with the network off: it draws, fetches nothing, runs no dialog.

Chromium and the offline guard come from tests/browser_support.py (skipped without a browser,
failed instead when PARTNERGRAPH_REQUIRE_BROWSER=1, as in CI).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from partnergraph.graph.sqlite import SqliteStore
from partnergraph.records import Node, Tie
from partnergraph.viz.geomap import geo_map, save_geo_map
from tests.browser_support import Guarded, chromium
from tests.conftest import load_example


def _open(path: Path, screenshot: str | None = None) -> dict[str, Any]:
    with chromium() as browser:
        guarded = Guarded(browser, width=1280)
        page = guarded.page
        page.goto(path.as_uri())
        seen: dict[str, Any] = {"circles": page.locator("svg#geo circle").count()}
        seen["outlines"] = page.locator("svg#geo .outlines path").count()
        box = page.locator("svg#geo").bounding_box()
        seen["width"] = box["width"] if box else 0
        page.locator("svg#geo circle").first.hover()
        seen["tip"] = page.locator("#tip").text_content()
        if screenshot is not None:
            guarded.screenshot(screenshot, full_page=True)
        seen["requests"], seen["dialogs"] = guarded.requests, guarded.dialogs
    return seen


def test_example_map_draws_offline(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "x.db") as store:
        path = save_geo_map(tmp_path / "mapa.html", geo_map(load_example(store)))
    seen = _open(path, "geomap.png")
    assert seen["requests"] == [] and seen["dialogs"] == []
    assert seen["circles"] == 28 and seen["outlines"] == 16 and seen["width"] > 400
    assert seen["tip"]  # hovering a point shows its tooltip


def test_a_script_name_runs_nothing_and_shows_as_text(tmp_path: Path) -> None:
    name = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    with SqliteStore(tmp_path / "x.db") as store:
        nodes = [
            Node("teryt:3014022", "Municipality", {"name": "Kwilcz", "teryt": "3014022"}),
            Node("org:evil", "Organisation", {"name": name, "kind": "ngo"}),
        ]
        store.upsert(nodes, [Tie("LOCATED_IN", "org:evil", "teryt:3014022")], source="test")
        path = save_geo_map(tmp_path / "evil.html", geo_map(store))
    seen = _open(path)
    assert seen["dialogs"] == [] and seen["requests"] == []
    assert seen["circles"] == 1 and name in seen["tip"]
