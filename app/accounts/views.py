"""Register, verify, sign in and out, reset a forgotten password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask import flash as _flash
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import services, tokens
from app.accounts.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from app.core import honeypot
from app.core.security import form_shown_again, submitted_email_key
from app.extensions import db, limiter
from app.i18n import current_lang
from app.mail import external_url, queue_mail

bp = Blueprint("accounts", __name__, template_folder="templates")

# Per address, and per e-mail address named in the form: failed sign-ins to one account
# from many addresses, and mails to one inbox, are limited too.
ACCOUNT_FAILED_LOGINS = "10 per 15 minutes;30 per day"
MAILS_PER_ADDRESS = "3 per hour;10 per day"


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _send_verification(user: services.User) -> None:
    link = external_url("accounts.verify", token=tokens.verification_token(user))
    queue_mail(user.email, "verify_email", user.locale, user=user, link=link)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit(MAILS_PER_ADDRESS, methods=["POST"], key_func=submitted_email_key)
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit() and honeypot.caught(form):
        return redirect(url_for("accounts.check_mail"))  # a bot: as if registered
    if form.validate_on_submit():
        existing = services.find_user_by_email(form.email.data or "")
        if existing is not None:
            # Same answer as for a new address, so nobody learns who has an account.
            link = external_url("accounts.forgot_password")
            queue_mail(existing.email, "already_registered", existing.locale, link=link)
        else:
            user = services.create_user(
                form.email.data or "",
                form.display_name.data or "",
                form.password.data,
                locale=current_lang(),
            )
            _send_verification(user)
        db.session.commit()
        return redirect(url_for("accounts.check_mail"))
    return render_template("accounts/register.html", form=form)


@bp.route("/check-mail")
def check_mail() -> str:
    return render_template("accounts/check_mail.html")


@bp.route("/verify/<token>")
def verify(token: str) -> Response:
    user = tokens.user_from_verification_token(token)
    if user is None:
        _flash(_("This confirmation link is invalid or has expired."), "error")
        return redirect(url_for("accounts.login"))
    services.mark_verified(user)
    db.session.commit()
    login_user(user)
    _flash(_("Thank you, your e-mail address is confirmed."), "success")
    return redirect(url_for("processes.home"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
@limiter.limit("5 per hour")
def resend_verification() -> Response:
    if not current_user.is_verified:
        _send_verification(current_user)
        db.session.commit()
    _flash(_("We have sent you a new confirmation link."), "success")
    return redirect(url_for("processes.home"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit(
    ACCOUNT_FAILED_LOGINS,
    methods=["POST"],
    key_func=submitted_email_key,
    deduct_when=form_shown_again,
)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data or "")
        if user is not None and services.check_password(user, form.password.data or ""):
            db.session.commit()  # a rehashed password is kept
            login_user(user, remember=form.remember.data)
            _flash(_("You are signed in."), "success")
            if not user.is_verified:
                _flash(
                    _("Please confirm your e-mail address with the link we sent you."), "warning"
                )
            return redirect(_safe_next(url_for("processes.home")))
        form.password.errors.append(_("The e-mail address or the password is wrong."))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    _flash(_("You are signed out."), "success")
    return redirect(url_for("processes.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@limiter.limit(MAILS_PER_ADDRESS, methods=["POST"], key_func=submitted_email_key)
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data or "")
        if user is not None:
            link = external_url("accounts.reset_password", token=tokens.reset_token(user))
            queue_mail(user.email, "reset_password", user.locale, user=user, link=link)
            db.session.commit()
        _flash(
            _("If an account exists for this address, we have sent a link to reset the password."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str) -> str | Response:
    user = tokens.user_from_reset_token(token)
    if user is None:
        _flash(_("This link is invalid, has expired or has already been used."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data or "")
        services.mark_verified(user)  # the link proves the address
        db.session.commit()
        _flash(_("Your password has been changed. You can sign in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)
