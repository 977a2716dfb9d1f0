"""The form of paper entry that starts a batch."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from app.core.forms import Form
from app.surveys.builder.forms import strip_text


class BatchForm(Form):
    batch = StringField(
        _l("Batch label"),
        [InputRequired(), Length(max=80)],
        filters=[strip_text],
        description=_l("For example the box or the date of the mail, such as “Box 3”."),
    )
