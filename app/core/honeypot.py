"""A honeypot field for public forms: people never see it, simple bots fill it in.

The field is hidden with CSS (``.hp-field``, ``display: none``), so it is neither shown,
read out nor reachable by keyboard. A view asks :func:`caught` before it writes
anything; a filled honeypot gets the same answer as a successful submission (the bot
learns nothing) but nothing is stored and no mail is sent.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Optional

logger = logging.getLogger(__name__)
FIELD_NAME = "website"


class HoneypotField(StringField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            _l("Leave this field empty"),
            validators=[Optional()],
            render_kw={"autocomplete": "off", "tabindex": "-1"},
            **kwargs,
        )


def filled_in(formdata: Any) -> bool:
    """The same for a form written by hand (``<input name="website">``)."""
    if (formdata.get(FIELD_NAME) or "").strip():
        logger.info("honeypot filled in on a hand-written form; nothing stored")
        return True
    return False


def caught(form: Any) -> bool:
    """True if a honeypot field of ``form`` was filled in (logged without its value)."""
    for field in form:
        if isinstance(field, HoneypotField) and (field.data or "").strip():
            logger.info("honeypot filled in on %s; nothing stored", type(form).__name__)
            return True
    return False
