"""Synthetic survey responses in bulk: how long `flask demo responses` takes.

    .venv/bin/python -m bench.survey_responses [--database sqlite:////tmp/bench-survey.db]
                                               [--count 5867] [--seed 7]

Migrates the database (a throwaway SQLite file by default), loads the demo and
times the synthetic responses for the demo survey (the county's 5,867 respondents by
default). Prints responses per second and writes bench/results/survey_responses.json.
The test suite checks what is stored; how fast it is, is measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=None)
    parser.add_argument("--count", type=int, default=5867)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-survey-")
    url = args.database or f"sqlite:///{workdir}/bench.db"
    os.environ.setdefault("SECRET_KEY", "bench-secret")

    from flask_migrate import upgrade

    from app import create_app
    from app.demo.loader import load_demo
    from app.demo.survey_content import SLUG
    from app.demo.survey_loader import demo_weights
    from app.demo.survey_responses import generate_responses
    from app.extensions import db
    from app.surveys.models import Survey

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        survey = db.session.scalar(sa.select(Survey).where(Survey.slug == SLUG))
        assert survey is not None, "the demo survey was not loaded"
        started = time.perf_counter()
        generate_responses(survey, args.count, seed=args.seed, weights=demo_weights(survey))
        db.session.commit()
        seconds = time.perf_counter() - started
    report = {
        "database": sa.engine.make_url(url).get_backend_name(),
        "responses": args.count,
        "seconds": round(seconds, 2),
        "responses_per_second": round(args.count / seconds, 1),
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "survey_responses.json").write_text(json.dumps(report, indent=2))
    print(report)


if __name__ == "__main__":
    main()
