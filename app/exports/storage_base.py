"""What every export storage shares: its interface, its error and its key rule.

:mod:`app.exports.storage` (directories, and the choice by ``EXPORT_STORAGE``) and
:mod:`app.exports.storage_s3` both build on this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import BinaryIO, Protocol

from werkzeug.wrappers import Response

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class StorageError(Exception):
    """The storage is misconfigured or a file is missing."""


def check_key(key: str) -> str:
    """Keys are flat file names made by the pipeline: no paths, no surprises."""
    if not KEY_RE.match(key) or ".." in key:
        raise StorageError(f"invalid storage key {key!r}")
    return key


class Storage(Protocol):
    def writer(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A binary file to write ``key`` into; published when the block succeeds."""

    def size(self, key: str) -> int | None:
        """The size in bytes, or None if there is no such file."""

    def delete(self, key: str) -> None:
        """Remove ``key`` if it exists."""

    def entries(self) -> Iterator[tuple[str, datetime]]:
        """Every published key with its modification time (UTC)."""

    def sweep_partials(self, older_than_seconds: float) -> int:
        """Remove unfinished files older than that; returns how many."""

    def response(self, key: str, filename: str, content_type: str) -> Response:
        """A streaming download of ``key`` (ranges and conditional requests)."""
