"""Rating goals: questions, the upsert, participation modes, aggregates and visibility."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant, ParticipantKind
from app.privacy.consent import version_for_contribution
from app.processes.editing import create_process
from app.processes.models import ParticipationMode, Process, ResultsVisibility
from app.ratings import services
from app.ratings.models import Rating, RatingQuestion, ScaleKind
from app.results.services import process_counts
from tests.conftest import DB_KIND, login_as, submit
from tests.factories import make_goal, make_user

GOAL_URL = "/en/p/hf12/goals/1"
RATE_URL = f"{GOAL_URL}/rate"
ALL_ANSWERS = {"q_direction": "4", "q_importance": "5", "q_ambition": "1"}


@pytest.fixture
def goal(process: Process) -> Goal:
    return make_goal(process, "1", "Digitale Verwaltung")


@pytest.fixture
def citizen(app: Flask) -> User:
    return make_user()


@pytest.fixture
def citizen_client(client: FlaskClient, citizen: User) -> FlaskClient:
    login_as(client, citizen)
    return client


def page_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def rate(client: FlaskClient, data: dict[str, str], **kwargs: Any) -> Any:
    return submit(client, RATE_URL, data, form_url=GOAL_URL, **kwargs)


def alike_raters(app: Flask, count: int, data: dict[str, str] = ALL_ANSWERS) -> None:
    """``count`` further people who rate the goal like ``data``: with them the answers
    are no small cells, so the public results show them."""
    for index in range(count):
        other = app.test_client()
        login_as(other, make_user(f"alike{index}@example.org", f"Alike {index}"))
        assert rate(other, data).status_code == 302


def stored() -> dict[str, tuple[int, bool]]:
    """question key → (value, confirmed) of all ratings, for one participant."""
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(RatingQuestion.key, Rating.value, Rating.confirmed).join(
            RatingQuestion, Rating.question_id == RatingQuestion.id
        )
    ).all()
    return {key: (value, confirmed) for key, value, confirmed in rows}


def rating_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) or 0


def numbers(process: Process, goal: Goal) -> dict[str, Any]:
    db.session.expire_all()
    aggregate = process_counts(process.id)
    assert aggregate is not None
    return dict(aggregate.data["per_goal"].get(str(goal.id), {}))


def set_mode(process: Process, mode: ParticipationMode) -> None:
    process.participation_mode = mode
    db.session.commit()


# --- questions ---------------------------------------------------------------------


def test_a_new_process_gets_the_three_default_questions(process: Process) -> None:
    questions = services.rating_questions(process)
    assert [(q.key, q.scale, q.position) for q in questions] == [
        ("direction", ScaleKind.AGREEMENT, 0),
        ("importance", ScaleKind.IMPORTANCE, 1),
        ("ambition", ScaleKind.YES_NO_UNDECIDED, 2),
    ]
    assert questions[0].prompt == {"de": "Stimmt die Richtung?", "en": "Is the direction right?"}


def test_own_questions_or_the_defaults_come_with_the_process(app: Flask) -> None:
    own = create_process(
        slug="own",
        title={"de": "Eigen"},
        actor=None,
        rating_questions=[{"key": "ok", "scale": "yes_no_undecided", "prompt": {"de": "OK?"}}],
    )
    empty = create_process(slug="empty", title={"de": "Leer"}, rating_questions=[], actor=None)
    db.session.commit()
    assert [q.key for q in services.rating_questions(own)] == ["ok"]
    assert [q.key for q in services.rating_questions(empty)] == [
        "direction",
        "importance",
        "ambition",
    ]


def test_showing_the_goal_page_never_commits(
    process: Process, goal: Goal, citizen_client: FlaskClient
) -> None:
    commits: list[object] = []

    def count(connection: Any) -> None:
        commits.append(connection)

    sa.event.listen(db.engine, "commit", count)
    try:
        page = citizen_client.get(GOAL_URL)
    finally:
        sa.event.remove(db.engine, "commit", count)
    assert page.status_code == 200
    assert 'name="q_direction"' in page_of(page)
    assert commits == []


# --- rating (account mode) ---------------------------------------------------------


def test_rating_is_stored_counted_and_shown_live(
    app: Flask, citizen_client: FlaskClient, process: Process, goal: Goal
) -> None:
    page = page_of(citizen_client.get(GOAL_URL))
    assert "<legend" in page and "Is the direction right?" in page
    assert "Strongly agree" in page and "No answer" in page and "Undecided" in page
    response = rate(citizen_client, ALL_ANSWERS)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{GOAL_URL}#rating")
    assert stored() == {"direction": (4, True), "importance": (5, True), "ambition": (1, True)}
    assert numbers(process, goal) == {
        "ratings": 1,
        "mean_agreement": 4.0,
        "distribution": {"direction": {"4": 1}, "importance": {"5": 1}, "ambition": {"1": 1}},
    }
    page = page_of(citizen_client.get(response.headers["Location"]))
    assert "Thank you, your rating has been saved." in page
    assert "Mean agreement" not in page  # one rater: a small cell, no public mean
    alike_raters(app, 4)
    assert numbers(process, goal)["distribution"]["direction"] == {"4": 5}
    page = page_of(citizen_client.get(GOAL_URL))
    assert "Mean agreement: 4.0 of 5, 5 ratings" in page
    assert "<caption" in page and "100%" in page
    overview = page_of(citizen_client.get("/en/p/hf12/"))
    assert "5 ratings" in overview
    assert "Ø 4.0" in overview and "mean agreement 4.0 of 5" in overview


def test_changing_a_rating_keeps_one_row_per_question(
    citizen_client: FlaskClient, process: Process, goal: Goal
) -> None:
    rate(citizen_client, ALL_ANSWERS)
    rate(citizen_client, {"q_direction": "2"})
    assert rating_count() == 3
    assert stored()["direction"] == (2, True)
    assert stored()["importance"] == (5, True)
    page = page_of(citizen_client.get(GOAL_URL))
    assert re.search(r'<input checked[^>]*name="q_direction"[^>]*value="2"', page)
    assert re.search(r'<input checked[^>]*name="q_importance"[^>]*value="5"', page)
    assert numbers(process, goal)["mean_agreement"] == 2.0


def test_mean_agreement_ignores_no_answer(
    client: FlaskClient, process: Process, goal: Goal
) -> None:
    for index, value in enumerate(["5", "2", "0"]):
        login_as(client, make_user(f"u{index}@example.org", f"U{index}"))
        rate(client, {"q_direction": value})
    counted = numbers(process, goal)
    assert counted["ratings"] == 3
    assert counted["mean_agreement"] == 3.5
    assert counted["distribution"]["direction"] == {"5": 1, "2": 1, "0": 1}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q_direction": "9", "q_importance": "4"}, "Not a valid choice"),
        ({"q_ambition": "abc", "q_importance": "4"}, "Invalid Choice"),
        ({"q_unknown": "1", "q_importance": "4"}, "The form contained an unknown question."),
        ({}, "Please answer at least one question."),
    ],
)
def test_invalid_answers_store_nothing_and_keep_the_input(
    citizen_client: FlaskClient, goal: Goal, data: dict[str, str], message: str
) -> None:
    response = rate(citizen_client, data)
    page = page_of(response)
    assert response.status_code == 200
    assert message in page
    assert rating_count() == 0
    if data:  # the valid answer given alongside is still selected
        assert re.search(r'<input checked[^>]*name="q_importance"[^>]*value="4"', page)


def test_service_refuses_foreign_questions_and_values(
    process: Process, goal: Goal, citizen: User
) -> None:
    participant = Participant(kind=ParticipantKind.ACCOUNT, user_id=citizen.id, pseudonym="A")
    db.session.add(participant)
    db.session.flush()
    direction = services.rating_questions(process)[0]
    for answers in ({direction.id: 7}, {99999: 1}, {}):
        with pytest.raises(services.RatingError):
            services.save_ratings(process, goal, participant, answers)


def test_outside_the_participation_phase_nothing_is_stored(
    citizen_client: FlaskClient, process: Process, goal: Goal
) -> None:
    assert 'name="q_direction"' in page_of(citizen_client.get(GOAL_URL))
    phase = process.participation_phase()
    assert phase is not None
    phase.starts_at, phase.ends_at = utcnow() - timedelta(days=9), utcnow() - timedelta(days=1)
    db.session.commit()
    page = page_of(citizen_client.get(GOAL_URL))
    assert "Comments and ratings were possible from " in page
    assert 'name="q_direction"' not in page
    response = rate(citizen_client, ALL_ANSWERS)  # a form loaded before the phase ended
    assert response.status_code == 302
    page = page_of(citizen_client.get(response.headers["Location"]))
    assert "Comments and ratings were possible from " in page
    assert rating_count() == 0


def test_account_mode_needs_a_verified_sign_in(
    client: FlaskClient, process: Process, goal: Goal
) -> None:
    page = page_of(client.get(GOAL_URL))
    assert "Please sign in to take part." in page
    assert 'name="q_direction"' not in page
    unverified = make_user("new@example.org", "Neu", verified=False)
    login_as(client, unverified)
    assert "Please confirm your e-mail address" in page_of(client.get(GOAL_URL))
    response = rate(client, ALL_ANSWERS)
    assert response.status_code == 302
    assert rating_count() == 0


# --- anonymous and guest modes -----------------------------------------------------


def test_anonymous_rating_asks_no_name_and_the_cookie_recognises_the_rater(
    client: FlaskClient, process: Process, goal: Goal
) -> None:
    """Issue 13, item 8: a rating is never shown with a name, so none is asked for."""
    set_mode(process, ParticipationMode.ANONYMOUS)
    page = page_of(client.get(GOAL_URL))
    assert 'name="rating_pseudonym"' not in page and 'name="rating_email"' not in page
    rating_form = page_of(client.get(GOAL_URL)).split('id="rating"')[-1].split("</form>")[0]
    # The consent notice may speak of pseudonyms; no label asks for one.
    labels = re.findall(r"<label[^>]*>(.*?)</label>", rating_form, re.S)
    assert labels and not [label for label in labels if "pseudonym" in label.lower()]

    response = rate(client, ALL_ANSWERS)
    assert response.status_code == 302
    assert "mitwirken_participant=" in response.headers.get("Set-Cookie", "")
    rate(client, {"q_direction": "1"})
    assert rating_count() == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 1
    assert stored()["direction"] == (1, True)
    assert numbers(process, goal)["ratings"] == 1


def test_a_nameless_rater_gives_a_pseudonym_when_commenting(
    client: FlaskClient, process: Process, goal: Goal
) -> None:
    set_mode(process, ParticipationMode.ANONYMOUS)
    assert rate(client, ALL_ANSWERS).status_code == 302
    page = page_of(client.get(GOAL_URL))
    assert 'name="pseudonym"' in page  # the comment form still asks for one
    response = submit(
        client,
        GOAL_URL,
        {
            "body": "Ein Kommentar mit genug Text.",
            "kind": "suggestion",
            "stakeholder_group": "citizen",
            "pseudonym": "Bürgerin B",
        },
        form_url=GOAL_URL,
    )
    assert response.status_code == 302
    participants = db.session.scalars(sa.select(Participant)).all()
    assert [p.pseudonym for p in participants] == ["Bürgerin B"]


def test_guest_ratings_count_after_the_confirmation_link(
    client: FlaskClient, process: Process, goal: Goal, outbox: list[Any]
) -> None:
    set_mode(process, ParticipationMode.GUEST)
    form = page_of(client.get(GOAL_URL)).split('id="rating"')[-1].split("</form>")[0]
    assert 'name="rating_email"' in form and 'name="rating_pseudonym"' not in form
    page = page_of(rate(client, ALL_ANSWERS))
    assert 'id="rating_email-error-1"' in page
    assert rating_count() == 0

    response = rate(client, ALL_ANSWERS | {"rating_email": "Gast@Example.org"})
    assert response.status_code == 302
    assert "your rating counts once you have opened the link" in page_of(
        client.get(response.headers["Location"])
    )
    assert stored()["direction"] == (4, False)
    assert numbers(process, goal) == {}  # not counted yet
    assert len(outbox) == 1 and outbox[0].to == ["gast@example.org"]
    assert "Hello,\n" in outbox[0].body  # no name was asked for

    link = re.search(r"http://localhost(/\S+)", outbox[0].body)
    assert link is not None
    assert client.get(link.group(1)).status_code == 302
    assert stored()["direction"] == (4, True)
    assert numbers(process, goal)["ratings"] == 1
    assert numbers(process, goal)["mean_agreement"] == 4.0


# --- visibility of results ---------------------------------------------------------


def test_after_phase_results_appear_once_the_phase_has_ended(
    app: Flask, citizen_client: FlaskClient, process: Process, goal: Goal
) -> None:
    process.results_visibility = ResultsVisibility.AFTER_PHASE
    db.session.commit()
    alike_raters(app, 4)
    rate(citizen_client, ALL_ANSWERS)
    page = page_of(citizen_client.get(GOAL_URL))
    assert "Results are shown after the participation phase." in page
    assert "Mean agreement" not in page
    assert "Ø" not in page_of(citizen_client.get("/en/p/hf12/"))

    phase = process.participation_phase()
    assert phase is not None
    phase.starts_at, phase.ends_at = utcnow() - timedelta(days=9), utcnow() - timedelta(hours=1)
    db.session.commit()
    page = page_of(citizen_client.get(GOAL_URL))
    assert "Mean agreement: 4.0 of 5, 5 ratings" in page
    assert "Ø 4.0" in page_of(citizen_client.get("/en/p/hf12/"))


def test_staff_only_results(
    app: Flask, citizen_client: FlaskClient, process: Process, goal: Goal
) -> None:
    process.results_visibility = ResultsVisibility.STAFF
    db.session.commit()
    alike_raters(app, 4)
    rate(citizen_client, ALL_ANSWERS)
    page = page_of(citizen_client.get(GOAL_URL))
    assert "Results are only visible to staff." in page
    assert "Mean agreement" not in page

    staff = make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)
    staff_client = app.test_client()
    login_as(staff_client, staff)
    assert "Mean agreement: 4.0 of 5, 5 ratings" in page_of(staff_client.get(GOAL_URL))
    assert "Ø 4.0" in page_of(staff_client.get("/en/p/hf12/"))


def test_staff_choose_the_results_visibility(
    client: FlaskClient, process: Process, goal: Goal
) -> None:
    login_as(client, make_user("staff@example.org", "Staff", process=process, role=Role.STAFF))
    page = page_of(client.get("/en/staff/p/hf12/settings"))
    assert "Right after rating" in page and "Only staff" in page
    data = {
        "slug": "hf12",
        "title_de": "Titel",
        "default_locale": "de",
        "participation_mode": "account",
        "moderation_mode": "post",
        "results_visibility": "after_phase",
        "report_threshold": "3",
        "comment_max_length": "4000",
        "level_0_de": "Feld",
    }
    response = submit(client, "/en/staff/p/hf12/settings", data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Process, process.id).results_visibility == ResultsVisibility.AFTER_PHASE
    assert "After the participation phase" in page_of(client.get("/en/staff/p/hf12/"))


# --- rate limit --------------------------------------------------------------------


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return app_config | {"RATELIMIT_ENABLED": True}

    def test_anonymous_posts_are_limited(
        self, client: FlaskClient, process: Process, goal: Goal
    ) -> None:
        set_mode(process, ParticipationMode.ANONYMOUS)
        data = ALL_ANSWERS
        codes = [rate(client, data).status_code for _ in range(21)]
        assert codes[:20] == [302] * 20
        assert codes[20] == 429

    def test_accounts_have_their_own_higher_limit(
        self, citizen_client: FlaskClient, process: Process, goal: Goal
    ) -> None:
        codes = [rate(citizen_client, ALL_ANSWERS).status_code for _ in range(41)]
        assert codes[:40] == [302] * 40
        assert codes[40] == 429


# --- concurrency (PostgreSQL) ------------------------------------------------------


@pytest.mark.skipif(DB_KIND != "postgresql", reason="needs concurrent PostgreSQL sessions")
def test_parallel_saves_of_one_participant_end_with_one_row_per_question(
    app: Flask, process: Process, goal: Goal, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="app.ratings.services")
    participant = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym="P", token_hash="x" * 64)
    db.session.add(participant)
    version_for_contribution()  # the consent wording in force exists: the race is the ratings'
    db.session.commit()
    ids = (process.id, goal.id, participant.id)
    first_inserted = threading.Event()
    errors: list[BaseException] = []

    def save(value: int, hold: bool) -> None:
        try:
            with app.app_context():
                proc, target, who = (
                    db.session.get(Process, ids[0]),
                    db.session.get(Goal, ids[1]),
                    db.session.get(Participant, ids[2]),
                )
                questions = services.rating_questions(proc)
                if not hold:
                    first_inserted.wait(10)
                services.save_ratings(proc, target, who, {q.id: value for q in questions})
                if hold:  # keep the rows uncommitted while the other thread inserts too
                    first_inserted.set()
                    time.sleep(0.5)
                db.session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=save, args=(1, True)),
        threading.Thread(target=save, args=(3, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    db.session.expire_all()
    rows = db.session.execute(sa.select(Rating.question_id, Rating.value)).all()
    assert len(rows) == 3
    assert {value for _, value in rows} == {3}  # the later save won, by update
    assert "inserted concurrently" in caplog.text  # its insert hit the unique constraint


def test_rating_results_have_decorative_svg_bars_beside_the_percentages(
    app: Flask, citizen_client: FlaskClient, goal: Goal
) -> None:
    alike_raters(app, 4)
    rate(citizen_client, ALL_ANSWERS)
    page = page_of(citizen_client.get(GOAL_URL))
    results = page[page.index('id="rating-results-heading"') :]
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", results, re.DOTALL)
    assert len(svgs) == 6 + 5 + 3  # one per answer row of the three default questions
    for svg in svgs:
        assert 'aria-hidden="true"' in svg and 'focusable="false"' in svg
        assert "style=" not in svg
    assert '<rect class="bar__value" width="100.0"' in results  # the one answer given
    assert '<rect class="bar__value" width="0.0"' in results
    assert re.search(r"</svg></span> 100%</td>", results)  # the text stays beside the bar
