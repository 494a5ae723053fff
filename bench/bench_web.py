"""The web application under load: requests/s and p50/p95/p99 latency of its pages and API, against a trivial route.

    python -m bench.bench_web                                   # 10k and 100k organisations, 10 s per endpoint
    python -m bench.bench_web --sizes 10000 --duration 5        # quicker
    python -m bench.bench_web --sizes 10000 --login             # clients log in as a viewer instead of PUBLIC=1

For each size a generated network (:mod:`bench.generate`, same seed) is loaded through
``SqliteStore.upsert`` (:func:`bench.bench_store.load_store`) into a temporary file, a viewer
account is created in a temporary instance folder (``users.db``), and the production server is
started in a subprocess: ``create_app({"SETTINGS": …, "STORE_POOL": "thread"})`` exactly as
``partnergraph serve`` builds it, with ``PUBLIC=1`` (``--login``: each client logs in as the viewer
once, through the login form, and keeps its session cookie), under waitress with ``--threads``
worker threads (8, ``serve``'s default) on 127.0.0.1 and a free port.

The ceiling is a trivial route (``/_bench/ping``, a short text) that the benchmark adds to its own
app after ``create_app``: it goes through the same server, WSGI stack and request hooks as the
pages (the read gate, language, security headers, the session), but touches no store and renders
no template, so pages are measured against the most this server can answer. (The static file
``/static/style.css`` would add file reading and conditional-request handling, which no page does.)

The load generator runs in this process, apart from the server: ``--clients`` threads (20), each
with its own keep-alive ``http.client`` connection, request one endpoint at a time for
``--duration`` seconds (or ``--requests`` each): the dashboard ``/``, an organisation page
``/organisations/KEY`` (keys drawn from the store's organisations with a fixed seed), the search
``/organisations?q=spol``, the API's ``/api/organisations?q=spol`` and ``/api/nodes/KEY``, and the
ceiling. Latency is from sending a request to having read its whole body. Any answer other than
200 is an error: the table is printed and the run fails.

Caches: the server threads each have a store (a SQLite connection) but share one read cache
(:mod:`partnergraph.web.store`), so the first request after a start (or a write) that needs the
network projection or a page's cached parts builds them once, while the other threads asking
for them wait. Each endpoint's *first request* is measured on a freshly started server, alone;
then a new server is started for the load and warmed with ``--warm`` rounds of concurrent
requests per endpoint (``--clients``, at least twice ``--threads``, at once), so that every worker
thread has served each endpoint once before the clock runs. The server's resident memory is
reported after the warm-up and at the end, with its peak (``VmHWM``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.bench_store import load_store
from partnergraph.graph.sqlite import SqliteStore

__all__ = ["Endpoint", "Measurement", "Server", "endpoints", "main", "run_size", "table"]

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PING = "/_bench/ping"
VIEWER, PASSWORD = "bench-viewer", "bench-hasło-1"
QUERY = "spol"  # folded: finds every „Spółdzielnia …” (about 6 % of the names)
KEYS_SAMPLED = 1000
PAGE_TARGET_MS = 200.0
CEILING = "trivial"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Endpoint:
    """One thing the clients request: a name and how to make the next path (from the client's own random source)."""

    name: str
    path: Callable[[random.Random], str]
    page: bool
    """An HTML page (the 200 ms p95 target applies)."""


@dataclass
class Measurement:
    """One endpoint under load at one size."""

    size: int
    endpoint: str
    page: bool
    latencies: list[float] = field(default_factory=list)
    """Seconds per request that answered 200."""
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    server_cpu: float = 0.0
    """CPU seconds (user + system) of the server process during the run."""
    first: float | None = None
    """Seconds of the endpoint's first request on a freshly started server."""

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The ``p``-th percentile of the latencies in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[rank] * 1000

    @property
    def cpu_ms(self) -> float:
        return self.server_cpu / self.requests * 1000 if self.requests else 0.0


def endpoints(keys: Sequence[str]) -> list[Endpoint]:
    """The ceiling first, then the pages and the API; organisation keys drawn from ``keys``."""

    def organisation(rng: random.Random) -> str:
        return "/organisations/" + quote(rng.choice(keys), safe=":")

    def api_node(rng: random.Random) -> str:
        return "/api/nodes/" + quote(rng.choice(keys), safe=":")

    search = urlencode({"q": QUERY})
    return [Endpoint(CEILING, lambda _rng: PING, False), Endpoint("dashboard", lambda _rng: "/", True),
            Endpoint("organisation", organisation, True), Endpoint("search", lambda _rng: f"/organisations?{search}", True),
            Endpoint("api search", lambda _rng: f"/api/organisations?{search}", False),
            Endpoint("api node", api_node, False)]  # fmt: skip


# -- the server ----------------------------------------------------------------------------------


def serve(db: Path, instance: Path, threads: int, public: bool) -> None:
    """The server subprocess: the app as ``partnergraph serve`` builds it, plus the ceiling route, under waitress."""
    import logging

    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth is N": every request queues here

    from partnergraph.config import load_settings
    from partnergraph.web import create_app

    settings = load_settings(store=f"sqlite:///{db}", public="1" if public else "0", instance=str(instance))
    app = create_app({"SETTINGS": settings, "STORE_POOL": "thread"})
    app.add_url_rule(PING, "bench_ping", lambda: "ok")
    server = waitress.create_server(app, host=HOST, port=0, threads=threads)  # waitress.serve without its banner
    print(json.dumps({"port": server.effective_port}), flush=True)
    server.run()


class Server:
    """A server subprocess on a free port of 127.0.0.1; :meth:`stop` ends it."""

    def __init__(self, db: Path, instance: Path, threads: int, public: bool) -> None:
        started = time.perf_counter()
        command = [
            sys.executable,
            "-m",
            "bench.bench_web",
            "--serve",
            str(db),
            "--instance",
            str(instance),
            "--threads",
            str(threads),
        ]
        if public:
            command.append("--public")
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the server did not start (exit status {self.process.wait()})")
        self.port = int(json.loads(line)["port"])
        self.start_seconds = time.perf_counter() - started
        """From starting the process to the port listening (imports, ``create_app``)."""

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK

    def rss_mb(self, field: str = "VmRSS") -> float:
        """Resident memory in MB (``field="VmHWM"``: its peak so far)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
        return int(found.group(1)) / 1024 if found else 0.0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


@contextmanager
def running(db: Path, instance: Path, threads: int, public: bool) -> Iterator[Server]:
    server = Server(db, instance, threads, public)
    try:
        yield server
    finally:
        server.stop()


# -- the clients ---------------------------------------------------------------------------------


class Client:
    """One keep-alive connection (reopened after an error), with the session cookie when logged in."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=600)
        self.cookie = ""

    def get(
        self, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.connection.request("POST" if body is not None else "GET", path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=600)
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name_value = header.split(";", 1)[0]
            if name_value.startswith("session="):
                self.cookie = name_value
        return response.status, data, response

    def login(self, name: str, password: str) -> None:
        """Log in through the form (its CSRF token, then the POST); fails loudly."""
        status, page, _ = self.get("/login")
        found = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        if status != 200 or found is None:
            raise SystemExit(f"GET /login answered {status} without a CSRF token")
        form = urlencode({"csrf_token": found.group(1).decode(), "name": name, "password": password}).encode()
        status, _, _ = self.get("/login", form, "application/x-www-form-urlencoded")
        if status != 302 or not self.cookie:
            raise SystemExit(f"logging in as {name} answered {status}")

    def close(self) -> None:
        self.connection.close()


def clients_for(port: int, count: int, login: bool) -> list[Client]:
    made = [Client(port) for _ in range(count)]
    if login:
        for client in made:
            client.login(VIEWER, PASSWORD)
    return made


def load(
    clients: Sequence[Client], endpoint: Endpoint, into: Measurement, *, duration: float, requests: int, seed: int
) -> None:
    """Every client requests ``endpoint`` at once, until ``duration`` passes or each has made ``requests``."""
    barrier = threading.Barrier(len(clients) + 1)
    lock = threading.Lock()
    deadline = [0.0]

    def work(index: int, client: Client) -> None:
        rng = random.Random(f"{seed}-{endpoint.name}-{index}")
        latencies: list[float] = []
        samples: list[str] = []
        errors = 0
        barrier.wait()
        made = 0
        while (made < requests) if requests else (time.perf_counter() < deadline[0]):
            path = endpoint.path(rng)
            started = time.perf_counter()
            try:
                status, _, _ = client.get(path)
            except (OSError, http.client.HTTPException) as exc:
                status = -1
                if len(samples) < 3:
                    samples.append(f"{path}: {exc!r}")
            elapsed = time.perf_counter() - started
            made += 1
            if status == 200:
                latencies.append(elapsed)
            else:
                errors += 1
                if status != -1 and len(samples) < 3:
                    samples.append(f"{path}: {status}")
        with lock:
            into.latencies.extend(latencies)
            into.errors += errors
            into.error_samples.extend(samples[: max(0, 3 - len(into.error_samples))])

    threads = [threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + duration
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    into.seconds += time.perf_counter() - started


# -- one size ------------------------------------------------------------------------------------


@dataclass
class SizeRun:
    """Everything measured at one size."""

    size: int
    load_seconds: float
    start_seconds: float
    warm_seconds: float
    rss_mb: float
    measurements: list[Measurement]
    peak_mb: float = 0.0
    """The server's peak resident memory (VmHWM)."""


def organisation_keys(db: Path, count: int, seed: int) -> list[str]:
    """``count`` organisation keys of the store, drawn with ``seed`` (sorted first, so the draw is reproducible)."""
    with SqliteStore(db) as store:
        keys = sorted(node.key for node in store.iter_nodes("Organisation"))
    return random.Random(seed).sample(keys, min(count, len(keys)))


def make_instance(folder: Path) -> Path:
    """An instance folder with one viewer account (``users.db``)."""
    from partnergraph.web.users import USERS_FILE, UserStore

    UserStore(folder / USERS_FILE).add(VIEWER, PASSWORD, "viewer")
    return folder


def run_size(size: int, workdir: Path, *, seed: int = 0, teryt: Path | None = None, clients: int = 20, duration: float = 10.0,
             requests: int = 0, threads: int = 8, warm: int = 2, login: bool = False, cold: bool = True) -> SizeRun:  # fmt: skip
    """Load a network of ``size`` organisations and measure every endpoint under load (see the module's text)."""
    db = workdir / f"web-{size}.db"
    loaded = load_store(db, size, seed, teryt)
    say(f"{size:>9,} orgs: store loaded in {loaded.seconds + loaded.generate_seconds:.1f} s")
    instance = make_instance(workdir / f"instance-{size}")
    chosen = endpoints(organisation_keys(db, KEYS_SAMPLED, seed))
    measurements = {e.name: Measurement(size, e.name, e.page) for e in chosen}
    public = not login
    if cold:
        for endpoint in chosen:
            with running(db, instance, threads, public) as server:
                (client,) = clients_for(server.port, 1, login)
                path = endpoint.path(random.Random(seed))
                started = time.perf_counter()
                status, _, _ = client.get(path)
                measurements[endpoint.name].first = time.perf_counter() - started
                client.close()
                if status != 200:
                    raise SystemExit(f"the first request of {path} answered {status}")
            say(f"  first {endpoint.name:12} {measurements[endpoint.name].first or 0:8.3f} s")
    with running(db, instance, threads, public) as server:
        started = time.perf_counter()
        warmers = clients_for(
            server.port, max(clients, 2 * threads), login
        )  # more requests at once than threads: each serves one
        for endpoint in chosen:
            for _ in range(warm):
                load(
                    warmers,
                    endpoint,
                    Measurement(size, endpoint.name, endpoint.page),
                    duration=0,
                    requests=1,
                    seed=seed + 1,
                )
        for client in warmers:
            client.close()
        warm_seconds = time.perf_counter() - started
        connected = clients_for(server.port, clients, login)
        say(f"  warmed up in {warm_seconds:.1f} s, server RSS {server.rss_mb():,.0f} MB")
        for endpoint in chosen:
            measurement = measurements[endpoint.name]
            cpu = server.cpu_seconds()
            load(connected, endpoint, measurement, duration=duration, requests=requests, seed=seed)
            measurement.server_cpu = server.cpu_seconds() - cpu
            say(f"  {endpoint.name:12} {measurement.rate:8.1f} req/s, p95 {measurement.percentile(95):8.1f} ms, "
                f"{measurement.errors} errors")  # fmt: skip
        rss, peak = server.rss_mb(), server.rss_mb("VmHWM")
        for client in connected:
            client.close()
    return SizeRun(
        size,
        loaded.seconds + loaded.generate_seconds,
        server.start_seconds,
        warm_seconds,
        rss,
        list(measurements.values()),
        peak,
    )


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the report ----------------------------------------------------------------------------------


def table(runs: Sequence[SizeRun]) -> str:
    """The markdown table: a row per size and endpoint."""
    head = ("orgs", "endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "server CPU ms/req",
            "÷ ceiling req/s", "first request s")  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for run in runs:
        ceiling = next((m.rate for m in run.measurements if m.endpoint == CEILING), 0.0)
        for m in run.measurements:
            ratio = f"{m.rate / ceiling:.3f}" if ceiling else "–"
            first = f"{m.first:.3f}" if m.first is not None else "–"
            cells = (f"{m.size:,}", m.endpoint, f"{m.requests:,}", f"{m.rate:,.1f}", f"{m.percentile(50):.1f}",
                     f"{m.percentile(95):.1f}", f"{m.percentile(99):.1f}", str(m.errors), f"{m.cpu_ms:.1f}", ratio, first)  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(runs: Sequence[SizeRun]) -> str:
    lines = [f"{r.size:,} orgs: store load {r.load_seconds:.0f} s, server start {r.start_seconds:.1f} s, "
             f"warm-up {r.warm_seconds:.1f} s, server RSS {r.rss_mb:,.0f} MB (peak {r.peak_mb:,.0f} MB)" for r in runs]  # fmt: skip
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        by_name = {m.endpoint: m for m in first.measurements}
        steps = []
        for m in last.measurements:
            before = by_name.get(m.endpoint)
            if before is not None:
                steps.append(f"{m.endpoint} {before.percentile(95):.1f} → {m.percentile(95):.1f} ms "
                             f"(×{m.percentile(95) / before.percentile(95):.1f})")  # fmt: skip
        lines.append(f"p95 from {first.size:,} to {last.size:,} orgs: " + "; ".join(steps))
    last = runs[-1]
    verdicts = [f"{m.endpoint} {m.percentile(95):.0f} ms {'met' if m.percentile(95) < PAGE_TARGET_MS else 'MISSED'}"
                for m in last.measurements if m.page]  # fmt: skip
    lines.append(f"target p95 < {PAGE_TARGET_MS:.0f} ms for pages at {last.size:,} orgs: " + "; ".join(verdicts))
    return "\n".join(lines)


def errors_of(runs: Sequence[SizeRun]) -> list[str]:
    return [
        f"{m.size:,} {m.endpoint}: {m.errors} errors, e.g. {m.error_samples}"
        for r in runs
        for m in r.measurements
        if m.errors
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Requests/s and latency of the web app under waitress, against a trivial route."
    )
    parser.add_argument("--sizes", default="10000,100000", help="organisation counts, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--teryt", type=Path, default=None, help="TERC_Urzedowy CSV (default ../shared/data/teryt/…)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients, each a keep-alive connection")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per endpoint")
    parser.add_argument(
        "--requests", type=int, default=0, help="requests per client and endpoint instead of --duration"
    )
    parser.add_argument(
        "--threads", type=int, default=8, help="waitress worker threads (partnergraph serve's default: 8)"
    )
    parser.add_argument(
        "--warm", type=int, default=2, help="rounds of --clients concurrent requests per endpoint before measuring"
    )
    parser.add_argument(
        "--login", action="store_true", help="clients log in as a viewer (default: the app is PUBLIC=1)"
    )
    parser.add_argument(
        "--no-cold", dest="cold", action="store_false", help="skip each endpoint's first request on a fresh server"
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the store files go (default: a temporary directory)"
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--public", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.instance, args.threads, args.public)
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    runs = []
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="pg-bench-web-") as workdir:
        for size in sizes:
            runs.append(run_size(size, Path(workdir), seed=args.seed, teryt=args.teryt, clients=args.clients, duration=args.duration,
                                 requests=args.requests, threads=args.threads, warm=args.warm, login=args.login,
                                 cold=args.cold))  # fmt: skip
    print(table(runs))
    print()
    print(summary(runs))
    how = "logged in as a viewer" if args.login else "PUBLIC=1"
    amount = f"{args.requests} requests per client" if args.requests else f"{args.duration:g} s"
    print(f"\n{args.clients} clients on loopback ({how}), {amount} per endpoint, waitress with {args.threads} threads; "
          f"ceiling: {PING} on the same app; first request: alone, on a freshly started server")  # fmt: skip
    failed = errors_of(runs)
    if failed:
        raise SystemExit("non-200 answers:\n" + "\n".join(failed))


if __name__ == "__main__":
    main()
