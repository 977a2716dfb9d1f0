"""The Easy Language switch on goal and process pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.processes.models import Process
from tests.conftest import csrf_token, submit
from tests.factories import make_goal, make_process

GOAL_ONE = "/en/p/hf12/goals/1"
GOAL_TWO = "/en/p/hf12/goals/2"
SWITCH = "/en/p/hf12/easy-language"
NO_EASY_TEXT = "There is no text in Easy Language for this goal yet."


@pytest.fixture
def process(app: Flask) -> Process:
    process = make_process("hf12")
    make_goal(process, "1", "Digitale Verwaltung", body="Amtsdeutsch.", easy="Ganz einfach.")
    make_goal(process, "2", "Gute Arbeit", body="Nur schwer.")
    return process


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return str(response.get_data(as_text=True))


def _switch(client: FlaskClient, enabled: str, code: str = "", form_url: str = GOAL_ONE) -> Any:
    data = {"enabled": enabled} | ({"code": code} if code else {})
    return submit(client, SWITCH, data, form_url=form_url)


def _pressed(page: str) -> str:
    match = re.search(r'<button[^>]*id="easy-language-switch"[^>]*>', page)
    assert match, "no Easy Language switch"
    pressed = re.search(r'aria-pressed="(\w+)"', match.group(0))
    assert pressed
    return pressed.group(1)


def test_switch_shows_easy_language_text_instead_of_the_body_across_goal_pages(
    client: FlaskClient, process: Process
) -> None:
    page = _page(client, GOAL_ONE)
    assert _pressed(page) == "false" and "Amtsdeutsch." in page

    response = _switch(client, "1", code="1")
    assert response.status_code == 302 and response.headers["Location"].endswith(GOAL_ONE)
    page = _page(client, GOAL_ONE)
    assert _pressed(page) == "true"
    assert "Ganz einfach." in page and "Amtsdeutsch." not in page
    assert NO_EASY_TEXT not in page

    other = _page(client, GOAL_TWO)  # the choice holds on the next goal page
    assert NO_EASY_TEXT in other and "Nur schwer." in other
    assert _pressed(other) == "true"

    response = _switch(client, "0", form_url="/en/p/hf12/")
    assert response.headers["Location"].endswith("/en/p/hf12/")
    page = _page(client, GOAL_ONE)
    assert _pressed(page) == "false" and "Amtsdeutsch." in page


def test_a_link_with_leichte_sprache_switches_it_on_for_bookmarks(
    app: Flask, process: Process
) -> None:
    client = app.test_client()
    page = _page(client, f"{GOAL_TWO}?leichte-sprache=1")
    assert NO_EASY_TEXT in page
    assert "Amtsdeutsch." not in _page(client, GOAL_ONE)
    assert "Amtsdeutsch." in _page(client, f"{GOAL_ONE}?leichte-sprache=0")


def test_process_page_has_the_switch_and_it_needs_csrf(
    client: FlaskClient, process: Process
) -> None:
    page = _page(client, "/en/p/hf12/")
    assert _pressed(page) == "false"
    assert 'name="csrf_token"' in page.split('id="easy-language-switch"')[0][-800:]
    assert client.post(SWITCH, data={"enabled": "1"}).status_code == 400
    assert "Amtsdeutsch." in _page(client, GOAL_ONE)


def test_switch_for_an_unpublished_process_is_not_found(
    client: FlaskClient, process: Process
) -> None:
    make_process("hidden", published=False)
    token = csrf_token(client, GOAL_ONE)
    data = {"csrf_token": token, "enabled": "1"}
    assert client.post("/en/p/hidden/easy-language", data=data).status_code == 404
