"""Revisions with the contributions they took up, and the published contributions."""

from __future__ import annotations

import marshmallow as ma

from app.api.schemas.common import (
    PageSchema,
    described,
    int_field,
    localized_field,
    nested_field,
    str_field,
    time_field,
)
from app.assessment.models import Consideration
from app.comments.models import Channel
from app.participation.models import StakeholderGroup


def _enum(enum: type, description: str, *, nullable: bool = False) -> ma.fields.Field:
    return described(
        ma.fields.Enum(enum, by_value=True, required=True, allow_none=nullable), description
    )


class AuthorSchema(ma.Schema):
    pseudonym = str_field(
        "A stable pseudonym of the participant within this process (the same person, "
        "the same pseudonym); never a name. Null for the administration and offline input.",
        nullable=True,
    )
    role = described(
        ma.fields.String(
            required=True,
            validate=ma.validate.OneOf(["participant", "administration", "offline"]),
        ),
        "participant; administration (staff of the process); offline (entered by staff "
        "from a workshop, letter, …).",
    )


class RevisionRefSchema(ma.Schema):
    goal = str_field("Code of the goal.")
    revision = int_field("Number of the revision.")


class AssessmentSchema(ma.Schema):
    """How the contribution was considered (Abwägung), public in the results phase."""

    consideration = _enum(
        Consideration,
        "considered, partly, not_considered, noted (zur Kenntnis genommen) or already_included.",
    )
    rationale = str_field("Why, in the administration's words.")
    group = _enum(
        StakeholderGroup,
        "The stakeholder group the administration assigned, where the public pages show "
        "it (the contribution was taken up, or a revision took it up); else null.",
        nullable=True,
    )
    taken_up_in = nested_field(
        RevisionRefSchema, "The goal revision that took this contribution up.", nullable=True
    )


class TakenUpSchema(ma.Schema):
    """A contribution a revision took up (as on the "Was hat sich geändert?" page)."""

    id = int_field("The contribution's id (see /contributions).")
    goal = str_field("Code of the goal it was written on.")
    author = nested_field(AuthorSchema, "Who wrote it, pseudonymised.")
    declared_group = _enum(StakeholderGroup, "The group the author declared.")
    group = _enum(StakeholderGroup, "The group the administration assigned.")
    created_at = time_field("When it was written (or, for offline input, entered).")
    body = str_field("The text, as written (plain text).")
    consideration = _enum(Consideration, "How it was considered.")
    rationale = str_field("Why, in the administration's words.")


class SegmentSchema(ma.Schema):
    kind = described(
        ma.fields.String(required=True, validate=ma.validate.OneOf(["equal", "insert", "delete"])),
        "Unchanged, inserted or deleted words.",
    )
    text = str_field("The words, with their spacing.")


class DiffSchema(ma.Schema):
    title = nested_field(SegmentSchema, "Word diff of the title to the revision before.", many=True)
    body = nested_field(SegmentSchema, "Word diff of the text to the revision before.", many=True)


class RevisionSchema(ma.Schema):
    goal = str_field("Code of the goal.")
    number = int_field("1 is the first version; the highest number is current.")
    created_at = time_field("When this revision was written.")
    change_note = str_field("The administration's note on what changed and why.")
    title = localized_field("Title in this revision.")
    body = localized_field("Text in this revision.")
    easy_language = localized_field("Leichte Sprache text in this revision.", nullable=True)
    diff = nested_field(DiffSchema, "What changed against the revision before (in `lang`).")
    contributions = nested_field(
        TakenUpSchema,
        "The contributions this revision took up; null while the assessment is not public "
        "(it is in the results phase, if the process publishes it).",
        many=True,
        nullable=True,
    )


class GoalRevisionsSchema(ma.Schema):
    process = str_field("Slug of the process.")
    goal = str_field("Code of the goal.")
    contributions_public = described(
        ma.fields.Boolean(required=True), "Whether taken-up contributions are shown (see above)."
    )
    revisions = nested_field(RevisionSchema, "Every revision, newest first.", many=True)


class RevisionPageSchema(PageSchema):
    contributions_public = described(
        ma.fields.Boolean(required=True), "Whether taken-up contributions are shown."
    )
    items = nested_field(RevisionSchema, "Revisions of every goal, oldest first.", many=True)


class KindSchema(ma.Schema):
    key = str_field("The kind's key (suggestion, criticism, …).")
    label = localized_field("The kind's name.")


class SupportsSchema(ma.Schema):
    up = int_field("Participants who agreed.")
    down = int_field("Participants who disagreed.")


class OfficialReplySchema(ma.Schema):
    author = str_field("The answering office, e.g. `Referat Strategie`.")
    body = str_field("The official reply (Antwort der Verwaltung).")
    created_at = time_field("When it was first published.")
    updated_at = time_field("When it was last changed.")


class ContributionSchema(ma.Schema):
    id = int_field("The contribution's id.")
    goal = str_field("Code of the goal it was written on.")
    reply_to = int_field(
        "The id of the comment this replies to (it may no longer be published).", nullable=True
    )
    author = nested_field(AuthorSchema, "Who wrote it, pseudonymised.")
    declared_group = _enum(StakeholderGroup, "The stakeholder group the author declared.")
    kind = nested_field(KindSchema, "What kind of contribution the author said it is.")
    channel = _enum(Channel, "online, or how offline input reached the city.")
    created_at = time_field("When it was written online, or entered by staff.")
    received_on = described(
        ma.fields.Date(required=True, allow_none=True),
        "Offline input: the day it reached the city.",
    )
    edited_at = time_field("When the author last corrected it.", nullable=True)
    body = str_field("The text, as written (plain text).")
    replies = int_field("Published replies.")
    supports = nested_field(SupportsSchema, "Agreement and disagreement of other participants.")
    official_reply = nested_field(OfficialReplySchema, "The administration's reply.", nullable=True)
    assessment = nested_field(
        AssessmentSchema,
        "How it was considered; null until assessed or while not public.",
        nullable=True,
    )


class ContributionPageSchema(PageSchema):
    assessments_public = described(
        ma.fields.Boolean(required=True),
        "Whether consideration and rationale are public now (results phase).",
    )
    items = nested_field(ContributionSchema, "Published contributions, oldest first.", many=True)
