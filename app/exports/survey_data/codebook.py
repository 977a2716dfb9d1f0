"""The codebook: every variable with its label, type and value labels, one row per value.

The same rows go to ``codebook.csv`` (CSV package) and the "Codebook" sheet (XLSX):
variable, label, type, measurement level, value, value label, missing. A variable
without value labels has one row with an empty value. SAV files carry the same
information in the file itself.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.exports.survey_data.variables import Variable, VarType


def headers() -> list[str]:
    return [
        _("Variable"),
        _("Label"),
        _("Type"),
        _("Measurement level"),
        _("Value"),
        _("Value label"),
        _("Missing"),
    ]


def _type_label(variable: Variable) -> str:
    return {
        VarType.NUMERIC: _("number"),
        VarType.STRING: _("text"),
        VarType.DATE: _("date (YYYY-MM-DD)"),
        VarType.DATETIME: _("date and time (YYYY-MM-DD hh:mm)"),
    }[variable.type]


def _measure_label(variable: Variable) -> str:
    return {
        "nominal": _("nominal"),
        "ordinal": _("ordinal"),
        "scale": _("metric"),
    }.get(variable.measure, variable.measure)


def rows(variables: list[Variable]) -> list[list[Any]]:
    result: list[list[Any]] = []
    for variable in variables:
        head = [variable.name, variable.label, _type_label(variable), _measure_label(variable)]
        if not variable.labels:
            result.append([*head, None, "", ""])
            continue
        for value, label in variable.values.items():
            result.append([*head, value, label, ""])
        for value, label in variable.missing.items():
            result.append([*head, value, label, _("yes")])
    return result
