"""A survey without the summary: the last page's button submits (issue 15's shorter
submission). The page shows the consent text above the button; its answers and the
submission are one transaction; anything still open goes through the summary, as
with the summary on."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.privacy.consent import version_for_contribution
from app.processes.models import Process
from app.results.services import mark_dirty
from app.surveys.models import ResponseState
from tests.conftest import counting_queries, csrf_token, login_as, submit
from tests.surveys.conftest import (
    Sink,
    kitchen_sink,
    lock,
    page_one_data,
    page_three_data,
    page_two_data,
    page_url,
    post_page,
    start,
    stored_responses,
    url,
)


def _without_summary(process: Process) -> Sink:
    sink = kitchen_sink(process_id=process.id)
    sink.survey.review_before_submit = False
    db.session.commit()
    return sink


def _first_two_pages(client: FlaskClient, sink: Sink) -> None:
    assert start(client, sink).status_code == 302
    assert post_page(client, sink, 1, page_one_data(sink)).status_code == 302
    assert post_page(client, sink, 2, page_two_data(sink)).status_code == 302


def _main_button(page: str) -> str:
    match = re.search(r'<button type="submit" name="action" value="(\w+)"', page)
    assert match, page
    return match.group(1)


def test_without_the_summary_the_last_page_submits(
    app: Flask, client: FlaskClient, process: Process
) -> None:
    sink = _without_summary(process)
    _first_two_pages(client, sink)
    page = client.get(page_url(sink, 3)).get_data(as_text=True)
    assert _main_button(page) == "submit"
    assert "Submit my answers" in page and "consent-notice" in page
    assert 'href="/en/privacy"' in page or "Privacy notice" in page

    sent = post_page(client, sink, 3, page_three_data(sink), action="submit")
    assert sent.headers["Location"] == url(sink, "thanks")
    (response,) = stored_responses()
    assert response.state == ResponseState.SUBMITTED
    assert response.consent_version_id is not None
    thanks = client.get(url(sink, "thanks")).get_data(as_text=True)
    assert "Thank you! Your answers have been submitted." in thanks


def test_the_earlier_pages_still_continue(
    app: Flask, client: FlaskClient, process: Process
) -> None:
    sink = _without_summary(process)
    start(client, sink)
    assert _main_button(client.get(page_url(sink, 1)).get_data(as_text=True)) == "next"
    assert _main_button(client.get(page_url(sink, 2)).get_data(as_text=True)) == "next"


def test_with_the_summary_the_last_page_continues_to_it(
    app: Flask, client: FlaskClient, process: Process
) -> None:
    sink = kitchen_sink(process_id=process.id)
    _first_two_pages(client, sink)
    page = client.get(page_url(sink, 3)).get_data(as_text=True)
    assert _main_button(page) == "next"
    assert "Continue to the overview" in page and "consent-notice" not in page
    # a forged "submit" is only a "next" here
    sent = post_page(client, sink, 3, page_three_data(sink), action="submit")
    assert sent.headers["Location"] == url(sink, "review")
    (response,) = stored_responses()
    assert response.state == ResponseState.IN_PROGRESS


def test_an_error_on_the_last_page_keeps_the_answers_and_sends_nothing(
    app: Flask, client: FlaskClient, process: Process
) -> None:
    sink = _without_summary(process)
    _first_two_pages(client, sink)
    typed = page_three_data(sink, **{sink.name("short"): "far too long for ten"})
    page = post_page(client, sink, 3, typed, action="submit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="error-summary"' in text and 'value="far too long for ten"' in text
    (response,) = stored_responses()
    assert response.state == ResponseState.IN_PROGRESS


def test_a_required_question_left_open_goes_to_the_summary(
    app: Flask, client: FlaskClient, process: Process
) -> None:
    sink = _without_summary(process)
    start(client, sink)
    post_page(client, sink, 1, page_one_data(sink))  # page 2's required matrix: skipped
    sent = post_page(client, sink, 3, page_three_data(sink), action="submit")
    assert sent.headers["Location"] == url(sink, "review")
    (response,) = stored_responses()
    assert response.state == ResponseState.IN_PROGRESS
    review = client.get(url(sink, "review")).get_data(as_text=True)
    assert "Some required questions are not answered yet." in review
    assert "because" in review  # the last page's answer was kept


def test_submitting_the_last_page_twice_submits_once(
    app: Flask, client: FlaskClient, process: Process
) -> None:
    sink = _without_summary(process)
    _first_two_pages(client, sink)
    token = csrf_token(client, page_url(sink, 3))
    data = {"csrf_token": token, "action": "submit", **page_three_data(sink)}
    first = client.post(page_url(sink, 3), data=data)
    again = client.post(page_url(sink, 3), data=data | {sink.name("cond"): "changed"})
    assert first.headers["Location"] == again.headers["Location"] == url(sink, "thanks")
    thanks = client.get(url(sink, "thanks")).get_data(as_text=True)
    assert "Your answers have already been submitted. Thank you!" in thanks
    (response,) = stored_responses()
    assert response.state == ResponseState.SUBMITTED


def test_staff_turn_the_summary_off_also_after_the_first_response(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    sink = kitchen_sink(process_id=process.id)
    lock(sink.survey)
    login_as(client, staff)
    settings = f"/en/staff/surveys/{sink.survey.id}/settings"
    page = client.get(settings).get_data(as_text=True)
    assert "Show a summary before submitting" in page
    box = re.search(r'<input[^>]*name="review_before_submit"[^>]*>', page)
    assert box and " checked" in box.group(0)  # on by default
    data = {
        "slug": sink.survey.slug,
        "title_de": "Testbefragung",
        "title_en": "Test survey",
        "process_id": str(process.id),
        "default_locale": "de",
        "access_mode": "open",
        "results_visibility": "after_close",
    }
    saved = submit(client, settings, data)  # the box not ticked: off
    assert saved.status_code == 302, saved.get_data(as_text=True)
    db.session.expire_all()
    assert sink.survey.review_before_submit is False


def test_the_page_that_submits_reads_and_writes_in_few_queries(
    app: Flask, client: FlaskClient, process: Process
) -> None:
    sink = _without_summary(process)
    mark_dirty("survey", sink.survey.id)  # a rebuild is pending, as under load: none queued
    version_for_contribution()  # the consent text in force exists, as in production
    db.session.commit()
    _first_two_pages(client, sink)
    token = csrf_token(client, page_url(sink, 3))
    data = {"csrf_token": token, "action": "submit", **page_three_data(sink)}
    with counting_queries() as statements:
        sent = client.post(page_url(sink, 3), data=data)
    assert sent.headers["Location"] == url(sink, "thanks")
    # survey with response, answers, DELETE, INSERT, seen pages; UPDATE (reads the
    # consent version), participation, aggregate: the page's 5 and the submit's 5
    # less the two reads they share
    assert len(statements) <= 8, statements


def test_both_ways_of_submitting_share_one_rate_limit(app_config: dict[str, Any]) -> None:
    limited = create_app(app_config | {"RATELIMIT_ENABLED": True})
    client = limited.test_client()
    with limited.app_context():
        sink = kitchen_sink()
        sink.survey.review_before_submit = False
        db.session.commit()
        start(client, sink)
        token = csrf_token(client, page_url(sink, 1))
        last = {"csrf_token": token, "action": "submit", **page_one_data(sink)}
        statuses = [client.post(page_url(sink, 1), data=last).status_code for _ in range(20)]
        statuses += [
            client.post(url(sink, "submit"), data={"csrf_token": token}).status_code
            for _ in range(11)
        ]
        continuing = {"csrf_token": token, "action": "next", **page_one_data(sink)}
        onwards = client.post(page_url(sink, 1), data=continuing).status_code
    assert 429 not in statuses[:30]
    assert statuses[30] == 429  # 20 from the last page and 10 from the summary: 30 a minute
    assert onwards == 302  # "Continue" is not a submission
