"""``flask export``: the exports of the staff area on the command line, with a progress bar.

    flask export auswertung PROCESS --format xlsx|csv --lang de --out FILE
    flask export responses SURVEY --format csv|xlsx|sav --lang de --out FILE
    flask export report SURVEY [--filter q03=lehre] --lang de --out FILE.pdf

The formats offered are those of the writer registry (:mod:`app.exports.formats`).
An unknown process, survey, format, language or filter exits with code 2 and says
which (so does a group too small to publish).
The file appears under ``--out`` only once it is complete.
"""

from __future__ import annotations

import logging
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
from app.exports.report import groups as report_groups
from app.exports.source import ExportError, Source
from app.extensions import db
from app.processes.models import Process
from app.surveys.models import Survey

export_cli = AppGroup("export", help="Build exports (Auswertung, survey data) into a file.")
# WeasyPrint logs every page it lays out at INFO; the progress bar says enough.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


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


def _run(source: Source, out: str, label: str, unit: str = "rows") -> None:
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
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    finally:
        bar.close()
        partial.unlink(missing_ok=True)
        db.session.rollback()  # an export only reads
    click.echo(f"{rows} {unit} written to {target}.")


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
    survey = _survey(survey_slug)
    source = Source(
        kind=ExportKind.SURVEY_RESPONSES,
        format=ExportFormat(fmt),
        locale=_language(lang),
        process_id=survey.process_id,
        survey_id=survey.id,
    )
    _run(source, out, "Responses")


def _survey(slug: str) -> Survey:
    survey = db.session.scalar(sa.select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise click.BadParameter(f"no survey with the address {slug!r}", param_hint="SURVEY")
    return survey


def _report_group(survey: Survey, spec: str | None) -> int | None:
    """The option id of ``--filter``; a group too small to publish is refused here."""
    public = report_groups.public_groups(survey)
    if public is None:
        raise click.ClickException(
            f"the results of {survey.slug!r} have not been computed yet; "
            f"run: flask results rebuild {survey.slug}"
        )
    if spec is None:
        return None
    try:
        option_id = report_groups.resolve(survey, spec)
    except report_groups.FilterNotFoundError as error:
        raise click.BadParameter(str(error), param_hint="--filter") from error
    if option_id not in {group.option_id for group in public}:
        message = (
            f"too few respondents in the group {spec!r} to publish its results "
            f"(groups of at least {survey.suppression_threshold} people only)"
        )
        raise click.BadParameter(message, param_hint="--filter")
    return option_id


@export_cli.command("report")
@click.argument("survey_slug", metavar="SURVEY")
@click.option(
    "--filter",
    "group_filter",
    default=None,
    metavar="QUESTION=VALUE",
    help="One demographic group only: a question (id or variable name, e.g. q03) and "
    "the value of its option, e.g. q03=lehre.",
)
@_lang_option
@_out_option
def report_command(survey_slug: str, group_filter: str | None, lang: str | None, out: str) -> None:
    """The results report (Ergebnisbericht, PDF) of SURVEY, from its public results."""
    survey = _survey(survey_slug)
    locale = _language(lang)
    group = _report_group(survey, group_filter)
    source = Source(
        kind=ExportKind.SURVEY_REPORT,
        format=ExportFormat.PDF,
        locale=locale,
        process_id=survey.process_id,
        survey_id=survey.id,
        options={"group": group},
    )
    _run(source, out, "Ergebnisbericht", unit="questions")
