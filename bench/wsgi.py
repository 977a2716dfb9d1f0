"""The WSGI app the benchmark's gunicorn serves: the real app plus the floor route.

    gunicorn -w 2 'bench.wsgi:bench_app()'

``app.create_app()`` is unchanged. Two things differ, both only here:

- ``/<lang>/bench/floor`` renders ``base.html`` with an empty content block through the
  same stack (locale, CSP headers, context processors, session), without a database
  query. It is the floor every page is measured against. It lives in this module, not
  under ``app/``: production's ``app:create_app()`` never has the route, so no public,
  unguarded route exists outside a benchmark.
- Tasks go to the queue named in ``BENCH_QUEUE`` (one per run), so a test worker on
  the same Redis database never takes a benchmark task, nor the other way round.
- The worker accepts ``pool_restart``, so the harness can give an export a fresh
  pool process (forked, no memory kept from earlier tasks).
- The rate limiter is off. All load comes from one loopback address, which would hit
  "5 comments per minute" after five requests. (Once the app trusts a proxy header,
  the harness can send one address per prepared request and keep the limiter on.)
"""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Flask, render_template_string

from app import create_app

FLOOR_TEMPLATE = (
    '{% extends "base.html" %}{% block title %}Floor{% endblock %}'
    "{% block content %}<h1>Floor</h1>{% endblock %}"
)

floor_bp = Blueprint("bench", __name__)


@floor_bp.route("/floor")
def floor() -> str:
    return render_template_string(FLOOR_TEMPLATE)


def bench_app(config: dict[str, Any] | None = None) -> Flask:
    """The app as gunicorn serves it; ``config`` for the harness's own copy."""
    application = create_app({"RATELIMIT_ENABLED": False, **(config or {})})
    application.register_blueprint(floor_bp, url_prefix="/<lang_code>/bench")
    celery = application.extensions["celery"]
    queue = os.environ.get("BENCH_QUEUE")
    if queue:
        celery.conf.task_default_queue = queue
    celery.conf.worker_pool_restarts = True  # the harness renews the pool child
    return application
