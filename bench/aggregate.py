"""Results benchmark: a full rebuild of a survey's results on PostgreSQL.

    .venv/bin/python -m bench.aggregate [--database postgresql+psycopg://postgres@127.0.0.1/mitwirken_bench_results]
                                        [--responses 50000] [--repeat 3] [--keep]

Creates a throwaway database (dropped at the end unless ``--keep``), migrates it,
builds a survey of 20 questions (4 demographic, 6 scales, 2 multiple choice, a
matrix of 3 rows, a ranking of 3, 2 numbers, 2 single choice, 2 texts), adds
``--responses`` synthetic responses through the bulk path of
``app.demo.survey_responses`` (about a million answer rows for 50,000) and population
margins for age band and municipality, so the rebuild rakes and writes weights too.

Then it times, in the same run and ``--repeat`` times each:

- the full rebuild as the task runs it (``app.results.tasks.run_rebuild``: claim,
  rake and write weights, count, build overall results, cross-tabs and public
  patterns, store the snapshot rows), and
- a raw ``SELECT question_id, option_id, count(*) FROM survey_answer GROUP BY 1, 2``
  over the same rows,

and prints both and their ratio. Results go to bench/results/aggregate.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SCALE = [(str(v), {"de": f"Stufe {v}"}) for v in range(1, 6)]
CHOICES = [(f"c{v}", {"de": f"Antwort {v}"}) for v in range(1, 8)]
MUNICIPALITIES = [(f"m{v}", {"de": f"Gemeinde {v}"}) for v in range(1, 9)]


def _admin(url: str, statement: str) -> None:
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(statement))
    admin.dispose()


def _choice(section: Any, kind: Any, title: str, **settings: Any) -> Any:
    from app.surveys.builder.structure import create_question

    options = [{"value": v, "label": label} for v, label in CHOICES]
    return create_question(
        section, kind=kind, prompt={"de": title}, options=options, settings=settings
    )


def _survey() -> Any:
    from app.surveys.builder.parts import add_demographic_question, add_scale
    from app.surveys.builder.structure import (
        create_question,
        create_section,
        create_survey,
        set_state,
    )
    from app.surveys.models import QuestionKind, SurveyState

    survey = create_survey(slug="bench-results", title={"de": "Benchmark"})
    main = create_section(survey, title={"de": "Fragen"})
    for n in range(6):
        add_scale(
            create_question(main, kind=QuestionKind.SCALE, prompt={"de": f"Skala {n}"}), SCALE
        )
    for n in range(2):
        _choice(main, QuestionKind.MULTIPLE_CHOICE, f"Mehrfach {n}", max_choices=3)
        _choice(main, QuestionKind.SINGLE_CHOICE, f"Einfach {n}")
    rows = [{"label": {"de": f"Zeile {r}"}} for r in range(3)]
    add_scale(
        create_question(main, kind=QuestionKind.MATRIX, prompt={"de": "Matrix"}, rows=rows), SCALE
    )
    _choice(main, QuestionKind.RANKING, "Rangfolge", top_n=3)
    for n in range(2):
        create_question(
            main, kind=QuestionKind.NUMBER, prompt={"de": f"Zahl {n}"}, settings={"max": 120}
        )
    create_question(main, kind=QuestionKind.SHORT_TEXT, prompt={"de": "Kurz"})
    create_question(main, kind=QuestionKind.LONG_TEXT, prompt={"de": "Lang"})
    about = create_section(survey, title={"de": "Person"})
    add_demographic_question(about, "age_band")
    add_demographic_question(about, "gender")
    add_demographic_question(about, "municipality", choices=MUNICIPALITIES)
    add_demographic_question(about, "stakeholder")
    set_state(survey, SurveyState.OPEN)
    return survey


def _margins(survey: Any) -> None:
    from app.results.margins import MarginEntry, save_margins

    entries = []
    for question in survey.questions:
        preset = question.setting("preset")
        if preset not in ("age_band", "municipality"):
            continue
        options = [o for o in question.options if not o.is_no_answer]
        share = 100 / len(options)
        entries += [MarginEntry(question.id, o.id, share) for o in options]
    save_margins(survey, entries, trim_cap=5.0, source="Benchmark")


def _seed(responses: int) -> int:
    from app.demo.survey_responses import generate_responses
    from app.extensions import db

    survey = _survey()
    started = time.perf_counter()
    generate_responses(survey, responses, seed=7)
    _margins(survey)
    db.session.execute(sa.text("DELETE FROM aggregate"))  # the eager rebuild is timed below
    db.session.commit()
    print(f"seeded {responses} responses in {time.perf_counter() - started:.0f} s")
    return int(survey.id)


def _analyze() -> None:
    from app.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def _time(function: Any, repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return seconds


def _raw_group_by() -> None:
    from app.extensions import db

    db.session.execute(
        sa.text("SELECT question_id, option_id, count(*) FROM survey_answer GROUP BY 1, 2")
    ).all()
    db.session.rollback()


def _report(survey_id: int, repeat: int) -> dict[str, Any]:
    from app.extensions import db
    from app.results.tasks import run_rebuild

    answers = db.session.scalar(sa.text("SELECT count(*) FROM survey_answer"))
    responses = db.session.scalar(sa.text("SELECT count(*) FROM survey_response"))
    db.session.rollback()
    raw = _time(_raw_group_by, repeat)
    rebuild = _time(lambda: run_rebuild("survey", survey_id), repeat)
    sizes = db.session.execute(
        sa.text("SELECT scope, count(*), sum(length(data::text)) FROM aggregate GROUP BY scope")
    ).all()
    db.session.rollback()
    return {
        "responses": responses,
        "answers": answers,
        "raw_group_by_s": [round(s, 3) for s in raw],
        "rebuild_s": [round(s, 3) for s in rebuild],
        "ratio_median": round(statistics.median(rebuild) / statistics.median(raw), 1),
        "snapshot_bytes": {scope: int(size) for scope, _n, size in sizes},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/mitwirken_bench_results",
    )
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use a kept database as it is")
    args = parser.parse_args()
    name = sa.engine.make_url(args.database).database
    if not args.reuse:
        _admin(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(args.database, f'CREATE DATABASE "{name}"')
    from flask_migrate import upgrade

    from app import create_app
    from app.config import _celery_settings
    from app.extensions import db

    eager = {"REDIS_URL": None, "CELERY": _celery_settings(None)}
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, **eager})
    try:
        with app.app_context():
            if args.reuse:
                survey_id = db.session.scalar(sa.text("SELECT id FROM survey"))
            else:
                upgrade()
                survey_id = _seed(args.responses)
            _analyze()
            report = _report(survey_id, args.repeat)
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep and not args.reuse:
            _admin(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "aggregate.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
