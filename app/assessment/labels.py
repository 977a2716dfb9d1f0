"""Translated names of the assessment outcomes, for the workspace and the exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.assessment.models import Consideration

CONSIDERATION_LABELS = {
    Consideration.CONSIDERED: _l("Considered"),
    Consideration.PARTLY: _l("Partly considered"),
    Consideration.NOT_CONSIDERED: _l("Not considered"),
    Consideration.NOTED: _l("Noted"),
    Consideration.ALREADY_INCLUDED: _l("Already included"),
}
