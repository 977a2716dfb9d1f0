"""Resuming and submitting with pages not yet seen (issue 13, item 4).

A resume code continues at the first page with an unanswered required question or
one the respondent has not seen; the review page names the unseen pages; submitting
with unseen pages asks once more (without JavaScript: a second POST with ``confirm``).
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.surveys.models import ResponseState
from tests.conftest import csrf_token
from tests.surveys.conftest import (
    Sink,
    kitchen_sink,
    page_one_data,
    page_two_data,
    page_url,
    post_page,
    start,
    stored_responses,
    url,
)


def _two_pages_then_save(client: FlaskClient, sink: Sink) -> str:
    """Answer pages 1 and 2 (no required question is left: "b" hides page 3's),
    save, and return the resume link."""
    start(client, sink)
    answer_b = {sink.name("single"): sink.oid("single", "b")}
    post_page(client, sink, 1, page_one_data(sink, **answer_b))
    assert post_page(client, sink, 2, page_two_data(sink), action="save").status_code == 302
    page = client.get(url(sink, "saved")).get_data(as_text=True)
    link = re.search(r'href="http://localhost(/en/surveys/[^"]+/resume/[A-Z0-9]+)"', page)
    assert link
    return link.group(1)


def _submit(client: FlaskClient, sink: Sink, **extra: str) -> object:
    token = csrf_token(client, url(sink, "review"))
    return client.post(url(sink, "submit"), data={"csrf_token": token, **extra})


def test_resuming_continues_at_the_first_unseen_page(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    link = _two_pages_then_save(client, sink)
    other = app.test_client()
    response = other.get(link)
    assert response.headers["Location"].endswith(page_url(sink, 3))


def test_the_review_page_names_the_unseen_pages(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    _two_pages_then_save(client, sink)
    review = client.get(url(sink, "review")).get_data(as_text=True)
    assert "You have not seen page 3 yet." in review
    assert f'href="{page_url(sink, 3)}"' in review
    # The main action is to go on, not to send.
    primary = re.search(r'class="kern-btn kern-btn--primary"[^>]*>.*?</', review, re.S)
    assert primary and "Submit my answers" not in primary.group(0)


def test_submitting_with_unseen_pages_asks_once_more(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    _two_pages_then_save(client, sink)
    response = _submit(client, sink)
    assert response.status_code == 200  # a question, nothing sent
    page = response.get_data(as_text=True)
    assert "Submit without page 3?" in page
    assert 'name="confirm" value="unseen"' in page
    assert [r.state for r in stored_responses()] == [ResponseState.IN_PROGRESS]

    response = _submit(client, sink, confirm="unseen")
    assert response.headers["Location"].endswith(url(sink, "thanks"))
    assert [r.state for r in stored_responses()] == [ResponseState.SUBMITTED]


def test_a_seen_page_left_empty_needs_no_confirmation(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    _two_pages_then_save(client, sink)
    assert post_page(client, sink, 3, {}).status_code == 302  # seen, nothing answered
    review = client.get(url(sink, "review")).get_data(as_text=True)
    assert "not seen" not in review
    response = _submit(client, sink)
    assert response.headers["Location"].endswith(url(sink, "thanks"))
