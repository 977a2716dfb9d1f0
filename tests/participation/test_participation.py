"""Who may contribute, and as whom, in the three participation modes."""

from __future__ import annotations

from flask import Flask, g
from flask_login import login_user

from app.db import utcnow
from app.extensions import db
from app.participation import services
from app.participation.models import ParticipantKind
from app.processes.models import ParticipationMode, PhaseKind
from tests.factories import make_process, make_user


def test_outside_the_participation_phase_nobody_may_contribute(app: Flask) -> None:
    process = make_process(
        phase=PhaseKind.INFORMATION, participation_mode=ParticipationMode.ANONYMOUS
    )
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        assert services.gate(process) == (
            "This process has no participation phase: comments and ratings are not possible."
        )


def test_account_mode_needs_a_signed_in_verified_user(app: Flask) -> None:
    process = make_process()
    unverified = make_user("new@example.org", verified=False)
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        assert services.gate(process) == "Please sign in to take part."
        login_user(unverified)
        assert services.gate(process) == "Please confirm your e-mail address before you take part."


def test_blocked_user_is_told_so(app: Flask) -> None:
    process = make_process()
    user = make_user()
    user.blocked_at = utcnow()
    db.session.commit()
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        login_user(user)
        assert services.gate(process) == "Your account has been blocked from contributing."


def test_signed_in_user_contributes_under_one_account_participant(app: Flask) -> None:
    process = make_process()
    user = make_user(name="Anna")
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        login_user(user)
        first = services.participant_for(process)
        assert first.kind == ParticipantKind.ACCOUNT and first.pseudonym == "Anna"
    g.__dict__.clear()  # a new request
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        login_user(user)
        assert services.participant_for(process).id == first.id


def test_anonymous_mode_needs_a_pseudonym_and_sets_a_cookie(app: Flask) -> None:
    process = make_process(participation_mode=ParticipationMode.ANONYMOUS)
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        needed = services.identity(process)
        assert needed.needs_pseudonym and not needed.needs_email
        try:
            services.participant_for(process)
        except services.ParticipationRefusedError as exc:
            assert str(exc) == "Please enter a pseudonym."
        participant = services.participant_for(process, pseudonym="Ahmet")
        assert participant.kind == ParticipantKind.ANONYMOUS
        assert participant.token_hash and len(participant.token_hash) == 64


def test_guest_with_someone_elses_address_gets_a_new_unconfirmed_participant(app: Flask) -> None:
    process = make_process(participation_mode=ParticipationMode.GUEST)
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        owner = services.participant_for(process, pseudonym="Owner", email="o@example.org")
        services.confirm_guest(owner)
        db.session.commit()
        owner_id = owner.id
    g.__dict__.clear()  # a new request
    with app.test_request_context(
        "/en/", headers={"Accept-Language": "en"}
    ):  # another browser, same address
        other = services.participant_for(process, pseudonym="Mallory", email="o@example.org")
        assert other.id != owner_id and not other.is_confirmed


def test_invalid_confirmation_link_is_explained(app: Flask) -> None:
    page = app.test_client().get("/en/participate/confirm/nonsense", follow_redirects=True)
    assert "This confirmation link is invalid or has expired." in page.get_data(as_text=True)


def test_in_guest_mode_an_anonymous_reporter_must_still_confirm_an_address(app: Flask) -> None:
    process = make_process(participation_mode=ParticipationMode.GUEST)
    with app.test_request_context("/en/", headers={"Accept-Language": "en"}):
        services.reporter()  # reporting creates an anonymous participant for this browser
        needed = services.identity(process)
        assert needed.needs_pseudonym and needed.needs_email
