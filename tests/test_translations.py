"""Every catalog is complete: no untranslated and no fuzzy entries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


def test_german_and_english_catalogs_exist() -> None:
    assert {p.parent.parent.name for p in CATALOGS} >= {"de", "en"}


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
