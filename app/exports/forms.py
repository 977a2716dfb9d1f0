"""The form that starts an export."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from app.exports.models import KIND_FORMATS, ExportFormat, ExportKind
from app.i18n import LANGUAGE_NAMES

KIND_LABELS = {
    ExportKind.ASSESSMENT: _l("Auswertung: Abwägung table, Steckbrief and rating charts"),
    ExportKind.SURVEY_RESPONSES: _l("Survey responses (for statistics)"),
}
FORMAT_LABELS = {
    ExportFormat.XLSX: _l("Excel workbook (XLSX)"),
    ExportFormat.CSV: _l("CSV (semicolon-separated, UTF-8)"),
    ExportFormat.ODS: _l("OpenDocument spreadsheet (ODS)"),
    ExportFormat.DOCX: _l("Word document with Steckbrief and charts (DOCX)"),
    ExportFormat.PDF: _l("PDF document with Steckbrief and charts"),
}


class ExportForm(FlaskForm):
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
        choices=[SelectChoice(fmt.value, label) for fmt, label in FORMAT_LABELS.items()],
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
        kind = next((k for k in ExportKind if k.value == self.kind.data), None)
        allowed = {f.value for f in KIND_FORMATS[kind]} if kind else set()
        if valid and self.format.data not in allowed:
            self.format.errors = [_l("Survey responses can be exported as CSV or XLSX only.")]
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
