"""Forms for the site pages and the accessibility feedback."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FormField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from app.core.forms import Form, Subform
from app.i18n import LANGUAGE_NAMES


class FeedbackForm(Form):
    message = TextAreaField(
        _l("Which barrier did you notice?"),
        validators=[DataRequired(_l("Please describe the barrier.")), Length(max=5000)],
        description=_l("Please describe where and what did not work for you."),
    )
    page_url = StringField(
        _l("Page concerned"),
        validators=[Optional(), Length(max=500)],
        description=_l("The address or name of the page, if you know it."),
    )
    contact = StringField(
        _l("How can we reach you?"),
        validators=[Optional(), Length(max=254)],
        description=_l("E-mail address or phone number, only if you would like an answer."),
    )


def page_form(languages: list[str], with_video: bool) -> FlaskForm:
    """A form with one text area per language (and a video address for DGS)."""

    class Texts(Subform):
        pass

    for lang in languages:
        label = _l("Text (%(language)s)", language=LANGUAGE_NAMES.get(lang, lang))
        setattr(Texts, lang, TextAreaField(label, validators=[Optional(), Length(max=20000)]))

    class PageForm(Form):
        body = FormField(Texts, separator="-")

    if with_video:
        PageForm.video_url = URLField(
            _l("Address of the sign-language video"),
            validators=[
                Optional(),
                URL(message=_l("Please enter a full web address.")),
                Length(max=500),
            ],
            description=_l("An MP4 or WebM file, ideally with captions."),
        )
    return PageForm()
