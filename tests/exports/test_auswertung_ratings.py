"""The rating charts of the Auswertung (DOCX, PDF): the council annex becomes public
with the Vorlage, so it shows the public (suppressed) counts and says so."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

import pytest
from docx import Document
from flask_babel import force_locale

from app.exports.auswertung import docx_file, pdf
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from app.ratings.services import rating_questions, save_ratings
from tests.factories import make_goal, make_participant

# Seven raters: five agree (4), two disagree (2); importance and ambition all alike.
# The 2 is hidden, and its complement is the 5, not a zero (a reader fills zeros in).
DIRECTIONS = [4, 4, 4, 4, 4, 2, 2]
FOOTNOTE = "Values below 5 are hidden"


@pytest.fixture
def rated(process: Process) -> Goal:
    goal = make_goal(process, "1", "Digitale Verwaltung")
    questions = {q.key: q.id for q in rating_questions(process)}
    for index, direction in enumerate(DIRECTIONS):
        person = make_participant(f"Rater {index}")
        answers = {"direction": direction, "importance": 5, "ambition": 1}
        save_ratings(process, goal, person, {questions[k]: v for k, v in answers.items()})
    db.session.commit()
    return goal


def _write(module: Any, process: Process, lang: str = "en") -> bytes:
    out = io.BytesIO()
    with force_locale(lang):
        module.write(process, None, lang, out, lambda _rows: None)
    return out.getvalue()


def _rating_row(lines: list[str]) -> str:
    return next(line for line in lines if "Strongly disagree:" in line)


def test_docx_charts_hide_the_small_cell_and_its_complement(process: Process, rated: Goal) -> None:
    document = Document(io.BytesIO(_write(docx_file, process)))
    rows = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    direction = _rating_row(rows)
    assert "Agree: \u2013" in direction and "Disagree: \u2013" in direction
    assert "Strongly disagree: 0 " in direction  # a zero is no complement
    assert ": 2 " not in direction and "28.6" not in direction and "71.4" not in direction
    assert any(cell.endswith("(n = 7)") for cell in rows)
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert FOOTNOTE in paragraphs
    assert "Mean agreement" not in paragraphs and "7 people rated this goal." in paragraphs


def test_pdf_charts_show_the_same_suppressed_numbers(process: Process, rated: Goal) -> None:
    text = subprocess.run(  # noqa: S603 (poppler, a fixed command line)
        [shutil.which("pdftotext") or "/usr/bin/pdftotext", "-layout", "-", "-"],  # poppler
        input=_write(pdf, process),
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    flat = " ".join(text.split())
    assert "Agree: \u2013" in flat and "Disagree: \u2013" in flat
    assert "Strongly disagree: 0 " in flat  # a zero is no complement
    assert "Disagree: 2" not in flat and "28.6" not in flat and "71.4" not in flat
    assert FOOTNOTE in flat and "Mean agreement" not in flat


def test_no_footnote_when_nothing_is_hidden(process: Process) -> None:
    goal = make_goal(process, "1", "Digitale Verwaltung")
    questions = {q.key: q.id for q in rating_questions(process)}
    for index in range(5):
        answers = {questions["direction"]: 4, questions["importance"]: 5}
        save_ratings(process, goal, make_participant(f"Alike {index}"), answers)
    db.session.commit()
    document = Document(io.BytesIO(_write(docx_file, process)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Mean agreement: 4.0" in paragraphs and FOOTNOTE not in paragraphs


def test_the_german_annex_names_the_threshold(process: Process, rated: Goal) -> None:
    document = Document(io.BytesIO(_write(docx_file, process, "de")))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Werte unter 5 sind ausgeblendet" in paragraphs
