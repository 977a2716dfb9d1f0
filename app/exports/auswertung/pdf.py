"""The Auswertung as PDF: the HTML document (``exports/auswertung/document.html``) and
``print.css``, rendered by WeasyPrint (which needs Pango; Debian's ``libpango-1.0-0``).

A4 portrait for the title page, the Steckbrief and the rating charts; the
Abwägungstabelle on landscape pages, its header row repeated on every page; a footer
with the process, the as-of date and "page X of Y".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from flask import render_template
from flask_babel import format_date, format_decimal

from app.exports.auswertung.document import HIDDEN_COLOUR, THRESHOLD, Auswertung, build, legends
from app.processes.models import Process

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"
STYLESHEET = Path(__file__).with_name("print.css")


def direction(text: str) -> str:
    """``rtl`` or ``ltr`` by the first strong character, as ``dir="auto"`` would decide.

    Written out because WeasyPrint does not support ``dir="auto"``: German texts in an
    Arabic document keep their direction, Arabic texts in a German one theirs.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def html(doc: Auswertung) -> str:
    return render_template(
        "exports/auswertung/document.html",
        doc=doc,
        legends=legends,
        threshold=THRESHOLD,
        hidden_colour=HIDDEN_COLOUR,
        direction=direction,
        day=lambda value: format_date(value, "short"),
        decimal=lambda value: format_decimal(value, "#,##0.0#"),
    )


def write(
    process: Process,
    options: dict[str, Any] | None,
    lang: str,
    out: IO[bytes],
    progress: Callable[[int], None],
) -> int:
    """Write the PDF to ``out``; returns the number of rows of its table."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango when imported

    doc = build(process, options, lang, progress)
    HTML(string=html(doc), base_url=str(STYLESHEET.parent)).write_pdf(
        out, stylesheets=[CSS(filename=str(STYLESHEET))]
    )
    return doc.total
