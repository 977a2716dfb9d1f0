"""Population margins of a survey: a CSV upload, or the shares typed per option.

Both forms only collect text; :mod:`app.results.margins` parses and validates, and
the view puts each problem next to its field.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import Field, StringField
from wtforms.validators import Length, Optional

from app.core.forms import Form
from app.i18n import tr_text
from app.surveys.models import Question

CSV_EXTENSIONS = ["csv", "txt"]


def _cap_field() -> StringField:
    return StringField(
        _l("Weight cap"),
        [Optional()],
        default="5",
        description=_l(
            "No weight may exceed this many times the mean weight (1 to 50; usually 5)."
        ),
    )


def _source_field() -> StringField:
    return StringField(
        _l("Source of the figures"),
        [Optional(), Length(max=200)],
        description=_l("For example: Zensus 2022, Landesamt für Statistik, as of 31 Dec 2023."),
    )


UPLOAD_PREFIX = "upload"  # the two forms share a page: their field ids differ


class MarginsUploadForm(Form):
    file = FileField(
        _l("CSV file with the shares"),
        [
            FileRequired(_l("Please choose a file.")),
            FileAllowed(CSV_EXTENSIONS, _l("Please upload a CSV file.")),
        ],
        description=_l(
            "Columns question;category;share, one line per category, "
            "for example: age_band;18-29;14,5"
        ),
    )
    trim_cap = _cap_field()
    source = _source_field()


class MarginsTypedForm(Form):
    """The shares as fields ``share_<option id>``, added per question (see below)."""

    trim_cap = _cap_field()
    source = _source_field()


def share_field_name(option_id: int) -> str:
    return f"share_{option_id}"


def typed_form(
    questions: list[Question], locale: str, data: dict[str, Any] | None = None
) -> MarginsTypedForm:
    """The typed form with one share field per option (not "keine Angabe") of each
    weightable question; with ``data`` it shows those values, not the request's."""

    class Form(MarginsTypedForm):
        pass

    for question in questions:
        for option in question.options:
            if option.is_no_answer:
                continue
            field: Field = StringField(
                tr_text(option.label, locale) or option.value,
                [Optional()],
            )
            setattr(Form, share_field_name(option.id), field)
    return Form(data=data, formdata=None) if data is not None else Form()
