"""Validation and normalisation of node and tie records against the schema.

Values are parsed to their datatype, identifiers compacted and checked with python-stdnum,
vocabulary labels turned into notations, keys derived or checked, symmetric ties put in key
order. Every problem is collected (not just the first) and reported with the field it is in.

    >>> from partnergraph.records import Node
    >>> v = Validator(load_schema())
    >>> v.node(Node("", "Municipality", {"name": "Kwilcz", "teryt": "3014022"})).key
    'teryt:3014022'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip, regon

from partnergraph.errors import Problem, ValidationError
from partnergraph.i18n import Msg
from partnergraph.records import Node, Tie, tie_id
from partnergraph.schema import NodeType, PropertyDef, Schema, TieType, load_schema
from partnergraph.text import slugify
from partnergraph.values import (
    ANY_CONTROL,
    CONTROL,
    DATATYPES,
    FREE_TEXT,
    TEXT,
    TEXT_LIMIT,
    Value,
    control_problem,
    too_long_problem,
)

__all__ = ["CONTROL", "FREE_TEXT", "TEXT_LIMIT", "Validator", "control_problem", "load_schema", "too_long_problem"]

_CHECKSUMS = {"nip": nip, "regon": regon}
_KEY = re.compile(r"^([a-z][a-z0-9_]*):(\S.*)$")
MAX_KEY = 500  # characters of a node key; a tie id may hold two keys, so it may have twice as many and a little more
MAX_TIE_ID = 2 * MAX_KEY + 100


class Validator:
    """Checks records against a :class:`Schema`; raises :class:`ValidationError`."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._patterns = {p: re.compile(p) for t in self._owners() for d in t.properties.values() if (p := d.pattern)}
        # Plain text properties (no format, vocabulary or checksum) take a fast path.
        self._plain = {
            id(d)
            for t in self._owners()
            for d in t.properties.values()
            if d.datatype == "string" and not (d.pattern or d.vocabulary or d.allowed or d.checksum)
        }
        # Values already of their datatype (JSON, generated records) and vocabulary notations as they are take one too.
        self._as_is = {
            id(d): DATATYPES[d.datatype].python
            for t in self._owners()
            for d in t.properties.values()
            if d.datatype != "string" and d.minimum is None and d.maximum is None
        }
        self._notations = {
            id(d): d.vocabulary.concepts
            for t in self._owners()
            for d in t.properties.values()
            if d.vocabulary is not None and not d.checksum
        }
        self._control = {
            id(d): CONTROL if d.name in FREE_TEXT else ANY_CONTROL
            for t in self._owners()
            for d in t.properties.values()
        }
        kinds = {t.kind_scheme for t in schema.tie_types.values() if t.kind_scheme}
        self.kind_properties = tuple(
            sorted({p for n in schema.node_types for k in kinds if (p := schema.vocabulary_property(n, k))})
        )
        """Node properties the endpoint rules look at (organisation kinds)."""
        self._rules = {
            id(t): (
                tuple(d.name for d in t.properties.values() if d.required),
                tuple((d.name, d.not_after) for d in t.properties.values() if d.not_after),
            )
            for t in self._owners()
        }

    def _owners(self) -> list[NodeType | TieType]:
        return [*self.schema.node_types.values(), *self.schema.tie_types.values()]

    # -- values ------------------------------------------------------------------------------
    def value(self, prop: PropertyDef, raw: Any) -> tuple[Value | None, list[Problem]]:
        """Parse and check one value; ``None`` with no problems means 'empty, leave out'."""
        kind = type(raw)  # the fast paths first: a bulk load checks millions of values
        if kind is str and id(prop) in self._plain:
            text = raw.strip()
            if self._control[id(prop)].search(text) or len(text) > TEXT_LIMIT:
                return None, TEXT.check(text, prop)
            return (text or None), []
        if kind is self._as_is.get(id(prop)) or (kind is str and raw in self._notations.get(id(prop), ())):
            return raw, []  # already typed (JSON, generated records) or a notation as it is: nothing to parse or check
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, []
        datatype = DATATYPES[prop.datatype]
        if datatype is not TEXT:
            return datatype.validate(raw, prop)
        value, problems = TEXT.read(raw, prop)  # checksum, vocabulary and pattern before the text's own checks
        if isinstance(value, str):
            value, problems = self._text(prop, value)
        return (None if problems else value), problems

    def _text(self, prop: PropertyDef, value: str) -> tuple[str, list[Problem]]:
        if prop.checksum:
            module = _CHECKSUMS[prop.checksum]
            compact = module.compact(value)
            if prop.checksum == "regon" and len(compact) == 14 and compact.endswith("00000"):
                compact = compact[:9]  # KRS pads nine-digit REGONs to fourteen with zeros
            if compact.isdigit():
                try:
                    return module.validate(compact), []
                except StdnumError:
                    if not prop.pattern or self._patterns[prop.pattern].match(compact):
                        return value, [
                            Problem(
                                Msg("val.checksum", name=prop.label(), value=value), prop.name, Msg("val.checksum.hint")
                            )
                        ]
            value = compact if compact.isdigit() else value
        if prop.vocabulary is not None:
            concept = prop.vocabulary.lookup(value)
            if concept is None:
                allowed = ", ".join(prop.vocabulary.concepts)
                return value, [
                    Problem(
                        Msg("val.vocabulary", value=value, name=prop.name),
                        prop.name,
                        Msg("val.types_hint", allowed=allowed),
                    )
                ]
            return concept.name, []
        if prop.allowed and value not in prop.allowed:
            hint = Msg("val.types_hint", allowed=", ".join(prop.allowed))
            return value, [Problem(Msg("val.vocabulary", value=value, name=prop.name), prop.name, hint)]
        if prop.pattern and not self._patterns[prop.pattern].search(value):
            return value, [
                Problem(Msg("val.pattern", name=prop.label(), value=value, expected=_describe(prop)), prop.name)
            ]
        return value, TEXT.check(value, prop)

    def properties(self, owner: NodeType | TieType, raw: Mapping[str, Any]) -> tuple[dict[str, Value], list[Problem]]:
        """Parse all properties of a record for ``owner`` (a node or tie type)."""
        props: dict[str, Value] = {}
        problems: list[Problem] = []
        for name, raw_value in raw.items():
            prop = owner.properties.get(name)
            if prop is None:
                hint = Msg("val.types_hint", allowed=", ".join(owner.properties))
                problems.append(Problem(Msg("val.unknown_property", owner=owner.name, name=name), name, hint))
                continue
            value, found = self.value(prop, raw_value)
            problems += found
            if value is not None:
                props[name] = value
        required, ordered = self._rules[id(owner)]
        for name in required:
            if name not in props and not any(p.where == name for p in problems):
                problems.append(Problem(Msg("val.required", name=name), name))
        for first, second in ordered:
            later = props.get(second)
            if first in props and later is not None and props[first] > later:  # type: ignore[operator]
                problems.append(Problem(Msg("val.order", first=first, a=props[first], second=second, b=later), first))
        return props, problems

    # -- nodes -------------------------------------------------------------------------------
    def node(self, record: Node) -> Node:
        """The record checked and normalised, with its key; raises ValidationError."""
        node_type = self.schema.node_types.get(record.type)
        if node_type is None:
            hint = Msg("val.types_hint", allowed=", ".join(self.schema.node_types))
            raise ValidationError([Problem(Msg("val.unknown_node_type", value=record.type), "type", hint)])
        props, problems = self.properties(node_type, record.props)
        if not problems:
            self._default_sector(node_type, props)
        key = self._key(node_type, record.key.strip(), props, problems)
        problems += _too_long("val.what_key", key, MAX_KEY)
        if problems:
            raise ValidationError(problems)
        return Node(key, node_type.name, props)

    def _default_sector(self, node_type: NodeType, props: dict[str, Value]) -> None:
        """Fill a vocabulary property from another value's pg:defaultSector (kind → sector)."""
        for prop in node_type.properties.values():
            concept = prop.vocabulary.concepts.get(str(props.get(prop.name))) if prop.vocabulary else None
            if concept is None or concept.default_sector is None:
                continue
            for target in node_type.properties.values():
                if target.vocabulary and concept.default_sector in target.vocabulary.concepts:
                    props.setdefault(target.name, concept.default_sector)

    def _key(self, node_type: NodeType, key: str, props: dict[str, Value], problems: list[Problem]) -> str:
        prefixes = node_type.key_prefixes()
        example = f"{next(iter(prefixes))}:…"
        if not key:
            for prefix, name in prefixes.items():
                if name and name in props:
                    return f"{prefix}:{props[name]}"
            slug = slugify(str(props.get("name", "")))
            if node_type.slug_prefix and slug:
                return f"{node_type.slug_prefix}:{slug}"
            if any(p.where == "name" for p in problems):
                return ""  # the name's own problem says it all
            fields = ", ".join(node_type.identified_by) or "name"
            problems.append(
                Problem(
                    Msg("val.no_key", type=node_type.name, fields=fields),
                    "key",
                    Msg("val.no_key.hint", example=example),
                )
            )
            return ""
        if ANY_CONTROL.search(key):
            problems.append(control_problem(str(Msg("val.what_key")), key, "key"))
            return key
        match = _KEY.match(key)
        if match is None:
            problems.append(Problem(Msg("val.bad_key", key=key, example=example), "key"))
            return key
        prefix, rest = match.groups()
        if prefix not in prefixes:
            allowed = ", ".join(f"{p}:" for p in prefixes)
            problems.append(Problem(Msg("val.key_prefix", key=key, type=node_type.name, allowed=allowed), "key"))
            return key
        name = prefixes[prefix]
        if name is None:
            return key
        value, found = self.value(node_type.properties[name], rest)
        if found:
            problems += [p.located("key") for p in found]
            return key
        if name in props and props[name] != value:
            problems.append(Problem(Msg("val.key_mismatch", key=key, name=name, value=props[name]), "key"))
        props.setdefault(name, value)  # type: ignore[arg-type]
        return f"{prefix}:{value}"

    # -- ties --------------------------------------------------------------------------------
    def tie(self, record: Tie) -> Tie:
        """The tie checked (without its endpoints' types) and normalised, with its id."""
        tie_type = self.schema.tie_types.get(record.type)
        if tie_type is None:
            hint = Msg("val.types_hint", allowed=", ".join(self.schema.tie_types))
            raise ValidationError([Problem(Msg("val.unknown_tie_type", value=record.type), "type", hint)])
        props, problems = self.properties(tie_type, record.props)
        start, end = record.start.strip(), record.end.strip()
        for field, key in (("start", start), ("end", end), ("id", record.id)):
            if ANY_CONTROL.search(key):
                problems.append(
                    control_problem(str(Msg("val.what_key" if field != "id" else "val.what_tie_id")), key, field)
                )
            elif field != "id" and not _KEY.match(key):
                problems.append(Problem(Msg("val.bad_key", key=key, example="krs:0000123456"), field))
        if start == end and start:
            problems.append(Problem(Msg("val.self_loop", tie=tie_type.name, key=start), "end"))
        if problems:
            raise ValidationError(problems)
        if tie_type.symmetric and end < start:
            start, end = end, start
        identity = record.id.strip() or tie_id(start, tie_type.name, end, props.get("since"))
        if too_long := _too_long("val.what_tie_id", identity, MAX_TIE_ID):
            raise ValidationError(too_long)
        return Tie(tie_type.name, start, end, props, identity)

    def endpoints(self, tie: Tie, start: Node, end: Node) -> list[Problem]:
        """Problems with the types and kinds of a tie's endpoints (empty when allowed)."""
        tie_type = self.schema.tie_types[tie.type]
        problems: list[Problem] = []
        ends = (
            ("start", start, tie_type.domain, tie_type.source_kinds),
            ("end", end, tie_type.range, tie_type.target_kinds),
        )
        if tie_type.symmetric and not self._fits(tie_type, start, tie_type.domain, tie_type.source_kinds):
            ends = (
                ("start", end, tie_type.domain, tie_type.source_kinds),
                ("end", start, tie_type.range, tie_type.target_kinds),
            )
        for field, node, types, kinds in ends:
            if node.type not in types:
                msg = Msg(
                    "val.endpoint", tie=tie.type, end=Msg(f"val.{field}"), type=node.type, allowed=", ".join(types)
                )
                problems.append(Problem(msg, field))
            elif not self._kind_fits(tie_type, node, kinds):
                kind = node.props.get(self._kind_property(tie_type, node) or "")
                msg = Msg(
                    "val.endpoint_kind", tie=tie.type, end=Msg(f"val.{field}"), kind=kind, allowed=", ".join(kinds)
                )
                problems.append(Problem(msg, field))
        return problems

    def _kind_property(self, tie_type: TieType, node: Node) -> str | None:
        return self.schema.vocabulary_property(node.type, tie_type.kind_scheme) if tie_type.kind_scheme else None

    def _kind_fits(self, tie_type: TieType, node: Node, kinds: tuple[str, ...]) -> bool:
        prop = self._kind_property(tie_type, node)
        return not kinds or prop is None or node.props.get(prop) in kinds

    def _fits(self, tie_type: TieType, node: Node, types: tuple[str, ...], kinds: tuple[str, ...]) -> bool:
        return node.type in types and self._kind_fits(tie_type, node, kinds)


def _too_long(what: str, key: str, limit: int) -> list[Problem]:
    """A problem when ``key`` is longer than ``limit`` (stores index keys, and Neo4j's index refuses long ones)."""
    if len(key) <= limit:
        return []
    return [
        Problem(
            Msg("val.long_key", what=Msg(what), length=len(key), limit=limit, start=key[:40]),
            "key",
            Msg("val.long_key.hint"),
        )
    ]


def _describe(prop: PropertyDef) -> str:
    """A human description of a property's format, from its pattern."""
    digits = re.fullmatch(r"\^\[0-9\]\{(\d+)\}\$", prop.pattern or "")
    return Msg("val.digits", n=digits.group(1)).render() if digits else f"/{prop.pattern}/"
