"""Analyses of the graph, one module per family, each returning typed rows.

Every module of this package that declares ``ANALYSES`` (a tuple of
:class:`~partnergraph.queries.base.Analysis`) is found by :func:`analyses`; the CLI's
``analyze`` group and the web's analysis pages are built from that list.

    >>> "overview" in analyses()   # doctest: +SKIP
    True
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

from partnergraph.queries.base import Analysis

__all__ = ["analyses"]


@cache
def analyses() -> dict[str, Analysis]:
    """Every declared analysis by name, in module order then declaration order."""
    found: dict[str, Analysis] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = import_module(f"{__name__}.{info.name}")
        for analysis in getattr(module, "ANALYSES", ()):
            if analysis.name in found:
                raise ValueError(f"analysis {analysis.name!r} declared twice")
            found[analysis.name] = analysis
    return found
