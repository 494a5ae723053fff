"""Rules a write must keep beyond each record's own validity, checked on write and by ``db check``.

* **Kinds under ties**: a node whose kind changes (``kind`` of an Organisation, the properties
  :attr:`Validator.kind_properties` lists) must still fit the endpoint rules of every tie it
  has; otherwise the write is refused naming the ties (:meth:`Invariants.kind_problems`).
* **PART_OF goes one way** (:data:`HIERARCHY_TIE`): its ends belong to one hierarchy (the
  same code property) and the end is the higher level. The levels come from models.ttl:

  - a type whose code has a fixed length (``sh:pattern "^[0-9]{n}$"``: TERYT 7 Municipality,
    4 County, 2 Voivodeship) is below types with shorter codes; a tie from a shorter to a
    longer code is an inversion. Equal lengths (a gmina part PART_OF its gmina) are allowed,
    and checked for cycles;
  - a type whose codes vary in length (PKD ``56.29.Z``) ranks each node by its code: the
    parent's code (separators left out) is a proper prefix of the child's (``56.29.Z`` →
    ``56.29`` → ``56.2`` → ``56``), or the parent is a one-letter section and the child a
    two-digit division. Such ties can never form a cycle.

>>> from partnergraph.schema import load_schema
>>> rules = Invariants(load_schema())
>>> rules.levels["County"], rules.levels["Activity"]
(('teryt', 4), ('code', None))
>>> rules.pkd_parent("56.29.Z", "56.29"), rules.pkd_parent("56", "I"), rules.pkd_parent("56.2", "56.29")
(True, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import networkx as nx

from partnergraph.errors import Problem
from partnergraph.i18n import Msg, Plural, register_messages
from partnergraph.records import Node, Tie
from partnergraph.schema import Schema

if TYPE_CHECKING:
    from partnergraph.graph.base import Transaction
    from partnergraph.validate import Validator

__all__ = ["HIERARCHY_TIE", "Invariants"]

HIERARCHY_TIE = "PART_OF"
"""The tie type that places a unit in a larger one (models.ttl: subPropertyOf schema:containedInPlace)."""
SHOWN = 3  # blocking ties named per node, cycle members named per cycle
_FIXED = re.compile(r"^\^\[0-9\]\{(\d+)\}\$$")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]")

register_messages(
    {
        "store.inv.kind_blocked": Plural(
            "cannot change {prop} to {kind}: the node would not fit {count} of its ties ({ties})",
            "cannot change {prop} to {kind}: the node would not fit {count} of its ties ({ties})",
        ),
        "store.inv.kind_blocked.hint": "delete or change these ties first, or keep the kind",
        "store.inv.hierarchy": "{tie} joins different hierarchies ({start} → {end})",
        "store.inv.inverted": "{tie} runs the wrong way up the hierarchy: {start} {a} cannot be part of {end} {b}",
        "store.inv.inverted.hint": "the part points at the whole: municipality → county → voivodeship, a PKD code → the code it starts "
        "with",
        "store.inv.cycle": "{tie} makes a cycle: {path}",
        "store.inv.cycle.hint": "delete one of these ties",
    }
)


class Invariants:
    """The rules above, for one schema."""

    def __init__(self, schema: Schema) -> None:
        tie_type = schema.tie_types.get(HIERARCHY_TIE)
        types = dict.fromkeys((*tie_type.domain, *tie_type.range)) if tie_type else {}
        self.levels: dict[str, tuple[str, int | None]] = {}
        """Per node type at the ends of PART_OF: its code property and the code's fixed length (None: varies)."""
        for name in types:
            node_type = schema.node_types[name]
            code = next((p for p in node_type.identified_by if node_type.properties[p].required), None)
            if code is not None:
                fixed = _FIXED.match(node_type.properties[code].pattern or "")
                self.levels[name] = (code, int(fixed.group(1)) if fixed else None)
        self.code_properties = tuple(sorted({code for code, _ in self.levels.values()}))

    # -- PART_OF -------------------------------------------------------------------------------------------------------------
    @staticmethod
    def pkd_parent(child: str, parent: str) -> bool:
        """Whether ``parent`` may be the code above ``child`` (codes of varying length)."""
        a, b = _SEPARATORS.sub("", child), _SEPARATORS.sub("", parent)
        if len(b) == 1 and b.isalpha():
            return len(a) == 2 and a.isdigit()
        return len(b) < len(a) and a.startswith(b)

    def level_problems(self, tie: Tie, start: Node, end: Node) -> tuple[list[Problem], bool]:
        """Problems of one PART_OF tie's direction, and whether it joins two nodes of one level (cycles possible)."""
        low, high = self.levels.get(start.type), self.levels.get(end.type)
        if low is None or high is None:
            return [], False  # the endpoint check refuses types outside PART_OF's domain and range
        if low[0] != high[0]:
            return [Problem(Msg("store.inv.hierarchy", tie=tie.type, start=start.type, end=end.type), tie.id)], False
        a, b = str(start.props.get(low[0], "")), str(end.props.get(high[0], ""))
        if low[1] is not None and high[1] is not None:
            ok, same = low[1] >= high[1], low[1] == high[1]
        else:
            ok, same = self.pkd_parent(a, b), False
        if ok:
            return [], same
        msg = Msg("store.inv.inverted", tie=tie.type, start=start.type, a=a, end=end.type, b=b)
        return [Problem(msg, tie.id, Msg("store.inv.inverted.hint"))], False

    def cycles_closed(self, tx: Transaction, ties: Sequence[Tie]) -> list[Problem]:
        """Cycles that PART_OF ``ties`` (already written in ``tx``) close, walking up from their ends."""
        up: nx.DiGraph[str] = nx.DiGraph()
        up.add_edges_from((t.start, t.end) for t in ties)
        frontier, seen = {t.end for t in ties}, set()
        while frontier:  # a level per query: a TERC load walks gmina → county → voivodeship, three queries
            seen |= frontier
            found = tx.tie_ends_from(sorted(frontier), HIERARCHY_TIE)
            up.add_edges_from(found)
            frontier = {end for _, end in found} - seen
        problems: list[Problem] = []
        for tie in ties:
            if nx.has_path(up, tie.end, tie.start):
                path = [tie.start, *nx.shortest_path(up, tie.end, tie.start)]
                problems.append(self._cycle(tie.id, tie.type, path))
        return problems

    def _cycle(self, where: str, tie_type: str, path: Sequence[str]) -> Problem:
        shown = " → ".join(path if len(path) <= SHOWN + 2 else [*path[:SHOWN], "…", path[-1]])
        return Problem(Msg("store.inv.cycle", tie=tie_type, path=shown), where, Msg("store.inv.cycle.hint"))

    def store_problems(self, ties: Iterable[Tie], nodes: Mapping[str, Node]) -> list[Problem]:
        """Inversions and cycles among a whole store's PART_OF ``ties`` (for ``db check``)."""
        problems: list[Problem] = []
        graph: nx.DiGraph[str] = nx.DiGraph()
        for tie in ties:
            start, end = nodes.get(tie.start), nodes.get(tie.end)
            if start is not None and end is not None:
                problems += self.level_problems(tie, start, end)[0]
            graph.add_edge(tie.start, tie.end, id=tie.id, type=tie.type)
        for component in sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1):
            cycle = nx.find_cycle(graph.subgraph(component), component[0])
            first = graph.edges[cycle[0][0], cycle[0][1]]
            problems.append(self._cycle(first["id"], first["type"], [*(a for a, _ in cycle), cycle[0][0]]))
        return problems

    # -- kinds under ties ----------------------------------------------------------------------------------------------------
    @staticmethod
    def rekinded(
        validator: Validator, before: Mapping[str, Node], after: Iterable[Node]
    ) -> dict[str, tuple[str, object]]:
        """Key → (property, new value) of the nodes in ``after`` whose kind differs from ``before`` (new nodes left out)."""
        found: dict[str, tuple[str, object]] = {}
        for node in after:
            old = before.get(node.key)
            for prop in validator.kind_properties:
                if old is not None and node.props.get(prop) != old.props.get(prop):
                    found[node.key] = (prop, node.props.get(prop))
        return found

    @staticmethod
    def blocked_kinds(
        tx: Transaction, validator: Validator, changed: Mapping[str, tuple[str, object]]
    ) -> list[Problem]:
        """A problem per re-kinded node (``changed``: key → (property, new value), already written) naming the ties it breaks."""
        ties = tx.ties_touching(list(changed))
        ends = tx.get_endpoints(list({k for t in ties for k in (t.start, t.end)}), validator.kind_properties)
        blocked: dict[str, list[tuple[Tie, str]]] = {}
        for tie in ties:
            if tie.start in ends and tie.end in ends and validator.endpoints(tie, ends[tie.start], ends[tie.end]):
                for key, other in ((tie.start, tie.end), (tie.end, tie.start)):
                    if key in changed:
                        blocked.setdefault(key, []).append((tie, other))
        problems = []
        for key in sorted(blocked):
            prop, kind = changed[key]
            found = blocked[key]
            named = ", ".join(f"{t.type} {'→' if t.start == key else '←'} {other}" for t, other in found[:SHOWN])
            named += ", …" if len(found) > SHOWN else ""
            msg = Msg("store.inv.kind_blocked", prop=prop, kind=kind, count=len(found), ties=named)
            problems.append(Problem(msg, key, Msg("store.inv.kind_blocked.hint")))
        return problems
