"""Words that mean two things get a context each: "Report" the action (melden) is not
"Report" the document (Bericht), "Reply" the action (antworten) is not a reply (Antwort)."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import PhaseKind
from tests.conftest import login_as
from tests.factories import make_comment, make_goal, make_process, make_user

# The link that reports a comment, and the process report, per language.
REPORT_ACTION = {
    "de": "Melden",
    "en": "Report",
    "tr": "Şikâyet et",
    "ar": "إبلاغ",
    "uk": "Поскаржитися",
    "ru": "Пожаловаться",
}
PROCESS_REPORT = {"de": "Bericht", "tr": "Rapor", "ar": "التقرير", "uk": "Звіт", "ru": "Отчёт"}
REPLY_ACTION = {
    "de": "Antworten",
    "tr": "Yanıtla",  # noqa: RUF001
    "ar": "رد",
    "uk": "Відповісти",
    "ru": "Ответить",
}
A_REPLY = {
    "de": "Antwort",
    "tr": "Yanıt",  # noqa: RUF001
    "ar": "رد على تعليق",
    "uk": "Відповідь",
    "ru": "Ответ",
}


def _link_text(page: str, href_part: str) -> str:
    match = re.search(rf'<a class="kern-link" href="[^"]*{href_part}"[^>]*>([^<]+)</a>', page)
    assert match, f"no link to …{href_part}"
    return match.group(1).strip()


@pytest.fixture
def comment(app: object) -> Comment:
    process = make_process()
    goal = make_goal(process, "1.1", "Mehr Radwege")
    return make_comment(goal)


@pytest.mark.parametrize("lang", sorted(REPORT_ACTION))
def test_the_link_to_report_a_comment_is_an_action(
    client: FlaskClient, comment: Comment, lang: str
) -> None:
    page = client.get(f"/{lang}/p/hf12/goals/1.1").get_data(as_text=True)
    assert _link_text(page, f"/comments/{comment.id}/report") == REPORT_ACTION[lang]


@pytest.mark.parametrize("lang", sorted(PROCESS_REPORT))
def test_the_process_report_stays_a_report(client: FlaskClient, lang: str) -> None:
    make_process(phase=PhaseKind.RESULTS)
    page = client.get(f"/{lang}/p/hf12/report").get_data(as_text=True)
    assert f"<title>{PROCESS_REPORT[lang]} \N{EN DASH}" in page


@pytest.mark.parametrize("lang", sorted(REPLY_ACTION))
def test_a_reply_in_the_workspace_is_a_noun_and_the_link_a_verb(
    client: FlaskClient, comment: Comment, lang: str
) -> None:
    login_as(client, make_user())
    goal_page = client.get(f"/{lang}/p/hf12/goals/1.1").get_data(as_text=True)
    assert _link_text(goal_page, f"/comments/{comment.id}/reply") == REPLY_ACTION[lang]

    goal = db.session.get(Goal, comment.goal_id)
    assert goal is not None
    reply = make_comment(goal, "Eine Antwort", parent=comment)
    login_as(client, make_user("admin@example.org", "Admin", is_admin=True))
    page = client.get(f"/{lang}/staff/assessment/p/hf12/").get_data(as_text=True)
    row = page[page.index("Eine Antwort") :]
    meta = row.split("\n")[1]  # author · kind · channel · reply
    assert re.search(rf" · {A_REPLY[lang]}(</span>| · )", meta), meta
    assert reply.parent_id == comment.id
