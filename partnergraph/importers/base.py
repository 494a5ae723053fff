"""What every importer shares: located records, the reader interface, the format registry.

A reader turns one file into a stream of :class:`Located` records (a node or tie with the
place it came from) and :class:`~partnergraph.errors.Problem` items (rows it could not even
parse). The import pipeline (:mod:`partnergraph.importers.run`) validates everything first,
then writes in one transaction — or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from partnergraph.errors import Problem
from partnergraph.records import Node, Tie

__all__ = ["READERS", "Located", "Notice", "Reader", "register_reader"]


@dataclass(frozen=True)
class Located:
    """A record and where it came from.

    ``where`` names the row (``organisations.csv:14``, ``Organisations!14``, ``file.jsonl:3``);
    ``fields`` maps a property name (or ``key``, ``type``, ``start``, ``end``) to the precise
    place of its value (``organisations.csv:14:5``, ``Organisations!E14``), so a problem in one
    field is reported at its cell.
    """

    record: Node | Tie
    where: str
    fields: Mapping[str, str] = field(default_factory=dict)


class Notice(Problem):
    """A remark about an import (a merge, a probable duplicate, a default applied, a column
    skipped): reported, never a reason to reject anything."""


class Reader(Protocol):
    """Reads one file of one format."""

    def __call__(self, path: Path) -> Iterator[Located | Problem]: ...


READERS: dict[str, Reader] = {}
"""Format name → reader; filled by each format module through :func:`register_reader`."""


def register_reader(name: str) -> Callable[[Reader], Reader]:
    """Decorator registering a reader under a format name (``csv``, ``xlsx``, ``teryt`` …)."""

    def register(reader: Reader) -> Reader:
        READERS[name] = reader
        return reader

    return register
