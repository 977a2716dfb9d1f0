"""Entry point of the benchmark's Celery worker: `celery -A bench.celery_app worker -Q …`.

The same app as ``worker.celery_app``, built by ``bench.wsgi.bench_app`` so that it
uses the run's queue (``BENCH_QUEUE``).
"""

from bench.wsgi import bench_app

flask_app = bench_app()
app = flask_app.extensions["celery"]
