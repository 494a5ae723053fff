"""JSON Lines: the project's own lossless format, one node or tie per line.

    {"node": {"key": "teryt:3014022", "type": "Municipality", "props": {"name": "Kwilcz", "teryt": "3014022"}}}
    {"tie": {"type": "LOCATED_IN", "start": "org:ces-kwilcz", "end": "teryt:3014022", "props": {}}}

Nodes come before the ties that use them; ``export_jsonl`` writes nodes by key, then ties
by id, each with its properties in name order, so an export imported into an empty store
and exported again gives the same file, byte for byte. Blank lines and ``{"comment": …}``
lines are skipped. A line that is not UTF-8 or not JSON is a problem at that line; the rest
of the file is still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.importers.base import Located, register_reader
from partnergraph.records import Node, Tie

__all__ = ["export_jsonl", "parse_line", "read_jsonl"]

register_messages(
    {
        "jsonl.encoding": "the line is not UTF-8 (byte {offset})",
        "jsonl.encoding.hint": "save the file as UTF-8",
        "jsonl.too_deep": "the JSON is nested too deeply",
        "jsonl.surrogate": "{escape} is half of a UTF-16 surrogate pair without its other half — not a character",
        "jsonl.surrogate.hint": "write the character as UTF-8 or as a whole pair (e.g. \\ud83d\\ude00)",
    }
)


def _text(data: dict[str, Any], name: str, *, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str):
        raise TypeError(name)
    return value


def parse_line(text: str, where: str) -> Located | Problem:
    """One line of JSON Lines as a located record, or the problem with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(Msg("data.bad_json", detail=exc.msg), f"{where}:{exc.colno}")
    except RecursionError:
        return Problem(Msg("jsonl.too_deep"), where)
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return Problem(Msg("data.bad_json", detail=exc), where)
    if not isinstance(data, dict):
        return Problem(Msg("data.bad_record"), where)
    if _ESCAPED_SURROGATE.search(text) and (lone := _lone_surrogate(text)):
        return lone_problem(lone, where)
    node, tie = data.get("node"), data.get("tie")
    try:
        if isinstance(node, dict):
            return Located(Node(_text(node, "key", default=""), _text(node, "type"), _props(node)), where)
        if isinstance(tie, dict):
            ends = (_text(tie, "type"), _text(tie, "start"), _text(tie, "end"))
            return Located(Tie(*ends, _props(tie), _text(tie, "id", default="")), where)
    except TypeError as exc:
        return Problem(Msg("data.bad_field", field=repr(exc.args[0])), where)
    return Problem(Msg("data.bad_record"), where)


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _lone_surrogate(text: str) -> re.Match[str] | None:
    """The first ``\\uD8xx``…``\\uDFxx`` escape that is not part of a high+low pair (json.loads lets it through)."""
    paired = {i for m in _PAIR.finditer(text) for i in (m.start(), m.start() + 6)}
    return next(
        (m for m in _ESCAPED_SURROGATE.finditer(text) if m.start() not in paired and not _escaped(text, m.start())),
        None,
    )


def _escaped(text: str, at: int) -> bool:
    """Whether the backslash at ``at`` is itself escaped (``\\\\ud800`` is text, not an escape)."""
    slashes = len(text[:at]) - len(text[:at].rstrip("\\"))
    return slashes % 2 == 1


def lone_problem(found: re.Match[str], where: str) -> Problem:
    return Problem(
        Msg("jsonl.surrogate", escape=found.group()), f"{where}:{found.start() + 1}", Msg("jsonl.surrogate.hint")
    )


def _props(data: dict[str, Any]) -> dict[str, Any]:
    props = data.get("props") or {}
    if not isinstance(props, dict):
        raise TypeError("props")
    return props


@register_reader("jsonl")
def read_jsonl(path: Path) -> Iterator[Located | Problem]:
    """Records of a JSON Lines file (UTF-8; blank lines and ``{"comment": …}`` lines skipped)."""
    try:
        lines = path.open("rb")
    except OSError as exc:
        raise ValidationError([Problem(Msg("reader.unreadable", detail=exc.strerror or exc), path.name)]) from exc
    with lines:
        for number, raw in enumerate(lines, start=1):
            where = f"{path.name}:{number}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield Problem(Msg("jsonl.encoding", offset=exc.start + 1), where, Msg("jsonl.encoding.hint"))
                continue
            if line.strip() and not line.lstrip().startswith('{"comment":'):
                yield parse_line(line.rstrip("\r\n"), where)


def export_jsonl(store: GraphStore, out: IO[str]) -> tuple[int, int]:
    """Write every node, then every tie, as JSON Lines; returns (nodes, ties) written."""
    counts = [0, 0]
    for index, entity, records in ((0, "node", store.iter_nodes()), (1, "tie", store.iter_ties())):
        for record in records:
            data = record.as_json()
            data["props"] = dict(sorted(data["props"].items()))
            out.write(json.dumps({entity: data}, ensure_ascii=False) + "\n")
            counts[index] += 1
    return counts[0], counts[1]
