"""Values for the URL arguments of the demo's pages (ids looked up in the loaded demo),
shared by the tests that render every GET page."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.extensions import db

SURVEY = "buergerbefragung-2035"


def _one(sql: str, **params: Any) -> Any:
    return db.session.execute(sa.text(sql), params).scalar()


def url_values() -> dict[str, Any]:
    survey = _one("SELECT id FROM survey WHERE slug = :slug", slug=SURVEY)
    question = _one(
        "SELECT q.id FROM survey_question q JOIN survey_option o ON o.question_id = q.id"
        " JOIN survey_section s ON s.id = q.section_id WHERE s.survey_id = :s ORDER BY q.id",
        s=survey,
    )
    return {
        "slug": "hf12-verwaltung",
        "code": "12.2.2",
        "comment_id": _one(
            "SELECT c.id FROM comment c JOIN goal g ON g.id = c.goal_id"
            " WHERE g.code = '12.2.2' AND c.status = 'published' ORDER BY c.id"
        ),
        "survey_id": survey,
        "section_id": _one("SELECT id FROM survey_section WHERE survey_id = :s", s=survey),
        "question_id": question,
        "option_id": _one("SELECT id FROM survey_option WHERE question_id = :q", q=question),
        "phase_id": _one("SELECT id FROM phase ORDER BY id"),
        "job_id": _one("SELECT id FROM export_job ORDER BY id"),
        "key": _one("SELECT key FROM site_page ORDER BY id") or "accessibility",
        "number": 1,
    }
