"""Profile one page of the bench database in-process: CPU per request, queries, a profile.

    python -m bench.profile_page [--scale M] [--path /de/p/bench-hf12/goals/12.2.2]
                                 [--requests 200] [--html profile.html]
    python -m bench.profile_page --post survey|survey-short|comment --redis redis://…/N
        [--database URL]

No gunicorn and no load generator: the app (production settings, the bench database,
the rate limiter off) answers ``--requests`` first-time visitors through Flask's test
client in this process, one after the other. It prints the CPU time per request
(``time.process_time``, so it means something on a busy machine where requests per
second do not), the SQL statements of one request, and pyinstrument's call tree of
all requests. ``--warm`` requests go first (catalogs, templates, caches).
``--cold`` empties the fragment cache before each request (every comment rendered);
``--redis URL`` caches on Redis as production does, else in the process's memory.

``--post survey`` profiles survey submissions instead (start, page with 20 answers,
submit: three requests counted as one), ``--post survey-short`` the same survey
without the summary (start, the page that submits: two), ``--post comment`` anonymous comments
(:mod:`bench.profile_posts`). Give ``--redis`` so that tasks are queued as in
production (they are purged afterwards; without it they run inside the requests).
What the POSTs wrote is deleted at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from bench import settings

Action = Callable[[], None]  # one request, or the requests of one submission


def _app(database: str, redis: str | None) -> Any:
    env = settings.server_env(database, redis or "", "bench-profile")
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


def _page(app: Any, path: str, *, cold: bool) -> Action:
    def get() -> None:
        if cold:  # every request renders every comment (the first visit after a deploy)
            _clear_cache(app)
        response = _visitor(app).get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    return get


def _statements(app: Any, action: Action) -> list[str]:
    from app.extensions import db

    found: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found.append(" ".join(statement.split())[:140])

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", _count)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)
    return found


def _cpu_ms(action: Action, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1000)
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


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="M")
    parser.add_argument("--database", default=None, help="default mitwirken_bench_<scale>")
    parser.add_argument(
        "--path", default=f"/{settings.LANG}/p/{settings.PROCESS_SLUG}/goals/{settings.BUSY_GOAL}"
    )
    parser.add_argument("--post", choices=("survey", "survey-short", "comment"), default=None)
    parser.add_argument("--requests", type=int, default=None, help="200 (GET), 100 (--post)")
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--redis", default=None, help="cache on this Redis (default: none)")
    parser.add_argument("--cold", action="store_true", help="empty the cache before each request")
    parser.add_argument("--html", default=None, help="write pyinstrument's HTML here")
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = 100 if args.post else 200
    return args


def _action(app: Any, args: argparse.Namespace) -> Action:
    if not args.post:
        return _page(app, args.path, cold=args.cold)
    from bench.profile_posts import Posts

    return Posts(app, args.post, args.warm + 1 + 3 * args.requests)


def _finish(app: Any, args: argparse.Namespace, action: Action) -> str:
    """What the summary line names; deletes what POSTs wrote."""
    from bench.profile_posts import Posts, reset

    if isinstance(action, Posts):
        print("removed again:", reset(app, action.manifest))
        return f"one {args.post} submission"
    return f"{args.path}: {len(_visitor(app).get(args.path).data):,} bytes"


def _report(stats: pstats.Stats, requests: int) -> None:
    print("CPU per request by where it is spent (cProfile, process time, with its overhead):")
    for name, ms in cpu_buckets(stats, requests):
        print(f"  {ms:6.1f} ms  {name}")
    calls = {name: row[1] for (_f, _l, name), row in stats.stats.items()}  # type: ignore[attr-defined]
    for name in ("gettext", "pgettext", "ngettext", "url_for", "format_datetime", "escape"):
        print(f"  {name}: {calls.get(name, 0) / requests:.0f} calls per request")


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    from pyinstrument import Profiler

    app = _app(args.database or settings.database_url(args.scale), args.redis)
    action = _action(app, args)
    _cpu_ms(action, args.warm)
    statements = _statements(app, action)
    times = _cpu_ms(action, args.requests)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    _cpu_ms(action, args.requests)
    profiler.stop()

    cpu = cProfile.Profile(time.process_time)
    cpu.enable()
    _cpu_ms(action, args.requests)
    cpu.disable()

    print(profiler.output_text(unicode=True, color=False, show_all=False))
    _report(pstats.Stats(cpu), args.requests)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as out:
            out.write(profiler.output_html())
    print(f"{len(statements)} queries:")
    for statement in statements:
        print("  ", statement)
    print(
        f"{_finish(app, args, action)}: CPU each, over {args.requests}: "
        f"median {statistics.median(times):.1f} ms, mean {statistics.fmean(times):.1f} ms, "
        f"min {min(times):.1f} ms; load average {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
