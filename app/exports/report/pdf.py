"""The Ergebnisbericht as PDF: ``exports/report/document.html`` (which renders each
question with the macros of the results pages, ``results/_macros.html``) and
``print.css``, by WeasyPrint, as the Auswertung (``exports/auswertung/pdf.py``).

The charts are the SVG of ``app.results.charts``, coloured by ``chart-*`` classes. A
page's stylesheet does not reach into an inline SVG in WeasyPrint, so the ``.chart``
rules of ``app/static/css/app.css`` (the one place the colours are defined) are put
into each SVG as a ``<style>`` element; the PDF has no Content-Security-Policy.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import IO, Any

from flask import render_template

from app.exports.auswertung.pdf import direction
from app.exports.report.document import Report, build, content_language
from app.exports.source import Progress
from app.surveys.models import Survey

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"
STYLESHEET = Path(__file__).with_name("print.css")
APP_CSS = Path(__file__).parents[2] / "static" / "css" / "app.css"
SVG_OPEN = re.compile(r"(<svg\b[^>]*>)")
CHART_RULE = re.compile(r"^\.chart[^{]*\{[^}]*\}", re.MULTILINE)
SVG_FONT = 'text { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; }'


@functools.cache
def chart_style() -> str:
    """The chart rules of the site's stylesheet (top level only, not ``@media``)."""
    rules = CHART_RULE.findall(APP_CSS.read_text(encoding="utf-8"))
    return " ".join([*rules, SVG_FONT])


def styled_svgs(html: str) -> str:
    return SVG_OPEN.sub(lambda m: f"{m.group(1)}<style>{chart_style()}</style>", html)


def _direction(text: str, lang: str) -> str:
    """The direction of a text staff wrote: its own (a German questionnaire in an Arabic
    report reads left to right), else the document's (WeasyPrint has no ``dir="auto"``)."""
    found = direction(text)
    return found if found != "auto" else ("rtl" if lang == "ar" else "ltr")


def html(report: Report) -> str:
    page = render_template(
        "exports/report/document.html",
        report=report,
        survey=report.survey,
        results=report.results,
        hidden_questions=report.hidden_questions,
        direction=lambda text: _direction(text, report.lang),
    )
    return styled_svgs(page)


def write(
    survey: Survey, options: dict[str, Any], lang: str, out: IO[bytes], progress: Progress
) -> int:
    """Write the PDF to ``out``; returns the number of questions reported.

    Progress: one step per question (gathered), then the layout, then the file."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango when imported

    steps = len(survey.questions) + 2
    with content_language(lang):
        report = build(survey, options, lang, lambda done: progress(done, steps))
        page = html(report)
    document = HTML(string=page, base_url=str(STYLESHEET.parent)).render(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
    progress(steps - 1, steps)
    document.write_pdf(out)
    progress(steps, steps)
    return len(report.results.questions)
