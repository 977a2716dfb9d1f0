"""Whole public pages for first-time visitors, kept a few seconds per web process.

Most requests for a goal or process page come from people who have not taken part
yet: no account, no participant cookie, nothing in their session but (at most) a CSRF
token. Every one of them sees the same page. :func:`cached` keeps that page for
``FIRST_VISIT_CACHE_SECONDS`` (default 5; 0 switches it off) in the memory of the web
process, so a busy page is rendered once per worker every few seconds instead of on
every request ("micro-caching").

What differs between two such visitors is filled in per request:

- the CSRF token of every form stands in the stored copy as :data:`CSRF_MARKER`;
- each idempotency key (:func:`per_visitor_key`) stands as :data:`KEY_MARKER` and gets
  a fresh value per occurrence, so two visitors never share a key.

Anybody with state of their own bypasses the copy and gets a fresh page: signed-in
users, participants recognised by their cookie, sessions holding anything but the
CSRF token (a flash message, Easy Language, a guest's e-mail), and query strings other
than the ones a view allows. So a visitor sees their own comment, vote or rating at
once; a first-time visitor may see a page up to the configured seconds old. A stored
copy is never shared across processes or deploys; it lives and dies with the worker.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

CSRF_MARKER = "mitwirken-first-visit-csrf"
KEY_MARKER = "mitwirken-first-visit-key"
# Session keys a first-time visitor may have: the CSRF token the last page issued.
STATELESS_SESSION_KEYS = frozenset({"csrf_token"})
SIZE = 256  # pages per process (a goal page is about 80 KB)
RENDERING = "first_visit_rendering"

View = TypeVar("View", bound=Callable[..., Any])


class Store:
    """Rendered pages with their expiry time, least recently used out first."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] <= time.monotonic():
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: str, page: str, seconds: float) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + seconds, page)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def store() -> Store:
    """This app's store (one per process and app)."""
    found = current_app.extensions.get("first_visit_pages")
    if found is None:
        found = current_app.extensions["first_visit_pages"] = Store()
    return cast(Store, found)


def per_visitor_key(fresh: str) -> str:
    """An idempotency key for a form: ``fresh``, or the marker while a page is rendered
    for the store (then every visitor gets a fresh key of their own)."""
    return KEY_MARKER if g.get(RENDERING) else fresh


def _seconds() -> float:
    return float(current_app.config.get("FIRST_VISIT_CACHE_SECONDS", 0))


def first_time_visitor(allowed_args: frozenset[str]) -> bool:
    """Whether this request may be answered from (and fill) the store."""
    from app.participation.services import PARTICIPANT_COOKIE

    return (
        request.method in {"GET", "HEAD"}
        and set(request.args) <= allowed_args
        and PARTICIPANT_COOKIE not in request.cookies
        and set(session.keys()) <= STATELESS_SESSION_KEYS
        and not current_user.is_authenticated
    )


def _key(allowed_args: frozenset[str]) -> str:
    args = "&".join(
        f"{name}={request.args[name]}" for name in sorted(allowed_args & set(request.args))
    )
    return f"{request.path}?{args}|{get_locale()}"


def _as_stored(page: str) -> str:
    """The rendered page with this visitor's CSRF token replaced by the marker."""
    token = g.get("csrf_token")
    return page.replace(token, CSRF_MARKER) if token else page


def _personalised(stored: str) -> str:
    """The stored page with this visitor's CSRF token and fresh idempotency keys."""
    page = stored.replace(CSRF_MARKER, generate_csrf()) if CSRF_MARKER in stored else stored
    if KEY_MARKER not in page:
        return page
    head, *rest = page.split(KEY_MARKER)
    return head + "".join(secrets.token_hex(16) + part for part in rest)


def _render_for_store(view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    g.setdefault(RENDERING, True)
    try:
        return view(*args, **kwargs)
    finally:
        g.pop(RENDERING, None)


def cached(allowed_args: frozenset[str] = frozenset()) -> Callable[[View], View]:
    """Serve a view's page to first-time visitors from the store (see the module)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            seconds = _seconds()
            if seconds <= 0 or not first_time_visitor(allowed_args):
                return view(*args, **kwargs)
            key = _key(allowed_args)
            stored = store().get(key)
            if stored is None:
                page = _render_for_store(view, args, kwargs)
                if not isinstance(page, str) or g.get("participant_cookie"):
                    return page  # not a plain page, or it made this visitor a participant
                stored = _as_stored(page)
                store().put(key, stored, seconds)
            return _personalised(stored)

        return cast(View, wrapper)

    return decorate
