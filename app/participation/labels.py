"""Translated names of the stakeholder groups, for forms, pages and exports alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.participation.models import StakeholderGroup

STAKEHOLDER_LABELS = {
    StakeholderGroup.CITIZEN: _l("Citizen"),
    StakeholderGroup.COUNCIL: _l("Municipal council"),
    StakeholderGroup.ADMINISTRATION: _l("Administration"),
    StakeholderGroup.ORGANISATION: _l("Association/organisation"),
}
