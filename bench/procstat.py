"""Measuring from outside: RSS, CPU time and load average from /proc, machine facts.

A ``Sampler`` thread reads the RSS of the watched processes five times a second
(rescanning /proc for their children every two seconds) (it only reads; it drives no
load). It keeps, per role (server, worker, cli), the peak of the summed RSS of the
role's process tree. ``window()`` gives the peaks and the CPU split between our
processes and everything else on the machine for one scenario.
"""

from __future__ import annotations

import os
import platform
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(fields[1]), []).append(int(entry.name))
    return kids


def tree(pid: int, kids: dict[int, list[int]] | None = None) -> list[int]:
    """``pid`` and all its descendants that exist now."""
    kids = kids if kids is not None else children_map()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(kids.get(current, []))
    return found


def rss_kb(pid: int) -> int:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def cpu_ticks(pid: int) -> int:
    """User + system time of ``pid`` so far, in clock ticks."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot."""
    values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


def loadavg() -> list[float]:
    return [float(v) for v in (PROC / "loadavg").read_text().split()[:3]]


@dataclass
class Window:
    """Peaks and CPU shares of one scenario; filled when the window closes."""

    peaks_mb: dict[str, float] = field(default_factory=dict)  # whole process tree
    process_peaks_mb: dict[str, float] = field(default_factory=dict)  # its largest process
    end_mb: dict[str, float] = field(default_factory=dict)
    start_mb: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    load_end: list[float] = field(default_factory=list)
    probe: dict[str, float] = field(default_factory=dict)  # mean per sample
    cpu_s: dict[str, float] = field(default_factory=dict)  # CPU seconds per role


class Sampler:
    """Samples the RSS of registered process trees in a background thread."""

    def __init__(self, interval: float = 0.2) -> None:
        self.roles: dict[str, int] = {}
        self.extra: dict[str, Callable[[], list[int]]] = {}
        self.interval = interval
        self.peak_kb: dict[str, int] = {}
        self._window_peak: dict[str, int] | None = None
        self._window_process_peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self.load_samples: list[float] = []
        self._tree_cache: dict[str, list[int]] = {}
        self._trees_at = 0.0
        # Optional: counted every half second during a window (e.g. database backends by
        # what they wait for); the window reports the mean per sample.
        self.probe: Callable[[], dict[str, int]] | None = None
        self._probe_sums: Counter[str] | None = None
        self._probe_samples = 0

    def watch(self, role: str, pid: int) -> None:
        with self._lock:
            self.roles[role] = pid

    def forget(self, role: str) -> None:
        with self._lock:
            self.roles.pop(role, None)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _trees(self) -> dict[str, list[int]]:
        """The process tree of each role; /proc is scanned at most every two seconds."""
        with self._lock:
            roles = dict(self.roles)
        stale = time.monotonic() - self._trees_at > 2 or set(roles) != set(self._tree_cache)
        if stale:
            kids = children_map()
            self._tree_cache = {role: tree(pid, kids) for role, pid in roles.items()}
            self._trees_at = time.monotonic()
        return self._tree_cache

    def current_kb(self) -> dict[str, int]:
        return {role: total for role, (total, _) in self._sample().items()}

    def _sample(self) -> dict[str, tuple[int, int]]:
        """Per role: (RSS of the whole tree, RSS of its largest process), in kB."""
        result = {}
        for role, pids in self._trees().items():
            sizes = [rss_kb(p) for p in pids]
            result[role] = (sum(sizes), max(sizes, default=0))
        return result

    def role_pids(self) -> dict[str, set[int]]:
        """The processes of each role, and of each ``extra`` source."""
        roles = {role: set(pids) for role, pids in self._trees().items()}
        with self._lock:
            extra = dict(self.extra)
        return roles | {name: set(source()) for name, source in extra.items()}

    def our_pids(self) -> set[int]:
        """This process and its descendants (server, worker, wrk), plus ``extra`` sources
        such as the database backends serving the bench database."""
        pids = set(tree(os.getpid()))
        with self._lock:
            extra = list(self.extra.values())
        for source in extra:
            pids.update(source())
        return pids

    def _run(self) -> None:
        last_load = last_probe = 0.0
        while not self._stop.wait(self.interval):
            if time.monotonic() - last_probe >= 0.5:
                self._sample_probe()
                last_probe = time.monotonic()
            sample = self._sample()
            with self._lock:
                for role, (kb, largest) in sample.items():
                    self.peak_kb[role] = max(self.peak_kb.get(role, 0), kb)
                    if self._window_peak is not None:
                        self._window_peak[role] = max(self._window_peak.get(role, 0), kb)
                        peak = self._window_process_peak
                        peak[role] = max(peak.get(role, 0), largest)
            if time.monotonic() - last_load >= 5:
                self.load_samples.append(loadavg()[0])
                last_load = time.monotonic()

    def _sample_probe(self) -> None:
        if self.probe is None or self._probe_sums is None:
            return
        try:
            counts = self.probe()
        except Exception:  # a probe must never stop the sampler
            return
        with self._lock:
            if self._probe_sums is not None:
                self._probe_sums.update(counts)
                self._probe_samples += 1

    @contextmanager
    def window(self) -> Iterator[Window]:
        """Peaks (MB) per role and CPU use (% of all cores) during the block."""
        result = Window()
        first = self._sample()
        start = {role: total for role, (total, _) in first.items()}
        result.start_mb = {role: round(kb / 1024, 1) for role, kb in start.items()}
        with self._lock:
            self._window_peak = dict(start)
            self._window_process_peak = {role: big for role, (_, big) in first.items()}
            self._probe_sums, self._probe_samples = Counter(), 0
        roles_before = self.role_pids()
        pids_before = self.our_pids() | {p for pids in roles_before.values() for p in pids}
        ours_before = {pid: cpu_ticks(pid) for pid in pids_before}
        busy_before, total_before = machine_ticks()
        try:
            yield result
        finally:
            busy_after, total_after = machine_ticks()
            roles_after = self.role_pids()
            pids = pids_before | self.our_pids()
            spent = {pid: max(0, cpu_ticks(pid) - ours_before.get(pid, 0)) for pid in pids}
            ours = sum(spent.values())
            result.cpu_s = {
                role: round(
                    sum(spent.get(p, 0) for p in roles_before.get(role, set()) | after) / TICKS,
                    2,
                )
                for role, after in roles_after.items()
            }
            with self._lock:
                peaks, self._window_peak = self._window_peak or {}, None
                sums, samples = self._probe_sums or Counter(), max(1, self._probe_samples)
                self._probe_sums = None
            result.probe = {key: round(value / samples, 2) for key, value in sums.items()}
            result.peaks_mb = {role: round(kb / 1024, 1) for role, kb in peaks.items()}
            result.process_peaks_mb = {
                role: round(kb / 1024, 1) for role, kb in self._window_process_peak.items()
            }
            result.end_mb = {role: round(kb / 1024, 1) for role, kb in self.current_kb().items()}
            span = max(1, total_after - total_before)
            busy = busy_after - busy_before
            result.cpu = {
                "machine_busy_pct": round(100 * busy / span, 1),
                "ours_pct": round(100 * ours / span, 1),
                "others_pct": round(100 * max(0, busy - ours) / span, 1),
            }
            result.load_end = loadavg()


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""
    )


def machine_info() -> dict[str, Any]:
    cpuinfo = (PROC / "cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor(),
    )
    meminfo = (PROC / "meminfo").read_text().split("\n", 1)[0]
    return {
        "cpu_model": model,
        "cpus": os.cpu_count(),
        "mem_total_mb": int(meminfo.split()[1]) // 1024,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": _run(["wrk", "-v"]),
        "git_commit": _run(["git", "-C", str(Path(__file__).parent), "rev-parse", "HEAD"]),
        "git_dirty": bool(_run(["git", "-C", str(Path(__file__).parent), "status", "--porcelain"])),
    }
