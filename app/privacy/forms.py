"""Forms of the privacy self-service and of the consent text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, FormField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.core.forms import Form, Subform
from app.core.honeypot import HoneypotField
from app.i18n import LANGUAGE_NAMES

_remove = _l("Also delete my contributions")
_remove_hint = _l(
    "Without this, your comments and replies stay, shown as written by a deleted user; "
    "ratings and supports are always deleted."
)


def consent_form(languages: list[str]) -> Form:
    """One text area per language for a new version of the consent text."""

    class Texts(Subform):
        pass

    for lang in languages:
        label = _l("Text (%(language)s)", language=LANGUAGE_NAMES.get(lang, lang))
        setattr(Texts, lang, TextAreaField(label, validators=[Optional(), Length(max=5000)]))

    class ConsentForm(Form):
        text = FormField(Texts, separator="-")

    return ConsentForm()


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Please enter your password to confirm."))],
    )
    remove_contributions = BooleanField(_remove, description=_remove_hint)


class GuestRequestForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
        description=_l("The address you confirmed when you took part as a guest."),
    )
    website = HoneypotField()


class GuestDeleteForm(Form):
    confirm = BooleanField(
        _l("Yes, delete my data as a guest"),
        validators=[InputRequired(_l("Please confirm that you want to delete your data."))],
    )
    remove_contributions = BooleanField(_remove, description=_remove_hint)
