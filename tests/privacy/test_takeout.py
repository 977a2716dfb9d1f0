"""'Meine Daten': a signed-in person downloads everything about them as JSON in a ZIP."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from flask.testing import FlaskClient

from app.comments import reactions
from app.goals.models import Goal
from app.surveys.models import AccessMode
from tests.conftest import login_as
from tests.factories import (
    make_comment,
    make_participant,
    make_ratings,
    make_response,
    make_survey,
    make_user,
)

DOWNLOAD = "/en/account/my-data/download"


def _files(client: FlaskClient, url: str = DOWNLOAD) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return {
        name.removesuffix(".json"): json.loads(archive.read(name)) for name in archive.namelist()
    }


def test_download_holds_account_contributions_votes_ratings_and_responses(
    client: FlaskClient, goal: Goal
) -> None:
    anna = make_user("anna@example.org", "Anna")
    mine = make_participant("Anna", user=anna)
    other = make_comment(goal, "Von jemand anderem")
    comment = make_comment(goal, "Mein Kommentar", author=mine)
    make_comment(goal, "Meine Antwort", author=mine, parent=other)
    reactions.vote(other, mine, 1)
    make_ratings(goal, {"direction": 4}, author=mine)
    survey = make_survey(access_mode=AccessMode.ACCOUNT)
    make_response(survey, {survey.questions[0]: "Mehr Bänke"}, user=anna)
    login_as(client, anna)

    files = _files(client)

    assert set(files) == {
        "account",
        "participants",
        "comments",
        "votes",
        "reports",
        "ratings",
        "survey_responses",
        "consent_versions",
    }
    assert files["account"]["email"] == "anna@example.org"
    assert [c["body"] for c in files["comments"]] == ["Mein Kommentar", "Meine Antwort"]
    assert files["comments"][1]["reply_to"] == other.id
    assert "Von jemand anderem" not in json.dumps(files, ensure_ascii=False)
    assert files["votes"] == [
        {"comment_id": other.id, "value": 1, "created_at": files["votes"][0]["created_at"]}
    ]
    assert {(r["process"], r["goal"], r["question"], r["value"]) for r in files["ratings"]} == {
        ("hf12", "1", "direction", 4)
    }
    (response,) = files["survey_responses"]
    assert response["state"] == "submitted"
    assert response["answers"][0]["value_text"] == "Mehr Bänke"
    version = files["consent_versions"][0]
    assert version["number"] == 1 and "evaluated by the administration" in version["text"]["en"]
    assert files["comments"][0]["consent_version_id"] == version["id"] == comment.consent_version_id


def test_anonymised_survey_responses_are_not_linked_and_not_in_the_download(
    client: FlaskClient,
) -> None:
    anna = make_user()
    survey = make_survey(access_mode=AccessMode.ACCOUNT, anonymised=True)
    make_response(survey, {survey.questions[0]: "Geheim"}, user=anna)
    login_as(client, anna)
    files = _files(client)
    assert files["survey_responses"] == []
    assert "Geheim" not in json.dumps(files, ensure_ascii=False)


def test_a_person_without_contributions_gets_their_account_only(client: FlaskClient) -> None:
    login_as(client, make_user("neu@example.org", "Neu"))
    files = _files(client)
    assert files["account"]["display_name"] == "Neu"
    assert files["comments"] == [] and files["participants"] == []


def test_my_data_page_links_download_and_deletion(client: FlaskClient) -> None:
    login_as(client, make_user())
    page = client.get("/en/").get_data(as_text=True)
    assert 'href="/en/account/my-data"' in page
    page = client.get("/en/account/my-data").get_data(as_text=True)
    assert 'href="/en/account/my-data/download"' in page
    assert 'href="/en/account/delete"' in page
