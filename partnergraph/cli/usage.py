"""click's usage errors (an unknown command or option, a missing argument, a bad value) as one
line in the user's language, like every other partnergraph error, with where to find help.

click ships no Polish messages, so the error is rebuilt from what the exception carries (its
type, the parameter, the option name and close matches); the few texts click writes itself
for a bad value (numbers, choices, paths) are translated by their pattern, and any other
stays as click wrote it, inside the Polish sentence.
"""

from __future__ import annotations

import re

import click

from partnergraph.i18n import Msg, register_messages

__all__ = ["usage_message"]

register_messages(
    {
        "cli.usage.no_command": "no such command {name!r}; available: {commands}",
        "cli.usage.no_option": "no such option {name}",
        "cli.usage.similar": "{message} (did you mean {similar}?)",
        "cli.usage.missing_argument": "missing argument {name}",
        "cli.usage.missing_option": "missing required option {name}",
        "cli.usage.missing_command": "missing command; available: {commands}",
        "cli.usage.bad_value": "invalid value for {param}: {detail}",
        "cli.usage.extra": "unexpected extra arguments: {args}",
        "cli.usage.needs_value": "option {name} requires a value",
        "cli.usage.help": "{message} (help: {command} --help)",
        "cli.usage.not_one_of": "{value} is not one of {choices}",
        "cli.usage.not_number": "{value} is not a number",
        "cli.usage.not_whole": "{value} is not a whole number",
        "cli.usage.range": "{value} is not in the range {range}",
        "cli.usage.not_boolean": "{value} is not a yes/no value",
        "cli.usage.missing_path": "{path} does not exist",
        "cli.usage.is_file": "{path} is a file, a folder is needed",
        "cli.usage.is_folder": "{path} is a folder, a file is needed",
        "cli.usage.unreadable": "{path} cannot be read (permissions)",
        "cli.usage.unwritable": "{path} cannot be written (permissions)",
    }
)

# click's own texts for a bad value (click/types.py) → our message and the groups it takes
_VALUES = [
    (re.compile(r"^(?P<value>.+?) is not (?:one of )?(?P<choices>'.*')\.$"), "cli.usage.not_one_of"),
    (re.compile(r"^(?P<value>.+?) is not a valid integer\.$"), "cli.usage.not_whole"),
    (re.compile(r"^(?P<value>.+?) is not a valid float\.$"), "cli.usage.not_number"),
    (re.compile(r"^(?P<value>.+?) is not in the range (?P<range>.+)\.$"), "cli.usage.range"),
    (re.compile(r"^(?P<value>.+?) is not a valid boolean\..*$"), "cli.usage.not_boolean"),
    (re.compile(r"^\w+ (?P<path>'.*') does not exist\.$"), "cli.usage.missing_path"),
    (re.compile(r"^\w+ (?P<path>'.*') is a file\.$"), "cli.usage.is_file"),
    (re.compile(r"^\w+ (?P<path>'.*') is a directory\.$"), "cli.usage.is_folder"),
    (re.compile(r"^\w+ (?P<path>'.*') is not readable\.$"), "cli.usage.unreadable"),
    (re.compile(r"^\w+ (?P<path>'.*') is not writable\.$"), "cli.usage.unwritable"),
]
_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$")
_NEEDS_VALUE = re.compile(r"^Option '(?P<name>[^']+)' requires (?:an argument|\d+ arguments)\.$")
_NO_COMMAND = re.compile(r"^No such command '(?P<name>.*)'\.$")


def _value(detail: str) -> str:
    for pattern, message in _VALUES:
        match = pattern.match(detail)
        if match:
            return str(Msg(message, **match.groupdict()))
    return detail


def _commands(ctx: click.Context | None) -> str:
    command = ctx.command if ctx is not None else None
    if isinstance(command, click.Group) and ctx is not None:
        return ", ".join(command.list_commands(ctx))
    return ""


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return "/".join(param.opts)


def usage_message(exc: click.UsageError) -> str:
    """``exc`` as one line in the current language, ending with the command whose help to read."""
    ctx = exc.ctx
    text = exc.format_message()
    message: str
    if isinstance(exc, click.NoSuchOption):
        message = str(Msg("cli.usage.no_option", name=exc.option_name))
        if exc.possibilities:
            message = str(Msg("cli.usage.similar", message=message, similar=", ".join(sorted(exc.possibilities))))
    elif isinstance(exc, click.MissingParameter):
        kind = "argument" if isinstance(exc.param, click.Argument) or exc.param_type == "argument" else "option"
        message = str(Msg(f"cli.usage.missing_{kind}", name=_param_name(exc.param) or exc.param_hint or ""))
    elif isinstance(exc, click.BadParameter):
        param = _param_name(exc.param) or (exc.param_hint if isinstance(exc.param_hint, str) else "")
        message = str(Msg("cli.usage.bad_value", param=param, detail=_value(exc.message)))
    elif match := _NO_COMMAND.match(text):
        message = str(Msg("cli.usage.no_command", name=match["name"], commands=_commands(ctx)))
    elif match := _EXTRA.match(text):
        message = str(Msg("cli.usage.extra", args=match["args"]))
    elif match := _NEEDS_VALUE.match(text):
        message = str(Msg("cli.usage.needs_value", name=match["name"]))
    elif text == "Missing command.":
        message = str(Msg("cli.usage.missing_command", commands=_commands(ctx)))
    else:
        message = text
    return str(Msg("cli.usage.help", message=message, command=ctx.command_path if ctx is not None else "partnergraph"))
