"""Long lists — a row, an option or a checkbox per gmina (2,477 of them) — rendered once, reused as HTML.

A page that lists every municipality spent most of its time rendering those rows on every
request (and, on the dashboard, building a link per row with ``url_for``). The macros of
``templates/lists.html`` render them once per store write version and language, through the
web's read cache (:func:`~partnergraph.web.store.cached`); a page then marks the chosen entries
in the cached HTML (:func:`mark`) and puts it in place.

:func:`link_maker` builds many links to one endpoint with a single ``url_for``: the same text as
``url_for(endpoint, **{name: value})`` gives, which tests/web/test_caching.py checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote_plus

from flask import get_template_attribute, url_for
from markupsafe import Markup, escape

__all__ = ["link_maker", "mark", "render"]

TEMPLATE = "lists.html"
_PLACEHOLDER = "__partnergraph_value__"
_QUERY_SAFE = "!$'()*,/:;?@"
"""The characters werkzeug leaves unquoted in a query string value (werkzeug.urls._urlencode)."""


def render(macro: str, *args: Any) -> Markup:
    """The HTML of ``macro`` of ``templates/lists.html`` called with ``args``."""
    made: Callable[..., str] = get_template_attribute(TEMPLATE, macro)
    return Markup(made(*args))


def link_maker(endpoint: str, name: str, **fixed: Any) -> Callable[[str], str]:
    """A function of ``value`` giving ``url_for(endpoint, **fixed, **{name: value})`` (one ``url_for`` in all)."""
    values: dict[str, Any] = {**fixed, name: _PLACEHOLDER}
    before, _, after = url_for(endpoint, **values).partition(_PLACEHOLDER)

    def link(value: str) -> str:
        return f"{before}{quote_plus(value, safe=_QUERY_SAFE)}{after}"

    return link


def mark(html: Markup, tag: str, values: Iterable[str], attribute: str) -> Markup:
    """``html`` with ``attribute`` (``selected``, ``checked``) added to the elements ``<tag value="V">`` for ``values``.

    ``tag`` is how the element starts up to its value, e.g. ``'<option value="'``.
    """
    text = str(html)
    for value in dict.fromkeys(values):
        if value:
            needle = f'{tag}{escape(value)}"'
            text = text.replace(f"{needle}>", f"{needle} {attribute}>", 1)
    return Markup(text)
