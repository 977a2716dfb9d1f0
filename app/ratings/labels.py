"""Translated names of the rating scales (for the staff editor)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.ratings.models import ScaleKind

SCALE_NAMES: dict[ScaleKind, Any] = {
    ScaleKind.AGREEMENT: _l("Agreement (strongly disagree to strongly agree, and no answer)"),
    ScaleKind.IMPORTANCE: _l("Importance (not important to very important)"),
    ScaleKind.YES_NO_UNDECIDED: _l("Yes, no or undecided"),
}
