"""Export files in an S3-compatible object store (AWS S3, MinIO, Ceph, …) via boto3.

``EXPORT_STORAGE=s3://bucket/prefix`` chooses it; ``EXPORT_S3_ENDPOINT_URL`` points
at a store other than AWS. Credentials and region come the standard boto3 way
(``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, or an
instance role).

A file is written to a local temporary file and uploaded when the writer finished
(``upload_fileobj``: a multipart upload for large files), so an object appears only
complete. Downloads go through the web process, streamed in 64 KiB pieces, and
``Range`` requests are passed on to the store; staff never need access to the bucket.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from flask import request
from werkzeug.wrappers import Response

from app.exports.storage_base import StorageError, check_key

PIECE = 64 * 1024


class S3Storage:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_url(cls, url: str, endpoint_url: str | None) -> S3Storage:
        import boto3

        parts = urlsplit(url)
        if not parts.netloc:
            raise StorageError(f"EXPORT_STORAGE {url!r} names no bucket")
        client = boto3.client("s3", endpoint_url=endpoint_url or None)
        return cls(client, parts.netloc, parts.path)

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    @contextmanager
    def writer(self, key: str) -> Iterator[BinaryIO]:
        name = self._key(key)
        with tempfile.TemporaryFile(prefix="export-") as spool:
            yield spool
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, name)

    def _head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=self._key(key)))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def size(self, key: str) -> int | None:
        head = self._head(key)
        return int(head["ContentLength"]) if head else None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def entries(self) -> Iterator[tuple[str, datetime]]:
        pages = self.client.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = str(item["Key"])[len(self.prefix) :]
                if "/" not in name:
                    yield name, item["LastModified"]

    def sweep_partials(self, older_than_seconds: float) -> int:
        """Abort multipart uploads that a dead worker left behind."""
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        listing = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
        removed = 0
        for upload in listing.get("Uploads", []):
            if upload["Initiated"] < cutoff:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
                removed += 1
        return removed

    def response(self, key: str, filename: str, content_type: str) -> Response:
        head = self._head(key)
        if head is None:
            raise StorageError(f"export file {key} is missing")
        size = int(head["ContentLength"])
        wanted = request.range.range_for_length(size) if request.range else None
        if request.range and wanted is None:
            return Response(status=416, headers={"Content-Range": f"bytes */{size}"})
        options: dict[str, Any] = {"Bucket": self.bucket, "Key": self._key(key)}
        if wanted:
            options["Range"] = f"bytes={wanted[0]}-{wanted[1] - 1}"
        body = self.client.get_object(**options)["Body"]
        response = Response(body.iter_chunks(PIECE), mimetype=content_type, direct_passthrough=True)
        response.call_on_close(body.close)
        response.headers.set("Content-Disposition", "attachment", filename=filename)
        response.headers["Accept-Ranges"] = "bytes"
        if wanted:
            response.status_code = 206
            response.headers["Content-Range"] = f"bytes {wanted[0]}-{wanted[1] - 1}/{size}"
            response.content_length = wanted[1] - wanted[0]
        else:
            response.content_length = size
        return response
