"""The HF12 demo: a staff member exports the Auswertung as DOCX and PDF from the page."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from app.accounts.models import User
from app.demo.loader import load_demo
from app.exports.models import ExportJob, ExportStatus
from app.extensions import db
from tests.conftest import login_as, submit

EXPORTS = "/de/staff/exports/p/hf12-verwaltung/"


@pytest.fixture
def demo_staff(app: Flask, client: FlaskClient) -> FlaskClient:
    load_demo()
    db.session.commit()
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@mitwirken.example"))
    login_as(client, staff)
    return client


def _export(client: FlaskClient, fmt: str, **extra: Any) -> tuple[ExportJob, bytes]:
    response = submit(
        client, EXPORTS, {"kind": "assessment", "format": fmt, "language": "de"} | extra
    )
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.scalar(sa.select(ExportJob).order_by(ExportJob.id.desc()).limit(1))
    assert job is not None and job.status == ExportStatus.DONE, job and job.error
    download = client.get(f"{EXPORTS}{job.id}/download")
    assert download.status_code == 200
    return job, download.data


def test_the_demo_auswertung_as_pdf(demo_staff: FlaskClient) -> None:
    page = demo_staff.get(EXPORTS).get_data(as_text=True)
    assert "PDF-Dokument (Auswertung mit Steckbrief; Ergebnisbericht)" in page
    job, content = _export(demo_staff, "pdf")
    assert job.filename.endswith(".pdf") and job.content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Auswertung der Beteiligung".upper() in text.upper()
    assert "Wurde der Titel geändert?" in text and "Innovative Verwaltung" in text
    assert "Hinzugefügt: 12.5.4 Junge Menschen gezielt beteiligen" in text
    assert "Aufgegriffene Rückmeldungen" in text and "Leitsatz" in text
    assert "Offizielle Antwort (Referat Stadtentwicklung)" in text
    assert "Gemeinderat" in text and re.search(r"Bürger:in \d+", text)
    assert f"Seite 2 von {len(reader.pages)}" in text
    assert any(p.mediabox.width > p.mediabox.height for p in reader.pages)  # the table
    assert job.row_count == 24


def test_the_demo_auswertung_as_docx(demo_staff: FlaskClient) -> None:
    job, content = _export(demo_staff, "docx")
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Wurde der Titel geändert? Ja, vorher: „Innovative Verwaltung“" in text
    table_rows = sum(len(t.rows) - 1 for t in document.tables if t.rows[0].cells[0].text == "Nr.")
    assert table_rows == job.row_count == 24


def test_a_document_refuses_more_rows_than_fit(
    demo_staff: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.exports.auswertung.document.MAX_ROWS", 10)
    submit(demo_staff, EXPORTS, {"kind": "assessment", "format": "pdf", "language": "de"})
    db.session.expire_all()
    job = db.session.scalar(sa.select(ExportJob).order_by(ExportJob.id.desc()).limit(1))
    assert job is not None and job.status == ExportStatus.FAILED
    assert job.error.startswith("Das Dokument hätte 24 Zeilen; höchstens 10 passen hinein.")


def test_survey_responses_are_not_offered_as_documents(demo_staff: FlaskClient) -> None:
    surveys = "/de/staff/exports/p/landkreis-strategie-2035/"
    page = demo_staff.get(surveys).get_data(as_text=True)
    survey = re.search(r'<option value="(\d+)"', page)
    assert survey is not None
    form = {
        "kind": "survey_responses",
        "survey": survey.group(1),
        "format": "pdf",
        "language": "de",
    }
    response = submit(demo_staff, surveys, form)
    assert response.status_code == 400
    assert "Dieses Format gibt es für den gewählten Export nicht." in response.get_data(
        as_text=True
    )
