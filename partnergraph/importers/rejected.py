"""The file of rejected rows: ``<name>.rejected.csv`` beside the input of ``--skip-invalid``.

Each rejected record (or unreadable row) with its place and reasons, ``;``-separated UTF-8 with
a byte-order mark, so Polish Excel opens it; cells guarded against formulas as in every CSV
partnergraph writes. Without the file, nothing is imported: the rows left out must be kept.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from partnergraph.errors import ConfigError, Problem
from partnergraph.files import os_error_text
from partnergraph.i18n import Msg, register_messages
from partnergraph.records import Node, Tie
from partnergraph.values import csv_safe

__all__ = ["RejectedFile"]

register_messages(
    {
        "tpl.rejected_unwritable": "cannot write the file of rejected rows {path}: {detail}; nothing was imported",
        "tpl.rejected_unwritable.hint": "--skip-invalid writes the rejected rows beside the input file: copy the file to a folder you can "
        "write to, "
        "or fix the rows and import without --skip-invalid",
        "tpl.where": "place",
        "tpl.problems": "problems",
        "tpl.record": "record",
    }
)


class RejectedFile:
    """``<name>.rejected.csv`` beside the input: each rejected record with its reasons."""

    def __init__(self, source: Path) -> None:
        stem = source.name if source.is_dir() else source.stem
        self.path = source.parent / f"{stem}.rejected.csv"
        self._out: IO[str] | None = None
        self._writer: Any = None

    def add(self, where: str, problems: Sequence[Problem], record: Node | Tie | None) -> None:
        """Write one rejected record (or unreadable row)."""
        data = json.dumps(record.as_json(), ensure_ascii=False, default=str) if record is not None else ""
        try:
            if self._writer is None:
                self._out = self.path.open("w", encoding="utf-8-sig", newline="")
                self._writer = csv.writer(self._out, delimiter=";", lineterminator="\r\n")
                self._writer.writerow([str(Msg(f"tpl.{n}")) for n in ("where", "problems", "record")])
            self._writer.writerow([csv_safe(where), csv_safe(" | ".join(str(p) for p in problems)), csv_safe(data)])
        except OSError as exc:  # the rows left out must be kept somewhere: without the file, no import
            self.discard()
            raise ConfigError(
                Msg("tpl.rejected_unwritable", path=self.path, detail=os_error_text(exc)),
                hint=Msg("tpl.rejected_unwritable.hint"),
            ) from exc

    def close(self) -> Path | None:
        """Close the file; its path, or None when nothing was rejected."""
        if self._out is None:
            return None
        try:
            self._out.close()
        except OSError as exc:  # the last rows could not be flushed (a full disk)
            self._out = None
            self.path.unlink(missing_ok=True)
            raise ConfigError(
                Msg("tpl.rejected_unwritable", path=self.path, detail=os_error_text(exc)),
                hint=Msg("tpl.rejected_unwritable.hint"),
            ) from exc
        return self.path

    def discard(self) -> None:
        """Remove the file (the import failed as a whole)."""
        if self._out is not None:
            out, self._out, self._writer = self._out, None, None
            try:
                out.close()
            finally:
                self.path.unlink(missing_ok=True)
