"""Embedded mode: rebuilds on a background thread, after the response.

Without Redis (``make run``) Celery runs tasks eagerly: a rebuild queued by a
submission would run inside that submission's request, after its commit, and hold
the answer back for as long as the counting takes (about 2 s for the 5,867-response
demo survey). With ``RESULTS_EAGER_REBUILD = "background"`` (the default) the eager
:func:`app.results.tasks.rebuild_scope` hands the scope to :func:`submit` instead: one
daemon thread per process rebuilds it ``COALESCE_SECONDS`` later, in its own app
context and transaction. The dirty mark (``app.results.triggers``) still coalesces:
a burst of submissions queues one rebuild, and a scope already waiting here is not
queued twice. The thread also stands in for the beat sweep: every
``SWEEP_EVERY`` seconds it rebuilds every scope left dirty (a failed rebuild, a
process that stopped before it rebuilt). A failed rebuild (on SQLite a write can be
refused while a request commits) is tried again ``RETRIES`` times, seconds apart.

``"inline"`` keeps the rebuild in the request (the test suite uses it, so a test
reads the results right after it submits).
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from flask import Flask, current_app, has_request_context

from app.extensions import db
from app.results.triggers import COALESCE_SECONDS

logger = logging.getLogger(__name__)

BACKGROUND = "background"
INLINE = "inline"
MODES = (BACKGROUND, INLINE)
SWEEP_EVERY = 60.0  # seconds between two looks for scopes left dirty
RETRIES = 2  # a failed rebuild is tried again this often, a few seconds apart
_EXTENSION = "mitwirken.results_rebuilder"

Scope = tuple[str, int]


def in_background() -> bool:
    """Whether an eager rebuild goes to the thread: in a request, unless configured
    ``inline``. Commands (``flask demo load``) rebuild where they are."""
    mode = current_app.config.get("RESULTS_EAGER_REBUILD", BACKGROUND)
    return has_request_context() and mode == BACKGROUND


@dataclass
class Rebuilder:
    """One thread rebuilding queued scopes in order, each at most once while waiting."""

    app: Flask
    delay: float
    rebuild: Callable[[str, int], object]  # tasks.run_rebuild
    sweep: Callable[[], object]  # tasks.refresh_stale_aggregates
    _queue: queue.Queue[tuple[Scope, float, int] | None] = field(default_factory=queue.Queue)
    _waiting: set[Scope] = field(default_factory=set)
    _busy: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _idle: threading.Condition = field(init=False)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._idle = threading.Condition(self._lock)

    def submit(self, scope: str, scope_id: int) -> bool:
        """Queue a rebuild of the scope; False if one is waiting already."""
        key = (scope, scope_id)
        with self._lock:
            if key in self._waiting:
                return False
            self._waiting.add(key)
            self._busy += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="results-rebuilder", daemon=True
                )
                self._thread.start()
        self._queue.put((key, time.monotonic() + self.delay, 0))
        return True

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every queued rebuild has run (tests, shutdown); True if so."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Let the thread finish what is queued and end (tests; a new one starts on
        the next :meth:`submit`)."""
        with self._lock:
            thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout)

    def _run(self) -> None:
        next_sweep = time.monotonic() + SWEEP_EVERY
        while True:
            if time.monotonic() >= next_sweep:
                self._in_app(self.sweep)
                next_sweep = time.monotonic() + SWEEP_EVERY
            try:
                item = self._queue.get(timeout=max(0.0, next_sweep - time.monotonic()))
            except queue.Empty:
                continue
            if item is None:
                return
            key, due, attempt = item
            time.sleep(max(0.0, due - time.monotonic()))
            with self._lock:
                self._waiting.discard(key)  # changes from now on queue the next rebuild
            try:
                if not self._in_app(functools.partial(self.rebuild, *key)):
                    self._retry(key, attempt + 1)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _retry(self, key: Scope, attempt: int) -> None:
        """Once more a little later (SQLite refuses a write while another commits);
        the scope stays dirty meanwhile, so no change queues it."""
        if attempt > RETRIES:
            return
        with self._lock:
            if key in self._waiting:
                return  # queued again already
            self._waiting.add(key)
            self._busy += 1
        self._queue.put((key, time.monotonic() + max(self.delay, 1.0) * attempt, attempt))

    def _in_app(self, work: Callable[[], object]) -> bool:
        with self.app.app_context():
            try:
                work()
            except Exception:
                logger.exception("background results work failed; the scope stays dirty")
                return False
            finally:
                db.session.remove()
        return True


def rebuilder(
    rebuild: Callable[[str, int], object], sweep: Callable[[], object], app: Flask | None = None
) -> Rebuilder:
    """The app's rebuilder (created on first use, with the task bodies to run)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_EXTENSION)
    if found is None:
        delay = float(app.config.get("RESULTS_REBUILD_DELAY", COALESCE_SECONDS))
        found = app.extensions.setdefault(_EXTENSION, Rebuilder(app, delay, rebuild, sweep))
    return cast(Rebuilder, found)


def running(app: Flask) -> Rebuilder | None:
    """The app's rebuilder if one was started (tests wait for it to be idle)."""
    return cast("Rebuilder | None", app.extensions.get(_EXTENSION))
