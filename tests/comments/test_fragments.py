"""Rendered comments are cached per comment, language and version; nothing of one
visitor lands in what another visitor is shown."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.comments import reactions, services
from app.comments.fragments import Recent
from app.comments.models import Comment
from app.extensions import cache, db
from app.goals.models import Goal
from app.moderation import services as moderation
from app.processes.models import ParticipationMode, Process
from tests.conftest import REDIS_TEST_URL, login_as
from tests.factories import make_comment, make_goal, make_participant, make_process, make_user

PAGE = "/en/p/hf12/goals/1.1"
# What differs from one request to the next: the signed CSRF token, the form's
# idempotency key.
TOKEN_RE = re.compile(r'(name="csrf_token"(?: type="hidden")? value=")[^"]+"|[0-9a-f]{32}')
TOP_LEVEL_RE = re.compile(r'<article id="comment-\d+" class="comment(?! comment--reply)')
KEY_RE = re.compile(r"^(?:mitwirken:)?comment:(\d+):")


def _goal(**settings: Any) -> tuple[Process, Goal]:
    """A goal in anonymous mode (everybody may vote) unless ``settings`` say otherwise."""
    process = make_process(**({"participation_mode": ParticipationMode.ANONYMOUS} | settings))
    return process, make_goal(process, "1.1", "Mehr Radwege")


def _page(client: FlaskClient, url: str = PAGE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def _article(page: str, comment: Comment) -> str:
    """The HTML of one comment with its replies, up to the next top-level comment."""
    start = page.index(f'<article id="comment-{comment.id}"')
    following = TOP_LEVEL_RE.search(page, start + 1)
    return page[start : following.start() if following else len(page)]


def _cached_keys() -> list[str]:
    return sorted(cache.cache._cache)  # SimpleCache's own dict: the test's view inside


def _keys_of(keys: list[str], comment: Comment) -> list[str]:
    return [k for k in keys if (m := KEY_RE.match(k)) and int(m.group(1)) == comment.id]


@pytest.fixture(autouse=True)
def _empty_cache(app: Flask) -> None:
    app.extensions.pop("comment_fragments_recent", None)
    with contextlib.suppress(redis.RedisError):  # TestWithoutRedis: nothing to clear
        cache.clear()


def _three(goal: Goal) -> list[Comment]:
    return [make_comment(goal, f"Kommentar {n}", votes=(1,)) for n in range(3)]


def test_a_second_visit_is_served_from_the_cache_and_looks_the_same(
    app: Flask, client: FlaskClient
) -> None:
    _, goal = _goal()
    first_comment = make_comment(goal, "Mit Antwort", replies=2)
    make_comment(goal, "Ohne Antwort www.example.org")
    first = _page(client)
    assert len(_cached_keys()) == 4  # two comments, two replies
    second = _page(client)
    assert len(_cached_keys()) == 4
    assert TOKEN_RE.sub("…", first) == TOKEN_RE.sub("…", second)
    assert 'href="https://www.example.org"' in second
    assert second.count('class="comment comment--reply"') == 2
    assert "Antwort 1" in _article(second, first_comment)


def test_a_vote_gives_exactly_that_comment_a_new_fragment(app: Flask, client: FlaskClient) -> None:
    _, goal = _goal()
    first, voted, last = _three(goal)
    _page(client)
    before = _cached_keys()
    reactions.vote(voted, make_participant("Neue Stimme"), 1)
    db.session.commit()
    page = _page(client)
    new = sorted(set(_cached_keys()) - set(before))
    assert len(new) == 1 and _keys_of(new, voted) == new
    assert '<span class="comment__number">2</span>' in _article(page, voted)
    assert '<span class="comment__number">1</span>' in _article(page, first)
    assert _keys_of(before, first) == _keys_of(_cached_keys(), first)  # untouched
    assert _keys_of(before, last) == _keys_of(_cached_keys(), last)


def test_an_edit_gives_that_comment_a_new_fragment(app: Flask, client: FlaskClient) -> None:
    process, goal = _goal()
    edited, other = _three(goal)[:2]
    _page(client)
    before = _cached_keys()
    services.edit_comment(edited, "Neuer Text", process)
    db.session.commit()
    page = _page(client)
    assert _keys_of(sorted(set(_cached_keys()) - set(before)), edited)
    assert len(set(_cached_keys()) - set(before)) == 1
    assert "Neuer Text" in _article(page, edited) and "(edited)" in _article(page, edited)
    assert "Kommentar 1" in _article(page, other)


def test_hiding_by_a_moderator_replaces_the_cached_fragment(
    app: Flask, client: FlaskClient
) -> None:
    process, goal = _goal()
    hidden = make_comment(goal, "Beleidigender Text")
    assert "Beleidigender Text" in _page(client)
    moderator = make_user("mod@example.org", "Moderatorin", is_admin=True)
    assert moderation.hide(hidden, process, moderator, "Beleidigung")
    db.session.commit()
    page = _page(client)
    assert "Beleidigender Text" not in page
    assert "Hidden comment" in _article(page, hidden)
    assert "Hidden by the moderation: Beleidigung" in page


def csrf_token_of(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "no comment form"
    return match.group(1)


def _signed_in(client: FlaskClient, name: str) -> User:
    user = make_user(f"{name.lower()}@example.org", name)
    login_as(client, user)
    return user


def test_a_signed_in_author_sees_their_own_controls_others_do_not(
    app: Flask, client: FlaskClient
) -> None:
    _, goal = _goal()
    anna = _signed_in(client, "Anna")
    own = make_comment(goal, "Annas Kommentar", author=make_participant("Anna", user=anna))
    other = make_comment(goal, "Ein anderer Kommentar")
    visitor = app.test_client()
    public = _page(visitor)  # fills the cache first
    assert "/edit" not in public and "/delete" not in public
    assert f"/comments/{own.id}/report" in public

    mine = _page(client)
    assert f"/comments/{own.id}/edit" in _article(mine, own)
    assert f"/comments/{own.id}/delete" in _article(mine, own)
    assert f"/comments/{own.id}/report" not in _article(mine, own)  # not one's own
    assert f"/comments/{other.id}/report" in _article(mine, other)
    assert "/edit" not in _article(mine, other)
    assert "/edit" not in _page(visitor)  # Anna's controls stayed with Anna


def test_the_own_vote_is_pressed_only_for_the_voter(app: Flask, client: FlaskClient) -> None:
    _, goal = _goal()
    voted = make_comment(goal, "Gute Idee")
    visitor = app.test_client()
    _page(visitor)
    anna = _signed_in(client, "Anna")
    reactions.vote(voted, make_participant("Anna", user=anna), -1)
    db.session.commit()
    mine = _article(_page(client), voted)
    assert 'value="down" class="kern-btn kern-btn--primary' in mine
    assert '<input type="hidden" name="shown" value="-1">' in mine
    theirs = _article(_page(visitor), voted)
    assert 'aria-pressed="true"' not in theirs
    assert '<input type="hidden" name="shown" value="0">' in theirs


def test_each_visitor_gets_their_own_csrf_token_in_cached_vote_forms(
    app: Flask, client: FlaskClient
) -> None:
    _, goal = _goal()
    comment = make_comment(goal, "Gute Idee")
    other = app.test_client()
    first, second = _page(client), _page(other)  # the second from the cache
    tokens = []
    for page in (first, second):
        votes = re.findall(r'<form method="post" action="[^"]+/vote".*?</form>', page, re.S)
        form_token = csrf_token_of(page)  # the comment form's, from this request
        assert votes and all(f'value="{form_token}"' in form for form in votes)
        tokens.append(form_token)
    assert tokens[0] != tokens[1]
    # The token in the cached form is this visitor's: the vote counts.
    response = client.post(
        f"{PAGE}/comments/{comment.id}/vote", data={"csrf_token": tokens[0], "value": "up"}
    )
    assert response.status_code == 302


def test_sort_and_cursor_of_the_page_go_into_the_cached_vote_forms(
    app: Flask, client: FlaskClient
) -> None:
    _, goal = _goal()
    make_comment(goal, "Gute Idee")
    _page(client)
    page = _page(client, PAGE + "?sort=supported")
    assert '<input type="hidden" name="sort" value="supported">' in page
    assert '<input type="hidden" name="sort" value="newest">' not in page


def test_languages_are_cached_apart(app: Flask, client: FlaskClient) -> None:
    _, goal = _goal()
    comment = make_comment(goal, "Gute Idee")
    english = _article(_page(client), comment)
    german = _article(_page(client, PAGE.replace("/en/", "/de/")), comment)
    assert "Agree" in english and "Report" in english
    assert "Stimme zu" in german and "Agree" not in german
    assert len(_keys_of(_cached_keys(), comment)) == 2


def test_without_taking_part_the_counts_show_as_text(app: Flask, client: FlaskClient) -> None:
    _, goal = _goal(participation_mode=ParticipationMode.ACCOUNT)
    comment = make_comment(goal, "Gute Idee", votes=(1, -1, -1))
    article = _article(_page(client), comment)
    assert "Agree: 1 · Disagree: 2" in article
    assert "/vote" not in article and "/reply" not in article


class TestWithRedis:
    """The production setting: fragments in Redis, shared by the web workers."""

    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        try:
            redis.Redis.from_url(REDIS_TEST_URL).ping()
        except redis.RedisError:
            pytest.skip("Redis is not reachable")
        return app_config | {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": REDIS_TEST_URL}

    def test_fragments_are_stored_in_redis(self, app: Flask, client: FlaskClient) -> None:
        _, goal = _goal()
        comment = make_comment(goal, "Gute Idee")
        first = _page(client)
        stored = redis.Redis.from_url(REDIS_TEST_URL).keys(f"mitwirken:comment:{comment.id}:*")
        assert len(stored) == 1
        assert TOKEN_RE.sub("…", first) == TOKEN_RE.sub("…", _page(client))


class TestWithoutRedis:
    """A cache that does not answer costs speed, not the page."""

    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return app_config | {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:9/0",  # nothing listens there
        }

    def test_the_page_is_rendered_without_the_cache(self, app: Flask, client: FlaskClient) -> None:
        _, goal = _goal()
        comment = make_comment(goal, "Gute Idee")
        assert "Gute Idee" in _article(_page(client), comment)


def test_each_process_keeps_its_recent_fragments_in_front_of_the_shared_cache(
    app: Flask, client: FlaskClient
) -> None:
    _, goal = _goal()
    comment = make_comment(goal, "Gute Idee")
    first = _page(client)
    cache.clear()  # what Redis held is gone; this process still has its copies
    assert TOKEN_RE.sub("…", _page(client)) == TOKEN_RE.sub("…", first)
    assert _cached_keys() == []
    reactions.vote(comment, make_participant("Neue Stimme"), 1)
    db.session.commit()
    assert "Agree <span" in _article(_page(client), comment)
    assert len(_keys_of(_cached_keys(), comment)) == 1  # a new version: rendered, stored


def test_recent_fragments_forget_the_least_recently_used() -> None:
    memory = Recent(size=2)
    memory.put("a", ("A", ""))
    memory.put("b", ("B", ""))
    assert memory.get("a") == ("A", "")  # a is now the most recent
    memory.put("c", ("C", ""))
    assert memory.get("b") is None
    assert memory.get("a") == ("A", "") and memory.get("c") == ("C", "")
