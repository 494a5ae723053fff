#!/usr/bin/env python3
"""Start, stop and query a local Neo4j Community 5.26 server for development and CI.

Neo4j runs embedded in a small Java launcher (Server.java, built with Maven from pom.xml) with
a Bolt connector on 127.0.0.1 and authentication enabled. Everything it writes goes to the build
directory (default <repo>/build/neo4j): state.json (url, user, password, pid), data/ (databases
and Neo4j's own logs) and logs/server.log (the JVM's output).

    python tools/neo4j/server.py start|stop|status [--build-dir DIR] [--port N]

Stdlib only; the readiness check uses the `neo4j` Python driver when it is importable.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_BUILD_DIR = HERE.parent.parent / "build" / "neo4j"
POM = HERE / "pom.xml"
MAIN_CLASS = "org.partnergraph.neo4j.Server"
USER, DATABASE, DEFAULT_PORT = "neo4j", "neo4j", 7687
START_TIMEOUT, STOP_TIMEOUT = 180.0, 60.0
# Like Neo4j's own launcher; the --add-opens let the page cache and native file access use JDK internals.
# fmt: off
JVM_OPTS = [
    "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-XX:-OmitStackTraceInFastThrow", "-Dlog4j2.disable.jmx=true",
    "-Dio.netty.tryReflectionSetAccessible=true", "-Djdk.nio.maxCachedBufferSize=1024", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
]
# fmt: on
HEAP_ENV, DEFAULT_HEAP = "PARTNERGRAPH_NEO4J_HEAP", "3g"
_HEAP = re.compile(r"^[1-9][0-9]*[mMgG]$")
_SPAWN = (
    "import subprocess, sys; print(subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL,"
    " stdout=open(sys.argv[1], 'wb'), stderr=subprocess.STDOUT, start_new_session=True).pid)"
)


class Neo4jServerError(RuntimeError):
    """Starting, stopping or building the local Neo4j server failed."""


def heap_options() -> list[str]:
    """The JVM heap from PARTNERGRAPH_NEO4J_HEAP (default 3g), initial size = maximum as Neo4j advises."""
    heap = os.environ.get(HEAP_ENV, "").strip() or DEFAULT_HEAP
    if not _HEAP.match(heap):
        raise Neo4jServerError(f"{HEAP_ENV}={heap!r} is not a heap size; give e.g. 3g or 512m")
    return [f"-Xms{heap}", f"-Xmx{heap}"]


def _read_state(build_dir: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((build_dir / "state.json").read_text()))
    except (OSError, ValueError):
        return {}


def _write_state(build_dir: Path, state: dict[str, Any]) -> None:
    tmp = build_dir / "state.json.tmp"
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    tmp.chmod(0o600)
    tmp.replace(build_dir / "state.json")


@contextlib.contextmanager
def _locked(build_dir: Path) -> Iterator[None]:
    """Serialise start/stop between processes (e.g. parallel test workers)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / "lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def _is_ours(pid: int | None) -> bool:
    """True if `pid` is a live (non-zombie) JVM running our launcher."""
    if not pid:
        return False
    proc = Path(f"/proc/{pid}")
    try:
        if not Path("/proc/self").exists():  # no procfs: trust any live pid
            os.kill(pid, 0)
            return True
        alive = proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        return alive and MAIN_CLASS.encode() in proc.joinpath("cmdline").read_bytes()
    except (OSError, IndexError):
        return False


def _port_of(state: dict[str, Any]) -> int | None:
    url = state.get("url")
    return int(url.rsplit(":", 1)[1]) if url else None


def _port_free(port: int) -> bool:
    with socket.socket() as s, contextlib.suppress(OSError):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Netty does
        s.bind(("127.0.0.1", port))
        return True
    return False


def _pick_port(previous: int | None) -> int:
    for candidate in (DEFAULT_PORT, previous):
        if candidate and _port_free(candidate):
            return candidate
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(state: dict[str, Any]) -> bool:
    """Bolt answers `RETURN 1` with our password (or, without the driver, accepts TCP)."""
    try:
        import neo4j
    except ImportError:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", _port_of(state) or 0), timeout=2):
            return True
        return False
    try:
        with neo4j.GraphDatabase.driver(
            state["url"], auth=(state["user"], state["password"]), connection_timeout=5
        ) as driver:
            driver.execute_query("RETURN 1", database_=state["database"])
        return True
    except Exception:  # any failure means "not ready"
        return False


def _tool(name: str, hint: str) -> str:
    if name == "java" and os.environ.get("JAVA_HOME"):
        candidate = Path(os.environ["JAVA_HOME"]) / "bin" / "java"
        if candidate.exists():
            return str(candidate)
    path = shutil.which(name)
    if not path:
        raise Neo4jServerError(f"'{name}' not found on PATH: {hint}")
    return path


def _classpath(build_dir: Path) -> str:
    """Compile the launcher and resolve the Neo4j jars (into ~/.m2) unless up to date."""
    cp_file, classes = build_dir / "classpath.txt", build_dir / "target" / "classes"
    sources = [POM, *HERE.glob("src/**/*.java")]
    jars = cp_file.read_text().strip().split(os.pathsep) if cp_file.exists() else []
    fresh = (
        jars
        and classes.is_dir()
        and cp_file.stat().st_mtime >= max(p.stat().st_mtime for p in sources)
        and all(Path(j).exists() for j in jars)
    )
    if not fresh:
        mvn = _tool("mvn", "install Apache Maven 3.8+ (e.g. `apt-get install maven`)")
        log = build_dir / "logs" / "maven.log"
        goals = ["compile", "dependency:build-classpath", f"-Dmdep.outputFile={cp_file}"]
        cmd = [mvn, "-B", "-q", "-f", str(POM), f"-Dneo4j.build.dir={build_dir}", *goals]
        with open(log, "wb") as out:
            rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        if rc != 0:
            raise Neo4jServerError(f"Maven build of the Neo4j launcher failed (exit {rc}); see {log}")
        cp_file.touch()  # the plugin leaves an unchanged file untouched
        jars = cp_file.read_text().strip().split(os.pathsep)
    return os.pathsep.join([str(classes), *jars])


def status(build_dir: Path = DEFAULT_BUILD_DIR) -> dict[str, Any] | None:
    """The state dict if the server is running and answers on Bolt, else None."""
    build_dir = Path(build_dir).resolve()
    state = _read_state(build_dir)
    if not _is_ours(state.get("pid")) or not (build_dir / "data" / "ready").exists():
        return None
    return state if _ready(state) else None


def start(build_dir: Path = DEFAULT_BUILD_DIR, port: int | None = None) -> dict[str, Any]:
    """Start the server (or return the running one) and wait until it is ready."""
    build_dir = Path(build_dir).resolve()
    with _locked(build_dir):
        running = status(build_dir)
        if running:
            if port is not None and port != _port_of(running):
                raise Neo4jServerError(f"already running on {running['url']}; stop it first")
            return running
        _stop_locked(build_dir)  # a hung or half-started JVM, if any
        java = _tool("java", "install a Java 17+ runtime (e.g. `apt-get install openjdk-17-jre-headless`)")
        (build_dir / "logs").mkdir(parents=True, exist_ok=True)
        classpath = _classpath(build_dir)
        state = _read_state(build_dir)
        if port is None:
            port = _pick_port(_port_of(state))
        elif not _port_free(port):
            raise Neo4jServerError(f"port {port} on 127.0.0.1 is already in use")
        home, log = build_dir / "data", build_dir / "logs" / "server.log"
        (home / "ready").unlink(missing_ok=True)
        argfile = build_dir / "java.args"  # keeps the long classpath out of `ps`
        argfile.write_text("\n".join([*heap_options(), *JVM_OPTS, "-cp", classpath]) + "\n")
        password = state.get("password") or secrets.token_urlsafe(18)
        state = {
            "url": f"bolt://127.0.0.1:{port}",
            "user": USER,
            "password": password,
            "database": DATABASE,
            "log": str(log),
        }
        # Spawn through a short-lived Python so the JVM is not our child (no zombie, no
        # ResourceWarning) and runs in its own session, outliving this process.
        cmd = [sys.executable, "-I", "-c", _SPAWN, str(log), java, f"@{argfile}", MAIN_CLASS, str(home), str(port)]
        env = {**os.environ, "NEO4J_PASSWORD": password}
        spawn = subprocess.run(cmd, env=env, cwd=build_dir, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if spawn.returncode != 0:
            detail = (spawn.stderr.strip().splitlines() or ["?"])[-1]
            raise Neo4jServerError(f"could not start {java}: {detail}")
        state = {"pid": int(spawn.stdout), **state}
        _write_state(build_dir, state)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not _is_ours(state["pid"]):
                raise Neo4jServerError(f"Neo4j exited while starting; see {log}")
            if (home / "ready").exists() and _ready(state):
                return state
            time.sleep(0.5)
        _stop_locked(build_dir)
        raise Neo4jServerError(f"Neo4j was not ready within {START_TIMEOUT:.0f} s; see {log}")


def _stop_locked(build_dir: Path) -> bool:
    state = _read_state(build_dir)
    pid = state.pop("pid", None)
    stopped = False
    if _is_ours(pid):
        os.kill(pid, signal.SIGTERM)  # the launcher's shutdown hook checkpoints and closes
        deadline = time.monotonic() + STOP_TIMEOUT
        while _is_ours(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _is_ours(pid):
            os.kill(pid, signal.SIGKILL)
            while _is_ours(pid):
                time.sleep(0.1)
        stopped = True
    if state:
        _write_state(build_dir, state)
    return stopped


def stop(build_dir: Path = DEFAULT_BUILD_DIR) -> bool:
    """Stop the server (SIGTERM, then SIGKILL after a timeout); True if one was running."""
    build_dir = Path(build_dir).resolve()
    if not build_dir.is_dir():
        return False
    with _locked(build_dir):
        return _stop_locked(build_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD_DIR)
    parser.add_argument("--port", type=int, default=None, help="Bolt port (start only)")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            state = start(args.build_dir, args.port)
            print(f"Neo4j ready at {state['url']} (pid {state['pid']}, log {state['log']})")
        elif args.command == "stop":
            print("Neo4j stopped" if stop(args.build_dir) else "Neo4j was not running")
        else:
            running = status(args.build_dir)
            print(f"Neo4j running at {running['url']} (pid {running['pid']})" if running else "Neo4j is not running")
            return 0 if running else 1
    except Neo4jServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
