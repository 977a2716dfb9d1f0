"""The base classes of every form: each text field passes the shared text filter.

``Form`` (a Flask-WTF form with CSRF) and ``Subform`` (for ``FormField``) add
:func:`app.core.text.clean_field` as the first filter of every string field
(text, text area, e-mail, hidden, search …), so a NUL byte, a lone surrogate or a
bidi override never reaches a validator or the database. Passwords are left as
typed: they are hashed, never stored or shown, and changing them silently would
lock people out. ``tests/core/test_text_filter.py`` checks that every form of the
app derives from these classes.
"""

from __future__ import annotations

from typing import Any

import wtforms
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from app.core.text import clean_field


def _cleaned(unbound_field: Any, options: dict[str, Any]) -> dict[str, Any]:
    field_class = unbound_field.field_class
    if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
        filters = (clean_field, *unbound_field.kwargs.get("filters", ()))
        return {**options, "filters": filters}
    return options


class _CleanMeta:
    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        return unbound_field.bind(form=form, **_cleaned(unbound_field, options))


class Form(FlaskForm):
    """The base of every form with a CSRF token."""

    class Meta(_CleanMeta, FlaskForm.Meta):
        pass


class Subform(wtforms.Form):
    """The base of a form nested with ``FormField`` (it has no CSRF token of its own)."""

    class Meta(_CleanMeta, wtforms.meta.DefaultMeta):
        pass
