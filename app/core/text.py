"""Cleaning text that people type, before it is validated or stored.

One filter for every text field (the forms' base class, :mod:`app.core.forms`, and
the survey answers, which are parsed without WTForms). It removes what no person
types on purpose and what PostgreSQL refuses or a page shows falsely:

- control characters (C0 except tab, line feed and carriage return; DEL; C1),
  above all NUL, which PostgreSQL rejects in text;
- lone surrogates (U+D800-U+DFFF), which cannot be encoded as UTF-8;
- the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069), which can make a text display in an order other than its
  characters (a "Trojan Source" reversal); the marks LRM, RLM and ALM stay, Arabic
  and Hebrew writers need them;
- the byte-order mark / zero-width no-break space (U+FEFF).

Line breaks and tabs stay; the fields' own filters decide about white space.
"""

from __future__ import annotations

import re
from typing import Any

UNWANTED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]"
)


def clean_text(value: str) -> str:
    """``value`` without control characters, lone surrogates and bidi overrides."""
    return UNWANTED.sub("", value)


def clean_field(value: Any) -> Any:
    """A WTForms filter: strings cleaned, anything else (None, numbers) unchanged."""
    return clean_text(value) if isinstance(value, str) else value
