"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium through playwright.

No browser is downloaded (``playwright install`` is never run). Without a browser a test is
skipped — or fails when ``PARTNERGRAPH_REQUIRE_BROWSER=1``, as in CI (.ci/run). Pages are
opened by :class:`Guarded`: every request outside the allowed prefixes (``file://`` by default:
the network is cut off) is aborted and recorded, and so is every dialog (``alert``), so a test
can assert that a page fetched nothing and ran no injected script. Screenshots go to
``build/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def unavailable(reason: str) -> NoReturn:
    """Skip the test (fail it when PARTNERGRAPH_REQUIRE_BROWSER=1): no browser for it."""
    message = f"headless Chromium ({CHROMIUM}) cannot be used through playwright: {reason} (apt-get install chromium)"
    if os.environ.get("PARTNERGRAPH_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (PARTNERGRAPH_REQUIRE_BROWSER=1: a skip is a failure)")
    pytest.skip(message)


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (a playwright Browser), closed at the end."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable(str(exc))
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # playwright's own Error: no executable, or it cannot start here
            unavailable(str(exc).splitlines()[0])
        try:
            yield browser
        finally:
            browser.close()


class Guarded:
    """A page whose requests outside ``allowed`` are aborted and recorded, with dialogs recorded."""

    def __init__(
        self,
        browser: Any,
        *,
        allowed: Sequence[str] = ("file://",),
        width: int = 1400,
        height: int = 900,
        locale: str = "pl-PL",
    ) -> None:
        self.allowed = tuple(allowed)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height}, locale=locale)
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.allowed):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        """Save a screenshot as build/screenshots/NAME."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path
