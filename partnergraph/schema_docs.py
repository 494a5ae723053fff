"""The schema as rows for people: what ``partnergraph schema`` prints and the docs list.

>>> rows = overview(load_schema(), "en")
>>> next(r for r in rows if r["name"] == "REFERS")["label"]
'refers'
"""

from __future__ import annotations

from typing import Any

from partnergraph.errors import NotFoundError
from partnergraph.i18n import Msg, register_messages
from partnergraph.schema import PropertyDef, Schema, load_schema

__all__ = ["describe", "load_schema", "overview"]

register_messages(
    {
        "schema.unknown_name": "models.ttl has no {name!r} (no node type, tie type or vocabulary)",
    }
)


def overview(schema: Schema, language: str = "pl") -> list[dict[str, Any]]:
    """One row per node type, tie type and vocabulary."""
    rows: list[dict[str, Any]] = []
    for node in schema.node_types.values():
        rows.append(
            {"what": "node", "name": node.name, "label": node.label(language), "details": node.comment(language)}
        )
    for tie in schema.tie_types.values():
        ends = f"{' | '.join(tie.domain)} → {' | '.join(tie.range)}" + (" (↔)" if tie.symmetric else "")
        rows.append({"what": "tie", "name": tie.name, "label": tie.label(language), "details": ends})
    for vocab in schema.vocabularies.values():
        rows.append(
            {
                "what": "vocabulary",
                "name": vocab.name,
                "label": vocab.label(language),
                "details": ", ".join(vocab.concepts),
            }
        )
    return rows


def _format(prop: PropertyDef) -> str:
    if prop.vocabulary is not None:
        return f"{prop.vocabulary.name}: " + ", ".join(prop.vocabulary.concepts)
    if prop.allowed:
        return ", ".join(prop.allowed)
    parts = [
        prop.pattern or "",
        f"≥ {prop.minimum:g}" if prop.minimum is not None else "",
        f"≤ {prop.maximum:g}" if prop.maximum is not None else "",
    ]
    parts.append(f"checksum {prop.checksum}" if prop.checksum else "")
    return " ".join(p for p in parts if p)


def describe(schema: Schema, name: str, language: str = "pl") -> list[dict[str, Any]]:
    """Rows describing one node type, tie type (properties) or vocabulary (values, with the
    synonyms importers recognise: skos:altLabel; skos:hiddenLabel stays hidden)."""
    owner = schema.node_types.get(name) or schema.tie_types.get(name)
    if owner is not None:
        return [
            {
                "property": p.name,
                "label": p.label(language),
                "type": p.datatype,
                "required": p.required,
                "values": _format(p),
                "description": p.comment(language),
            }
            for p in owner.properties.values()
        ]
    vocab = schema.vocabularies.get(name)
    if vocab is not None:
        return [
            {
                "value": c.name,
                "pl": c.label("pl"),
                "en": c.label("en"),
                "synonyms": ", ".join(
                    s
                    for _, labels in sorted(c.alt_labels.items(), key=lambda item: item[0] != language)
                    for s in labels
                ),
                "description": c.comment(language),
            }
            for c in vocab.concepts.values()
        ]
    raise NotFoundError(Msg("schema.unknown_name", name=name))
