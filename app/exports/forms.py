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
    ExportKind.SURVEY_REPORT: _l("Survey results report (PDF with charts and tables)"),
}
SURVEY_KINDS = (ExportKind.SURVEY_RESPONSES.value, ExportKind.SURVEY_REPORT.value)
# A group of a survey's results report: (its question's prompt, option id, option label).
GroupChoice = tuple[str, int, str]
FORMAT_LABELS = {
    ExportFormat.XLSX: _l("Excel workbook (XLSX)"),
    ExportFormat.CSV: _l("CSV (semicolon-separated, UTF-8; survey responses: ZIP with codebook)"),
    ExportFormat.ODS: _l("OpenDocument spreadsheet (ODS)"),
    ExportFormat.DOCX: _l("Word document with Steckbrief and charts (DOCX)"),
    ExportFormat.PDF: _l("PDF document (Auswertung with Steckbrief; results report)"),
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
        description=_l("Only for survey responses and the results report."),
        validate_choice=False,
    )
    group = SelectField(
        _l("Results of one group only"),
        description=_l(
            "Only for the results report, e.g. one municipality. Groups too small to "
            "publish are not offered."
        ),
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

    def set_choices(
        self,
        languages: list[str],
        surveys: list[tuple[int, str]],
        groups: dict[int, list[GroupChoice]] | None = None,
    ) -> None:
        """``groups``: per survey with stored results, the groups of its report."""
        self.language.choices = [
            SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]
        self.survey.choices = [
            SelectChoice("", str(_l("Choose a survey"))),
            *(SelectChoice(str(survey_id), title) for survey_id, title in surveys),
        ]
        self._survey_ids = {str(survey_id) for survey_id, _ in surveys}
        self._groups = groups or {}
        self.results_pending: int | None = None  # a survey whose results are not stored yet
        titles = dict(surveys)
        grouped: dict[str | None, list[SelectChoice]] = {
            None: [SelectChoice("", str(_l("All respondents")))]
        }
        for survey_id, choices in self._groups.items():
            for prompt, option_id, label in choices:
                heading = f"{titles.get(survey_id, '')} – {prompt}"  # noqa: RUF001
                grouped.setdefault(heading, []).append(SelectChoice(str(option_id), label))
        self.group.choices = grouped

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and ExportFormat(self.format.data) not in formats_for(ExportKind(self.kind.data)):
            self.format.errors = [_l("This format is not available for what you chose to export.")]
            return False
        if self.kind.data in SURVEY_KINDS:
            if not self._survey_ids:
                self.survey.errors = [_l("This process has no survey.")]
                return False
            if self.survey.data not in self._survey_ids:
                self.survey.errors = [_l("Please choose a survey.")]
                return False
        if valid and self.kind.data == ExportKind.SURVEY_REPORT.value:
            return self._validate_report()
        return valid

    def _validate_report(self) -> bool:
        survey_id = int(self.survey.data)
        if survey_id not in self._groups:
            self.results_pending = survey_id
            self.survey.errors = [
                _l("The results of this survey are being computed; try again shortly.")
            ]
            return False
        offered = {str(option_id) for _s, option_id, _label in self._groups[survey_id]}
        if self.group.data and self.group.data not in offered:
            self.group.errors = [_l("Please choose one of the groups of this survey.")]
            return False
        return True

    def options(self) -> dict[str, Any]:
        if self.kind.data == ExportKind.SURVEY_REPORT.value:
            return {"group": int(self.group.data) if self.group.data else None}
        return {
            "include_hidden": bool(self.include_hidden.data),
            "only_assessed": bool(self.only_assessed.data),
        }
