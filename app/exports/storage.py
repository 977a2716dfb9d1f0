"""Where finished export files live: outside the database, readable by every web node.

``EXPORT_STORAGE`` chooses the storage:

- a directory (the default ``instance/exports``, or a volume that every web and
  worker node mounts at the same path) → :class:`DirectoryStorage`;
- ``s3://bucket/prefix`` → :class:`app.exports.storage_s3.S3Storage` (boto3; the
  endpoint of an S3-compatible store such as MinIO in ``EXPORT_S3_ENDPOINT_URL``),
  for web and worker nodes that share no file system.

A file is written through :meth:`Storage.writer`: nothing is visible under its key
until the block ends without an error, so a worker that dies mid-file leaves at most
a partial file in the staging area, which :meth:`Storage.sweep_partials` removes.
Keys are ``<job id>-<claim token>.<extension>``: every attempt writes its own file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app, send_file
from werkzeug.wrappers import Response

from app.exports.storage_base import KEY_RE, Storage, StorageError, check_key

__all__ = ["DirectoryStorage", "Storage", "StorageError", "check_key", "get_storage"]

STAGING = ".partial"


class DirectoryStorage:
    """Files in a directory: ``instance/exports`` or a shared volume."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.staging = self.root / STAGING

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    @contextmanager
    def writer(self, key: str) -> Iterator[BinaryIO]:
        target = self._path(key)
        self.staging.mkdir(parents=True, exist_ok=True)
        partial = self.staging / f"{key}.{os.getpid()}"
        try:
            with partial.open("wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)  # atomic on one file system
        finally:
            partial.unlink(missing_ok=True)

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def entries(self) -> Iterator[tuple[str, datetime]]:
        if not self.root.is_dir():
            return
        for entry in os.scandir(self.root):
            if entry.is_file() and KEY_RE.match(entry.name):
                yield entry.name, datetime.fromtimestamp(entry.stat().st_mtime, UTC)

    def sweep_partials(self, older_than_seconds: float) -> int:
        if not self.staging.is_dir():
            return 0
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in os.scandir(self.staging):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
        return removed

    def response(self, key: str, filename: str, content_type: str) -> Response:
        path = self._path(key)
        if not path.is_file():
            raise StorageError(f"export file {key} is missing")
        # send_file streams the file (wsgi.file_wrapper / sendfile under gunicorn) and
        # answers Range and If-None-Match requests itself.
        return send_file(
            path,
            mimetype=content_type,
            as_attachment=True,
            download_name=filename,
            conditional=True,
            etag=True,
            max_age=0,
        )


def storage_from(setting: str) -> Storage:
    if setting.startswith("s3://"):
        from app.exports.storage_s3 import S3Storage

        return S3Storage.from_url(setting, current_app.config.get("EXPORT_S3_ENDPOINT_URL"))
    if setting.startswith("file://"):
        setting = setting[len("file://") :]
    if not setting:
        raise StorageError("EXPORT_STORAGE is empty")
    return DirectoryStorage(setting)


def get_storage() -> Storage:
    """The storage that ``EXPORT_STORAGE`` names (made once per app and setting)."""
    setting = str(current_app.config["EXPORT_STORAGE"])
    made: dict[str, Storage] = current_app.extensions.setdefault("export_storage", {})
    if setting not in made:
        made[setting] = storage_from(setting)
    return made[setting]
