"""Whole public results pages kept per snapshot (app.results.page_cache): a kept page
is served without reading the snapshot, and never outlives the snapshot, the
questionnaire's texts, the language or the filter it was rendered for. Signed-in
users (staff above all) never get a kept page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.results import page_cache
from app.surveys.models import ResultsVisibility
from tests.conftest import counting_queries, login_as
from tests.factories import make_user
from tests.results.conftest import ResultsSurvey, add_responses, rebuild


def _public(made: ResultsSurvey) -> None:
    made.survey.results_visibility = ResultsVisibility.LIVE
    db.session.commit()
    rebuild(made)


def _page(client: FlaskClient, made: ResultsSurvey, lang: str = "en", query: str = "") -> str:
    response = client.get(f"/{lang}/surveys/{made.survey.slug}/results{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _snapshot_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "aggregate.data" in s]


def test_a_public_visitor_gets_the_kept_page_without_reading_the_snapshot(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    _public(made)
    with counting_queries() as first:
        page = _page(client, made)
    with counting_queries() as second:
        again = _page(client, made)
    assert again == page
    assert _snapshot_reads(first)
    assert not _snapshot_reads(second)
    assert len(second) < len(first)


def test_a_kept_page_changes_when_a_new_snapshot_is_stored(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    _public(made)
    assert "400 respondents" in _page(client, made)
    add_responses(made, 50, seed=5)
    rebuild(made)
    page = _page(client, made)
    assert "450 respondents" in page
    assert "400 respondents" not in page


def test_a_kept_page_is_per_language_and_per_filter(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    _public(made)
    english, german = _page(client, made, "en"), _page(client, made, "de")
    assert "Results" in english and "Ergebnisse" not in english
    assert "Ergebnisse" in german
    assert _page(client, made, "en") == english
    town = _page(client, made, query="?group=municipality.lehre")
    other = _page(client, made, query="?group=municipality.velpke")
    assert "Results for “Gemeinde Lehre”" in town
    assert "Results for “Velpke”" in other
    assert "Gemeinde Lehre”" not in other
    assert _page(client, made, query="?group=municipality.lehre") == town


def test_a_reworded_question_shows_at_once(client: FlaskClient, made: ResultsSurvey) -> None:
    _public(made)
    assert "Verkehrsmittel" in _page(client, made)
    made.q["single"].prompt = {"de": "Wie kommen Sie zur Arbeit?"}
    db.session.commit()
    page = _page(client, made)
    assert "Wie kommen Sie zur Arbeit?" in page
    assert "Verkehrsmittel" not in page


def test_signed_in_staff_never_get_a_kept_page(
    app: Flask, client: FlaskClient, made: ResultsSurvey
) -> None:
    _public(made)
    public = _page(client, made)
    kept = len(page_cache.pages())
    admin = make_user("admin@example.org", is_admin=True)
    db.session.commit()
    login_as(client, admin)
    page = _page(client, made)
    assert page != public
    assert "Signed in as" in page
    dashboard = client.get(f"/en/staff/results/surveys/{made.survey.id}/")
    assert "Unsuppressed numbers for staff" in dashboard.get_data(as_text=True)
    assert len(page_cache.pages()) == kept  # nothing a signed-in user saw was kept
    with client.session_transaction() as session:  # signed out
        session.clear()
    again = _page(client, made)
    assert again == public
    assert "Signed in as" not in again
    assert "Unsuppressed" not in again
