"""Undoing one write, in batches through the same storage primitives as writing.

Each record a version touched goes back to what it was before that version: the first change of
the record in the version says what that was (nothing, for a create), the last says what the
version left (nothing, for a delete). A record a later write changed is a conflict: reverting
would lose that change, so the whole revert is refused, naming the later version.

The work goes in batches of :data:`~partnergraph.graph.base.BATCH_SIZE`: first every current
record is read and checked, a read per batch (a node the version created that a later write tied
to is a conflict too); then, a write per batch, ties the version created are deleted, then its
nodes; nodes it changed or deleted come back, then their ties (checked as any written tie:
endpoints, kinds, PART_OF). Last, nodes whose kind comes back are checked against their ties. The write's summary counts what
was deleted, restored (created) and changed back (updated).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from partnergraph.errors import ConflictError
from partnergraph.i18n import Msg

if TYPE_CHECKING:
    from partnergraph.graph.base import Change, Writer

__all__ = ["Revert"]

Planned = tuple[str, "Change", "Change"]  # key, its first and its last change in the version


class Revert:
    """The undoing of one version's changes inside ``writer``'s transaction."""

    def __init__(self, writer: Writer, decode: Any) -> None:
        self.writer, self.tx, self.decode = writer, writer.tx, decode

    def run(self, changes: Sequence[Change]) -> None:
        """Undo ``changes`` (one version's log, in any order)."""
        from partnergraph.graph.base import BATCH_SIZE, batched

        first: dict[tuple[str, str], Change] = {}
        last: dict[tuple[str, str], Change] = {}
        for change in sorted(changes, key=lambda c: c.seq):
            first.setdefault((change.entity, change.key), change)
            last[change.entity, change.key] = change
        deleting = {key for (e, key), c in first.items() if e == "tie" and c.op == "create"}
        steps: list[tuple[str, bool, list[Planned], dict[str, Any]]] = []
        for entity, restore in (("tie", False), ("node", False), ("node", True), ("tie", True)):
            items = [
                (key, c, last[e, key]) for (e, key), c in first.items() if e == entity and (c.op != "create") == restore
            ]
            for chunk in batched(items, BATCH_SIZE):  # every read first: reads after many deletes are slower on Neo4j
                current = self._unchanged_since(entity, chunk)
                if entity == "node" and not restore:
                    self._untied([key for key, _, _ in chunk if key in current], deleting)
                steps.append((entity, restore, chunk, current))
        rekinded: dict[str, tuple[str, object]] = {}
        for entity, restore, chunk, current in steps:
            if restore:
                rekinded |= self._restore(entity, chunk, current)
            else:
                self._remove(entity, [key for key, _, _ in chunk if key in current], current)
        self.writer._check_kinds(rekinded)

    def _unchanged_since(self, entity: str, chunk: Sequence[Planned]) -> dict[str, Any]:
        """The current records of ``chunk``, after checking that no later write changed them."""
        current: dict[str, Any] = (self.tx.get_nodes if entity == "node" else self.tx.get_ties)(
            [key for key, _, _ in chunk]
        )
        for key, _, last in chunk:
            now = current.get(key)
            if (now is not None) if last.op == "delete" else (now is None or now.version != last.version):
                raise _conflict(entity, key, now.version if now else "?")
        return current

    def _untied(self, keys: list[str], deleting: set[str]) -> None:
        """Refuse to delete nodes that ties not of this version (written later) still touch."""
        for tie in self.tx.ties_touching(keys) if keys else ():
            if tie.id not in deleting:
                raise _conflict("node", tie.start if tie.start in keys else tie.end, tie.version)

    def _remove(self, entity: str, keys: list[str], current: Mapping[str, Any]) -> None:
        """Delete what the version created."""
        self.tx.remove(keys if entity == "node" else [], [] if entity == "node" else keys)
        self.tx.log([self.writer._change("delete", entity, key, current[key], None) for key in keys])
        self.writer.summary.add(entity, "deleted", len(keys))

    def _restore(
        self, entity: str, chunk: Sequence[Planned], current: Mapping[str, Any]
    ) -> dict[str, tuple[str, object]]:
        """Put back what the version changed or deleted; returns the nodes whose kind this changes."""
        writer = self.writer
        restored = {key: writer._stamp(self.decode(entity, key, first.before)) for key, first, _ in chunk}
        created = [r for key, r in restored.items() if key not in current]
        updated = [r for key, r in restored.items() if key in current]
        rekinded = {}
        if entity == "node":
            self.tx.put_nodes(created, updated)
            rekinded = writer.rules.rekinded(writer.validator, current, updated)
        else:
            level = writer._check_ties(created + updated)
            self.tx.put_ties(created, updated)
            writer._check_cycles(level)
        self.tx.log(
            [
                writer._change(
                    "update" if key in current else "create",
                    entity,
                    key,
                    current.get(key),
                    r if key in current else None,
                )
                for key, r in restored.items()
            ]
        )
        writer.summary.add(entity, "created", len(created))
        writer.summary.add(entity, "updated", len(updated))
        return rekinded


def _conflict(entity: str, key: str, later: object) -> ConflictError:
    return ConflictError(
        Msg("store.revert_conflict", entity=entity, key=key, later=later),
        hint=Msg("store.revert_conflict.hint", later=later),
    )
