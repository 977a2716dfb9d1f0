"""The authorization matrix: each route, method and role answers as the policy table says.

The routes come from ``app.url_map``, so a new route fails the suite until it has an
entry in ``policy_table.POLICY``. Each role runs against its own freshly built data set
(``world.build_world``); every request starts from that role's browser (signed in,
holding a CSRF token from a real form) in a fresh client, so no answer depends on a
cookie an earlier request set. What earlier POSTs changed in the database stays, so
routes that delete something point at spare objects (see ``world``).

Run one role with ``-k "policy_says and admin"``; a failure lists every route whose
answer differs, with the policy's answer and the one seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.authorization.policy_table import CALLS, POLICY, Call, Outcome, Ref
from tests.authorization.world import ROLES, World, build_world
from tests.conftest import csrf_token, login_as

IGNORED_METHODS = {"HEAD", "OPTIONS"}
CSRF_REFUSAL = "Your form session has expired"
FORM_PAGE = "/en/barrierefreiheit"  # every role may open it; it has a form


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    rule: Rule

    def __str__(self) -> str:
        return f"{self.method} {self.rule.rule} ({self.endpoint})"


def routes(app: Flask) -> list[Case]:
    return sorted(
        (
            Case(rule.endpoint, method, rule)
            for rule in app.url_map.iter_rules()
            for method in sorted((rule.methods or set()) - IGNORED_METHODS)
        ),
        key=lambda case: (case.endpoint, case.method),
    )


@dataclass(frozen=True)
class Browser:
    """A role's browser: its session cookie (signed in, with a CSRF secret) and token."""

    cookie: str | None
    token: str


def _browser(app: Flask, user: Any) -> Browser:
    client = app.test_client()
    if user is not None:
        login_as(client, user)
    token = csrf_token(client, FORM_PAGE)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return Browser(cookie.value if cookie else None, token)


def _url(app: Flask, world: World, case: Case) -> str:
    values = {name: world.value(case.endpoint, name) for name in case.rule.arguments}
    adapter = app.url_map.bind("localhost")
    url = adapter.build(case.endpoint, values, method=case.method)
    matched, _args = adapter.match(url, method=case.method, return_rule=True)
    assert matched is case.rule, f"{url} does not lead back to {case}"
    return url


def _form(world: World, case: Case, call: Call, token: str) -> dict[str, Any] | None:
    if case.method == "GET":
        return None
    form = {
        k: world.value(case.endpoint, v.name) if isinstance(v, Ref) else v
        for k, v in call.form.items()
    }
    return {"csrf_token": token, **form}


def _target(app: Flask, response: TestResponse) -> str:
    path = urlsplit(response.headers["Location"]).path
    endpoint, _args = app.url_map.bind("localhost").match(path, method="GET")
    return str(endpoint)


def _first_flash(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        flashes = session.get("_flashes") or []
    return str(flashes[0][0]) if flashes else None


def ask(app: Flask, world: World, browser: Browser, case: Case) -> Outcome:
    """What ``case`` answers this browser (a fresh client with only its session)."""
    client = app.test_client()
    if browser.cookie is not None:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], browser.cookie)
    call = CALLS.get((case.endpoint, case.method), Call())
    response = client.open(
        _url(app, world, case),
        method=case.method,
        data=_form(world, case, call, browser.token),
        query_string=call.query,
        headers=call.headers,
    )
    if response.status_code == 400 and CSRF_REFUSAL in response.get_data(as_text=True):
        return Outcome(400, "CSRF refused: the token did not fit the session")
    if response.status_code in (301, 302, 303, 307, 308):
        return Outcome(response.status_code, _target(app, response), _first_flash(client))
    return Outcome(response.status_code)


def test_every_route_has_a_policy_entry(app: Flask) -> None:
    cases = {(case.endpoint, case.method) for case in routes(app)}
    assert len(cases) == len(routes(app)), "an endpoint and method pair has two rules"
    assert sorted(cases - POLICY.keys()) == [], "routes without an entry in POLICY"
    assert sorted(POLICY.keys() - cases) == [], "POLICY entries for routes that do not exist"
    assert sorted(CALLS.keys() - cases) == [], "CALLS entries for routes that do not exist"
    assert all(len(access) == len(ROLES) for access in POLICY.values())


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_the_role_as_the_policy_says(
    app: Flask, outbox: list[Any], role: str
) -> None:
    world = build_world(app, outbox)
    browser = _browser(app, world.users[role])
    column = ROLES.index(role)
    cases = routes(app)
    wrong = []
    for case in cases:
        expected = POLICY[(case.endpoint, case.method)][column]
        seen = ask(app, world, browser, case)
        if not expected.admits(seen):
            wrong.append(f"  {case}: policy {expected}, got {seen}")
    assert not wrong, f"{role}: {len(wrong)} of {len(cases)} routes differ:\n" + "\n".join(wrong)
