"""The wrk scripts send every prepared line exactly once (a stub server on loopback).

wrk calls ``request()`` once more than it sends: for thread 0, before the load, to
check the request is valid. A script whose ``request()`` moved on to the next line
skipped that thread's first line; ``replay.lua`` now moves on in ``response()`` only.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from bench import wrk
from bench.prepare import write_split

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing")


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received: list[str]
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with self.lock:
            self.received.append(parse_qs(body)["key"][0])
        self.send_response(302)
        self.send_header("Location", "/ziel#comment-1")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # wrk resets its connections when it stops


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` on a free loopback port; its base URL."""
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def stub() -> Iterator[tuple[str, list[str]]]:
    received: list[str] = []
    with _serving(type("Handler", (_Recorder,), {"received": received})) as url:
        yield url, received


def test_replay_sends_every_line_once_and_acknowledges_it(
    stub: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, received = stub
    keys = [f"k{i}" for i in range(9)]
    lines = [f"{key}\tPOST\t/ziel\tsession=x\tkey={key}" for key in keys]
    prefix = tmp_path / "comments"
    write_split(prefix, lines, 3)

    result = wrk.run(
        url + "/ziel",
        workdir=tmp_path,
        seconds=1,
        connections=3,
        threads=3,
        script="replay",
        args=[str(prefix), "#comment-"],
    )

    assert sorted(received) == keys  # thread 0's first line too, none twice
    assert sorted(result.done_keys) == keys
    assert (result.ok, result.bad, result.requests_sent) == (9, 0, 9)
    assert result.exhausted


class _SurveyStub(_Recorder):
    """Answers survey.lua's POSTs as the app does: start → page 1, the page → the
    summary (or, with action=submit, thanks), submit → thanks."""

    steps: list[tuple[str, str]]

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        path = self.path.rsplit("/", 1)[-1]
        with self.lock:
            self.steps.append((form["key"][0], path))
        target = {"start": "/s/page/1", "submit": "/s/thanks"}.get(path, "/s/review")
        if path == "1" and form.get("action") == ["submit"]:
            target = "/s/thanks"
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Set-Cookie", "session=next; Path=/")
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.mark.parametrize("short", [False, True], ids=["with-summary", "without"])
def test_survey_sends_each_respondents_steps_once(tmp_path: Path, short: bool) -> None:
    received: list[tuple[str, str]] = []
    keys = [f"k{i}" for i in range(6)]
    action = "submit" if short else "next"
    lines = [f"{key}\tsession=a\tkey={key}\tkey={key}&action={action}\tkey={key}" for key in keys]
    prefix = tmp_path / "survey"
    write_split(prefix, lines, 2)
    with _serving(type("H", (_SurveyStub,), {"steps": received})) as url:
        result = wrk.run(
            url + "/s/start",
            workdir=tmp_path,
            seconds=1,
            connections=2,
            threads=2,
            script="survey",
            args=[str(prefix), "/s/start", "/s/page/1", "-" if short else "/s/submit"],
        )
    steps = ["start", "1"] if short else ["start", "1", "submit"]
    assert sorted(received) == sorted((key, step) for key in keys for step in steps)
    assert sorted(result.done_keys) == keys
    assert (result.ok, result.bad) == (6, 0)
