"""Translated names of the kinds of phase, for the phase form and the translation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.processes.models import PhaseKind

PHASE_LABELS = {
    PhaseKind.INFORMATION: _l("Information"),
    PhaseKind.PARTICIPATION: _l("Participation"),
    PhaseKind.EVALUATION: _l("Evaluation"),
    PhaseKind.RESULTS: _l("Results"),
}
