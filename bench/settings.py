"""What the benchmark builds and where: scales, names, service addresses.

Every other bench module reads its numbers from here, so a scale or a slug is
changed in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "lua"

PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
# The server and the harness sign sessions and CSRF tokens with the same key, so the
# harness can prepare (cookie, token) pairs without asking the server for forms.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY", "mitwirken-bench-secret-not-for-production")

# Bump when the generated data changes shape: a database from an older generator is
# rebuilt instead of reused.
GENERATOR_VERSION = 1

PROCESS_SLUG = "bench-hf12"
BUSY_GOAL = "12.2.2"  # the goal with 5,000 comments (M)
POST_GOAL = "12.5.2"  # comment_post writes here, so the busy goal stays as generated
SURVEY_SLUG = "bench-befragung"  # the survey with 50,000 (M) responses
LOAD_SURVEY_SLUG = "bench-befragung-last"  # same questions; survey_submit writes here
LANG = "de"

# gunicorn: 2 sync workers (one per core), as in production (Dockerfile, 4 sync
# workers). BENCH_GUNICORN_THREADS=N (N > 1) runs gthread workers of N threads instead,
# to compare (docs/performance.md, "Write path (session 7)": no clear gain measured on
# a loaded machine, a worse p99).
GUNICORN_WORKERS = 2
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "1"))


def gunicorn_worker_class() -> str:
    return "gthread" if GUNICORN_THREADS > 1 else "sync"


@dataclass(frozen=True)
class Scale:
    name: str
    participants: int  # rating participants (also the authors of online comments)
    busy_comments: int  # comments on BUSY_GOAL, replies included
    contributions: int  # all comments and offline input of the process (Abwägung rows)
    responses: int  # submitted responses of SURVEY_SLUG
    votes_per_comment: float  # supports/objections on the busy goal, on average
    goals_rated: int  # goals each participant rates (all three questions)


SCALES = {
    "S": Scale("S", 300, 300, 2_000, 500, 2.0, 2),
    "M": Scale("M", 20_000, 5_000, 100_000, 50_000, 6.0, 3),
    "L": Scale("L", 20_000, 5_000, 100_000, 250_000, 6.0, 3),
}


def database_url(scale: str) -> str:
    """The bench database of one scale: ``mitwirken_bench_<scale>``."""
    from sqlalchemy.engine import make_url

    name = f"mitwirken_bench_{scale.lower()}"
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def plain_dsn(url: str) -> str:
    """A SQLAlchemy URL as a libpq DSN for psycopg."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def server_env(database: str, redis: str, queue: str) -> dict[str, str]:
    """Environment of gunicorn, the Celery worker and the harness's own app copy:
    production mode, the bench secret, the run's task queue."""
    return {
        "FLASK_APP": "app",
        "MITWIRKEN_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "BENCH_QUEUE": queue,
        "BASE_URL": "http://127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
