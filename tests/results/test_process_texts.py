"""The process results page: numbers from the stored snapshot, texts from the current
rows. A reworded goal (a new revision) or rating question shows at once, without a
rebuild, and the page reads a fixed number of queries however many goals it lists."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.extensions import db
from app.goals.editing import GoalTexts, revise_goal
from app.goals.models import Goal
from app.goals.services import current_revision
from app.ratings.models import RatingQuestion
from app.results.models import Aggregate
from app.results.tasks import run_rebuild
from tests.conftest import counting_queries
from tests.factories import make_goal, make_process, make_ratings


def _rate(goal: Any, people: int = 6) -> None:
    for number in range(people):
        make_ratings(goal, {"direction": 4 + number % 2, "importance": 5, "ambition": 1})


@pytest.fixture
def process(app: Any) -> Any:
    process = make_process("texts")
    _rate(make_goal(process, "1", "Digitale Verwaltung"))
    db.session.commit()
    run_rebuild("process", process.id)
    return process


def _versions(process_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Aggregate.version).where(
                Aggregate.scope == "process_results", Aggregate.scope_id == process_id
            )
        )
    )


def test_reworded_goal_and_question_show_without_a_rebuild(
    client: FlaskClient, process: Any
) -> None:
    url = f"/en/p/{process.slug}/results"
    html = client.get(url).get_data(as_text=True)
    assert "1 Digitale Verwaltung" in html and "Is the direction right?" in html
    before = _versions(process.id)
    goal = db.session.scalars(sa.select(Goal).where(Goal.process_id == process.id)).one()
    revision = current_revision(goal)
    texts = GoalTexts({"de": "Digitales Rathaus"}, dict(revision.body), dict(revision.easy_body))
    assert revise_goal(goal, texts=texts, author=None) is not None
    question = db.session.scalars(
        sa.select(RatingQuestion).where(
            RatingQuestion.process_id == process.id, RatingQuestion.key == "direction"
        )
    ).one()
    question.prompt = dict(question.prompt) | {"en": "Is this the way to go?"}
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert _versions(process.id) == before  # no rebuild happened
    assert "1 Digitales Rathaus" in html and "Digitale Verwaltung" not in html
    assert "Is this the way to go?" in html and "Is the direction right?" not in html


def _queries(client: FlaskClient, url: str) -> int:
    """The statements a request reads (transaction control such as BEGIN left out)."""
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


def test_the_page_reads_a_fixed_number_of_queries(client: FlaskClient, process: Any) -> None:
    url = f"/en/p/{process.slug}/results"
    one_goal = _queries(client, url)  # rendered afresh
    one_goal_kept = _queries(client, url)  # the goals' HTML kept for this snapshot
    for code in ("2", "3", "4", "5"):
        _rate(make_goal(process, code, f"Ziel {code}"))
    db.session.commit()
    run_rebuild("process", process.id)
    html = client.get(url).get_data(as_text=True)
    assert all(f"{code} Ziel {code}" in html for code in ("2", "3", "4", "5"))
    assert _queries(client, url) == one_goal_kept
    # a fresh render (a reworded question) of five goals: as many queries as of one
    question = db.session.scalars(
        sa.select(RatingQuestion).where(RatingQuestion.process_id == process.id)
    ).first()
    assert question is not None
    question.prompt = dict(question.prompt) | {"en": "Reworded"}
    db.session.commit()
    assert _queries(client, url) == one_goal
    assert one_goal <= 15
