"""The records that flow between importers, the schema, the stores and the faces.

A :class:`Node` is identified by its natural key (``krs:0000123456``, ``teryt:3014022``,
``org:ces-kwilcz``); a :class:`Tie` by its id, which the schema derives from
(start, type, end, since) unless the data gives one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from partnergraph.values import Value, to_json

__all__ = ["Node", "Props", "Tie", "tie_id"]

Props = Mapping[str, Value]


def tie_id(start: str, type_: str, end: str, since: Any = None) -> str:
    """The default identity of a tie: ``start-[TYPE]->end`` plus ``@since`` when dated."""
    base = f"{start}-[{type_}]->{end}"
    if since is None or since == "":
        return base
    return f"{base}@{to_json(since)}"


@dataclass(frozen=True, slots=True)
class Node:
    """A node: its key, its type (a node type of models.ttl) and its properties."""

    key: str
    type: str
    props: Props = field(default_factory=dict)
    origin: str | None = None
    """The source label of the write that last changed the node (set by the store)."""
    updated: str | None = None
    """When the node was last changed, ISO 8601 UTC (set by the store)."""
    version: int = 0
    """The store's write version that last changed the node (set by the store)."""

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return {"key": self.key, "type": self.type, "props": {k: to_json(v) for k, v in self.props.items()}}


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie of ``type`` from node ``start`` to node ``end``, with properties."""

    type: str
    start: str
    end: str
    props: Props = field(default_factory=dict)
    id: str = ""
    """Identity; empty on input means derive it (see :func:`tie_id`)."""
    origin: str | None = None
    updated: str | None = None
    version: int = 0

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return {
            "id": self.id,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "props": {k: to_json(v) for k, v in self.props.items()},
        }
