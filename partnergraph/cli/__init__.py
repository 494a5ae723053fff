"""The ``partnergraph`` command: a thin face over the core, one module per command group.

:mod:`~partnergraph.cli.core` holds the main group and the store commands; every other module
listed in :data:`GROUPS` exports ``COMMANDS`` (click commands added to the main group; their
Polish help is in the gettext catalogue, see :mod:`partnergraph.cli.help`), and may export
``EXPORT_COMMANDS``: subcommands of ``partnergraph export`` (defined in
:mod:`~partnergraph.cli.imports`), such as ``export graphml``.
"""

from __future__ import annotations

from importlib import import_module

import click

from partnergraph.cli.core import main

__all__ = ["GROUPS", "main"]

GROUPS = ("imports", "analyze", "runs", "maps", "rdf", "research", "web")
"""Modules of :mod:`partnergraph.cli` whose commands join the main group, in this order."""


def _assemble() -> None:
    for name in GROUPS:
        module = import_module(f"partnergraph.cli.{name}")
        for command in module.COMMANDS:
            main.add_command(command)
        export = main.commands["export"]
        assert isinstance(export, click.Group)
        for command in getattr(module, "EXPORT_COMMANDS", ()):
            export.add_command(command)


_assemble()
