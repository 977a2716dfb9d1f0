"""An Arabic goal page shows the process's texts that have no Arabic version in German:
every such text is marked lang="de" (as goal texts are): the rating questions in the form
and the results, and the kinds of comment offered in the comment form. The
missing-translations report lists the rating questions."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.processes.models import Process
from app.ratings.services import rating_questions
from tests.conftest import login_as
from tests.factories import make_goal, make_ratings, make_user

PROMPTS = ("Stimmt die Richtung?", "Wie wichtig ist Ihnen dieses Ziel?")


def _marked(page: str, text: str) -> tuple[int, int]:
    """(occurrences of ``text``, those directly inside an element with lang="de")."""
    total = page.count(text)
    marked = len(re.findall(r'<[a-z]+ lang="de"[^>]*>' + re.escape(text) + "<", page))
    return total, marked


def test_german_fallback_prompts_on_the_arabic_goal_page_are_marked(
    client: FlaskClient, process: Process
) -> None:
    goal = make_goal(process, "1", "Ziel")
    make_ratings(goal)
    login_as(client, make_user())  # signed in: the rating and comment forms are shown
    page = client.get(f"/ar/p/{process.slug}/goals/1").get_data(as_text=True)
    kinds = [kind["label"]["de"] for kind in process.comment_kinds]
    assert kinds
    for text, least in [*((p, 2) for p in PROMPTS), *((k, 1) for k in kinds)]:
        total, marked = _marked(page, text)
        assert total >= least, text  # a prompt: in the form and the results
        assert marked == total, f"{text}: {marked} of {total} marked"


def test_the_missing_translations_report_lists_the_rating_questions(
    staff_client: FlaskClient, process: Process
) -> None:
    page = staff_client.get(f"/de/staff/translate/p/{process.slug}/").get_data(as_text=True)
    questions = rating_questions(process)
    for question in questions:
        assert f'id="missing-rating_{question.id}_prompt"' in page
    assert "Bewertungsfragen" in page
