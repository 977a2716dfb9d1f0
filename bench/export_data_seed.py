"""The data of bench.export_data: a survey of 20 questions and N responses, via COPY."""

from __future__ import annotations

import io
import random
import time
from datetime import date, timedelta
from typing import Any

import psycopg
import sqlalchemy as sa

SLUG = "bench-survey"
PROCESS = "bench-exports"
STAFF = "staff@bench.example"
PASSWORD = "bench password 123"


def _admin(url: str, statement: str) -> None:
    admin = sa.create_engine(
        sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(statement))
    admin.dispose()


def drop(url: str) -> None:
    name = sa.engine.make_url(url).database
    _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _existing(url: str) -> int:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            count = conn.scalar(sa.text("SELECT count(*) FROM survey_response"))
        engine.dispose()
        return int(count or 0)
    except sa.exc.SQLAlchemyError:
        return -1


def prepare(url: str, responses: int, *, reuse: bool) -> dict[str, Any]:
    if reuse and _existing(url) == responses:
        return {"reused": True}
    drop(url)
    _admin(url, f'CREATE DATABASE "{sa.engine.make_url(url).database}"')
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        survey_id, plan = _structure()
        db.session.commit()
        db.engine.dispose()
    started = time.perf_counter()
    rows = _load(url, survey_id, plan, responses)
    return {"answer_rows": rows, "load_seconds": round(time.perf_counter() - started, 1)}


def _structure() -> tuple[int, list[dict[str, Any]]]:
    """The process, a staff member, and the survey; returns what _load needs."""
    from app.accounts.models import Role
    from app.accounts.services import create_user, grant_role
    from app.processes.editing import create_process
    from app.surveys.builder.parts import add_scale
    from app.surveys.builder.structure import (
        add_option,
        add_row,
        create_question,
        create_section,
        create_survey,
    )
    from app.surveys.models import QuestionKind

    process = create_process(slug=PROCESS, title={"de": "Benchmark"}, actor=None)
    staff = create_user(STAFF, "Bench", PASSWORD, verified=True)
    grant_role(staff, process, Role.STAFF)
    survey = create_survey(
        slug=SLUG, title={"de": "Benchmark-Befragung"}, process_id=process.id, anonymised=True
    )
    section = create_section(survey, title={"de": "Seite"})
    plan: list[dict[str, Any]] = []

    def question(kind: QuestionKind, **fields: Any) -> Any:
        number = len(plan) + 1
        item = create_question(section, kind=kind, prompt={"de": f"Frage {number}"}, **fields)
        plan.append({"kind": kind.value, "question": item})
        return item

    for n in range(6):  # text-valued options, coded 1 … 5 by position
        single = question(QuestionKind.SINGLE_CHOICE)
        for value in ("bus", "bahn", "rad", "auto", "fuss"):
            add_option(single, label={"de": f"{value} {n}"}, value=value)
    for _ in range(4):
        add_scale(question(QuestionKind.SCALE))
    for _ in range(2):
        matrix = question(QuestionKind.MATRIX)
        for row in range(4):
            add_row(matrix, label={"de": f"Zeile {row}"})
        add_scale(matrix)
    for _ in range(2):
        multi = question(QuestionKind.MULTIPLE_CHOICE)
        for number in range(6):
            add_option(multi, label={"de": f"Option {number}"}, value=f"o{number}")
    question(QuestionKind.NUMBER, settings={"min": 16, "max": 99})
    question(QuestionKind.NUMBER, settings={"min": 0, "decimal": True})
    ranking = question(QuestionKind.RANKING, settings={"top_n": 3})
    for number in range(4):
        add_option(ranking, label={"de": f"Ziel {number}"}, value=f"z{number}")
    question(QuestionKind.SHORT_TEXT)
    question(QuestionKind.LONG_TEXT)
    conditional = question(QuestionKind.SINGLE_CHOICE)
    for value in ("ja", "nein"):
        add_option(conditional, label={"de": value}, value=value)
    first = plan[0]["question"]
    conditional.show_if = {"question_id": first.id, "option_ids": [first.options[0].id]}
    from app.extensions import db

    db.session.flush()
    for entry in plan:
        item = entry.pop("question")
        entry |= {
            "id": item.id,
            "options": [o.id for o in item.options if not o.is_no_answer],
            "no_answer": [o.id for o in item.options if o.is_no_answer],
            "rows": [r.id for r in item.rows],
            "decimal": bool(item.setting("decimal")),
        }
    return survey.id, plan


def _answers(rid: int, plan: list[dict[str, Any]], rng: random.Random, out: io.StringIO) -> int:
    """One response's answer rows as COPY text; returns how many."""
    count = 0
    first_option = None

    def row(qid: int, item: int, option: Any = "\\N", row_id: Any = "\\N", text: Any = "\\N",
            number: Any = "\\N", rank: Any = "\\N") -> None:  # fmt: skip
        nonlocal count
        out.write(f"{rid}\t{qid}\t{item}\t{option}\t{row_id}\t{text}\t{number}\t\\N\t{rank}\n")
        count += 1

    for entry in plan:
        qid, kind, options = entry["id"], entry["kind"], entry["options"]
        if rng.random() < 0.06:  # item non-response
            continue
        if kind == "single_choice":
            if entry is plan[-1] and first_option != plan[0]["options"][0]:
                continue  # hidden by its condition
            option = rng.choice(options)
            first_option = first_option or option
            row(qid, 0, option)
        elif kind == "scale":
            if rng.random() < 0.05:
                row(qid, 0, entry["no_answer"][0])
            else:
                point = rng.randrange(5)
                row(qid, 0, options[point], number=point + 1)
        elif kind == "matrix":
            for row_id in entry["rows"]:
                point = rng.randrange(5)
                row(qid, row_id, options[point], row_id, number=point + 1)
        elif kind == "multiple_choice":
            for option in rng.sample(options, rng.randint(1, 3)):
                row(qid, option, option)
        elif kind == "number":
            number = round(rng.random() * 10, 1) if entry["decimal"] else rng.randint(16, 99)
            row(qid, 0, number=number)
        elif kind == "ranking":
            for rank, option in enumerate(rng.sample(options, 3), start=1):
                row(qid, option, option, rank=rank)
        elif kind == "short_text" and rng.random() < 0.1:
            row(qid, 0, text="kurze Antwort")
        elif kind == "long_text" and rng.random() < 0.05:
            row(qid, 0, text="Eine längere Antwort mit Umlauten: Öffentlicher Nahverkehr")
    return count


def _load(url: str, survey_id: int, plan: list[dict[str, Any]], responses: int) -> int:
    rng = random.Random(2035)
    conninfo = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(False)
    total = 0
    start_day = date(2025, 3, 1)
    with psycopg.connect(conninfo) as conn, conn.cursor() as cursor:
        base = cursor.execute("SELECT coalesce(max(id), 0) FROM survey_response").fetchone()
        first_id = int(base[0] if base else 0) + 1
        for offset in range(0, responses, 10_000):
            ids = range(first_id + offset, first_id + min(offset + 10_000, responses))
            people = io.StringIO()
            answers = io.StringIO()
            for rid in ids:
                day = start_day + timedelta(days=rid % 60)
                channel = "paper" if rid % 7 == 0 else "online"
                weight = round(0.5 + rng.random(), 4)
                people.write(f"{rid}\t{survey_id}\t{channel}\tsubmitted\t{day}\t\t{weight}\n")
                total += _answers(rid, plan, rng, answers)
            columns = "id, survey_id, channel, state, submitted_on, batch_label, weight"
            with cursor.copy(f"COPY survey_response ({columns}) FROM STDIN") as copy:
                copy.write(people.getvalue())
            columns = (
                "response_id, question_id, item, option_id, row_id, value_text, value_number,"
                " value_date, rank"
            )
            with cursor.copy(f"COPY survey_answer ({columns}) FROM STDIN") as copy:
                copy.write(answers.getvalue())
        cursor.execute(
            "SELECT setval('survey_response_id_seq', (SELECT max(id) FROM survey_response))"
        )
        cursor.execute("ANALYZE survey_response")
        cursor.execute("ANALYZE survey_answer")
    return total
