"""Account forms; labels and messages are translated lazily."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.accounts.services import MIN_PASSWORD_LENGTH
from app.core.forms import Form
from app.core.honeypot import HoneypotField

_email = [
    DataRequired(_l("Please enter your e-mail address.")),
    Email(_l("Please enter a valid e-mail address."), check_deliverability=False),
    Length(max=254),
]
_new_password = [
    DataRequired(_l("Please choose a password.")),
    Length(
        min=MIN_PASSWORD_LENGTH,
        max=200,
        message=_l(
            "The password must be at least %(num)d characters long.", num=MIN_PASSWORD_LENGTH
        ),
    ),
]


class RegisterForm(Form):
    email = EmailField(_l("E-mail address"), validators=_email)
    display_name = StringField(
        _l("Display name"),
        validators=[
            DataRequired(_l("Please enter a display name.")),
            Length(min=2, max=80, message=_l("Please enter a display name of 2 to 80 characters.")),
        ],
        description=_l("Shown with your contributions. You may use a pseudonym."),
    )
    password = PasswordField(
        _l("Password"),
        validators=_new_password,
        description=_l("At least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
    )
    password_confirm = PasswordField(
        _l("Repeat password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )

    website = HoneypotField()


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=_email)
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password."))]
    )
    remember = BooleanField(_l("Stay signed in on this device"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail address"), validators=_email)


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=_new_password)
    password_confirm = PasswordField(
        _l("Repeat new password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )
