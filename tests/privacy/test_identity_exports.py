"""Exports with identities (survey data with invitation codes): admins only, with a
reason, audited. Every other export names nobody."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.exports import services
from app.exports.models import ExportFormat, ExportJob, ExportKind
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import AccessMode, Survey
from tests.conftest import login_as, submit
from tests.factories import make_survey, make_user

START = "/en/staff/exports/p/hf12/"


def _start(client: FlaskClient, survey: Survey, **extra: Any) -> Any:
    form = {"kind": "survey_responses", "survey": str(survey.id), "format": "csv"}
    return submit(client, START, form | {"language": "en"} | extra)


def _jobs() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) or 0


def test_staff_may_not_export_responses_with_invitation_codes(
    staff_client: FlaskClient, process: Process
) -> None:
    coded = make_survey("coded", process=process, access_mode=AccessMode.CODE)
    response = _start(staff_client, coded, reason="Rückfrage")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "exported by administrators only" in page
    assert _jobs() == 0


def test_staff_export_surveys_without_codes_as_before(
    staff_client: FlaskClient, process: Process
) -> None:
    anonymised = make_survey("anon", process=process, access_mode=AccessMode.CODE, anonymised=True)
    assert _start(staff_client, anonymised).status_code == 302
    assert _jobs() == 1


def test_an_admin_gives_a_reason_and_it_is_audited(client: FlaskClient, process: Process) -> None:
    coded = make_survey("coded", process=process, access_mode=AccessMode.CODE)
    login_as(client, make_user("admin@example.org", is_admin=True))
    refused = _start(client, coded, reason="  ")
    assert refused.status_code == 400
    assert "Please give the reason for exporting invitation codes." in refused.get_data(
        as_text=True
    )
    assert _jobs() == 0

    response = _start(client, coded, reason="Rückfrage des Statistikamts zu Brief 17")

    assert response.status_code == 302 and _jobs() == 1
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "export.request")
    ).one()
    assert event.after["with_identities"] is True
    assert event.after["reason"] == "Rückfrage des Statistikamts zu Brief 17"


def test_the_service_refuses_an_identity_export_without_a_reason(process: Process) -> None:
    coded = make_survey("coded", process=process, access_mode=AccessMode.CODE)
    with pytest.raises(ValueError, match="needs a reason"):
        services.request_export(
            process,
            kind=ExportKind.SURVEY_RESPONSES,
            fmt=ExportFormat.CSV,
            locale="en",
            survey=coded,
        )
