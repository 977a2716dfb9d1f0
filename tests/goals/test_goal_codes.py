"""A goal code is one word that never breaks ("12.2." / "2"): it is isolated for the
bidirectional algorithm (``<bdi>``, so "12.2.2" keeps its order in Arabic) and kept on
one line (``white-space: nowrap``) in breadcrumbs, headings and the moderation table."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from app.accounts.models import Role
from app.processes.models import Process
from tests.conftest import login_as
from tests.factories import make_comment, make_goal, make_user

CSS = Path(__file__).parents[2] / "app" / "static" / "css" / "app.css"
CODE = '<bdi class="goal-code">{}</bdi>'


def _goals(process: Process) -> None:
    top = make_goal(process, "12", "Verwaltung")
    middle = make_goal(process, "12.2", "Digital", parent=top)
    make_comment(make_goal(process, "12.2.2", "Online-Dienste", parent=middle))


def test_the_arabic_breadcrumb_isolates_every_code(client: FlaskClient, process: Process) -> None:
    _goals(process)
    page = client.get(f"/ar/p/{process.slug}/goals/12.2.2").get_data(as_text=True)
    crumbs = re.search(r'(?s)<nav class="breadcrumbs".*?</nav>', page)
    assert crumbs
    for code in ("12", "12.2", "12.2.2"):
        assert CODE.format(code) in crumbs.group(0), code
    assert CODE.format("12.2.2") in page.split("</nav>", 2)[-1]  # the heading's kicker


def test_the_moderation_table_isolates_the_code(client: FlaskClient, process: Process) -> None:
    _goals(process)
    login_as(client, make_user("m@example.org", "M", process=process, role=Role.MODERATOR))
    page = client.get(f"/de/moderation/p/{process.slug}/?tab=published").get_data(as_text=True)
    assert re.search(r'<a class="kern-link" href="[^"]+">' + re.escape(CODE.format("12.2.2")), page)


def test_a_code_never_wraps() -> None:
    rule = re.search(r"\.goal-code[^{]*\{([^}]*)\}", CSS.read_text())
    assert rule and "white-space: nowrap" in rule.group(1)
