"""Surveys: sections, questions with their options and matrix rows, invitation codes,
responses and answers.

One ``Answer`` row holds one part of an answer: the chosen option of a single choice,
one ticked option of a multiple choice, one matrix row, one ranked option, or the
value of a number, text or date question. ``item`` says which part (0 for
single-value kinds, the row id for matrix rows, the option id for multiple choice and
ranking), so ``(response, question, item)`` is unique and a response can never hold
an answer twice.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.db import TimestampMixin, enum_column, utcnow
from app.extensions import db

NUMBER_FORMATS = ("grouped", "plain", "year")
YEARS = (1000, 2999)  # bounds within these make a number question ask for a year


class SurveyState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class AccessMode(enum.StrEnum):
    OPEN = "open"  # anyone; one response per browser (soft, by cookie)
    ACCOUNT = "account"  # signed-in users; one response per user
    CODE = "code"  # invitation code from a letter; one response per code


class ResultsVisibility(enum.StrEnum):
    LIVE = "live"
    AFTER_CLOSE = "after_close"
    STAFF = "staff"


class QuestionKind(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    MATRIX = "matrix"
    RANKING = "ranking"
    NUMBER = "number"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    DATE = "date"


CHOICE_KINDS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.MATRIX,
        QuestionKind.RANKING,
    }
)
SCORED_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.MATRIX})


class ResponseChannel(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"


class ResponseState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Survey(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "survey"
    __table_args__ = (
        sa.CheckConstraint(
            "opens_at IS NULL OR closes_at IS NULL OR closes_at > opens_at",
            name="closes_after_opening",
        ),
        sa.CheckConstraint(
            "suppression_threshold BETWEEN 1 AND 50", name="suppression_threshold_range"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    process_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("process.id", ondelete="SET NULL"), index=True
    )
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    default_locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="de")
    title: so.Mapped[dict[str, str]]
    intro: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    thanks: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    state: so.Mapped[SurveyState] = so.mapped_column(
        enum_column(SurveyState, name="survey_state"), default=SurveyState.DRAFT
    )
    opens_at: so.Mapped[datetime | None]
    closes_at: so.Mapped[datetime | None]
    # When the survey was closed, by hand or on time; retention counts from here (an
    # edited text moves ``updated_at``, not this).
    closed_at: so.Mapped[datetime | None]
    access_mode: so.Mapped[AccessMode] = so.mapped_column(
        enum_column(AccessMode, name="survey_access_mode"), default=AccessMode.OPEN
    )
    # Drops the link between user, code or browser and the response on submission
    # and keeps the day of submission only.
    anonymised: so.Mapped[bool] = so.mapped_column(default=False)
    # Off: the last page's button submits (with the privacy notice), no summary page.
    review_before_submit: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    results_visibility: so.Mapped[ResultsVisibility] = so.mapped_column(
        enum_column(ResultsVisibility, name="survey_results_visibility"),
        default=ResultsVisibility.AFTER_CLOSE,
    )
    # Public results hide any count below this (small-cell suppression, app.results).
    suppression_threshold: so.Mapped[int] = so.mapped_column(default=5, server_default="5")

    process = so.relationship("Process")
    sections: so.Mapped[list[Section]] = so.relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="(Section.position, Section.id)",
        lazy="selectin",
    )

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def __repr__(self) -> str:
        return f"<Survey {self.slug}>"


class Section(db.Model):  # type: ignore[name-defined]
    """One page of the online questionnaire."""

    __tablename__ = "survey_section"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    title: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    intro: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)

    survey: so.Mapped[Survey] = so.relationship(back_populates="sections")
    questions: so.Mapped[list[Question]] = so.relationship(
        back_populates="section",
        cascade="all, delete-orphan",
        order_by="(Question.position, Question.id)",
        lazy="selectin",
    )


class Question(db.Model):  # type: ignore[name-defined]
    """A question of any kind; kind-specific settings live in ``settings``.

    settings keys: ``min``/``max`` and ``decimal`` (number), ``unit`` (number, a
    translated mapping), ``max_length`` (texts), ``min_choices``/``max_choices`` and
    ``other_option`` (multiple choice), ``top_n`` (ranking), ``display``
    (``radio``/``dropdown``, single choice), ``min_date``/``max_date`` (ISO dates),
    ``preset`` (demographic preset key).

    ``show_if`` = ``{"question_id": id, "option_ids": [...]}``,
    ``{"question_id": id, "values": [...]}`` or ``{"question_id": id, "min": v}`` /
    ``{"max": v}`` (a number answer at least / at most ``v``; both may be given): shown
    only if that earlier question was answered so. The builder adds ``compare`` and
    ``value`` (its wording) to ``values`` it computed, e.g. a scale's points.
    """

    __tablename__ = "survey_question"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_section.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[QuestionKind] = so.mapped_column(
        enum_column(QuestionKind, name="survey_question_kind")
    )
    prompt: so.Mapped[dict[str, str]]
    help: so.Mapped[dict[str, str]] = so.mapped_column(default=dict)
    required: so.Mapped[bool] = so.mapped_column(default=False)
    is_demographic: so.Mapped[bool] = so.mapped_column(default=False)
    settings: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    show_if: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON(none_as_null=True))
    # The goal a single question is about (matrix rows carry their own goal).
    goal_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("goal.id", ondelete="SET NULL"), index=True
    )

    section: so.Mapped[Section] = so.relationship(back_populates="questions")
    options: so.Mapped[list[Option]] = so.relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="(Option.position, Option.id)",
        lazy="selectin",
    )
    rows: so.Mapped[list[MatrixRow]] = so.relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="(MatrixRow.position, MatrixRow.id)",
        lazy="selectin",
    )

    @property
    def field_name(self) -> str:
        return f"q{self.id}"

    def setting(self, key: str, default: Any = None) -> Any:
        return (self.settings or {}).get(key, default)

    @property
    def number_format(self) -> str:
        """How a number answer is written: ``grouped`` (a quantity, ``12.000``),
        ``plain`` (a code or postcode) or ``year``; the setting ``number_format``, or
        ``year`` when whole-number bounds lie within 1000-2999, else ``grouped``."""
        chosen = self.setting("number_format")
        if chosen in NUMBER_FORMATS:
            return str(chosen)
        low, high = self.setting("min"), self.setting("max")
        bounded = low is not None and high is not None and not self.setting("decimal")
        return "year" if bounded and YEARS[0] <= low <= high <= YEARS[1] else "grouped"

    @property
    def groups_digits(self) -> bool:
        """Whether a number answer gets a thousands separator: quantities only."""
        return self.number_format == "grouped"


class Option(db.Model):  # type: ignore[name-defined]
    """A choice, a scale point (``value`` is its score) or the scale's "no answer"."""

    __tablename__ = "survey_option"
    __table_args__ = (sa.UniqueConstraint("question_id", "value"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    label: so.Mapped[dict[str, str]]
    value: so.Mapped[str] = so.mapped_column(sa.String(64))
    is_other: so.Mapped[bool] = so.mapped_column(default=False)  # "Sonstiges" with text
    is_no_answer: so.Mapped[bool] = so.mapped_column(default=False)  # "keine Angabe"

    question: so.Mapped[Question] = so.relationship(back_populates="options")

    @property
    def score(self) -> float | None:
        """The number a scale point counts as; None for "no answer" and plain choices."""
        if self.is_no_answer:
            return None
        try:
            return float(self.value)
        except ValueError:
            return None


class MatrixRow(db.Model):  # type: ignore[name-defined]
    __tablename__ = "survey_matrix_row"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    label: so.Mapped[dict[str, str]]
    goal_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("goal.id", ondelete="SET NULL"), index=True
    )

    question: so.Mapped[Question] = so.relationship(back_populates="rows")


class InvitationCode(db.Model):  # type: ignore[name-defined]
    """A code printed in a letter. The response it was used for points to it
    (``Response.code_id``) until an anonymised survey drops that link."""

    __tablename__ = "survey_invitation_code"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    batch_label: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    used_at: so.Mapped[datetime | None]


class Response(db.Model):  # type: ignore[name-defined]
    __tablename__ = "survey_response"
    __table_args__ = (sa.Index("ix_survey_response_survey_state", "survey_id", "state"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"))
    channel: so.Mapped[ResponseChannel] = so.mapped_column(
        enum_column(ResponseChannel, name="survey_response_channel"),
        default=ResponseChannel.ONLINE,
    )
    state: so.Mapped[ResponseState] = so.mapped_column(
        enum_column(ResponseState, name="survey_response_state"),
        default=ResponseState.IN_PROGRESS,
    )
    resume_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    idempotency_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    code_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("survey_invitation_code.id", ondelete="SET NULL"), index=True
    )
    browser_key_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    started_at: so.Mapped[datetime | None]
    submitted_at: so.Mapped[datetime | None]
    submitted_on: so.Mapped[date | None]
    entered_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    batch_label: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    weight: so.Mapped[float] = so.mapped_column(default=1.0)
    # The consent text in force when it was submitted online (app.privacy.consent).
    consent_version_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("consent_version.id")
    )
    # Ids of the sections (pages) the respondent has saved at least once, answered or
    # not: resuming continues at the first page not among them.
    seen_sections: so.Mapped[list[Any]] = so.mapped_column(
        default=list, server_default=sa.text("'[]'")
    )

    survey: so.Mapped[Survey] = so.relationship()
    code = so.relationship("InvitationCode")


class Participation(db.Model):  # type: ignore[name-defined]
    """Who has taken part, without saying which response is theirs.

    ``subject`` is ``user:<id>`` or ``browser:<sha256 of the cookie>``. There is no
    serial id and no time, so the order of rows cannot be matched with responses.
    """

    __tablename__ = "survey_participation"

    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    subject: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)


class Answer(db.Model):  # type: ignore[name-defined]
    __tablename__ = "survey_answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id", "item"),
        sa.Index("ix_survey_answer_question_option", "question_id", "option_id"),
        sa.Index("ix_survey_answer_row_option", "row_id", "option_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_response.id", ondelete="CASCADE")
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="CASCADE")
    )
    item: so.Mapped[int] = so.mapped_column(default=0)
    option_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("survey_option.id", ondelete="CASCADE")
    )
    row_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("survey_matrix_row.id", ondelete="CASCADE")
    )
    value_text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    value_number: so.Mapped[float | None]
    value_date: so.Mapped[date | None]
    rank: so.Mapped[int | None]


# --- the questionnaire's version -----------------------------------------------------
# Answering caches a survey's questionnaire per process, keyed by ``updated_at``
# (app.surveys.answering.structure). So any change to a section, question, option or
# matrix row moves its survey's ``updated_at`` in the same flush, and it only ever
# moves forward, even within one clock tick.

STRUCTURE = (Section, Question, Option, MatrixRow)


def _survey_id_of(part: Any) -> int | None:
    if isinstance(part, Section):
        return part.survey_id or (part.survey.id if part.survey is not None else None)
    parent = part.question if isinstance(part, Option | MatrixRow) else part.section
    return _survey_id_of(parent) if parent is not None else None


def _edited_survey_ids(session: so.Session) -> set[int]:
    changed = [*session.new, *session.deleted]
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    ids = {_survey_id_of(obj) for obj in changed if isinstance(obj, STRUCTURE)}
    ids |= {obj.id for obj in changed if isinstance(obj, Survey) and obj.id is not None}
    ids.discard(None)
    return ids  # type: ignore[return-value]


def _touch_edited_surveys(session: so.Session, _context: Any, _instances: Any) -> None:
    for survey_id in _edited_survey_ids(session):
        survey = session.get(Survey, survey_id)
        if survey is not None and survey not in session.deleted:
            earliest = survey.updated_at + timedelta(microseconds=1)
            survey.updated_at = max(utcnow(), earliest)


sa.event.listen(so.Session, "before_flush", _touch_edited_surveys)
