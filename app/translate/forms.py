"""The editor's form: one field per listed text, built for the page being shown."""

from __future__ import annotations

from typing import Any

from wtforms import Field, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.core.forms import Form
from app.i18n import text_direction
from app.translate.fields import TextField

FIELD_PREFIX = "t_"
SHOWN_PREFIX = "shown_"


class TranslationForm(Form):
    """A page of translations; the fields are added per request."""


def field_name(text: TextField) -> str:
    return f"{FIELD_PREFIX}{text.key}"


def normalise(value: Any) -> str:
    """Browsers send CRLF line ends from a textarea; store LF, without outer spaces."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


def translation_form(texts: list[TextField], lang: str) -> TranslationForm:
    """A form with an input per text, in ``lang``, filled with the stored translation."""
    attrs: dict[str, Field] = {}
    render_kw = {"lang": lang, "dir": text_direction(lang)}
    for text in texts:
        field_cls = TextAreaField if text.long else StringField
        label = f"{text.owner} · {text.label}"
        validators = [Optional(), Length(max=text.max_length)]
        attrs[field_name(text)] = field_cls(label, validators, render_kw=render_kw)
    form_cls = type("TranslationPageForm", (TranslationForm,), attrs)
    data = {field_name(text): text.current(lang) for text in texts}
    form: TranslationForm = form_cls(data=data)
    return form
