"""What every importer shares: located records, the reader interface, the format registry.

A reader turns one file into a stream of :class:`Located` records (a node or tie with the
place it came from) and :class:`~partnergraph.errors.Problem` items (rows it could not even
parse). The import pipeline (:mod:`partnergraph.importers.run`) validates everything first,
then writes in one transaction — or nothing.

Readers clean the text they take from a file with :func:`clean_text` (names carry
non-breaking spaces and stray blanks) and stamp their records with :func:`provenance`:

    >>> clean_text("  Uprawy rolne inne niż wieloletnie\\u00a0")
    'Uprawy rolne inne niż wieloletnie'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import WriteSummary
from partnergraph.i18n import Msg, Plural, register_messages
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema

__all__ = [
    "MAX_LISTED",
    "READERS",
    "ImportFailed",
    "ImportReport",
    "Located",
    "Notice",
    "Reader",
    "clean_text",
    "provenance",
    "register_reader",
]

MAX_LISTED = 1000
"""Problems and notices kept in a report (all are counted)."""

register_messages(
    {
        "reader.unreadable": "cannot read the file: {detail}",
        "reader.empty": "the file is empty",
        "reader.fields": Plural(
            "the row has {found} field, the header {expected}",
            "the row has {found} fields, the header {expected}",
            n="found",
        ),
        "imp.failed": Plural(
            "import rejected ({count} problem); nothing was written",
            "import rejected ({count} problems); nothing was written",
        ),
        "imp.failed.hint": "fix the file, or add --skip-invalid to import the valid rows",
        "imp.fatal.hint": "fix the file and import it again",
        "imp.more": "… and {count} more",
    }
)

_BLANKS = re.compile(r"[\s\u00a0\u202f]+")


def clean_text(text: str) -> str:
    """``text`` with runs of blanks (non-breaking spaces, new lines) made one space, trimmed."""
    return _BLANKS.sub(" ", text).strip()


def provenance(schema: Schema, node_type: str, source: str) -> dict[str, str]:
    """``{"source": source}`` when models.ttl gives ``node_type`` a ``source`` property, else ``{}``
    (ties always have one; nodes get one where the model has it)."""
    return {"source": source} if "source" in schema.node_types[node_type].properties else {}


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


@dataclass
class ImportReport:
    """What an import found and did."""

    path: Path
    format: str
    source: str
    """The change-log source of the write: ``import <file name> (run <id>)``."""
    dry_run: bool = False
    records: int = 0
    """Records read (nodes and ties)."""
    rejected: int = 0
    """Records (and unreadable rows) rejected."""
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notices: list[Problem] = field(default_factory=list)
    """Merges, probable duplicates and defaults applied: reported, nothing rejected."""
    rejected_file: Path | None = None
    summary: WriteSummary = field(default_factory=WriteSummary)
    _orders: list[int] = field(default_factory=list, repr=False)

    def count(self, outcome: str) -> int:
        """Nodes and ties ``created``, ``updated`` or ``unchanged`` (would be, in a dry run)."""
        return self.summary.get("node", outcome) + self.summary.get("tie", outcome)

    @property
    def version(self) -> int:
        """The store's write version after the import."""
        return self.summary.version

    def add_problems(self, problems: Iterable[Problem], order: int) -> None:
        """Add the problems of record number ``order`` of the file (listed in file order)."""
        for problem in problems:
            self.problem_count += 1
            if len(self.problems) < MAX_LISTED:
                self.problems.append(problem)
                self._orders.append(order)

    def sort_problems(self) -> None:
        """Problems in the order of the records they are about (ties resolved late come last otherwise)."""
        ordered = sorted(zip(self._orders, range(len(self.problems)), self.problems, strict=True))
        self._orders, self.problems = [o for o, _, _ in ordered], [p for _, _, p in ordered]

    def add_notice(self, notice: Problem) -> None:
        if len(self.notices) < MAX_LISTED:
            self.notices.append(notice)


class ImportFailed(ValidationError):
    """The file has problems, so nothing was written; ``report`` tells what was found."""

    def __init__(self, report: ImportReport, *, fatal: bool = False) -> None:
        super().__init__(report.problems)
        self.report = report
        self.message = Msg("imp.failed", count=report.problem_count)
        self.where, self.hint = "", Msg("imp.fatal.hint" if fatal else "imp.failed.hint")

    def __str__(self) -> str:
        lines = [f"{self.message} ({self.hint})", *(str(p) for p in self.problems)]
        hidden = self.report.problem_count - len(self.problems)
        if hidden > 0:
            lines.append(str(Msg("imp.more", count=hidden)))
        return "\n".join(lines)
