"""How far the stored survey results lag behind a stream of submissions.

While wrk submits at a bounded rate, :class:`Poller` reads the survey's stored snapshot
(its respondent count ``n`` and ``as_of``) every ``POLL_SECONDS`` on its own connection.
Afterwards :func:`lags` pairs the k-th acknowledged submission (wrk notes the time of
each "thank you" redirect, ``paced.lua``) with the first poll that saw a snapshot
counting at least k more respondents than before the stream. Its lag is that poll's
time minus the acknowledgement: what a visitor waits between "thank you" and their
answer in the results. (The bench survey is anonymised: responses keep no time.)
Polling adds at most ``POLL_SECONDS``; submissions never seen by the end count with the
time waited so far (``unseen``).
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg

POLL_SECONDS = 0.25

SNAPSHOT = (
    "SELECT (data -> 'respondents' ->> 'n')::int, data ->> 'as_of' FROM aggregate"
    " WHERE scope = 'survey' AND scope_id = %s AND computed_at IS NOT NULL"
)


@dataclass(frozen=True)
class Sample:
    at: float  # time.time() of the poll
    n: int  # respondents counted by the stored snapshot
    as_of: str


@dataclass
class Lags:
    seconds: list[float]
    unseen: int

    @property
    def max_s(self) -> float | None:
        return max(self.seconds) if self.seconds else None

    @property
    def p50_s(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def lags(submitted: list[float], samples: list[Sample], base_n: int, end: float) -> Lags:
    """Per submission (epoch seconds, in acknowledgement order): seconds until a polled
    snapshot counted it; ``end`` stands in for those never counted."""
    seconds, unseen, at = [], 0, 0
    ordered = sorted(samples, key=lambda s: s.at)
    for k, acknowledged in enumerate(sorted(submitted), start=1):
        while at < len(ordered) and ordered[at].n < base_n + k:
            at += 1
        if at < len(ordered):
            seconds.append(max(0.0, ordered[at].at - acknowledged))
        else:
            unseen += 1
            seconds.append(max(0.0, end - acknowledged))
    return Lags(seconds, unseen)


@dataclass
class Poller:
    """Polls the snapshot of one survey on a thread until stopped."""

    dsn: str
    survey_id: int
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def read(self, conn: psycopg.Connection[Any]) -> Sample | None:
        row = conn.execute(SNAPSHOT, (self.survey_id,)).fetchone()
        return None if row is None else Sample(time.time(), int(row[0] or 0), str(row[1]))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._stop.is_set():
                sample = self.read(conn)
                if sample is not None:
                    self.samples.append(sample)
                self._stop.wait(POLL_SECONDS)

    def wait_for(self, n: int, timeout: float) -> bool:
        """Keep polling until a snapshot counts ``n`` respondents (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.samples and self.samples[-1].n >= n:
                return True
            time.sleep(POLL_SECONDS)
        return False

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
