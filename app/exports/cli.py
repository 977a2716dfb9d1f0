"""``flask export``: the exports of the staff area on the command line, with a progress bar.

    flask export auswertung PROCESS --format xlsx|csv --lang de --out FILE
    flask export responses SURVEY --format csv|xlsx|sav --lang de --out FILE

The formats offered are those of the writer registry (:mod:`app.exports.formats`).
An unknown process, survey, format or language exits with code 2 and says which.
The file appears under ``--out`` only once it is complete.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.exports import formats
from app.exports.models import ExportFormat, ExportKind
from app.exports.source import Source
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import Survey

export_cli = AppGroup("export", help="Build exports (Auswertung, survey data) into a file.")


class _Bar:
    """A click progress bar that starts when the writer first says its total."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _language(lang: str | None) -> str:
    languages = list(current_app.config["LANGUAGES"])
    if lang is None:
        return languages[0]
    if lang not in languages:
        raise click.BadParameter(
            f"{lang!r} is not one of the languages {', '.join(languages)}", param_hint="--lang"
        )
    return lang


def _run(source: Source, out: str, label: str) -> None:
    target = Path(out)
    if not target.parent.is_dir():
        raise click.BadParameter(f"the folder {target.parent} does not exist", param_hint="--out")
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    bar = _Bar(label)
    try:
        with partial.open("wb") as handle:
            rows = formats.write(source, handle, bar)
        bar.close()
        partial.replace(target)
    finally:
        bar.close()
        partial.unlink(missing_ok=True)
        db.session.rollback()  # an export only reads
    click.echo(f"{rows} rows written to {target}.")


def _format_option(kind: ExportKind) -> Any:
    names = [fmt.value for fmt in formats.formats_for(kind)]
    return click.option(
        "--format", "fmt", type=click.Choice(names), required=True, help="The file format."
    )


_lang_option = click.option("--lang", default=None, help="Language of labels (default: the first).")
_out_option = click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), required=True, help="File to write."
)


@export_cli.command("auswertung")
@click.argument("process_slug", metavar="PROCESS")
@_format_option(ExportKind.ASSESSMENT)
@_lang_option
@_out_option
@click.option("--include-hidden", is_flag=True, help="Include contributions hidden by moderation.")
@click.option("--only-assessed", is_flag=True, help="Only contributions with a consideration.")
def auswertung_command(
    process_slug: str,
    fmt: str,
    lang: str | None,
    out: str,
    include_hidden: bool,
    only_assessed: bool,
) -> None:
    """The Abwägung/Auswertung of PROCESS (its address, e.g. hf12-verwaltung)."""
    process = db.session.scalar(sa.select(Process).where(Process.slug == process_slug))
    if process is None:
        message = f"no process with the address {process_slug!r}"
        raise click.BadParameter(message, param_hint="PROCESS")
    source = Source(
        kind=ExportKind.ASSESSMENT,
        format=ExportFormat(fmt),
        locale=_language(lang),
        process_id=process.id,
        options={"include_hidden": include_hidden, "only_assessed": only_assessed},
    )
    _run(source, out, "Auswertung")


@export_cli.command("responses")
@click.argument("survey_slug", metavar="SURVEY")
@_format_option(ExportKind.SURVEY_RESPONSES)
@_lang_option
@_out_option
def responses_command(survey_slug: str, fmt: str, lang: str | None, out: str) -> None:
    """The submitted responses of SURVEY (its address) with codebook and value labels."""
    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == survey_slug))
    if survey is None:
        message = f"no survey with the address {survey_slug!r}"
        raise click.BadParameter(message, param_hint="SURVEY")
    source = Source(
        kind=ExportKind.SURVEY_RESPONSES,
        format=ExportFormat(fmt),
        locale=_language(lang),
        process_id=survey.process_id,
        survey_id=survey.id,
    )
    _run(source, out, "Responses")
