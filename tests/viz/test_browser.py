"""A generated map opened in headless Chromium with the network cut off: it draws, fetches nothing, runs no injected script.

Chromium and the offline guard come from tests/browser_support.py. The screenshot of the example
map goes to build/screenshots/map.png for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partnergraph.graph.base import GraphStore
from partnergraph.records import Node, Tie
from partnergraph.viz.netmap import network_map
from partnergraph.viz.page import write_map
from tests.browser_support import Guarded, chromium

SCRIPT_NAME = "<script>alert(1)</script>"
BLANK_CANVAS = """() => {
  const canvas = document.querySelector("#map canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && pixels[i] + pixels[i + 1] + pixels[i + 2] < 700) drawn++;
  return drawn;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Opened(Guarded):
    """A map page opened offline, once its network object exists."""

    def __init__(self, browser: Any, path: Path) -> None:
        super().__init__(browser)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("() => window.partnergraphMap !== undefined", timeout=20_000)

    def settled(self) -> None:
        """Wait until the layout has stabilised (physics is switched off afterwards)."""
        self.page.wait_for_function("() => window.partnergraphMap.physics.options.enabled === false", timeout=30_000)
        self.page.wait_for_timeout(300)

    def hover(self, key: str) -> str:
        """Hover over node ``key``; the tooltip's text."""
        point = self.page.evaluate(
            "(key) => { const m = window.partnergraphMap; const p = m.canvasToDOM(m.getPosition(key));"
            " const r = document.querySelector('#map').getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }",
            key,
        )
        self.page.mouse.move(point[0] + 1, point[1] + 1)
        self.page.wait_for_selector(".vis-tooltip", state="visible", timeout=5_000)
        return str(self.page.evaluate("() => document.querySelector('.vis-tooltip').innerText"))


def _with_script_org(store: GraphStore) -> GraphStore:
    from tests.conftest import load_example

    load_example(store)
    store.upsert(
        [Node("org:skrypt", "Organisation", {"name": SCRIPT_NAME, "kind": "ngo"})],
        [Tie("COOPERATES_WITH", "org:ces-kwilcz", "org:skrypt")],
        source="test",
    )
    return store


def test_example_map_draws_offline_without_running_names(browser: Any, store: GraphStore, tmp_path: Path) -> None:
    path = write_map(network_map(_with_script_org(store)), tmp_path / "map.html")
    opened = Opened(browser, path)
    opened.settled()
    assert opened.page.evaluate("() => window.partnergraphMap.body.data.nodes.length") == 29
    assert opened.page.evaluate(BLANK_CANVAS) > 5_000  # nodes, edges and labels were drawn
    tooltip = opened.hover("org:skrypt")
    assert tooltip.startswith(SCRIPT_NAME)  # the name is shown as text …
    # … not as markup: the tooltip holds only text and line breaks, and the page still has its own 3 scripts
    assert (
        opened.page.evaluate("() => [...document.querySelectorAll('.vis-tooltip *')].map(e => e.tagName)") == ["BR"] * 4
    )
    assert opened.page.evaluate("() => document.scripts.length") == 3
    assert opened.page.evaluate("() => document.querySelector('#legend').innerText").count("(") >= 11
    opened.page.mouse.move(5, 5)
    opened.page.wait_for_timeout(300)
    opened.screenshot("map.png")
    assert opened.dialogs == [] and opened.requests == []
    opened.page.close()


def test_large_map_uses_the_precomputed_positions(browser: Any, store: GraphStore, tmp_path: Path) -> None:
    result = network_map(_with_script_org(store), large=10)  # 29 nodes > 10: physics off
    path = write_map(result, tmp_path / "large.html")
    opened = Opened(browser, path)
    first = result.nodes[0]
    assert opened.page.evaluate("() => window.partnergraphMap.physics.options.enabled") is False
    position = opened.page.evaluate("(key) => window.partnergraphMap.getPosition(key)", first.id)
    assert first.x is not None and first.y is not None
    assert abs(position["x"] - first.x) <= 1 and abs(position["y"] - first.y) <= 1  # vis-network keeps whole pixels
    assert opened.page.evaluate(BLANK_CANVAS) > 2_000
    assert "fizyka wyłączona" in opened.page.inner_text("header")
    assert opened.dialogs == [] and opened.requests == []
    opened.page.close()
