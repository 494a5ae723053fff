"""The README's generated parts, as markdown: settings, node and tie types, every command.

The README calls these from cog blocks, so that the tables come from the code and cannot drift:

    make readme                       # or: .venv/bin/cog -r README.md
    python -m tools.readme commands   # one part on standard output (settings, node-types, tie-types, commands)

``tests/test_readme.py`` fails when the README is not what these functions give.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import click

from partnergraph.config import SETTINGS
from partnergraph.schema import NodeType, PropertyDef, Schema, TieType, load_schema

__all__ = ["commands_reference", "node_types_table", "settings_table", "tie_types_table"]

ROOT = Path(__file__).resolve().parents[1]

KEY_EXAMPLES = {  # hand-written: a real key of each type whose key is a register code (models.ttl gives the prefix only)
    "Activity": "pkd:88.10.Z",
    "County": "teryt:3014",
    "Municipality": "teryt:3014022",
    "Voivodeship": "teryt:30",
}


def _cell(text: str) -> str:
    """Text for a markdown table cell: one line, ``|`` escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{_cell(text)}`"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _flags() -> dict[str, str]:
    """The main command's option for each setting, found by the ``$VARIABLE`` its help names."""
    from partnergraph.cli import main

    found: dict[str, str] = {}
    for param in main.params:
        for setting in SETTINGS:
            if isinstance(param, click.Option) and f"${setting.env}" in (param.help or ""):
                found[setting.env] = max(param.opts, key=len)
    return found


def settings_table() -> str:
    """The settings of :data:`partnergraph.config.SETTINGS`, with the flag that overrides each."""
    flags = _flags()
    rows = []
    for s in SETTINGS:
        default = s.default_text or (_code(s.default) if s.default else "(empty)")
        flag = _code(flags[s.env]) if s.env in flags else ""
        rows.append([_code(s.env), default, flag, _cell(s.help)])
    return _table(["variable", "default", "flag", "meaning"], rows)


def _keys(node_type: NodeType) -> str:
    keys = [f"`{prefix}:…`" if name else f"`{prefix}:slug`" for prefix, name in node_type.key_prefixes().items()]
    text = ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else keys[0]
    return text + (f" (e.g. `{KEY_EXAMPLES[node_type.name]}`)" if node_type.name in KEY_EXAMPLES else "")


def _values(prop: PropertyDef) -> list[str]:
    """The codes a property allows, each with its English label where that says more than the code."""
    if prop.vocabulary is None:
        return [f"`{value}`" for value in prop.allowed]
    shown = []
    for code, concept in prop.vocabulary.concepts.items():
        label = concept.label("en")
        shown.append(f"`{code}`" + (f" {label}" if label.lower() != code.replace("_", " ") else ""))
    return shown


def _vocabularies(node_type: NodeType) -> str:
    parts = [f"`{p.name}`: {', '.join(_values(p))}" for p in node_type.properties.values() if _values(p)]
    return "; ".join(parts)


def node_types_table(schema: Schema | None = None) -> str:
    """Node types of models.ttl: their keys, English comment and the values of their vocabulary properties."""
    schema = schema or load_schema()
    rows = [
        [_code(name), _keys(t), _cell(t.comment("en")), _cell(_vocabularies(t))]
        for name, t in schema.node_types.items()
    ]
    return _table(["type", "key", "what", "coded values"], rows)


def common_tie_properties(schema: Schema | None = None) -> list[str]:
    """The properties every tie type has, in models.ttl's order."""
    schema = schema or load_schema()
    ties = list(schema.tie_types.values())
    return [p for p in ties[0].properties if all(p in t.properties for t in ties)]


def _ends(types: Sequence[str], kinds: Sequence[str]) -> str:
    return ", ".join(types) + (f" ({', '.join(kinds)})" if kinds else "")


def _own(tie_type: TieType, common: Sequence[str]) -> str:
    parts = []
    for prop in tie_type.properties.values():
        if prop.name in common:
            continue
        detail = ", ".join(_values(prop)) or prop.comment("en").rstrip(".")
        parts.append(f"`{prop.name}`" + (" (required)" if prop.required else "") + f": {detail}")
    return "; ".join(parts)


def tie_types_table(schema: Schema | None = None) -> str:
    """Tie types of models.ttl: domain → range (with the kinds allowed), English comment, own properties."""
    schema = schema or load_schema()
    common = common_tie_properties(schema)
    rows = []
    for name, tie in schema.tie_types.items():
        ends = f"{_ends(tie.domain, tie.source_kinds)} → {_ends(tie.range, tie.target_kinds)}"
        if tie.symmetric:
            ends += "; symmetric: stored once, read both ways"
        rows.append([_code(name), _cell(ends), _cell(tie.comment("en")), _cell(_own(tie, common))])
    first = next(iter(schema.tie_types.values()))
    intro = (
        "Every tie may have "
        + "; ".join(f"`{p}` — {first.properties[p].comment('en').rstrip('.')}" for p in common)
        + ".\n\n"
    )
    return intro + _table(["tie", "from → to", "what", "own properties"], rows)


def _walk(command: click.Command, path: str, ctx: click.Context) -> Iterator[tuple[str, click.Command]]:
    if not isinstance(command, click.Group):
        yield path, command
        return
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None and not sub.hidden:
            yield from _walk(sub, f"{path} {name}", ctx)


def commands_reference() -> str:
    """Every command of ``partnergraph``: its arguments, options and the first line of its help (English)."""
    from partnergraph.cli import main
    from partnergraph.cli.help import localize

    localize(main, "en")
    ctx = click.Context(main, info_name="partnergraph")
    rows = []
    for path, command in [("partnergraph [OPTIONS] COMMAND", main), *_walk(main, "partnergraph", ctx)]:
        arguments = [" ".join(p.get_usage_pieces(ctx)) for p in command.params if isinstance(p, click.Argument)]
        options = [r[0] for p in command.params if isinstance(p, click.Option) and (r := p.get_help_record(ctx))]
        options = [o for o in options if o != "--help"]
        first = (command.help or "").strip().split("\n")[0]
        rows.append([_code(" ".join([path, *arguments])), ", ".join(_code(o) for o in options), _cell(first)])
    return _table(["command", "options", "what"], rows)


PARTS = {
    "settings": settings_table,
    "node-types": node_types_table,
    "tie-types": tie_types_table,
    "commands": commands_reference,
}

if __name__ == "__main__":
    sys.stdout.write(PARTS[sys.argv[1]]())
