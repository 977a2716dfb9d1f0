"""The real stack for a run: tools, PostgreSQL, Redis, gunicorn, one Celery worker.

gunicorn runs 2 sync workers (one per core); ``BENCH_GUNICORN_THREADS=N`` runs
``gthread`` workers with N threads each instead (:mod:`bench.settings`).

Like ``.ci/run``: PostgreSQL and Redis are started when they do not answer, and
Debian's ``wrk`` is installed with apt-get when missing. Whatever this module starts
it stops again, in reverse order, also on Ctrl-C or an error (``Stack`` is a context
manager; each process runs in its own session and is ended by its own id).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import IO, Any

import redis

from bench import procstat, settings
from bench.procstat import Sampler


class StackError(RuntimeError):
    """A service or tool the benchmark needs is missing and could not be started."""


def _quiet(command: list[str]) -> bool:
    try:
        done = subprocess.run(command, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _wait_for(check: list[str], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _quiet(check):
            return True
        time.sleep(0.5)
    return False


def ensure_wrk() -> str:
    """Debian's wrk, installed with apt-get when missing (as .ci/run installs chromium)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise StackError("wrk is missing; install it with: sudo apt-get install -y wrk")
    print("==> installing Debian's wrk", flush=True)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise StackError("apt-get did not install wrk")
    return found


def ensure_services(stack: ExitStack, redis_url: str) -> None:
    """PostgreSQL and Redis answer; those started here are stopped when ``stack`` closes."""
    _ensure_postgres(stack)
    _ensure_redis(stack, redis_url)


def _ensure_postgres(stack: ExitStack) -> None:
    ready = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]
    if _quiet(ready):
        return
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    if not versions:
        raise StackError("PostgreSQL does not answer on 127.0.0.1:5432 and is not installed")
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main"]
    print("==> starting PostgreSQL", flush=True)
    subprocess.run([*cluster, "start"], check=False)
    if not _wait_for(ready, 30):
        raise StackError("PostgreSQL did not start")
    stack.callback(subprocess.run, [*cluster, "stop"], check=False)


def _ensure_redis(stack: ExitStack, url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
        return
    except redis.RedisError:
        pass
    print("==> starting Redis", flush=True)
    pidfile = Path("/tmp") / f"mitwirken-bench-redis-{os.getpid()}.pid"
    port = str(client.connection_pool.connection_kwargs.get("port", 6379))
    subprocess.run(
        [
            *("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", port),
            *("--save", "", "--appendonly", "no", "--pidfile", str(pidfile)),
        ],
        check=False,
    )
    if not _wait_for(["redis-cli", "-p", port, "ping"], 30):
        raise StackError("Redis did not start")
    stack.callback(_stop_pidfile, pidfile)


def _stop_pidfile(pidfile: Path) -> None:
    with suppress(OSError, ValueError):
        os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM to the process (graceful), then SIGKILL to its session if it lingers."""
    if process.returncode is not None:
        return  # stopped (and reaped) before: its id may belong to someone else by now
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # its own session: workers, pool children
    process.wait(timeout=5)


class Stack:
    """``with Stack(...) as stack:`` gunicorn and the Celery worker are up (services must be)."""

    def __init__(self, database: str, logs: Path, sampler: Sampler, redis_url: str) -> None:
        self.database, self.logs, self.sampler, self.redis_url = database, logs, sampler, redis_url
        self.queue = f"mitwirken-bench-{os.getpid()}"
        self.worker_name = f"bench-{os.getpid()}@{socket.gethostname()}"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._exit = ExitStack()
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Stack:
        try:
            self.logs.mkdir(parents=True, exist_ok=True)
            self._exit.callback(self._forget_queue)  # runs last, after the worker stopped
            self.worker = self._start("worker", self._worker_command())
            self.server = self._start("server", self._server_command())
            self._wait_ready()
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._exit.close()

    def _forget_queue(self) -> None:
        """Remove the run's queue and the bindings kombu keeps for it in Redis."""
        client = redis.Redis.from_url(self.redis_url)
        for prefix in ("", "_kombu.binding.", "_kombu.binding_permanent."):
            client.delete(prefix + self.queue)

    def env(self) -> dict[str, str]:
        return os.environ | settings.server_env(self.database, self.redis_url, self.queue)

    def _server_command(self) -> list[str]:
        bind = f"127.0.0.1:{self.port}"
        return [
            *(sys.executable, "-m", "gunicorn", "-b", bind),
            *("--workers", str(settings.GUNICORN_WORKERS)),
            *("--worker-class", settings.gunicorn_worker_class()),
            *("--threads", str(settings.GUNICORN_THREADS)),
            *("--log-level", "warning", "bench.wsgi:bench_app()"),
        ]

    def _worker_command(self) -> list[str]:
        return [
            *(sys.executable, "-m", "celery", "-A", "bench.celery_app", "worker"),
            *(f"--queues={self.queue}", "--concurrency=1", "--loglevel=WARNING"),
            *("--without-heartbeat", "--without-gossip", "--without-mingle"),
            f"--hostname={self.worker_name}",
        ]

    def _start(self, role: str, command: list[str]) -> subprocess.Popen[bytes]:
        log: IO[bytes] = open(self.logs / f"{role}.log", "ab")  # noqa: SIM115
        self._exit.callback(log.close)
        process = subprocess.Popen(
            command,
            cwd=settings.ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the harness, which stops it in order
        )
        self._exit.callback(_stop, process)
        self._exit.callback(self.sampler.forget, role)
        self.sampler.watch(role, process.pid)
        return process

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for role, process in (("server", self.server), ("worker", self.worker)):
                if process is not None and process.poll() is not None:
                    raise StackError(f"{role} exited early; see {self.logs / role}.log")
            try:
                # /healthz, not /readyz: readiness also wants beat's worker heartbeat,
                # and the harness checks its worker itself (worker_ready).
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise StackError(f"gunicorn did not become ready; see {self.logs / 'server.log'}")

    def renew_pool(self, celery_app: Any, seconds: float = 60) -> None:
        """Replace the worker's pool process by a fresh fork (no memory kept from earlier
        tasks), e.g. before an export whose peak RSS is measured."""
        assert self.worker is not None
        before = set(procstat.tree(self.worker.pid)) - {self.worker.pid}
        celery_app.control.pool_restart(destination=[self.worker_name], reply=True, timeout=5)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            now = set(procstat.tree(self.worker.pid)) - {self.worker.pid}
            if now and not now & before:
                return
            time.sleep(0.2)
        raise StackError("the worker did not renew its pool process")

    def worker_ready(self, celery_app: Any, seconds: float = 60) -> None:
        """Wait until the Celery worker answers a ping."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.worker is not None and self.worker.poll() is not None:
                raise StackError(f"the worker exited; see {self.logs / 'worker.log'}")
            if celery_app.control.ping(destination=[self.worker_name], timeout=1.0):
                return
        raise StackError("the Celery worker did not answer")

    def queue_length(self) -> int:
        length: Any = redis.Redis.from_url(self.redis_url).llen(self.queue)
        return int(length)

    def drain_worker(self, celery_app: Any, seconds: float = 120) -> int:
        """Drop waiting tasks and wait until the worker is idle; returns tasks dropped."""
        client = redis.Redis.from_url(self.redis_url)
        waiting: Any = client.llen(self.queue)
        dropped = int(waiting)
        client.delete(self.queue)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            inspect = celery_app.control.inspect(destination=[self.worker_name], timeout=1.0)
            active = inspect.active() or {}
            if not any(active.values()):
                return dropped
            time.sleep(0.5)
        return dropped
