"""`flask i18n ...`: catalog chores that pybabel does not do."""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

from app.config import PROJECT_ROOT

i18n_cli = AppGroup("i18n", help="Translation catalog helpers.")


def _catalog_path(lang: str) -> Path:
    return PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"


@i18n_cli.command("fill-source")
@click.argument("lang", default="en")
def fill_source(lang: str) -> None:
    """Copy each English msgid into the empty msgstr of LANG (the source language)."""
    path = _catalog_path(lang)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    filled = 0
    for message in catalog:
        if not message.id or (message.string and all(message.string)):
            continue
        message.string = message.id if isinstance(message.id, str) else tuple(message.id)
        message.flags.discard("fuzzy")
        filled += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    click.echo(f"{lang}: filled {filled} messages from their msgids")


@i18n_cli.command("missing")
def missing() -> None:
    """List untranslated or fuzzy messages per language; exit 1 if there are any."""
    problems = 0
    for path in sorted((PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                problems += 1
                click.echo(f"{path.parent.parent.name}: {message.id!r}")
    if problems:
        raise SystemExit(1)
