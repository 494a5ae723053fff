"""The web benchmark's machinery on a tiny store: the real server, every endpoint answering 200, a row each (no timings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_web import CEILING, run_size, summary, table

MISSING = Path("/nonexistent/TERC.csv")  # the generator's built-in TERYT excerpt: quick


@pytest.mark.slow
def test_every_endpoint_answers_200_under_waitress_with_logged_in_clients(tmp_path: Path) -> None:
    run = run_size(150, tmp_path, teryt=MISSING, clients=2, requests=2, threads=2, warm=1, login=True)
    names = [m.endpoint for m in run.measurements]
    assert names == [CEILING, "dashboard", "organisation", "search", "api search", "api node"]
    for m in run.measurements:
        assert (m.errors, len(m.latencies)) == (0, 4), m.error_samples  # 2 clients × 2 requests, all 200
        assert m.first is not None and m.first > 0
    rows = table([run]).splitlines()[2:]
    assert [row.split(" | ")[1] for row in rows] == names
    assert "target p95 < 200 ms for pages at 150 orgs" in summary([run])
