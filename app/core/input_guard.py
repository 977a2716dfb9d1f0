"""Refuse input no form can mean: NUL characters and bytes that are not UTF-8.

PostgreSQL cannot store a NUL in text, and Werkzeug decodes invalid UTF-8 in a query
string, a form body or a URL to U+FFFD. Either would otherwise surface as a database
error (500) or a silently changed text. Every request's URL arguments, query values
and form values are checked before the view runs; a bad one gets the 400 page, with
the message that the input has characters the site does not accept (under ``/api/`` a
problem+json 400). Uploaded files are not checked here (their readers decide).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from werkzeug.exceptions import BadRequest

logger = logging.getLogger(__name__)
FORBIDDEN = ("\x00", "\ufffd")


class BadCharacters(BadRequest):
    description = "The request contains a NUL character or bytes that are not UTF-8."
    bad_characters = True

    def __init__(self, names: list[str] | None = None) -> None:
        super().__init__()
        # Named as webargs names them, so the API's problem+json lists them in `errors`.
        self.data = {"messages": {"input": {name: [self.description] for name in names or []}}}


def init_app(app: Flask) -> None:
    app.before_request(refuse_bad_characters)


def _values() -> Iterator[tuple[str, list[str]]]:
    """(parameter name, the texts to check) for every URL argument, query and form value."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            yield name, [value]
    for key, values in request.args.lists():
        yield key, [key, *values]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key, values in request.form.lists():
            yield key, [key, *values]


def _not_utf8(encoded: bytes) -> bool:
    """True if a query string or URL-encoded body holds bytes that are not UTF-8,
    raw or percent-encoded (Werkzeug would drop or keep them undecoded)."""
    for part in encoded.replace(b";", b"&").split(b"&"):
        for piece in part.split(b"=", 1):
            try:
                unquote_to_bytes(piece.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return True
    return False


def _raw_inputs() -> Iterator[bytes]:
    yield request.query_string
    if request.mimetype == "application/x-www-form-urlencoded":
        # Cached: Werkzeug parses the form from the cached bytes afterwards.
        yield request.get_data(cache=True)


def refuse_bad_characters() -> None:
    if any(_not_utf8(raw) for raw in _raw_inputs()):
        logger.info("request to %s refused: not UTF-8", request.endpoint)
        raise BadCharacters()
    names = [
        name for name, texts in _values() if any(bad in text for text in texts for bad in FORBIDDEN)
    ]
    if names:
        logger.info("request to %s refused: NUL or invalid UTF-8", request.endpoint)
        raise BadCharacters(names)
