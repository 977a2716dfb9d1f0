"""The admin's form that confirms an account for Gemeinderat or Verwaltung."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.core.forms import Form
from app.i18n import tr_text
from app.participation.labels import STAKEHOLDER_LABELS
from app.participation.models import CONFIRMED_GROUPS
from app.processes.models import Process


class GrantForm(Form):
    email = EmailField(
        _l("E-mail address of the account"),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Please enter the e-mail address of the account.")),
            Email(_l("Please enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    group = SelectField(
        _l("Group"),
        choices=[SelectChoice(g.value, STAKEHOLDER_LABELS[g]) for g in CONFIRMED_GROUPS],
        validators=[InputRequired(_l("Please choose."))],
    )
    scope = SelectField(_l("For"), choices=[], validate_choice=True)


def grant_form(processes: list[Process]) -> GrantForm:
    form = GrantForm()
    form.scope.choices = [
        SelectChoice("", _l("Every process (site-wide)")),
        *(SelectChoice(str(p.id), tr_text(p.title, p.default_locale)) for p in processes),
    ]
    return form
