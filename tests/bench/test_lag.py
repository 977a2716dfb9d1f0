"""How bench.lag turns polled snapshots and acknowledgement times into lags, and the
paced survey script wrk runs for it (no stack needed; wrk runs it in the smoke test,
tests/bench/test_harness.py)."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import lag, wrk
from bench.prepare import write_split
from bench.scenarios import SCENARIOS, results


def _sample(at: float, n: int) -> lag.Sample:
    return lag.Sample(at=at, n=n, as_of=f"v{n}")


def test_each_submission_waits_for_the_first_snapshot_that_counts_it() -> None:
    samples = [_sample(0.0, 100), _sample(1.0, 100), _sample(4.0, 102), _sample(9.0, 103)]
    measured = lag.lags([0.5, 0.8, 3.0], samples, base_n=100, end=10.0)
    assert measured.seconds == pytest.approx([3.5, 3.2, 6.0])
    assert measured.max_s == pytest.approx(6.0)
    assert measured.p50_s == pytest.approx(3.5)
    assert measured.unseen == 0


def test_a_submission_never_counted_waits_until_the_end() -> None:
    samples = [_sample(0.0, 10), _sample(2.0, 11)]
    measured = lag.lags([1.0, 1.5], samples, base_n=10, end=30.0)
    assert measured.seconds == pytest.approx([1.0, 28.5])
    assert measured.unseen == 1


def test_no_submissions_give_no_lag() -> None:
    measured = lag.lags([], [_sample(0.0, 5)], base_n=5, end=1.0)
    assert measured.max_s is None and measured.p50_s is None


def test_the_paced_script_follows_the_survey_script(tmp_path: Path) -> None:
    script = wrk._script(tmp_path, "survey+paced").read_text()
    assert script.index("function request()") < script.index("function delay()")
    assert script.index("bench_collect = {") < script.index('"done_at"')


def test_aggregate_lag_is_a_results_scenario_now() -> None:
    [scenario] = [s for s in SCENARIOS if s.name == "aggregate_lag"]
    assert scenario.run is results.aggregate_lag
    assert scenario.keys == ("aggregate_lag.s",)


class _Survey(BaseHTTPRequestHandler):
    """Answers the three posts of a respondent the way the survey does (redirects)."""

    NEXT = {"/start": "/page/1", "/page/1": "/review", "/submit": "/thanks"}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(302)
        self.send_header("Location", self.NEXT.get(self.path, "/"))
        self.send_header("Set-Cookie", "session=s; Path=/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:  # quiet
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk")
def test_the_paced_stream_offers_its_rate_from_the_first_second(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Survey)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    clients, per_s, seconds = 4, 20, 3
    lines = [f"k{i}\tsession=x\ta=1\tb=2\tc=3" for i in range(clients * 40)]
    write_split(tmp_path / "lag", lines, clients)
    try:
        result = wrk.run(
            f"http://127.0.0.1:{server.server_port}/start",
            workdir=tmp_path,
            seconds=seconds,
            connections=clients,
            threads=clients,
            script="survey+paced",
            args=[str(tmp_path / "lag"), "/start", "/page/1", "/submit", str(clients / per_s)],
        )
    finally:
        server.shutdown()
        server.server_close()
    # The k-th respondent of a thread is due (k - 1) intervals after its first: 3 s
    # offer 60 (and the ones due at the very end), the last may be cut off by the end.
    due = clients * (int(result.seconds * per_s / clients) + 1)
    assert per_s * seconds - clients <= result.ok <= due
    assert result.behind_s < 0.1  # a fast server keeps the pace
    assert len(result.done_at) == result.ok
