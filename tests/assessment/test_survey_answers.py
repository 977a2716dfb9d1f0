"""Abwägung: survey open answers in the workspace, and linking from the goal editor."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.accounts.models import Role
from app.assessment.models import Assessment, Consideration
from app.assessment.services import assessing, workspace
from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.participation.models import StakeholderGroup
from app.processes.models import PhaseKind, Process
from app.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Section,
    Survey,
)
from tests.assessment.conftest import tag, text
from tests.conftest import counting_queries, login_as, submit
from tests.factories import (
    make_assessment,
    make_comment,
    make_goal,
    make_process,
    make_user,
)
from tests.staff.conftest import goal_form, process_form

BASE = "/en/staff/assessment/p/hf12"
STAFF = "/en/staff/p/hf12"


@pytest.fixture
def survey(process: Process, goal: Goal) -> Survey:
    survey = Survey(process_id=process.id, slug="umfrage", title={"en": "Staff survey"})
    section = Section(position=0)
    section.questions = [
        Question(kind=QuestionKind.LONG_TEXT, prompt={"en": "What should change?"}, position=0),
        Question(kind=QuestionKind.NUMBER, prompt={"en": "How many years?"}, position=1),
        Question(
            kind=QuestionKind.SHORT_TEXT, prompt={"en": "One word"}, position=2, goal_id=goal.id
        ),
    ]
    survey.sections = [section]
    db.session.add(survey)
    db.session.commit()
    return survey


def answer(
    survey: Survey,
    value: str | None,
    *,
    question: int = 0,
    state: ResponseState = ResponseState.SUBMITTED,
    number: float | None = None,
) -> Answer:
    response = Response(survey_id=survey.id, state=state)
    db.session.add(response)
    db.session.flush()
    item = Answer(
        response_id=response.id,
        question_id=survey.questions[question].id,
        value_text=value,
        value_number=number,
    )
    db.session.add(item)
    db.session.commit()
    return item


def save_answer(client: FlaskClient, item: Answer, query: str = "", **data: Any) -> Any:
    url = f"{BASE}/answers/{item.id}{query}"
    page = text(client.get(url))
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    values = {
        "consideration": "noted",
        "rationale": "Zur Kenntnis genommen.",
        "stakeholder_group": "administration",
        "goal_revision": "0",
        "version": version,
        "after": "stay",
    } | data
    return submit(client, url, values)


def answer_assessment(item: Answer) -> Assessment | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Assessment).where(Assessment.answer_id == item.id))


# --- survey open answers in the workspace -----------------------------------------------


def test_open_answers_of_submitted_responses_join_the_table(
    staff_client: FlaskClient, process: Process, goal: Goal, survey: Survey
) -> None:
    listed = make_comment(goal, "Ein Kommentar")
    shown = answer(survey, "Mehr Homeoffice ermöglichen")
    answer(survey, "Noch nicht abgeschickt", state=ResponseState.IN_PROGRESS)
    answer(survey, "   ")  # empty text
    answer(survey, None, question=1, number=3)  # not an open question
    page = text(staff_client.get(f"{BASE}/"))
    assert "Ein Kommentar" in page and "Mehr Homeoffice ermöglichen" in page
    assert "Noch nicht abgeschickt" not in page
    assert f"{BASE}/answers/{shown.id}" in page and f"{BASE}/contributions/{listed.id}" in page
    assert f"Participant {shown.response_id}" in page  # pseudonymised, never user data
    assert "0 of 2 assessed" in page
    assert workspace.progress(process) == (0, 2)


def test_survey_answers_can_be_switched_off(
    staff_client: FlaskClient, process: Process, goal: Goal, survey: Survey
) -> None:
    make_comment(goal)
    item = answer(survey, "Mehr Homeoffice")
    process.assess_survey_answers = False
    db.session.commit()
    page = text(staff_client.get(f"{BASE}/"))
    assert "Mehr Homeoffice" not in page and 'value="survey"' not in page
    assert workspace.progress(process) == (0, 1)
    assert staff_client.get(f"{BASE}/answers/{item.id}").status_code == 404


def test_answers_of_other_processes_are_not_listed(
    staff_client: FlaskClient, process: Process, survey: Survey
) -> None:
    other = make_process("other")
    foreign = Survey(process_id=other.id, slug="fremd", title={"en": "Foreign"})
    foreign.sections = [Section(questions=[Question(kind=QuestionKind.SHORT_TEXT, prompt={})])]
    db.session.add(foreign)
    db.session.commit()
    item = answer(foreign, "Fremde Antwort")
    assert "Fremde Antwort" not in text(staff_client.get(f"{BASE}/"))
    assert staff_client.get(f"{BASE}/answers/{item.id}").status_code == 404


def test_channel_filter_survey_shows_answers_only(
    staff_client: FlaskClient, goal: Goal, survey: Survey
) -> None:
    make_comment(goal, "Ein Kommentar")
    answer(survey, "Eine Antwort")
    survey_only = text(staff_client.get(f"{BASE}/?channel=survey"))
    assert "Eine Antwort" in survey_only and "Ein Kommentar" not in survey_only
    assert '<option value="survey" selected>' in survey_only
    letters = text(staff_client.get(f"{BASE}/?channel=online"))
    assert "Ein Kommentar" in letters and "Eine Antwort" not in letters
    by_kind = text(staff_client.get(f"{BASE}/?kind=suggestion"))
    assert "Eine Antwort" not in by_kind


def test_goal_and_state_filters_apply_to_answers(
    staff_client: FlaskClient, goal: Goal, survey: Survey
) -> None:
    about_goal = answer(survey, "Zum Ziel", question=2)
    answer(survey, "Ohne Ziel")
    page = text(staff_client.get(f"{BASE}/?goal={goal.id}"))
    assert "Zum Ziel" in page and "Ohne Ziel" not in page
    save_answer(staff_client, about_goal)
    assessed = text(staff_client.get(f"{BASE}/?state=assessed"))
    assert "Zum Ziel" in assessed and "Ohne Ziel" not in assessed
    unassessed = text(staff_client.get(f"{BASE}/?state=unassessed&channel=survey"))
    assert "Ohne Ziel" in unassessed and "Zum Ziel" not in unassessed
    administration = text(staff_client.get(f"{BASE}/?group=administration"))
    assert "Zum Ziel" in administration and "Ohne Ziel" not in administration


def test_answer_edit_page_shows_survey_question_and_answer(
    staff_client: FlaskClient, survey: Survey
) -> None:
    item = answer(survey, "Mehr Homeoffice ermöglichen")
    page = text(staff_client.get(f"{BASE}/answers/{item.id}"))
    assert "Staff survey" in page and "What should change?" in page
    assert "Mehr Homeoffice ermöglichen" in page
    assert f"Participant {item.response_id}" in page


def test_saving_an_answer_assessment_is_audited(
    staff_client: FlaskClient, process: Process, goal: Goal, survey: Survey
) -> None:
    item = answer(survey, "Mehr Homeoffice", question=2)
    revision_id = db.session.scalar(
        sa.select(GoalRevision.id).where(GoalRevision.goal_id == goal.id)
    )
    response = save_answer(staff_client, item, goal_revision=str(revision_id))
    assert response.status_code == 302
    stored = answer_assessment(item)
    assert stored is not None and stored.comment_id is None
    assert stored.consideration == Consideration.NOTED
    assert stored.stakeholder_group == StakeholderGroup.ADMINISTRATION
    assert stored.goal_revision_id == revision_id
    event = db.session.scalars(sa.select(AuditEvent)).one()
    assert event.action == "assessment.save"
    assert workspace.progress(process) == (1, 1)


def test_save_and_next_moves_from_comments_to_answers_and_wraps(
    staff_client: FlaskClient, goal: Goal, survey: Survey
) -> None:
    first = make_comment(goal)
    second = answer(survey, "Antwort eins")
    third = answer(survey, "Antwort zwei")
    response = save_answer(staff_client, second, after="next")
    assert response.headers["Location"].endswith(f"/answers/{third.id}")
    response = save_answer(staff_client, third, after="next")
    assert response.headers["Location"].endswith(f"/contributions/{first.id}")
    response = save_answer(staff_client, third, "?channel=survey", after="next")
    assert response.headers["Location"].endswith("/?channel=survey")  # all assessed


def test_stale_version_of_an_answer_assessment_is_a_conflict(
    staff_client: FlaskClient, survey: Survey
) -> None:
    item = answer(survey, "Mehr Homeoffice")
    save_answer(staff_client, item, rationale="erste")
    response = submit(
        staff_client,
        f"{BASE}/answers/{item.id}",
        {"consideration": "considered", "stakeholder_group": "citizen", "version": "0"},
    )
    assert response.status_code == 409
    assert "Someone else has saved this assessment" in text(response)
    stored = answer_assessment(item)
    assert stored is not None and stored.rationale == "erste"


def test_bulk_tagging_tags_answers_and_comments(
    staff_client: FlaskClient, process: Process, goal: Goal, survey: Survey
) -> None:
    item = make_comment(goal)
    first, second = answer(survey, "eins"), answer(survey, "zwei")
    topic = tag(process, "Personal")
    response = submit(
        staff_client,
        f"{BASE}/bulk-tag",
        {"tag": str(topic.id), "comments": [str(item.id)], "answers": [str(first.id)]},
        form_url=f"{BASE}/",
    )
    assert response.status_code == 302
    tagged = answer_assessment(first)
    assert tagged is not None and [t.name for t in tagged.tags] == ["Personal"]
    assert tagged.consideration is None
    assert answer_assessment(second) is None
    assert len(db.session.scalars(sa.select(AuditEvent)).all()) == 2
    page = text(staff_client.get(f"{BASE}/?tag={topic.id}"))
    assert "eins" in page and "zwei" not in page


def test_bulk_tagging_without_selection_is_refused(
    staff_client: FlaskClient, process: Process, survey: Survey
) -> None:
    answer(survey, "eins")
    topic = tag(process, "Personal")
    response = submit(staff_client, f"{BASE}/bulk-tag", {"tag": str(topic.id)}, form_url=f"{BASE}/")
    assert response.status_code == 302
    page = text(staff_client.get(response.headers["Location"]))
    assert "Please select at least one contribution and a topic." in page
    assert db.session.scalars(sa.select(Assessment)).all() == []


def test_survey_answers_are_never_shown_publicly(client: FlaskClient) -> None:
    process = make_process("hf12", phase=PhaseKind.RESULTS, assessments_public=True)
    goal = make_goal(process, "12.1", "Ziel")
    survey = Survey(process_id=process.id, slug="umfrage", title={"en": "Umfrage"})
    survey.sections = [
        Section(questions=[Question(kind=QuestionKind.LONG_TEXT, prompt={}, goal_id=goal.id)])
    ]
    db.session.add(survey)
    db.session.commit()
    item = workspace.AnswerItem(*_answer_row(answer(survey, "Geheime Antwort")))
    revision = db.session.scalars(sa.select(GoalRevision)).one()
    data = assessing.AssessmentInput(
        StakeholderGroup.CITIZEN, Consideration.CONSIDERED, "Aufgenommen", revision.id
    )
    assessing.save_assessment(item, process, data, expected_version=0, assessor=None)
    db.session.commit()
    for url in ("/en/p/hf12/goals/12.1", "/en/p/hf12/goals/12.1/changes", "/en/p/hf12/report"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Geheime Antwort" not in text(response), url


def _answer_row(item: Answer) -> tuple[Any, ...]:
    response = db.session.get(Response, item.response_id)
    question = db.session.get(Question, item.question_id)
    assert response is not None and question is not None
    return item, question, response, response.survey


# --- query count ---------------------------------------------------------------------------


def _fill(process: Process, goal: Goal, survey: Survey, comments: int, answers: int) -> None:
    """Add tagged comments and answers; the numbers go on from those already there."""
    topic = tag(process, f"Thema {comments}-{answers}")
    first = db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) or 0
    first_answer = db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) or 0
    items = [make_comment(goal, f"Kommentar {first + n}").id for n in range(comments)]
    replies = [
        answer(survey, f"Antwort {first_answer + n}", question=n % 2 * 2).id for n in range(answers)
    ]
    assessing.add_tag(process, items, topic, replies, actor=None)
    db.session.commit()


def _table_queries(client: FlaskClient, query: str = "") -> int:
    with counting_queries() as statements:
        response = client.get(f"{BASE}/{query}")
    assert response.status_code == 200
    return len(statements)


def test_table_query_count_does_not_depend_on_the_number_of_rows(
    staff_client: FlaskClient, process: Process, goal: Goal, survey: Survey
) -> None:
    _fill(process, goal, survey, 3, 2)  # 5 items, both kinds on the page
    small = _table_queries(staff_client)
    small_survey = _table_queries(staff_client, "?channel=survey")
    assert text(staff_client.get(f"{BASE}/")).count("Antwort ") == 2
    _fill(process, goal, survey, 12, 13)  # 30 items: 15 comments, 15 answers
    large = _table_queries(staff_client)
    large_survey = _table_queries(staff_client, "?channel=survey")
    page = text(staff_client.get(f"{BASE}/"))
    assert page.count("Kommentar ") == 15 and page.count("Antwort ") == 10
    assert "Page 1 of 2" in page
    assert "Antwort 14" in text(staff_client.get(f"{BASE}/?page=2"))
    assert small == large, (small, large)
    assert small_survey == large_survey, (small_survey, large_survey)
    print(f"\nassessment table: {small} queries (5 items) / {large} queries (30 items)")


# --- settings ------------------------------------------------------------------------------


def test_settings_form_switches_survey_answers_and_audits_it(
    staff_client: FlaskClient, process: Process
) -> None:
    page = text(staff_client.get(f"{STAFF}/settings"))
    assert 'name="assess_survey_answers"' in page and "Assess open survey answers" in page
    response = submit(staff_client, f"{STAFF}/settings", process_form(slug="hf12"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Process, process.id).assess_survey_answers is False  # type: ignore[union-attr]
    event = db.session.scalars(sa.select(AuditEvent)).one()
    assert event.action == "process.update"
    assert event.before["assess_survey_answers"] is True
    assert event.after["assess_survey_answers"] is False
    data = process_form(slug="hf12") | {"assess_survey_answers": "y"}
    submit(staff_client, f"{STAFF}/settings", data)
    db.session.expire_all()
    assert db.session.get(Process, process.id).assess_survey_answers is True  # type: ignore[union-attr]


# --- linking from the goal editor ----------------------------------------------------------


def test_goal_editor_lists_assessed_contributions_of_the_goal_and_its_children(
    staff_client: FlaskClient, process: Process, goal: Goal, survey: Survey
) -> None:
    child = make_goal(process, "12.1.1", "Unterziel", parent=goal)
    other = make_goal(process, "13", "Anderes Ziel")
    make_assessment(make_comment(goal, "Am Ziel"), Consideration.CONSIDERED)
    make_assessment(make_comment(child, "Am Unterziel"), Consideration.PARTLY)
    make_assessment(make_comment(other, "Am anderen Ziel"), Consideration.CONSIDERED)
    make_comment(goal, "Noch nicht abgewogen")
    page = text(staff_client.get(f"{STAFF}/goals/12.1/edit"))
    assert "Contributions this revision takes up" in page
    assert "Am Ziel" in page and "Am Unterziel" in page and "Partly considered" in page
    assert "Am anderen Ziel" not in page and "Noch nicht abgewogen" not in page
    assert "Am Ziel" not in text(staff_client.get(f"{STAFF}/goals/13/edit"))


def test_goal_editor_links_ticked_contributions_to_the_new_version(
    staff_client: FlaskClient, process: Process, goal: Goal, survey: Survey
) -> None:
    child = make_goal(process, "12.1.1", "Unterziel", parent=goal)
    taken = make_assessment(make_comment(child, "Mehr Fortbildung"), Consideration.CONSIDERED)
    left = make_assessment(make_comment(goal, "Nicht verlinkt"), Consideration.NOTED)
    item = answer(survey, "Antwort zum Ziel", question=2)
    save_answer(staff_client, item, consideration="partly")
    answer_link = answer_assessment(item)
    assert answer_link is not None
    data = goal_form("12.1", "Neue Organisationskultur") | {
        "take_up": [str(taken.id), str(answer_link.id)]
    }
    response = submit(staff_client, f"{STAFF}/goals/12.1/edit", data)
    assert response.status_code == 302
    db.session.expire_all()
    newest = db.session.scalars(
        sa.select(GoalRevision)
        .where(GoalRevision.goal_id == goal.id)
        .order_by(GoalRevision.number.desc())
    ).first()
    assert newest is not None and newest.number == 2
    assert db.session.get(Assessment, taken.id).goal_revision_id == newest.id  # type: ignore[union-attr]
    assert db.session.get(Assessment, answer_link.id).goal_revision_id == newest.id  # type: ignore[union-attr]
    assert db.session.get(Assessment, left.id).goal_revision_id is None  # type: ignore[union-attr]
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("assessment.link") == 2 and "goal.update" in actions
    # the staff view of "What has changed?" lists the linked comment, never the answer
    changes = text(staff_client.get("/en/p/hf12/goals/12.1/changes"))
    assert "Mehr Fortbildung" in changes and "Nicht verlinkt" not in changes
    assert "Antwort zum Ziel" not in changes
    # the child's edit page keeps the parent's version as its link
    edit = text(staff_client.get(f"{BASE}/contributions/{taken.comment_id}"))
    assert f'<option selected value="{newest.id}">' in edit


def test_public_changes_page_lists_linked_contributions_in_results_phase(
    client: FlaskClient,
) -> None:
    process = make_process("hf12", phase=PhaseKind.RESULTS, assessments_public=True)
    goal = make_goal(process, "12.1", "Ziel")
    staff = make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)
    taken = make_assessment(make_comment(goal, "Mehr Homeoffice"), Consideration.CONSIDERED)
    login_as(client, staff)
    data = goal_form("12.1", "Ziel mit Homeoffice") | {"take_up": [str(taken.id)]}
    assert submit(client, f"{STAFF}/goals/12.1/edit", data).status_code == 302
    client.post("/en/account/logout", data={})
    with client.session_transaction() as session:
        session.clear()
    page = text(client.get("/en/p/hf12/goals/12.1/changes"))
    assert "Mehr Homeoffice" in page


def test_unchanged_texts_link_nothing_and_say_so(
    staff_client: FlaskClient, process: Process, goal: Goal
) -> None:
    taken = make_assessment(make_comment(goal, "Mehr Homeoffice"), Consideration.CONSIDERED)
    data = goal_form("12.1", "Motivierende Organisationskultur") | {"take_up": [str(taken.id)]}
    response = submit(staff_client, f"{STAFF}/goals/12.1/edit", data)
    assert response.status_code == 302
    follow = text(staff_client.get(response.headers["Location"]))
    assert "there is no new version to link" in follow
    db.session.expire_all()
    assert db.session.get(Assessment, taken.id).goal_revision_id is None  # type: ignore[union-attr]
    assert db.session.scalars(sa.select(AuditEvent.action)).all() == []


def test_goal_editor_ignores_assessments_of_other_goals(
    staff_client: FlaskClient, process: Process, goal: Goal
) -> None:
    other = make_goal(process, "13", "Anderes Ziel")
    foreign = make_assessment(make_comment(other, "Woanders"), Consideration.CONSIDERED)
    data = goal_form("12.1", "Neuer Titel") | {"take_up": [str(foreign.id), "x"]}
    assert submit(staff_client, f"{STAFF}/goals/12.1/edit", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, foreign.id).goal_revision_id is None  # type: ignore[union-attr]
