"""Survey settings that change what the results show. Flushes only."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.audit.services import record
from app.results.triggers import survey_changed
from app.surveys.models import Survey

THRESHOLD_RANGE = (1, 50)


class ThresholdError(ValueError):
    """The threshold is out of range; ``message`` is translated, for the field."""

    field = "suppression_threshold"

    def __init__(self) -> None:
        low, high = THRESHOLD_RANGE
        message = _("Please enter a whole number from %(low)d to %(high)d.", low=low, high=high)
        super().__init__(message)


def set_threshold(survey: Survey, threshold: int, *, actor: Any = None) -> bool:
    """Change the small-cell threshold; the public patterns are rebuilt. True if changed."""
    low, high = THRESHOLD_RANGE
    if not isinstance(threshold, int) or not low <= threshold <= high:
        raise ThresholdError()
    if survey.suppression_threshold == threshold:
        return False
    before = {"suppression_threshold": survey.suppression_threshold}
    survey.suppression_threshold = threshold
    record(
        "results.threshold_changed",
        survey,
        actor=actor,
        process_id=survey.process_id,
        before=before,
        after={"suppression_threshold": threshold},
    )
    survey_changed(survey.id)
    return True
