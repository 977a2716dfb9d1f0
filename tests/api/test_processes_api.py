"""/api/v1/processes and /api/v1/processes/<slug>: what a journalist gets, and what not."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.extensions import db
from app.processes.models import PhaseKind
from tests.api.conftest import OpenData, get_json
from tests.factories import make_process


def _codes(nodes: list[dict[str, Any]]) -> list[str]:
    return [code for n in nodes for code in (n["code"], *_codes(n["children"]))]


def test_process_list_shows_published_processes_with_phases_and_counts(
    client: FlaskClient, opendata: OpenData
) -> None:
    make_process("entwurf", published=False)
    body = get_json(client, "/api/v1/processes")
    assert [p["slug"] for p in body["items"]] == ["hf12"]
    item = body["items"][0]
    assert item["current_phase"] == "participation"
    assert [p["kind"] for p in item["phases"]] == ["participation"]
    assert item["counts"] == item["counts"] | {"goals": 3, "comments": 5, "ratings": 3}
    assert item["links"]["self"] == "/api/v1/processes/hf12"


def test_process_list_pages_with_a_cursor(client: FlaskClient, opendata: OpenData) -> None:
    make_process("zweiter")
    first = get_json(client, "/api/v1/processes?limit=1")
    assert [p["slug"] for p in first["items"]] == ["zweiter"]
    second = get_json(client, f"/api/v1/processes?limit=1&cursor={first['next_cursor']}")
    assert [p["slug"] for p in second["items"]] == ["hf12"]
    assert second["next_cursor"] is None


def test_goal_tree_has_codes_levels_revisions_and_translations(
    client: FlaskClient, opendata: OpenData
) -> None:
    body = get_json(client, "/api/v1/processes/hf12")
    assert _codes(body["goals"]) == ["12", "12.1", "12.2"]
    top = body["goals"][0]
    assert top["level"] == 0 and top["level_name"]["text"] == "Handlungsfeld"
    assert top["translations"] == ["de", "en"]
    assert top["easy_language"]["text"] == "Leicht: Leistungsfähige Verwaltung."
    culture = top["children"][0]
    assert culture["revision"] == 2
    assert culture["title"]["text"] == "Motivierende Kultur stärken"
    assert culture["counts"] == {"comments": 4, "ratings": 3}
    assert culture["links"]["revisions"] == "/api/v1/processes/hf12/goals/12.1/revisions"


def test_lang_marks_each_fallback_field(client: FlaskClient, opendata: OpenData) -> None:
    body = get_json(client, "/api/v1/processes/hf12?lang=en")
    top = body["goals"][0]
    assert top["title"] == {"text": "Efficient administration", "lang": "en", "fallback": False}
    assert top["body"] == {
        "text": "Text zu Leistungsfähige Verwaltung.",
        "lang": "de",
        "fallback": True,
    }
    assert body["title"]["lang"] == "en"


def test_unpublished_process_is_a_problem_404(client: FlaskClient, app: Any) -> None:
    make_process("entwurf", published=False)
    response = client.get("/api/v1/processes/entwurf")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json(force=True)["instance"] == "/api/v1/processes/entwurf"


def test_phase_change_changes_current_phase(client: FlaskClient, opendata: OpenData) -> None:
    opendata.process.phases[0].kind = PhaseKind.RESULTS
    db.session.commit()
    assert get_json(client, "/api/v1/processes/hf12")["current_phase"] == "results"


def test_a_cursor_past_every_id_is_an_empty_page(client: FlaskClient, opendata: OpenData) -> None:
    body = get_json(client, "/api/v1/processes/hf12/contributions?cursor=9999999999")
    assert body["items"] == [] and body["next_cursor"] is None
    assert [
        p["slug"] for p in get_json(client, "/api/v1/processes?cursor=9999999999")["items"]
    ] == ["hf12"]
