"""``partnergraph serve`` (the web application under waitress) and ``partnergraph user add|list|remove``.

Accounts live in ``PARTNERGRAPH_INSTANCE/users.db`` (see :mod:`partnergraph.web.users`). The
password of ``user add`` is asked twice with a hidden prompt, or read from
``PARTNERGRAPH_USER_PASSWORD`` for scripts.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from partnergraph.cli.support import Cli, emit_rows, pass_cli
from partnergraph.i18n import Msg
from partnergraph.web.config import web_config
from partnergraph.web.users import ROLES, USERS_FILE, UserStore

__all__ = ["COMMANDS", "PASSWORD_ENV"]

PASSWORD_ENV = "PARTNERGRAPH_USER_PASSWORD"


def _users(cli: Cli) -> UserStore:
    return UserStore(Path(web_config({"SETTINGS": cli.settings})["INSTANCE_PATH"]) / USERS_FILE)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Worker threads of waitress."
)
@pass_cli
def serve(cli: Cli, host: str, port: int, threads: int) -> None:
    """Run the web application with waitress (a production WSGI server) until Ctrl+C."""
    import waitress

    from partnergraph.web import create_app

    app = create_app({"SETTINGS": cli.settings, "STORE_POOL": "thread"})
    users = UserStore(Path(app.instance_path) / USERS_FILE)
    if not users.all() and not app.config["PUBLIC"]:
        click.echo(str(Msg("web.serve.no_users", path=users.path)), err=True)
    click.echo(str(Msg("web.serve.listening", host=host, port=port, store=app.config["STORE"])))
    waitress.serve(
        app, host=host, port=port, threads=threads
    )  # each worker thread keeps its store until the process ends


@click.group("user")
def user() -> None:
    """Web accounts: add, list, remove (kept in PARTNERGRAPH_INSTANCE/users.db)."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="viewer",
    show_default=True,
    help="viewer reads, editor also writes, admin also manages users and imports.",
)
@click.option("--update", is_flag=True, help="Change the password and role of an existing user.")
@pass_cli
def add(cli: Cli, name: str, role: str, update: bool) -> None:
    """Add the web account NAME; the password is asked (or read from PARTNERGRAPH_USER_PASSWORD)."""
    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        str(Msg("web.user.password")), hide_input=True, confirmation_prompt=True
    )
    users = _users(cli)
    users.add(name, password, role, update=update)
    done = "web.user.updated" if update else "web.user.added"
    click.echo(str(Msg(done, name=name, role=role, path=users.path)))


@user.command("list")
@pass_cli
def list_users(cli: Cli) -> None:
    """List the web accounts and their roles."""
    emit_rows([{"name": u.name, "role": u.role} for u in _users(cli).all()], "table", ["name", "role"])


@user.command("remove")
@click.argument("name")
@pass_cli
def remove(cli: Cli, name: str) -> None:
    """Remove the web account NAME."""
    _users(cli).remove(name)


COMMANDS: list[click.Command] = [serve, user]
