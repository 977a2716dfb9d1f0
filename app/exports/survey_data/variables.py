"""The variables of a survey data export: names, labels, value labels, missing codes.

Naming (ASCII, stable when texts change; SPSS-valid):

- ``id`` (pseudonymous number 1 … n in row order), ``channel`` (1 online, 2 paper),
  ``day`` (day of submission); for surveys that are *not* anonymised also
  ``submitted`` (date and time, local) and, with invitation codes, ``code``;
  ``weight`` when the survey has weighting (:func:`app.exports.survey_data.pivot.has_weighting`).
- ``qNN`` for the NN-th question of the survey (pages and questions in order, two
  digits, three when the survey has 100 or more); ``qNN_k`` for the k-th matrix row,
  the k-th option of a multiple choice (0/1) or the rank of the k-th option of a
  ranking; ``qNN_other`` for the text of an "other" option.

Codes of choices: when every option of a question (apart from "keine Angabe") has a
whole number as its value (scale points 1 to 5, 0 to 10), that number is the code, so
scores keep their meaning; otherwise the options are numbered 1 … k in their order
(text values such as ``car`` or ``45-59``). The codebook lists every code.

Missing codes (SPSS user-missing values), the same in every format:

- ``-1`` "keine Angabe": the respondent chose the "no answer" option;
- ``-2`` not answered: the question was shown but left empty;
- ``-3`` not shown: a condition (show-if) hid the question.

A variable whose valid values can be negative (a scale from -2 to 2, a number
question without a lower bound of 0) gets the three codes below its lowest possible
or observed value instead: lowest - 1, lowest - 2, lowest - 3. Texts and dates have
no codes: they are empty when not answered or not shown.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

from flask_babel import gettext as _

NO_ANSWER, NOT_ANSWERED, NOT_SHOWN = 1, 2, 3  # distance below the variable's base


class VarType(enum.StrEnum):
    NUMERIC = "numeric"
    STRING = "string"
    DATE = "date"
    DATETIME = "datetime"


Code = int | float


@dataclass
class Variable:
    name: str
    label: str
    type: VarType = VarType.NUMERIC
    measure: str = "nominal"  # nominal | ordinal | scale (SPSS measurement level)
    decimals: int = 0
    values: dict[Code, str] = field(default_factory=dict)  # labels of valid values
    missing: dict[int, str] = field(default_factory=dict)  # user-missing codes → label
    question_id: int = 0  # 0 for the fixed variables

    @property
    def labels(self) -> dict[Code, str]:
        """Every value label, valid values first, then the missing codes."""
        labels = dict(self.values)
        for code, label in self.missing.items():
            labels[code] = label
        return labels


def missing_base(lowest: float | None) -> int:
    """0 for variables that are never negative, else the floor of the lowest value."""
    if lowest is None or lowest >= 0:
        return 0
    return math.floor(lowest)


def missing_codes(base: int, *, no_answer: bool = False) -> dict[int, str]:
    codes = {
        base - NOT_ANSWERED: _("not answered"),
        base - NOT_SHOWN: _("not shown (filtered by a condition)"),
    }
    if no_answer:
        codes = {base - NO_ANSWER: _("no answer (“keine Angabe”)")} | codes
    return codes


def question_name(number: int, count: int) -> str:
    """``q01`` … ``q99``; ``q001`` … for surveys with 100 questions or more."""
    width = max(2, len(str(count)))
    return f"q{number:0{width}d}"


def fixed_variables(*, anonymised: bool, with_code: bool, weighted: bool) -> list[Variable]:
    variables = [
        Variable("id", _("Pseudonymous number of the response (1 … n)"), measure="scale"),
        Variable("channel", _("How the response came in"), values={1: _("online"), 2: _("paper")}),
        Variable("day", _("Day of submission"), type=VarType.DATE, measure="scale"),
    ]
    if not anonymised:
        variables.append(
            Variable(
                "submitted", _("Date and time of submission"), VarType.DATETIME, measure="scale"
            )
        )
        if with_code:
            variables.append(Variable("code", _("Invitation code"), VarType.STRING))
    if weighted:
        variables.append(
            Variable("weight", _("Weighting factor of the response"), measure="scale", decimals=4)
        )
    return variables
