"""The CLI's help in the user's language, from the same gettext catalogue as every message.

English help lives in the commands' docstrings and ``help=`` texts (the gettext ``msgid``);
the Polish text of each is in ``locale/pl/LC_MESSAGES/partnergraph.po`` (:mod:`partnergraph.i18n`).
Help is printed while the command line is still being read, so the language is taken from the
command line itself (``partnergraph --lang en --help``), then ``PARTNERGRAPH_LANG``, then Polish:
the main group calls :func:`localize` before it parses its arguments.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

import click

from partnergraph.config import SETTINGS
from partnergraph.i18n import LANGUAGES, Msg, register_messages, translate

__all__ = ["help_texts", "language_of", "localize", "settings_epilog"]

register_messages({"cli.settings": "Settings (environment):"})

_SOURCE = "_partnergraph_help_source"  # the English text a command or option was defined with


def _walk(command: click.Command, path: str) -> list[tuple[str, click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _walk(sub, f"{path} {name}".strip())
    return found


def _source(thing: click.Command | click.Parameter, attribute: str) -> str | None:
    sources: dict[str, str | None] = thing.__dict__.setdefault(_SOURCE, {})
    if attribute not in sources:
        sources[attribute] = getattr(thing, attribute)
    return sources[attribute]


def language_of(args: Sequence[str], group: click.Group) -> str:
    """The language the main group's ``args`` ask for: ``--lang``, else PARTNERGRAPH_LANG, else Polish."""
    for index, arg in enumerate(args):
        if arg in group.commands or arg == "--":
            break
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        if value in LANGUAGES:
            return value
    value = os.environ.get("PARTNERGRAPH_LANG", "pl")
    return value if value in LANGUAGES else "pl"


def settings_epilog(language: str) -> str:
    """The settings (environment variables) and what each does, for the main group's help."""
    lines = [Msg("cli.settings").render(language)]
    lines += [f"{s.env}: {translate(s.help, None, language)}" for s in SETTINGS]
    return "\n\n".join(lines)


def localize(main: click.Group, language: str) -> None:
    """Put the help of ``main`` and all its commands in ``language`` (English: as defined)."""
    for path, command in _walk(main, ""):
        for attribute in ("help", "short_help"):
            source = _source(command, attribute)
            setattr(command, attribute, translate(source, None, language) if source else source)
        for param in command.params:
            if isinstance(param, click.Option):
                source = _source(param, "help")
                param.help = translate(source, None, language) if source else source
        if not path:
            command.epilog = settings_epilog(language)


def help_texts(main: click.Group) -> Iterator[tuple[str, str, str]]:
    """Every help text of ``main`` as (English text, where: command path or option, source file)."""
    for path, command in _walk(main, ""):
        callback = command.callback
        code = getattr(callback, "__wrapped__", callback)
        filename = code.__code__.co_filename if code is not None and hasattr(code, "__code__") else ""
        for attribute in ("help", "short_help"):
            text = _source(command, attribute)
            if text:
                yield text, f"partnergraph {path}".strip(), filename
        for param in command.params:
            if isinstance(param, click.Option):
                text = _source(param, "help")
                if text:
                    yield text, f"partnergraph {path} {max(param.opts, key=len)}".replace("  ", " "), filename
    for setting in SETTINGS:
        yield setting.help, setting.env, ""
