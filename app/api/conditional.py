"""Conditional answers: an ETag from a cheap fingerprint, 304, and a body cache.

A view first computes the *version* of what it would answer (``app.api.versions``:
a few narrow queries, no rendering), then calls :func:`answer`. The ETag is a hash
of the request's path and query and that version, so an ``If-None-Match`` that
matches is answered 304 without building anything. A body that had to be built
is kept in a small per-process LRU keyed by the ETag: the key names the data it
was built from, so it can never be stale, and the next client gets the bytes.

For ``API_RECHECK_SECONDS`` (default 2) after a version was computed, the same
address and query are answered from the ETag and body just found, without asking
the database again (``from_recent``, before the view runs): a burst of requests for
one address costs one version check per worker process and interval. Answers may
thus lag a change by that long; clients may keep them ``MAX_AGE`` anyway.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Response, current_app, request

# Bump when the shape of an answer changes, so cached copies are not revalidated.
FORMAT = "2"  # 2: process results carry the Trialog split
MAX_AGE = 60  # seconds a client or proxy may reuse an answer without asking
CACHE_ENTRIES = 256
CACHE_LARGEST = 4 * 1024 * 1024  # bodies above this size are not kept


class BodyCache:
    """A small thread-safe LRU of answer bodies, keyed by ETag."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > CACHE_LARGEST:
            return
        with self._lock:
            self._items[key] = body
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


BODIES = BodyCache(CACHE_ENTRIES)


class RecentVersions:
    """Per address and query: the ETag computed last, its max-age, and until when."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[str, int, float]] = {}
        self._lock = threading.Lock()

    def remember(self, key: str, etag: str, max_age: int, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            if len(self._items) > CACHE_ENTRIES * 4:
                self._items.clear()  # bounded; refilled by the next requests
            self._items[key] = (etag, max_age, time.monotonic() + seconds)

    def recall(self, key: str) -> tuple[str, int] | None:
        with self._lock:
            found = self._items.get(key)
        if found is None or found[2] < time.monotonic():
            return None
        return found[0], found[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RECENT = RecentVersions()


def _request_key() -> str:
    return repr((request.path, sorted(request.args.items(multi=True))))


def etag_for(version: Hashable) -> str:
    query = sorted(request.args.items(multi=True))
    raw = repr((FORMAT, request.path, query, version)).encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def _headers(response: Response, etag: str, max_age: int) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def not_modified(etag: str, max_age: int = MAX_AGE) -> Response | None:
    """A 304 if the client already holds this ETag, else None."""
    if not request.if_none_match.contains_weak(etag):
        return None
    return _headers(current_app.response_class(status=304), etag, max_age)


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _json(body: bytes, etag: str, max_age: int) -> Response:
    response = current_app.response_class(body, mimetype="application/json")
    return _headers(response, etag, max_age)


def answer(version: Hashable, build: Callable[[], Any], *, max_age: int = MAX_AGE) -> Response:
    """The JSON answer for ``version``: 304, a cached body, or ``build()`` serialised."""
    etag = etag_for(version)
    RECENT.remember(_request_key(), etag, max_age, current_app.config["API_RECHECK_SECONDS"])
    unchanged = not_modified(etag, max_age)
    if unchanged is not None:
        return unchanged
    body = BODIES.get(etag)
    if body is None:
        body = encode(build())
        BODIES.put(etag, body)
    return _json(body, etag, max_age)


def from_recent() -> Response | None:
    """The answer of a version computed moments ago for this address, if still fresh."""
    if request.method not in ("GET", "HEAD"):
        return None
    recent = RECENT.recall(_request_key())
    if recent is None:
        return None
    etag, max_age = recent
    unchanged = not_modified(etag, max_age)
    if unchanged is not None:
        return unchanged
    body = BODIES.get(etag)
    return None if body is None else _json(body, etag, max_age)
