"""The gettext catalogues: extract the English texts from the code, merge them into the translations, check them.

Every user message is registered in the code with its English source text under a stable id
(:func:`partnergraph.i18n.register_messages`), and every CLI help text is a command docstring or
``help=``. This tool collects all of them, with the place each one is defined, into the template
``partnergraph/locale/partnergraph.pot`` (a message's id is its ``msgctxt``; help texts have none),
and merges the template into each language's ``.po`` (Polish: ``partnergraph/locale/pl/LC_MESSAGES/
partnergraph.po``), which translators edit with any PO editor (Poedit, Weblate, Lokalize):

    make messages                       # or: python -m tools.messages update
    python -m tools.messages check      # what is missing, fuzzy or inconsistent; exit 1 if anything is

A new message arrives untranslated, a message whose English changed keeps its old translation
marked fuzzy (and so unused) until a translator confirms it, and a removed one is dropped.
``tests/test_messages.py`` runs the check, so the suite fails while a catalogue is incomplete.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import pkgutil
import string
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import partnergraph
from partnergraph.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, MESSAGES, SOURCE_LANGUAGE, Plural

__all__ = ["catalogue_path", "check", "load", "template", "update"]

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
WIDTH = 120
PLURAL_FORMS = {"pl": 3}


def catalogue_path(language: str) -> Path:
    """Where the ``.po`` file of ``language`` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _import_everything() -> None:
    for module in pkgutil.walk_packages(partnergraph.__path__, "partnergraph."):
        importlib.import_module(module.name)


def _message_places() -> dict[str, tuple[str, int]]:
    """Where each message id is registered: the file and line of its key in the code."""
    places: dict[str, tuple[str, int]] = {}
    for path in sorted((ROOT / "partnergraph").rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        for node in ast.walk(tree):
            table = None
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "register_messages" and node.args:
                table = node.args[0]
            elif isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "MESSAGES":
                table = node.value
            if isinstance(table, ast.Dict):
                for key in table.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        places[key.value] = (path.relative_to(ROOT).as_posix(), key.lineno)
    return places


def _fields(text: str) -> set[str]:
    """The placeholders of a str.format template, with their conversion and format spec."""
    return {
        f"{name}!{conv or ''}:{spec or ''}"
        for _, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    }


@dataclass
class _Entry:
    context: str | None
    source: str | Plural
    places: list[tuple[str, int]]
    comments: list[str]


def _entries() -> Iterator[_Entry]:
    from partnergraph.cli import main
    from partnergraph.cli.help import help_texts

    _import_everything()
    places = _message_places()
    in_order = sorted(MESSAGES, key=lambda i: (*places.get(i, ("~", 0)), i))  # as in the code, whatever imported first
    for message_id in in_order:
        source = MESSAGES[message_id]
        comments = [f"plural: the number is {{{source.n}}}"] if isinstance(source, Plural) else []
        yield _Entry(message_id, source, [places[message_id]] if message_id in places else [], comments)
    from partnergraph.queries import analyses
    from partnergraph.queries.base import column_context

    for analysis in analyses().values():  # titles; their help and parameters are CLI help below
        source = inspect.getsourcefile(analysis.run) or ""
        yield _Entry("analysis", analysis.title_en, [(_relative(source), 0)], [f"title of analysis {analysis.name}"])
    for row_type in _row_types():
        place = (_relative(inspect.getsourcefile(row_type) or ""), 0)
        labels: dict[str, str] = getattr(row_type, "LABELS", {})
        for column, label in labels.items():
            yield _Entry(column_context(row_type), label, [place], [f"column {column} of {row_type.__name__}"])
    helps: dict[str, _Entry] = {}
    for text, where, filename in help_texts(main):
        entry = helps.setdefault(text, _Entry(None, text, [], []))
        entry.comments.append(f"help: {where}")
        if filename:
            place = (_relative(filename), 0)
            if place not in entry.places:
                entry.places.append(place)
    yield from helps.values()


def _relative(filename: str) -> str:
    return Path(filename).resolve().relative_to(ROOT).as_posix() if filename else ""


def _row_types() -> list[type]:
    """Every result row type with column labels (``LABELS``), in the package."""
    found: dict[str, type] = {}
    for name, module in sorted(sys.modules.items()):
        if name.startswith("partnergraph."):
            for _, member in inspect.getmembers(module, inspect.isclass):
                if member.__module__ == name and isinstance(member.__dict__.get("LABELS"), dict):
                    found[f"{name}.{member.__qualname__}"] = member
    return [found[k] for k in sorted(found)]


def _new_catalog(language: str | None) -> Catalog:
    return Catalog(
        locale=language,
        domain=DOMAIN,
        project="partnergraph",
        version=partnergraph.__version__,
        copyright_holder="partnergraph developers",
        msgid_bugs_address="https://github.com/partnergraph/partnergraph/issues",
        charset="utf-8",
        fuzzy=False,
    )


def template() -> Catalog:
    """The template of every text in the code (English), with where each one is defined."""
    catalog = _new_catalog(None)
    for entry in _entries():
        msgid = (entry.source.one, entry.source.other) if isinstance(entry.source, Plural) else entry.source
        flags = (
            ["python-brace-format"]
            if _fields(entry.source.one if isinstance(entry.source, Plural) else entry.source)
            else []
        )
        catalog.add(msgid, context=entry.context, locations=entry.places, auto_comments=entry.comments, flags=flags)
    return catalog


def load(path: Path, language: str | None = None) -> Catalog:
    """A ``.po`` or ``.pot`` file as a babel Catalog."""
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def _dump(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, omit_header=False, sort_output=False, include_previous=True)
    return buffer.getvalue()


def update(language: str, base: Catalog | None = None) -> Catalog:
    """``language``'s catalogue brought up to the code: kept, new (empty) and changed (fuzzy) entries."""
    new = template()
    old = base if base is not None else load(catalogue_path(language), language)
    by_context = {m.context: m for m in old if m.id and m.context}
    result = _new_catalog(language)
    for message in new:
        if not message.id:
            continue
        kept = old.get(message.id, message.context)
        fuzzy = False
        if kept is None and message.context in by_context:  # same id, English changed: keep, but as fuzzy
            kept, fuzzy = by_context[message.context], True
        string_ = kept.string if kept is not None and kept.string else ("", "", "") if message.pluralizable else ""
        if message.pluralizable and isinstance(string_, str):
            string_ = (string_,) + ("",) * (PLURAL_FORMS.get(language, 2) - 1)
        if not message.pluralizable and isinstance(string_, tuple | list):
            string_, fuzzy = string_[0], True
        flags = set(message.flags) | ({"fuzzy"} if fuzzy or (kept is not None and kept.fuzzy) else set())
        result.add(
            message.id,
            string_,
            context=message.context,
            locations=message.locations,
            auto_comments=message.auto_comments,
            user_comments=kept.user_comments if kept is not None else [],
            flags=flags,
            previous_id=kept.id if fuzzy and kept is not None else (),
        )
    return result


def check(language: str, catalog: Catalog | None = None) -> list[str]:
    """What is wrong with ``language``'s catalogue against the code; empty when it is complete."""
    catalog = catalog if catalog is not None else load(catalogue_path(language), language)
    problems = []
    for message in template():
        if not message.id:
            continue
        helps = [c.removeprefix("help: ") for c in message.auto_comments if c.startswith("help: ")]
        where = message.context or (f"help of {', '.join(helps)}" if helps else repr(message.id)[:60])
        found = catalog.get(message.id, message.context)
        if found is None:
            problems.append(f"{where}: no entry (run: make messages)")
            continue
        if found.fuzzy:
            problems.append(f"{where}: fuzzy (the English changed; confirm or fix the translation)")
        forms = list(found.string) if isinstance(found.string, tuple | list) else [found.string]
        wanted = PLURAL_FORMS.get(language, 2) if message.pluralizable else 1
        if len(forms) != wanted or not all(forms):
            problems.append(f"{where}: {len(list(filter(None, forms)))} of {wanted} forms translated")
            continue
        sources = message.id if isinstance(message.id, tuple | list) else [message.id]
        expected = set().union(*(_fields(str(s)) for s in sources))
        for form in forms:
            if _fields(str(form)) != expected:
                problems.append(
                    f"{where}: placeholders {sorted(_fields(str(form)))} differ from the English {sorted(expected)}"
                )
    return problems


def _write(path: Path, catalog: Catalog) -> bool:
    data = _dump(catalog)
    lines = [line for line in data.splitlines() if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))]
    if path.exists():
        before = [
            line
            for line in path.read_bytes().splitlines()
            if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))
        ]
        if before == lines:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv) or ["check"]
    command = args[0]
    languages = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
    if command in ("extract", "update"):
        changed = _write(TEMPLATE, template())
        print(f"{TEMPLATE.relative_to(ROOT)}: {'written' if changed else 'up to date'}")
        if command == "update":
            for language in languages:
                path = catalogue_path(language)
                changed = _write(path, update(language))
                print(f"{path.relative_to(ROOT)}: {'written' if changed else 'up to date'}")
        command = "check"
    if command == "check":
        failed = False
        for language in languages:
            for problem in check(language):
                print(f"{catalogue_path(language).relative_to(ROOT)}: {problem}")
                failed = True
        return 1 if failed else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
