"""Export files in an S3-compatible store: moto's S3 server on 127.0.0.1 stands in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from moto.server import ThreadedMotoServer

from app.comments.models import Comment, CommentStatus
from app.db import utcnow
from app.exports import recovery, services
from app.exports.models import ExportFormat, ExportJob, ExportKind, ExportStatus
from app.exports.storage import get_storage
from app.exports.storage_s3 import S3Storage
from app.extensions import db
from app.participation.models import StakeholderGroup
from app.processes.models import Process
from tests.conftest import BASE_CONFIG
from tests.factories import make_goal

BUCKET = "mitwirken-exports"
BASE = "/en/staff/exports/p/hf12/"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "eu-central-1",
}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def app_config(database_url: str, s3_endpoint: str) -> dict[str, Any]:
    return BASE_CONFIG | {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "EXPORT_STORAGE": f"s3://{BUCKET}/mitwirken",
        "EXPORT_S3_ENDPOINT_URL": s3_endpoint,
    }


@pytest.fixture
def done(process: Process, bucket: Any) -> ExportJob:
    goal = make_goal(process, "1", "Ziel")
    for number in range(40):
        db.session.add(
            Comment(
                goal_id=goal.id,
                author_name="Name",
                kind="suggestion",
                stakeholder_group=StakeholderGroup.CITIZEN,
                body=f"Beitrag {number} " + "Text " * 20,
                status=CommentStatus.PUBLISHED,
            )
        )
    db.session.commit()
    job, _ = services.request_export(
        process, kind=ExportKind.ASSESSMENT, fmt=ExportFormat.CSV, locale="en"
    )
    db.session.commit()
    db.session.expire_all()
    finished = db.session.get(ExportJob, job.id)
    assert finished is not None and finished.status == ExportStatus.DONE, finished
    return finished


def test_the_file_is_an_object_in_the_bucket(done: ExportJob, bucket: Any) -> None:
    assert isinstance(get_storage(), S3Storage)
    head = bucket.head_object(Bucket=BUCKET, Key=f"mitwirken/{done.storage_key}")
    assert head["ContentLength"] == done.size > 2000


def test_downloads_stream_from_the_bucket_with_ranges(
    staff_client: FlaskClient, done: ExportJob, bucket: Any
) -> None:
    stored = bucket.get_object(Bucket=BUCKET, Key=f"mitwirken/{done.storage_key}")["Body"].read()
    url = f"{BASE}{done.id}/download"
    whole = staff_client.get(url)
    assert whole.status_code == 200 and whole.data == stored
    assert whole.headers["Content-Disposition"].startswith("attachment")
    assert whole.headers["Cache-Control"] == "no-store"
    part = staff_client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == stored[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(stored)}"
    beyond = staff_client.get(url, headers={"Range": f"bytes={len(stored) + 5}-"})
    assert beyond.status_code == 416
    bucket.delete_object(Bucket=BUCKET, Key=f"mitwirken/{done.storage_key}")
    assert staff_client.get(url).status_code == 404


def test_a_failed_writer_leaves_no_object(bucket: Any, app: Any) -> None:
    storage = get_storage()
    with pytest.raises(RuntimeError), storage.writer("7-abc.csv") as out:
        out.write(b"half")
        raise RuntimeError("broken")
    assert storage.size("7-abc.csv") is None
    assert "Contents" not in bucket.list_objects_v2(Bucket=BUCKET)


def test_expired_and_orphaned_objects_are_removed(
    done: ExportJob, bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket.put_object(Bucket=BUCKET, Key="mitwirken/999-gone.csv", Body=b"orphan")
    bucket.put_object(Bucket=BUCKET, Key="elsewhere/1-other.csv", Body=b"not ours")
    monkeypatch.setattr(recovery, "ORPHAN_GRACE", timedelta(0))
    db.session.execute(sa.update(ExportJob).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert recovery.clean_up(utcnow() + timedelta(seconds=5)) == 2
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == ["elsewhere/1-other.csv"]
    db.session.expire_all()
    assert db.session.get(ExportJob, done.id).status == ExportStatus.EXPIRED  # type: ignore[union-attr]
