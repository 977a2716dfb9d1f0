"""'Meine Daten' and 'Konto löschen' for accounts, and the same for guests by link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.accounts.models import User
from app.accounts.services import check_password
from app.core import honeypot, policy
from app.core.security import submitted_email_key
from app.core.staff_area import acting_user
from app.extensions import db, limiter
from app.privacy import erasure, guest_access, subjects, takeout
from app.privacy.forms import DeleteAccountForm, GuestDeleteForm, GuestRequestForm
from app.privacy.subjects import Subject

MAILS_PER_ADDRESS = "3 per hour;10 per day"  # as for registration and password reset


def _signed_in() -> User:
    user = acting_user()
    assert user is not None  # login_required
    return user


def _zip(subject: Subject) -> ResponseReturnValue:
    return send_file(
        takeout.write_zip(subject),
        mimetype="application/zip",
        as_attachment=True,
        download_name=takeout.file_name(),
        max_age=0,
    )


@login_required
def my_data() -> str:
    return render_template(
        "privacy/my_data.html", can_delete=policy.can_delete_own_account(current_user)
    )


@login_required
def download() -> ResponseReturnValue:
    return _zip(subjects.of_user(_signed_in()))


@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"])  # a password guess per try
def delete_account() -> ResponseReturnValue:
    if not policy.can_delete_own_account(current_user):
        abort(403)
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if check_password(current_user, form.password.data or ""):
            erasure.erase(
                subjects.of_user(_signed_in()),
                remove_contributions=bool(form.remove_contributions.data),
            )
            db.session.commit()
            logout_user()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("processes.home"))
        form.password.errors.append(_("The password is wrong."))
    return render_template("privacy/delete_account.html", form=form)


@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit(MAILS_PER_ADDRESS, methods=["POST"], key_func=submitted_email_key)
def guest_request() -> ResponseReturnValue:
    form = GuestRequestForm()
    if form.validate_on_submit():
        if not honeypot.caught(form):
            guest_access.request_link(form.email.data or "")
            db.session.commit()
        flash(
            _(
                "If a guest contribution was confirmed with this address, we have sent a "
                "link to your data to it."
            ),
            "info",
        )
        return redirect(url_for("privacy.guest_request"))
    return render_template("privacy/guest_request.html", form=form)


def _guest(token: str) -> Subject:
    subject = guest_access.subject_from_token(token)
    if subject is None:
        abort(404)
    return subject


def guest_data(token: str) -> ResponseReturnValue:
    subject = guest_access.subject_from_token(token)
    if subject is None:
        flash(_("This link is invalid, has expired or has already been used."), "error")
        return redirect(url_for("privacy.guest_request"))
    return render_template(
        "privacy/guest_data.html", subject=subject, token=token, form=GuestDeleteForm()
    )


def guest_download(token: str) -> ResponseReturnValue:
    return _zip(_guest(token))


def guest_delete(token: str) -> ResponseReturnValue:
    subject = _guest(token)
    form = GuestDeleteForm()
    if form.validate_on_submit():
        erasure.erase(subject, remove_contributions=bool(form.remove_contributions.data))
        db.session.commit()
        flash(_("Your data as a guest has been deleted."), "success")
        return redirect(url_for("processes.home"))
    return render_template("privacy/guest_data.html", subject=subject, token=token, form=form)
