"""Real services the fault tests start, stop and cut: Redis, a Celery worker, an SMTP
sink and a TCP proxy in front of PostgreSQL.

Each test starts its own, so it may stop or kill them without touching the shared
Redis and PostgreSQL other engineers use. With ``CI=true`` a missing ``redis-server``
fails the test instead of skipping it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORTS = range(6390, 6400)  # never the shared 6379


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``condition`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# --- Redis --------------------------------------------------------------------------


class RedisServer:
    """A ``redis-server`` of our own, with an append-only file like production."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed"
            if IN_CI:
                pytest.fail(f"{message}; CI=true requires it", pytrace=False)
            pytest.skip(message)
        self.binary = binary
        self.port = next((p for p in REDIS_PORTS if _port_free(p)), 0)
        if not self.port:
            pytest.fail("no free port in 6390-6399 for a test Redis", pytrace=False)
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603  (our own binaries, fixed arguments)
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.workdir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--protected-mode",
                "no",
            ],
            stdout=open(self.workdir / "redis.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        wait_until(self._answers, 10, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Stop as `docker stop` would (SIGTERM: the append-only file is flushed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def queued(self) -> int:
        """Messages waiting in the queue or taken by a worker and not yet acknowledged."""
        client = self.client()
        return int(client.llen("celery")) + int(client.hlen("unacked"))


# --- the Celery worker --------------------------------------------------------------


@dataclass
class Worker:
    """``celery worker`` against our Redis and the test database, as tests/worker.py."""

    database_url: str
    redis_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    pool: str = "solo"
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = (
            os.environ
            | {
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "SECRET_KEY": "test-secret-key",
            }
            | self.env
        )
        self.process = subprocess.Popen(  # noqa: S603  (our own binaries, fixed arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "worker.celery_app",
                "worker",
                f"--pool={self.pool}",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=open(self.log_path, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes its children
        )
        wait_until(self._ready, 60, f"the worker to start (see {self.log_path})")

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited; see {self.log_path}")
        return " ready." in self.log_path.read_text(errors="replace")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def children(self) -> list[int]:
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes: no shutdown, no acknowledgement."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None


# --- an SMTP server that keeps what it receives -------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    recipients: tuple[str, ...]
    subject: str
    body: str


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpSink._Server

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 sink ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>").split(">")[0])
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 go ahead")
                self.server.sink.receive(tuple(recipients), self._data())
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class SmtpSink:
    """Receives mails on a local port (MAIL_SERVER for the worker) and records them."""

    class _Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        sink: SmtpSink

    def __init__(self) -> None:
        self.mails: list[ReceivedMail] = []
        self._lock = threading.Lock()
        self._server = self._Server(("127.0.0.1", 0), _SmtpHandler)
        self._server.sink = self
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def receive(self, recipients: tuple[str, ...], data: bytes) -> None:
        message = message_from_bytes(data)
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        payload = message.get_payload(decode=True)
        body = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
        with self._lock:
            self.mails.append(ReceivedMail(recipients, subject, body))

    def received(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self.mails)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def worker_env(self) -> dict[str, str]:
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.port),
            "MAIL_USE_TLS": "false",
            "MAIL_USE_SSL": "false",
        }


# --- a TCP proxy in front of PostgreSQL that the test can cut -----------------------


class TcpProxy:
    """Forwards a local port to ``upstream``; :meth:`cut` drops every connection and
    refuses new ones (the database is "gone"), :meth:`restore` listens again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.port = 0
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = int(listener.getsockname()[1])
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
