"""``partnergraph user add|list|remove`` and ``partnergraph serve`` (waitress replaced by a recorder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.web.users import UserStore


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARTNERGRAPH_STORE", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("PARTNERGRAPH_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("PARTNERGRAPH_USER_PASSWORD", raising=False)
    monkeypatch.delenv("PARTNERGRAPH_PUBLIC", raising=False)
    return tmp_path


def test_user_add_asks_for_the_password_twice_without_echo(env: Path) -> None:
    result = CliRunner().invoke(
        main, ["user", "add", "anna", "--role", "admin"], input="tajne-hasło-9\ntajne-hasło-9\n"
    )
    assert result.exit_code == 0, result.output
    assert "tajne-hasło-9" not in result.output
    assert f"Dodano użytkownika anna (rola admin) w {env / 'instance' / 'users.db'}." in result.output
    user = UserStore(env / "instance" / "users.db").check("anna", "tajne-hasło-9")
    assert user is not None and user.role == "admin"


def test_user_add_reads_the_password_from_the_environment_for_scripts(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERGRAPH_USER_PASSWORD", "hasło-ze-skryptu")
    assert CliRunner().invoke(main, ["user", "add", "ewa", "--role", "editor"]).exit_code == 0
    listed = CliRunner().invoke(main, ["user", "list"])
    assert "ewa   editor" in listed.output


def test_user_add_errors_are_one_line(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_USER_PASSWORD", "krótkie")
    result = CliRunner().invoke(main, ["user", "add", "ewa"])
    assert result.exit_code == 1
    assert result.output.strip() == "Błąd: PASSWORD: hasło musi mieć co najmniej 8 znaków"
    monkeypatch.setenv("PARTNERGRAPH_USER_PASSWORD", "wystarczająco-długie")
    CliRunner().invoke(main, ["user", "add", "ewa"])
    again = CliRunner().invoke(main, ["user", "add", "ewa"])
    assert again.exit_code == 1
    assert again.output.strip() == "Błąd: użytkownik 'ewa' już istnieje (dodaj --update, aby zmienić jego hasło i rolę)"
    bad_role = CliRunner().invoke(main, ["user", "add", "ewa", "--role", "boss"])
    assert bad_role.exit_code == 1
    assert bad_role.output.strip() == (
        "Błąd: zła wartość --role: 'boss' nie jest żadną z wartości: 'viewer', 'editor', 'admin' (pomoc: main user add --help)"
    )


def test_user_remove(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERGRAPH_USER_PASSWORD", "wystarczająco-długie")
    CliRunner().invoke(main, ["user", "add", "ola"])
    assert CliRunner().invoke(main, ["user", "remove", "ola"]).exit_code == 0
    missing = CliRunner().invoke(main, ["user", "remove", "ola"])
    assert missing.exit_code == 1 and missing.output.strip() == "Błąd: nie ma użytkownika 'ola'"


def test_serve_runs_the_app_under_waitress(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append({"app": app, **kw}))
    CliRunner().invoke(main, ["demo"])
    result = CliRunner().invoke(main, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert f"partnergraph działa pod adresem http://127.0.0.1:8123/ (magazyn sqlite:///{env / 'x.db'})" in result.output
    assert "Brak kont" in result.output  # no accounts yet: says how to create the first
    (call,) = calls
    assert (call["host"], call["port"], call["threads"]) == ("127.0.0.1", 8123, 8)
    assert call["app"].config["STORE_POOL"] == "thread"  # one store per worker thread, caches kept
    client = call["app"].test_client()
    assert client.get("/").status_code == 302  # not public: the login page first
    assert (env / "instance" / "secret_key").exists()


def test_serve_uses_the_store_flag(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append(app))
    other = f"sqlite:///{env / 'other.db'}"
    assert CliRunner().invoke(main, ["--store", other, "serve"]).exit_code == 0
    assert calls[0].config["STORE"] == other
