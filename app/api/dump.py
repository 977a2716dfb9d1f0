"""The open-data package of a process: CSV files and a Frictionless datapackage.json
in one ZIP, cached under ``instance/opendata/`` per data version.

The version is a hash of the same fingerprints the API's ETags use, so a new
comment, revision, assessment or count gives a new file; the old one is removed
once the new one is in place. Building is the Celery task ``build_datapackage``
(``app.api.tasks``); ``flask opendata dump`` writes one directly.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import IO, Any

from flask import current_app

from app.api import package_results, package_tables, versions
from app.api.conditional import FORMAT
from app.api.package_tables import Table
from app.api.reading import contributions as contribution_reading
from app.api.reading import results as result_reading
from app.api.reading import revisions as revision_reading
from app.assessment.services.visibility import assessments_visible
from app.core import csvfile, policy
from app.db import utcnow
from app.processes.models import Process
from app.results.services import process_counts

logger = logging.getLogger(__name__)
EVERYTHING = 10**9  # a page size that holds every row


def data_version(proc: Process) -> str:
    """Changes whenever anything in the package would (see ``app.api.versions``)."""
    now = utcnow()
    parts = (
        FORMAT,
        versions.process(proc, now),
        versions.tree(proc.id),
        versions.contributions(proc.id),
        versions.process_aggregate(proc.id),
        versions.rating_questions(proc.id),
        assessments_visible(proc),
        policy.can_see_rating_results(None, proc),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def folder() -> Path:
    path = Path(current_app.config["OPENDATA_PATH"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_for(proc: Process, version: str) -> Path:
    return folder() / f"{proc.id}-{version}.zip"


def tables(proc: Process) -> list[Table]:
    lang, public = proc.default_locale, assessments_visible(proc)
    revisions, _cursor = revision_reading.process_revisions(
        proc, lang, public, limit=EVERYTHING, after=None, since=None
    )
    items, _cursor = contribution_reading.contributions(
        proc, contribution_reading.Filters(), lang, EVERYTHING
    )
    results = result_reading.process_results(proc, process_counts(proc.id), lang)
    return [
        package_tables.goals(proc),
        *package_tables.revisions(proc, revisions),
        package_results.contributions(items),
        *package_results.ratings(results),
    ]


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csvfile.writer(out)
    writer.writerow([column.name for column in table.columns])
    writer.writerows(table.rows)
    return out.getvalue()


def descriptor(proc: Process, version: str, tables_: list[Table]) -> dict[str, Any]:
    """The Frictionless Data Package (v1 tabular) describing the CSV files."""
    lang = proc.default_locale
    resources = []
    for table in tables_:
        schema: dict[str, Any] = {"fields": [c.descriptor() for c in table.columns]}
        if table.primary_key:
            schema["primaryKey"] = table.primary_key
        if table.foreign_keys:
            schema["foreignKeys"] = table.foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"mitwirken-{proc.slug}",
        "title": proc.title.get(lang) or proc.slug,
        "description": (
            "Goals, revisions, published contributions (pseudonymised) and rating results "
            f"of the participation process “{proc.slug}”, as published by mitwirken. "
            "Cells starting with = + - @ get a leading apostrophe (CSV injection guard)."
        ),
        "version": version,
        "created": utcnow().isoformat(timespec="seconds"),
        "languages": [lang],
        "resources": resources,
    }


def write_zip(proc: Process, out: IO[bytes], version: str | None = None) -> None:
    version = version or data_version(proc)
    built = tables(proc)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in built:
            archive.writestr(f"{table.name}.csv", _csv(table))
        archive.writestr("datapackage.json", json.dumps(descriptor(proc, version, built), indent=2))


def build_file(proc: Process) -> Path:
    """The package of the current data version: built unless it exists already."""
    version = data_version(proc)
    target = path_for(proc, version)
    if target.exists():
        return target
    partial = target.with_suffix(f".{os.getpid()}.part")
    with partial.open("wb") as out:
        write_zip(proc, out, version)
    partial.replace(target)  # atomic: a reader sees the whole file or none
    for old in folder().glob(f"{proc.id}-*.zip"):
        if old != target:
            old.unlink(missing_ok=True)
    logger.info("open-data package of %s built (%s)", proc.slug, version)
    return target


# --- asking for a build (the download link) -------------------------------------------

REQUEST_PATIENCE = 600  # seconds after which a request without a package asks again


def _marker(proc: Process) -> Path:
    return folder() / f"{proc.id}.requested"


def ask_once(proc: Process) -> bool:
    """True if a build should be queued: none was asked for in the last minutes."""
    marker = _marker(proc)
    try:
        if utcnow().timestamp() - marker.stat().st_mtime < REQUEST_PATIENCE:
            return False
    except FileNotFoundError:
        pass
    marker.touch()
    return True


def clear_request(proc: Process) -> None:
    _marker(proc).unlink(missing_ok=True)
