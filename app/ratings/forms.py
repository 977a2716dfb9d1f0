"""The rating form: one radio fieldset per question of the process, all optional.

Field names are ``q_<question key>``; the identity field is prefixed ``rating_``
so it does not clash with the comment form on the same page. A rating is never
shown with a name, so the form asks for none: in guest mode only for the e-mail
address the confirmation link goes to.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, RadioField, SelectChoice
from wtforms.validators import Email, Length, Optional

from app.core.forms import Form
from app.i18n import current_lang, localize
from app.participation.services import Identity
from app.processes.models import Process
from app.ratings.models import SCALE_VALUES, RatingQuestion
from app.ratings.services import SCALE_LABELS

FIELD_PREFIX = "q_"


class RatingForm(Form):
    rating_email = EmailField(
        _l("E-mail address"),
        [
            Optional(),
            Email(_l("Please enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
        description=_l("We send you a link; your rating counts once you have opened it."),
    )

    questions: list[RatingQuestion]
    identity: Identity
    submitted_names: frozenset[str] = frozenset()

    def question_fields(self) -> list[tuple[RatingQuestion, Field]]:
        return [(q, self[field_name(q)]) for q in self.questions]

    def answers(self) -> dict[int, int]:
        """Answered questions: question id → value."""
        return {q.id: field.data for q, field in self.question_fields() if field.data is not None}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        valid = self._known_questions_only() and valid
        valid = self._identity_given() and valid
        if valid and not self.answers():
            self.form_errors.append(_l("Please answer at least one question."))
            valid = False
        return valid

    def _known_questions_only(self) -> bool:
        known = {field_name(q) for q in self.questions}
        unknown = {n for n in self.submitted_names if n.startswith(FIELD_PREFIX)} - known
        if unknown:
            self.form_errors.append(_l("The form contained an unknown question."))
        return not unknown

    def _identity_given(self) -> bool:
        valid = True
        if self.identity.needs_email and not self.rating_email.data:
            add_error(self.rating_email, _l("Please enter your e-mail address."))
            valid = False
        return valid


def field_name(question: RatingQuestion) -> str:
    return f"{FIELD_PREFIX}{question.key}"


def add_error(field: Field, message: Any) -> None:
    field.errors = [*field.errors, message]


def _radio(process: Process, question: RatingQuestion) -> RadioField:
    prompt = localize(question.prompt, current_lang(), process.default_locale).text
    labels = SCALE_LABELS[question.scale]
    choices = [SelectChoice(value, labels[value]) for value in SCALE_VALUES[question.scale]]
    return RadioField(prompt, [Optional()], choices=choices, coerce=int)


def rating_form(
    process: Process,
    questions: list[RatingQuestion],
    identity: Identity,
    *,
    answers: dict[int, int] | None = None,
    formdata: Any = None,
) -> RatingForm:
    """A form for ``questions``; ``answers`` (question id → value) are pre-selected.

    Without ``formdata`` the form only displays (also while another form on the
    page was posted); the rate view passes ``request.form``.
    """
    attrs: dict[str, Any] = {field_name(q): _radio(process, q) for q in questions}
    cls = type("ProcessRatingForm", (RatingForm,), attrs)
    data: dict[str, Any] = {field_name(q): (answers or {}).get(q.id) for q in questions}
    known = identity.participant
    if known is not None and identity.needs_email:
        data |= {"rating_email": known.email or ""}
    form = cls(formdata=formdata, data=data)
    form.questions, form.identity = questions, identity
    form.submitted_names = frozenset(formdata.keys()) if formdata is not None else frozenset()
    if identity.needs_email:
        form.rating_email.flags.required = True
    return form
