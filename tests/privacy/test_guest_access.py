"""Guests reach 'Meine Daten' through a link mailed to their confirmed address."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.comments.models import Comment
from app.extensions import db
from app.participation.models import Participant
from app.processes.models import ParticipationMode
from tests.conftest import submit
from tests.factories import make_goal, make_process
from tests.privacy.conftest import CONFIRM_LINK, GUEST_DATA_LINK, link_path, post_comment

REQUEST = "/en/my-data/guest"


def _confirmed_guest(app: Flask, outbox: list[Any]) -> None:
    make_goal(make_process(participation_mode=ParticipationMode.GUEST), "1", "Ziel")
    guest = app.test_client()
    post_comment(guest, "Gast-Kommentar", pseudonym="Gastine", email="gast@example.org")
    guest.get(link_path(outbox[-1], CONFIRM_LINK))
    outbox.clear()


def _data_link(client: FlaskClient, outbox: list[Any], email: str = "gast@example.org") -> str:
    response = submit(client, REQUEST, {"email": email})
    assert response.status_code == 302
    assert len(outbox) == 1 and outbox[0].to == [email]
    return link_path(outbox[0], GUEST_DATA_LINK)


def test_a_confirmed_guest_gets_a_link_and_downloads_their_data(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    _confirmed_guest(app, outbox)
    link = _data_link(client, outbox, "Gast@Example.org".lower())
    other = app.test_client()  # the link works in any browser: it proves the inbox
    page = other.get(link).get_data(as_text=True)
    assert "gast@example.org" in page
    download = other.get(f"{link}/download")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    comments = json.loads(archive.read("comments.json"))
    assert [c["body"] for c in comments] == ["Gast-Kommentar"]
    account = json.loads(archive.read("account.json"))
    assert account == {"guest_email": "gast@example.org"}


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    _confirmed_guest(app, outbox)
    known = submit(client, REQUEST, {"email": "gast@example.org"})
    unknown = submit(client, REQUEST, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert [mail.to for mail in outbox] == [["gast@example.org"]]


def test_a_guest_deletes_their_data_and_the_link_stops_working(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    _confirmed_guest(app, outbox)
    link = _data_link(client, outbox)
    refused = submit(client, f"{link}/delete", {}, form_url=link)
    assert refused.status_code == 200
    assert "Please confirm that you want to delete your data." in refused.get_data(as_text=True)

    response = submit(client, f"{link}/delete", {"confirm": "y"}, form_url=link)

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 0
    comment = db.session.scalars(sa.select(Comment)).one()
    assert comment.author_name is None and comment.body == "Gast-Kommentar"
    again = client.get(link)
    assert again.status_code == 302 and again.location.endswith(REQUEST)
    assert client.get(f"{link}/download").status_code == 404


def test_a_forged_link_is_refused(client: FlaskClient) -> None:
    response = client.get("/en/my-data/guest/not-a-token")
    assert response.status_code == 302 and response.location.endswith(REQUEST)
    assert client.get("/en/my-data/guest/not-a-token/download").status_code == 404
