"""Parts shared by the answers: translated texts, links, pages, phases."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.processes.models import PhaseKind


def described(field: ma.fields.Field, description: str, **metadata: Any) -> ma.fields.Field:
    field.metadata = {**field.metadata, "description": description, **metadata}
    return field


def str_field(description: str, *, nullable: bool = False) -> ma.fields.Field:
    return described(ma.fields.String(required=True, allow_none=nullable), description)


def int_field(description: str, *, nullable: bool = False) -> ma.fields.Field:
    return described(ma.fields.Integer(required=True, allow_none=nullable), description)


def time_field(description: str, *, nullable: bool = False) -> ma.fields.Field:
    return described(
        ma.fields.AwareDateTime(format="iso", required=True, allow_none=nullable), description
    )


def nested_field(
    schema: Any, description: str, *, many: bool = False, nullable: bool = False
) -> Any:
    field: ma.fields.Field = ma.fields.Nested(schema, required=True, allow_none=nullable)
    if many:
        field = ma.fields.List(field, required=True, allow_none=nullable)
    return described(field, description)


class LocalizedTextSchema(ma.Schema):
    """A text in the requested language, or in the fallback language (marked)."""

    text = str_field("The text; empty when it was never written.")
    lang = str_field("The language the text is in (BCP 47).")
    fallback = described(
        ma.fields.Boolean(required=True),
        "True when the text is not in the requested language but in the process's.",
    )


def localized_field(description: str, *, nullable: bool = False) -> Any:
    return nested_field(LocalizedTextSchema, description, nullable=nullable)


PHASE_STATUSES = ["upcoming", "current", "past"]


class PhaseSchema(ma.Schema):
    kind = described(
        ma.fields.Enum(PhaseKind, by_value=True, required=True),
        "information, participation, evaluation (Abwägung) or results.",
    )
    title = localized_field("The phase's own name, if staff gave it one.", nullable=True)
    starts_at = time_field("Start of the phase.")
    ends_at = time_field("End of the phase (exclusive).")
    status = described(
        ma.fields.String(
            required=True, validate=ma.validate.OneOf(["upcoming", "current", "past"])
        ),
        "Where the phase stands now.",
    )


class PageSchema(ma.Schema):
    next_cursor = str_field(
        "Pass as `cursor` for the next page; null on the last page.", nullable=True
    )
    limit = int_field("The page size used.")
