"""Web hardening: the client address behind proxies, rate-limit keys, log hygiene.

- ``TRUSTED_PROXIES`` (default 0) reverse proxies in front of the app are believed
  about the client address (``X-Forwarded-For``) and scheme (``X-Forwarded-Proto``);
  with 0 the headers are ignored, so nobody can pick their own address.
- Rate-limit keys are an HMAC of the client address (or of the e-mail address a form
  names) under a key derived from ``SECRET_KEY``. The storage (Redis or memory)
  expires them with the limit's window; no address is stored or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

KEY_LABEL = b"mitwirken rate-limit keys v1"


def init_app(app: Flask) -> None:
    trusted = int(app.config.get("TRUSTED_PROXIES", 0))
    if trusted < 0:
        raise ValueError("TRUSTED_PROXIES must not be negative")
    if trusted:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)  # type: ignore[method-assign]
    logging.getLogger("werkzeug").addFilter(_hide_client_address)


def limits_disabled_here() -> bool:
    """Request filter: the limiter's on/off state is shared by every app in a process
    (Flask-Limiter keeps it on the one ``Limiter``); this app's own setting decides."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def _rate_limit_key() -> bytes:
    """A key for rate-limit hashes only, derived from (never equal to) SECRET_KEY."""
    cached = current_app.extensions.get("rate_limit_key")
    if cached is None:
        secret = str(current_app.config["SECRET_KEY"]).encode()
        cached = hmac.new(secret, KEY_LABEL, hashlib.sha256).digest()
        current_app.extensions["rate_limit_key"] = cached
    return bytes(cached)


def keyed_hash(value: str) -> str:
    return hmac.new(_rate_limit_key(), value.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """The rate-limit key of this request's client: a keyed hash of its address."""
    return "addr:" + keyed_hash(request.remote_addr or "unknown")


def submitted_email_key() -> str:
    """The rate-limit key of the account a form names (sign-in, password reset)."""
    email = request.form.get("email", "").strip().lower()
    return "mail:" + keyed_hash(email)


def signed_in() -> bool:
    return bool(current_user and current_user.is_authenticated)


def not_signed_in() -> bool:
    return not signed_in()


def account_key() -> str:
    """The rate-limit key of the signed-in account: a keyed hash of its id, so that
    an account is limited wherever it posts from, and its neighbours are not."""
    return "account:" + keyed_hash(str(current_user.get_id()))


def form_shown_again(response: Response) -> bool:
    """A POST that re-renders its form (failed sign-in) instead of redirecting."""
    return response.status_code == 200


_DEV_SERVER_LINE = re.compile(r"^\S+ - - \[")


def _hide_client_address(record: logging.LogRecord) -> bool:
    """The development server (`flask run`) starts each request line with the address."""
    if isinstance(record.msg, str) and _DEV_SERVER_LINE.match(record.msg):
        record.msg = "-" + record.msg[record.msg.index(" - - [") :]
    return True
