"""The open-data package: built by the task, cached per data version, served as a
file, and valid for Frictionless (``frictionless validate`` finds no error)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.api import tasks as api_tasks
from app.comments import reactions
from app.extensions import db
from app.processes.models import PhaseKind
from tests.api.conftest import EMAIL, REAL_NAME, OpenData, build

URL = "/api/v1/processes/hf12/datapackage.zip"


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode())))


@pytest.fixture
def results_data(app: Flask) -> OpenData:
    with app.test_request_context():
        return build(PhaseKind.RESULTS)


def test_download_is_a_zip_with_csv_and_datapackage(
    client: FlaskClient, results_data: OpenData
) -> None:
    response = client.get(URL)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    descriptor = json.loads(archive.read("datapackage.json"))
    names = {r["name"] for r in descriptor["resources"]}
    assert names == {
        "goals", "revisions", "revision_contributions", "translations",
        "contributions", "rating_questions", "ratings",
    }  # fmt: skip
    assert {r["path"] for r in descriptor["resources"]} <= set(archive.namelist())
    links = _rows(archive, "revision_contributions.csv")
    assert links == [
        {
            "goal_code": "12.1",
            "revision": "2",
            "contribution_id": str(results_data.comments["first"].id),
        }
    ]
    text = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert REAL_NAME not in text and EMAIL not in text


def test_package_is_cached_and_rebuilt_when_the_data_change(
    client: FlaskClient, results_data: OpenData, app: Flask
) -> None:
    first = client.get(URL)
    etag = first.headers["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    files = sorted(Path(app.config["OPENDATA_PATH"]).glob("*.zip"))
    assert len(files) == 1
    reactions.vote(results_data.comments["first"], results_data.people["account"], 1)
    db.session.commit()
    second = client.get(URL, headers={"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["ETag"] != etag
    assert sorted(Path(app.config["OPENDATA_PATH"]).glob("*.zip")) != files
    assert len(list(Path(app.config["OPENDATA_PATH"]).glob("*.zip"))) == 1


def test_without_a_worker_the_download_says_retry_later(
    client: FlaskClient, opendata: OpenData, monkeypatch: Any
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(api_tasks, "build_datapackage", _Recorder(queued))
    response = client.get(URL)
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "30"
    client.get(URL)
    assert queued == [opendata.process.id]  # asked once, not per request


class _Recorder:
    def __init__(self, queued: list[int]) -> None:
        self.queued = queued

    def delay(self, process_id: int) -> None:
        self.queued.append(process_id)


def test_frictionless_finds_no_error(runner: Any, results_data: OpenData, tmp_path: Path) -> None:
    from frictionless import validate

    out = tmp_path / "hf12.zip"
    result = runner.invoke(args=["opendata", "dump", "hf12", "--out", str(out)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "package"
    zipfile.ZipFile(out).extractall(folder)
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    contributions = _rows(zipfile.ZipFile(out), "contributions.csv")
    assert len(contributions) == 5
    first = next(r for r in contributions if r["id"] == str(results_data.comments["first"].id))
    assert (first["consideration"], first["taken_up_revision"]) == ("considered", "2")


def test_cli_refuses_an_unpublished_process(runner: Any, app: Flask, tmp_path: Path) -> None:
    from tests.factories import make_process

    make_process("entwurf", published=False)
    result = runner.invoke(args=["opendata", "dump", "entwurf", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code != 0 and "not published" in result.output
