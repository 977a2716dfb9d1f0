"""The guest confirmation link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.extensions import db
from app.participation import services

bp = Blueprint("participation", __name__)


@bp.route("/confirm/<token>")
def confirm(token: str) -> Response:
    participant = services.participant_from_confirmation(token)
    if participant is None:
        flash(_("This confirmation link is invalid or has expired."), "error")
        return redirect(url_for("processes.home"))
    services.confirm_and_publish(participant)
    db.session.commit()
    flash(
        _("Thank you, your e-mail address is confirmed and your contribution is published."),
        "success",
    )
    return redirect(url_for("processes.home"))
