"""Site admin: confirm accounts as Gemeinderat or Verwaltung, and revoke it.

The URLs are declared in :mod:`app.staff.routes` (``staff.stakeholder_*``). The
grants are audited by :mod:`app.participation.grants`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.services import find_user_by_email
from app.core import policy
from app.core.staff_area import acting_user
from app.extensions import db
from app.participation import grants
from app.participation.forms import GrantForm, grant_form
from app.participation.models import StakeholderGrant, StakeholderGroup
from app.processes.models import Process
from app.processes.services import all_processes


def _grant(form: GrantForm) -> bool:
    """Make the grant the valid form names; False with an error next to the field."""
    user = find_user_by_email(form.email.data or "")
    if user is None:
        form.email.errors = [_("There is no account with this e-mail address.")]
        return False
    process = db.session.get(Process, int(form.scope.data)) if form.scope.data else None
    try:
        grants.grant(user, StakeholderGroup(form.group.data), process, actor=acting_user())
    except grants.GrantError:
        form.group.errors = [_("This account has been confirmed for this group already.")]
        return False
    return True


def stakeholder_groups() -> ResponseReturnValue:
    policy.require(policy.can_grant_stakeholder_groups(current_user))
    form = grant_form(all_processes())
    if form.validate_on_submit() and _grant(form):
        db.session.commit()
        flash(_("The account has been confirmed for the group."), "success")
        return redirect(url_for("staff.stakeholder_groups"))
    return render_template("staff/stakeholder_groups.html", form=form, grants=grants.all_grants())


def stakeholder_revoke(grant_id: int) -> ResponseReturnValue:
    policy.require(policy.can_grant_stakeholder_groups(current_user))
    row = db.session.get(StakeholderGrant, grant_id)
    if row is None:
        abort(404)
    grants.revoke(row, actor=acting_user())
    db.session.commit()
    flash(_("The confirmation has been revoked."), "success")
    return redirect(url_for("staff.stakeholder_groups"))
