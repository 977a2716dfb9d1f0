"""The form that starts an export."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.core.forms import Form
from app.exports.formats import WRITERS, formats_for
from app.exports.models import ExportFormat, ExportKind
from app.i18n import LANGUAGE_NAMES

KIND_LABELS = {
    ExportKind.ASSESSMENT: _l("Auswertung: Abwägung table, Steckbrief and rating charts"),
    ExportKind.SURVEY_RESPONSES: _l("Survey responses (for statistics)"),
}
FORMAT_LABELS = {
    ExportFormat.XLSX: _l("Excel workbook (XLSX)"),
    ExportFormat.CSV: _l("CSV (semicolon-separated, UTF-8; survey responses: ZIP with codebook)"),
    ExportFormat.ODS: _l("OpenDocument spreadsheet (ODS)"),
    ExportFormat.DOCX: _l("Word document with Steckbrief and charts (DOCX)"),
    ExportFormat.PDF: _l("PDF document with Steckbrief and charts"),
    ExportFormat.SAV: _l("SPSS data file (SAV; survey responses only)"),
}


def format_choices() -> list[SelectChoice]:
    """Every format some kind can be exported in (from the writer registry)."""
    available = list(dict.fromkeys(fmt for (_kind, fmt) in WRITERS))
    return [SelectChoice(fmt.value, FORMAT_LABELS.get(fmt, fmt.upper())) for fmt in available]


class ExportForm(Form):
    kind = RadioField(
        _l("What to export"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=ExportKind.ASSESSMENT.value,
        validators=[InputRequired(_l("Please choose what to export."))],
    )
    survey = SelectField(
        _l("Survey"),
        description=_l("Only for survey responses."),
        validate_choice=False,
    )
    format = RadioField(
        _l("File format"),
        choices=format_choices(),
        default=ExportFormat.XLSX.value,
        validators=[InputRequired(_l("Please choose a file format."))],
    )
    language = SelectField(
        _l("Language of headers and labels"),
        validators=[InputRequired(_l("Please choose a language."))],
    )
    include_hidden = BooleanField(
        _l("Include contributions hidden by moderation"),
        description=_l("Only for the Abwägung table."),
    )
    only_assessed = BooleanField(
        _l("Only assessed contributions"),
        description=_l("Only for the Abwägung table."),
    )
    reason = TextAreaField(
        _l("Reason for exporting invitation codes"),
        validators=[Length(max=500)],
        description=_l(
            "Only for survey responses linked to invitation codes: administrators only; "
            "the reason is kept in the audit log."
        ),
    )

    def set_choices(self, languages: list[str], surveys: list[tuple[int, str]]) -> None:
        self.language.choices = [
            SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]
        self.survey.choices = [
            SelectChoice("", str(_l("Choose a survey"))),
            *(SelectChoice(str(survey_id), title) for survey_id, title in surveys),
        ]
        self._survey_ids = {str(survey_id) for survey_id, _ in surveys}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and ExportFormat(self.format.data) not in formats_for(ExportKind(self.kind.data)):
            self.format.errors = [_l("This format is not available for what you chose to export.")]
            return False
        if self.kind.data == ExportKind.SURVEY_RESPONSES.value:
            if not self._survey_ids:
                self.survey.errors = [_l("This process has no survey.")]
                return False
            if self.survey.data not in self._survey_ids:
                self.survey.errors = [_l("Please choose a survey.")]
                return False
        return valid

    def options(self) -> dict[str, bool]:
        return {
            "include_hidden": bool(self.include_hidden.data),
            "only_assessed": bool(self.only_assessed.data),
        }
