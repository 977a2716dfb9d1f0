"""The API reference page, rendered on the server from the OpenAPI document.

No script and no external asset: the page is built from ``api.spec`` with Jinja in
the KERN style, works without JavaScript and passes the strict CSP. Operation
summaries, descriptions and parameter texts are marked with ``N_`` where they are
written and translated here; the field descriptions of the schemas stay English
(marked ``lang="en"``), like the OpenAPI document itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.api.spec import api
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from app.results.survey_snapshot import GROUPING_KINDS
from app.surveys.lookups import public_by_id
from app.surveys.models import Question, Section, Survey

bp = Blueprint("api_reference", __name__, template_folder="templates")

STATUS_TEXTS = {
    "200": _l("The answer."),
    "202": _l("Being counted: ask again after `Retry-After` seconds."),
    "304": _l("Not modified: the copy you hold (its ETag) is current."),
    "400": _l("A query parameter is unknown or has an invalid value; `errors` names it."),
    "404": _l("Not found, or not public."),
    "406": _l("The request accepts no type this address answers in."),
    "429": _l("Too many requests: wait as long as `Retry-After` says."),
    "503": _l("Being prepared: ask again after `Retry-After` seconds."),
    "default": _l("An unexpected error (500): the same problem format."),
}


@dataclass
class Parameter:
    name: str
    location: str
    type: str
    required: bool
    description: str


@dataclass
class Operation:
    operation_id: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    responses: list[tuple[str, str]]
    returns: str
    example: str | None


@dataclass
class SchemaDoc:
    name: str
    description: str
    properties: list[tuple[str, str, bool, str]] = field(default_factory=list)


def describe_type(schema: dict[str, Any]) -> str:
    """A short human description of a JSON Schema: ``string | null``, ``array of Goal``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return " | ".join(describe_type(part) for part in schema[combinator])
    kinds = schema.get("type", "object")
    names = kinds if isinstance(kinds, list) else [kinds]
    described = []
    for kind in names:
        if kind == "array":
            described.append(f"array of {describe_type(schema.get('items', {}))}")
        elif "format" in schema and kind != "null":
            described.append(f"{kind} ({schema['format']})")
        else:
            described.append(str(kind))
    text = " | ".join(described)
    if "enum" in schema:
        text += ": " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    return text


SURVEY_PATHS = "/api/v1/surveys/"


def _example_values() -> dict[str, dict[str, str]]:
    """Real values for the example links: the newest published process and its first
    goal, the newest public survey (for the survey paths, whose ``slug`` is a survey's)."""
    survey = db.session.scalar(
        public_by_id().with_only_columns(Survey.slug).order_by(Survey.id.desc()).limit(1)
    )
    return {
        "processes": _process_values(),
        "surveys": {"slug": survey} if survey else {},
    }


def _process_values() -> dict[str, str]:
    process = db.session.scalar(
        sa.select(Process).where(Process.is_published).order_by(Process.id.desc()).limit(1)
    )
    if process is None:
        return {}
    code = db.session.scalar(
        sa.select(Goal.code)
        .where(Goal.process_id == process.id)
        .order_by(Goal.level, Goal.position, Goal.code)
        .limit(1)
    )
    return {"slug": process.slug, **({"code": code} if code else {})}


def _example(path: str, values: dict[str, str]) -> str | None:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return None if "{" in path else path


def _returns(operation: dict[str, Any]) -> str:
    content = operation["responses"].get("200", {}).get("content", {})
    for media_type, body in content.items():
        return f"{media_type}: {describe_type(body.get('schema', {}))}"
    return ""


def _parameters(path_item: dict[str, Any], operation: dict[str, Any]) -> list[Parameter]:
    return [
        Parameter(
            name=p["name"],
            location=p["in"],
            type=describe_type(p.get("schema", {})),
            required=bool(p.get("required")),
            description=gettext(p["description"]) if p.get("description") else "",
        )
        for p in [*path_item.get("parameters", []), *operation.get("parameters", [])]
    ]


def operations(document: dict[str, Any], values: dict[str, dict[str, str]]) -> list[Operation]:
    found = []
    for path, item in document["paths"].items():
        operation = item["get"]
        kind = "surveys" if path.startswith(SURVEY_PATHS) else "processes"
        found.append(
            Operation(
                operation_id=operation["operationId"],
                path=path,
                summary=gettext(operation.get("summary", "")),
                description=gettext(operation.get("description", "")),
                parameters=_parameters(item, operation),
                responses=[
                    (status, str(STATUS_TEXTS.get(status, "")))
                    for status in sorted(operation["responses"], key=lambda s: (s == "default", s))
                ],
                returns=_returns(operation),
                example=_example(path, values[kind]),
            )
        )
    return found


def schemas(document: dict[str, Any]) -> list[SchemaDoc]:
    docs = []
    for name, schema in sorted(document["components"]["schemas"].items()):
        required = set(schema.get("required", []))
        docs.append(
            SchemaDoc(
                name=name,
                description=str(schema.get("description", "")),
                properties=[
                    (prop, describe_type(spec), prop in required, str(spec.get("description", "")))
                    for prop, spec in schema.get("properties", {}).items()
                ],
            )
        )
    return docs


@dataclass
class SurveyExample:
    """The journalist's example: a public survey's results by municipality (or by
    another demographic question, where the survey asks none for the municipality)."""

    survey: Survey
    question: Question
    value: str


def survey_example() -> SurveyExample | None:
    """The newest public survey with a demographic question to split its results by."""
    found = db.session.execute(
        public_by_id()
        .join(Section, Section.survey_id == Survey.id)
        .join(Question, Question.section_id == Section.id)
        .add_columns(Question)
        .where(
            Question.is_demographic.is_(True),
            Question.kind.in_(GROUPING_KINDS),
        )
        .order_by(Survey.id.desc(), Question.id)
    ).all()
    if not found:
        return None
    newest = [(s, q) for s, q in found if s.id == found[0][0].id]
    municipality = [(s, q) for s, q in newest if q.setting("preset") == "municipality"]
    survey, question = (municipality or newest)[0]
    options = [o for o in question.options if not o.is_no_answer]
    return SurveyExample(survey, question, options[0].value) if options else None


@bp.route("/open-data")
def reference() -> str:
    document = api.spec.to_dict()
    values = _example_values()
    published = list(
        db.session.scalars(
            sa.select(Process).where(Process.is_published).order_by(Process.id.desc())
        )
    )
    return render_template(
        "api/reference.html",
        document=document,
        operations=operations(document, values),
        schemas=schemas(document),
        processes=published,
        survey_example=survey_example(),
    )
