"""Population margins: the CSV parser with line-numbered errors, validation with
translated messages, and the save service."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from app.audit.models import AuditEvent
from app.extensions import db
from app.results.margins import (
    MarginEntry,
    MarginProblemCode,
    MarginsInvalidError,
    load_margins,
    parse_margins_csv,
    save_margins,
)
from app.results.models import PopulationMargin
from tests.results.conftest import ResultsSurvey, build_results_survey

GOOD = """question;category;share
municipality;Gemeinde Lehre;50,5
municipality;velpke;30
municipality;Nord-Elm;19,5 %
gender;weiblich;51
gender;male;48
gender;divers;1
"""


@pytest.fixture
def made(app: Flask) -> ResultsSurvey:
    return build_results_survey()


def _codes(problems: list) -> list[tuple[MarginProblemCode, int | None]]:
    return [(p.code, p.line) for p in problems]


def test_a_good_file_gives_one_entry_per_line(made: ResultsSurvey) -> None:
    entries, problems = parse_margins_csv(made.survey, GOOD)
    assert problems == []
    assert entries[0] == MarginEntry(made.q["town"].id, made.option("town", "lehre").id, 50.5, 2)
    assert [e.line for e in entries] == [2, 3, 4, 5, 6, 7]
    assert entries[2].share == 19.5


def test_comma_separated_files_and_question_ids_work_too(made: ResultsSurvey) -> None:
    text = "question,category,share\n" + "\n".join(
        f"{made.q['town'].id},{value},{share}"
        for value, share in (("lehre", "50.5"), ("velpke", "30"), ("nord", "19.5"))
    )
    entries, problems = parse_margins_csv(made.survey, text)
    assert problems == [] and len(entries) == 3


def test_errors_name_their_line(made: ResultsSurvey) -> None:
    text = (
        "question;category;share\n"
        "municipality;Lehre-Ost;50\n"  # unknown category
        "municipality;velpke;dreißig\n"  # not a number
        "schuhgröße;42;10\n"  # unknown question
        "municipality;nord\n"  # two columns
    )
    _entries, problems = parse_margins_csv(made.survey, text)
    assert _codes(problems) == [
        (MarginProblemCode.UNKNOWN_CATEGORY, 2),
        (MarginProblemCode.SHARE_NOT_NUMBER, 3),
        (MarginProblemCode.UNKNOWN_QUESTION, 4),
        (MarginProblemCode.COLUMNS, 5),
    ]
    assert problems[1].field == "share"
    with force_locale("en"):
        assert problems[0].message() == "Line 2: “Lehre-Ost” is not an option of this question."
    with force_locale("de"):
        assert problems[1].message() == (
            "Zeile 3: „dreißig“ ist keine Zahl. Schreiben Sie einen Prozentsatz wie 12,5."
        )


def test_shares_must_add_up_and_cover_every_category(made: ResultsSurvey) -> None:
    text = "question;category;share\nmunicipality;lehre;50\nmunicipality;velpke;40\n"
    _entries, problems = parse_margins_csv(made.survey, text)
    assert _codes(problems) == [
        (MarginProblemCode.MISSING_CATEGORY, None),
        (MarginProblemCode.SUM, None),
    ]
    with force_locale("en"):
        assert "add up to 90.0 percent" in problems[1].message()
    with force_locale("de"):  # the sum in the language's own numbers, as the inputs are
        assert "ergeben zusammen 90,0 Prozent" in problems[1].message()


def test_no_answer_options_duplicates_and_other_questions_are_refused(made: ResultsSurvey) -> None:
    text = (
        "question;category;share\n"
        "municipality;keine Angabe;10\n"
        "municipality;lehre;60\n"
        "municipality;lehre;20\n"
        f"{made.q['scale'].id};1;20\n"
    )
    _entries, problems = parse_margins_csv(made.survey, text)
    assert _codes(problems)[:3] == [
        (MarginProblemCode.NO_ANSWER_CATEGORY, 2),
        (MarginProblemCode.DUPLICATE, 4),
        (MarginProblemCode.NOT_DEMOGRAPHIC, 5),
    ]


def test_an_empty_file_or_a_wrong_header(made: ResultsSurvey) -> None:
    assert _codes(parse_margins_csv(made.survey, "")[1]) == [(MarginProblemCode.EMPTY, None)]
    bad = "Frage;Kategorie;Anteil\nmunicipality;lehre;100\n"
    assert _codes(parse_margins_csv(made.survey, bad)[1]) == [(MarginProblemCode.HEADER, 1)]


def test_saving_replaces_the_margins_audits_and_marks_the_results_dirty(
    made: ResultsSurvey,
) -> None:
    entries, problems = parse_margins_csv(made.survey, GOOD)
    assert not problems
    save_margins(made.survey, entries, trim_cap=4.0, source="Zensus 2022")
    db.session.commit()
    margins, settings = load_margins(made.survey.id)
    assert settings.trim_cap == 4.0 and settings.source == "Zensus 2022"
    town = next(m for m in margins if m.question_id == made.q["town"].id)
    assert town.shares[made.option("town", "lehre").id] == pytest.approx(0.505)
    save_margins(made.survey, entries[:3])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PopulationMargin)) == 3
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("results.margins_saved") == 2


def test_invalid_margins_or_cap_are_not_saved(made: ResultsSurvey) -> None:
    entries, _problems = parse_margins_csv(made.survey, GOOD)
    with pytest.raises(MarginsInvalidError) as error:
        save_margins(made.survey, entries, trim_cap=0.5)
    assert _codes(error.value.problems) == [(MarginProblemCode.CAP_RANGE, None)]
    with pytest.raises(MarginsInvalidError):
        save_margins(made.survey, entries[:2])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PopulationMargin)) == 0
