"""Profile one page of the bench database in-process: CPU per request, queries, a profile.

    python -m bench.profile_page [--scale M] [--path /de/p/bench-hf12/goals/12.2.2]
                                 [--requests 200] [--html profile.html]

No gunicorn and no load generator: the app (production settings, the bench database,
the rate limiter off) answers ``--requests`` first-time visitors through Flask's test
client in this process, one after the other. It prints the CPU time per request
(``time.process_time``, so it means something on a busy machine where requests per
second do not), the SQL statements of one request, and pyinstrument's call tree of
all requests. ``--warm`` requests go first (catalogs, templates, caches).
``--cold`` empties the fragment cache before each request (every comment rendered);
``--redis URL`` caches on Redis as production does, else in the process's memory.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from typing import Any

import sqlalchemy as sa

from bench import settings


def _app(scale: str, redis: str | None) -> Any:
    env = settings.server_env(settings.database_url(scale), redis or "", "bench-profile")
    for key, value in env.items():
        os.environ[key] = value
    if not redis:
        os.environ.pop("REDIS_URL", None)
    from bench.wsgi import bench_app

    return bench_app()


def _visitor(app: Any) -> Any:
    from app.i18n import LOCALE_COOKIE

    client = app.test_client()
    client.set_cookie(LOCALE_COOKIE, settings.LANG)
    return client


def _statements(app: Any, path: str) -> list[str]:
    from app.extensions import db

    found: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found.append(" ".join(statement.split())[:140])

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", _count)
    try:
        _visitor(app).get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)
    return found


def _cpu_ms(app: Any, path: str, requests: int, *, cold: bool = False) -> list[float]:
    times = []
    for _ in range(requests):
        if cold:  # every request renders every comment (the first visit after a deploy)
            _clear_cache(app)
        start = time.process_time()
        response = _visitor(app).get(path)
        times.append((time.process_time() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times


# Where the CPU time of a request goes, by the file a function is defined in.
BUCKETS = (
    ("templates (Jinja code of .html files)", (".html",)),
    ("Jinja runtime", ("jinja2/",)),
    ("translations (gettext, Babel formatting)", ("flask_babel/", "babel/", "gettext")),
    ("URL building (url_for, routing)", ("werkzeug/routing", "flask/helpers.py", "werkzeug/urls")),
    ("SQLAlchemy", ("sqlalchemy/",)),
    ("psycopg", ("psycopg",)),
    ("forms (WTForms, CSRF)", ("wtforms/", "flask_wtf/")),
    ("cache client (Redis, pickle)", ("redis/", "cachelib/", "flask_caching/")),
    ("escaping (markupsafe)", ("markupsafe/",)),
    ("the app's Python", ("/app/",)),
    ("Flask and Werkzeug (request, response, session)", ("flask/", "werkzeug/", "itsdangerous/")),
)


def _bucket(filename: str) -> str:
    for name, needles in BUCKETS:
        if any(needle in filename for needle in needles):
            return name
    return "other (standard library, builtins)"


def cpu_buckets(stats: pstats.Stats, requests: int) -> list[tuple[str, float]]:
    """CPU ms per request by bucket, from the functions' own time (``tottime``)."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        totals[_bucket(filename)] = totals.get(_bucket(filename), 0.0) + row[2]
    return sorted(((k, v * 1000 / requests) for k, v in totals.items()), key=lambda kv: -kv[1])


def _clear_cache(app: Any) -> None:
    from app.extensions import cache

    with app.app_context():
        cache.clear()
    app.extensions.pop("comment_fragments_recent", None)  # the process's own copies too


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument(
        "--path", default=f"/{settings.LANG}/p/{settings.PROCESS_SLUG}/goals/{settings.BUSY_GOAL}"
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--redis", default=None, help="cache on this Redis (default: none)")
    parser.add_argument("--cold", action="store_true", help="empty the cache before each request")
    parser.add_argument("--html", default=None, help="write pyinstrument's HTML here")
    args = parser.parse_args(argv)

    from pyinstrument import Profiler

    app = _app(args.scale, args.redis)
    _cpu_ms(app, args.path, args.warm)
    statements = _statements(app, args.path)
    times = _cpu_ms(app, args.path, args.requests, cold=args.cold)
    size = len(_visitor(app).get(args.path).data)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    _cpu_ms(app, args.path, args.requests, cold=args.cold)
    profiler.stop()

    cpu = cProfile.Profile(time.process_time)
    cpu.enable()
    _cpu_ms(app, args.path, args.requests, cold=args.cold)
    cpu.disable()
    stats = pstats.Stats(cpu)

    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print("CPU per request by where it is spent (cProfile, process time, with its overhead):")
    for name, ms in cpu_buckets(stats, args.requests):
        print(f"  {ms:6.1f} ms  {name}")
    calls = {name: row[1] for (_f, _l, name), row in stats.stats.items()}  # type: ignore[attr-defined]
    for name in ("gettext", "pgettext", "ngettext", "url_for", "format_datetime", "escape"):
        print(f"  {name}: {calls.get(name, 0) / args.requests:.0f} calls per request")
    if args.html:
        with open(args.html, "w", encoding="utf-8") as out:
            out.write(profiler.output_html())
    print(f"{len(statements)} queries:")
    for statement in statements:
        print("  ", statement)
    print(
        f"{args.path}: {size:,} bytes; CPU per request over {args.requests} requests: "
        f"median {statistics.median(times):.1f} ms, mean {statistics.fmean(times):.1f} ms, "
        f"min {min(times):.1f} ms; load average {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
