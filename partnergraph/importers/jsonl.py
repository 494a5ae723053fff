"""JSON Lines: the project's own lossless format, one node or tie per line.

    {"node": {"key": "teryt:3014022", "type": "Municipality", "props": {"name": "Kwilcz", "teryt": "3014022"}}}
    {"tie": {"type": "LOCATED_IN", "start": "org:ces-kwilcz", "end": "teryt:3014022", "props": {}}}

Nodes come before the ties that use them; ``export_jsonl`` writes nodes by key, then ties
by id, so an export re-imported into an empty store gives the same graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from partnergraph.errors import Problem
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg
from partnergraph.importers.base import Located, register_reader
from partnergraph.records import Node, Tie

__all__ = ["export_jsonl", "parse_line", "read_jsonl"]


def parse_line(text: str, where: str) -> Located | Problem:
    """One line of JSON Lines as a located record, or the problem with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(Msg("data.bad_json", detail=exc.msg), f"{where}:{exc.colno}")
    if not isinstance(data, dict):
        return Problem(Msg("data.bad_record"), where)
    node, tie = data.get("node"), data.get("tie")
    try:
        if isinstance(node, dict):
            return Located(Node(str(node.get("key", "")), str(node["type"]), dict(node.get("props") or {})), where)
        if isinstance(tie, dict):
            record = Tie(str(tie["type"]), str(tie["start"]), str(tie["end"]), dict(tie.get("props") or {}), str(tie.get("id", "")))
            return Located(record, where)
    except (KeyError, TypeError, ValueError) as exc:
        return Problem(Msg("data.bad_field", field=exc), where)
    return Problem(Msg("data.bad_record"), where)


@register_reader("jsonl")
def read_jsonl(path: Path) -> Iterator[Located | Problem]:
    """Records of a JSON Lines file (UTF-8; blank lines and ``{"comment": …}`` lines skipped)."""
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip() and not line.startswith('{"comment":'):
                yield parse_line(line, f"{path.name}:{number}")


def export_jsonl(store: GraphStore, out: IO[str]) -> tuple[int, int]:
    """Write every node, then every tie, as JSON Lines; returns (nodes, ties) written."""
    counts = [0, 0]
    for index, entity, records in ((0, "node", store.iter_nodes()), (1, "tie", store.iter_ties())):
        for record in records:
            data: dict[str, Any] = {entity: record.as_json()}
            out.write(json.dumps(data, ensure_ascii=False, sort_keys=False) + "\n")
            counts[index] += 1
    return counts[0], counts[1]
