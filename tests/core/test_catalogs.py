"""Every catalog is complete: no untranslated and no fuzzy entries, no broken placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
UI_LANGUAGES = {"de", "en", "tr", "ar", "uk", "ru"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


def test_every_ui_language_has_a_catalog() -> None:
    assert {p.parent.parent.name for p in CATALOGS} >= UI_LANGUAGES


def test_default_languages_are_the_six_ui_languages(app: Flask) -> None:
    assert set(app.config["LANGUAGES"]) == UI_LANGUAGES
    assert app.config["LANGUAGES"][0] == "de"


def _placeholder_problems(message: Message) -> list[str]:
    """Translations may drop a placeholder in a plural form, but never invent one."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    known = {name for text in ids for name in PLACEHOLDER.findall(text)}
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    problems = [s for s in strings if s and not set(PLACEHOLDER.findall(s)) <= known]
    singular = not isinstance(message.id, tuple)
    if singular and strings[0] and set(PLACEHOLDER.findall(strings[0])) != known:
        problems.append(strings[0])
    return problems


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_translations_keep_the_placeholders(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    broken = {m.id: _placeholder_problems(m) for m in catalog if m.id}
    assert {k: v for k, v in broken.items() if v} == {}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_catalog_has_no_untranslated_or_fuzzy_entries(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    gaps = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            gaps.append(message.id)
    assert gaps == []


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The msgids in the code now, extracted as `make translations` does."""
    target = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(  # noqa: S603
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(target),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    return _ids(target)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_catalog_holds_every_string_of_the_code(path: Path, extracted: set[str]) -> None:
    missing = sorted(extracted - _ids(path))
    assert missing == [], "run `make translations` and translate the new strings"
