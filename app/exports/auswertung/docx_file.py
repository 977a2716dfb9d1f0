"""The Auswertung as a Word document (python-docx), with the same content as the PDF.

A4 portrait for the title page, the Steckbrief and the rating charts; a landscape
section per field of action for the Abwägungstabelle, whose header row repeats on
every page (``w:tblHeader``) and whose rows do not split across pages. The footer
gives the process, the as-of date and "page X of Y" (Word fields). Charts are native
tables (one shaded cell per answer, as wide as its share), so they print everywhere
and keep their numbers beside them. Every text goes in unaltered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _

from app.exports.auswertung.document import (
    HIDDEN_COLOUR,
    THRESHOLD,
    Auswertung,
    Chart,
    FieldPart,
    build,
    legends,
)
from app.exports.auswertung.entries import Entry
from app.processes.models import Process

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSION = "docx"
A4 = (Mm(210), Mm(297))
GREY = RGBColor(0x55, 0x55, 0x55)
BAR_WIDTH_MM = 60
# Column widths of the table on A4 landscape (mm): no., kind/channel/date, author,
# contribution, consideration, rationale, version.
TABLE_MM = (10, 26, 26, 93, 31, 68, 19)


def _text(
    paragraph: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    colour: RGBColor | None = None,
) -> Any:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    run = _text(paragraph, "", size=8, colour=GREY)
    begin, instruction, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(end)


def _shade(cell: Any, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    properties.append(shading)


def _row_flags(row: Any, *, header: bool = False) -> None:
    properties = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    properties.append(keep)
    if header:
        repeat = OxmlElement("w:tblHeader")
        properties.append(repeat)


def _widths(table: Any, widths_mm: tuple[int, ...] | list[float]) -> None:
    """Fixed column widths (the grid and every cell, as Word and LibreOffice read both)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _page(section: Any, *, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    margin = Mm(12) if landscape else Mm(18)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = Mm(15)


def _footer(document: Any, doc: Auswertung) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    _text(paragraph, f"{doc.printed.process} · {doc.printed.as_of} · ", size=8, colour=GREY)
    before, _sep, rest = _("Page %(page)s of %(pages)s", page="\0", pages="\1").partition("\0")
    between, _sep, after = rest.partition("\1")
    _text(paragraph, before, size=8, colour=GREY)
    _field(paragraph, "PAGE")
    _text(paragraph, between, size=8, colour=GREY)
    _field(paragraph, "NUMPAGES")
    _text(paragraph, after, size=8, colour=GREY)


def _title_page(document: Any, doc: Auswertung) -> None:
    _text(
        document.add_paragraph(),
        _("Evaluation of the participation").upper(),
        bold=True,
        colour=GREY,
    )
    document.add_heading(doc.printed.process, level=0)
    facts = [(_("Data as of"), doc.printed.moment), (_("Contributions"), str(doc.total))]
    if doc.period:
        facts.insert(0, (_("Participation period"), doc.period))
    for label, value in facts:
        paragraph = document.add_paragraph()
        _text(paragraph, f"{label}: ", bold=True)
        _text(paragraph, value)
    for heading, rows in doc.counts:
        document.add_heading(heading, level=3)
        table = document.add_table(rows=1, cols=2, style="Table Grid")
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("Category"), _("Contributions")
        for label, count in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, str(count)
        _widths(table, (120, 40))


def _steckbrief(document: Any, part: FieldPart) -> None:
    brief = part.steckbrief
    if document.sections[-1].orientation == WD_ORIENT.LANDSCAPE:
        _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    else:
        document.add_page_break()
    _text(
        document.add_paragraph(),
        f"{_('Profile')} · {brief.field.level_name} {brief.field.code}".upper(),
        bold=True,
        colour=GREY,
    )
    document.add_heading(f"{brief.field.code} {brief.field.title}", level=1)
    paragraph = document.add_paragraph()
    _text(paragraph, _("Was the title changed?") + " ", bold=True)
    _text(
        paragraph, f"{_('Yes, formerly:')} „{brief.old_title}“" if brief.title_changed else _("No")
    )
    paragraph = document.add_paragraph()
    _text(paragraph, _("Was the structure of the goals changed?") + " ", bold=True)
    _text(paragraph, _("Yes") if brief.structure_changed else _("No"))
    for goal in brief.added:
        document.add_paragraph(f"{_('Added:')} {goal.code} {goal.title}", style="List Bullet")
    for moved in brief.moved:
        formerly = f" ({_('formerly %(code)s', code=moved.before)})" if moved.before else ""
        if moved.below:
            formerly += f" ({_('formerly below %(code)s', code=moved.below)})"
        document.add_paragraph(
            f"{_('Moved:')} {moved.code} {moved.title}{formerly}", style="List Bullet"
        )
    document.add_heading(_("Feedback taken up"), level=2)
    if not part.feedback:
        document.add_paragraph(_("No contributions have been recorded as taken up."))
    for block, linked in part.feedback:
        document.add_heading(f"{block.code} {block.title}", level=4)
        for entry in linked:
            paragraph = document.add_paragraph(style="List Bullet")
            reference = [
                _("No. %(number)d", number=entry.number),
                entry.author,
                entry.consideration,
            ]
            _text(paragraph, " · ".join(x for x in reference if x) + ": ", bold=True)
            _text(paragraph, entry.text if len(entry.text) <= 400 else entry.text[:399] + "…")
    _goals(document, part)


def _goals(document: Any, part: FieldPart) -> None:
    brief = part.steckbrief
    if brief.field.body:
        document.add_heading(_("Guiding principle"), level=2)
        _text(document.add_paragraph(), brief.field.body, italic=True)
    document.add_heading(_("Goals"), level=2)
    for goal in brief.goals:
        heading = document.add_paragraph()
        _text(heading, f"{goal.level_name} ", colour=GREY)
        _text(heading, f"{goal.code} {goal.title}", bold=True)
        heading.paragraph_format.keep_with_next = True
        if goal.body:
            document.add_paragraph(goal.body)
        if goal.earlier_title or goal.earlier_body:
            earlier = document.add_paragraph()
            _text(earlier, _("Earlier wording:") + " ", bold=True, colour=GREY)
            words = " \u2013 ".join(x for x in (goal.earlier_title, goal.earlier_body) if x)
            _text(earlier, words, colour=GREY)


def _bar(cell: Any, chart: Chart) -> None:
    shown = [(bar.percent, bar.colour) for bar in chart.bars if bar.percent > 0]
    if chart.hidden_share > 0:
        shown.append((chart.hidden_share, HIDDEN_COLOUR))
    paragraph = cell.paragraphs[0]
    if not shown:
        return
    bar = cell.add_table(rows=1, cols=len(shown))
    _widths(bar, [BAR_WIDTH_MM * percent / 100 for percent, _colour in shown])
    for segment, (_percent_shown, colour) in zip(bar.rows[0].cells, shown, strict=True):
        _shade(segment, colour)
        _text(segment.paragraphs[0], "", size=5)
    paragraph.paragraph_format.space_after = Pt(0)


def _percent(value: float) -> str:
    return f"{format_decimal(round(value, 1), '#,##0.0')}\u00a0%"  # no break before %


def _ratings(document: Any, part: FieldPart, doc: Auswertung) -> None:
    if not part.ratings:
        return
    document.add_page_break()
    brief = part.steckbrief
    document.add_heading(
        _("Ratings: %(code)s %(title)s", code=brief.field.code, title=brief.field.title), level=1
    )
    for chart in legends(doc.fields):
        paragraph = document.add_paragraph()
        _text(paragraph, chart.prompt + ": ", bold=True, size=8.5)
        for bar in chart.bars:
            _text(
                paragraph,
                "■ ",
                size=10,
                colour=RGBColor.from_string(bar.colour.lstrip("#").upper()),
            )
            _text(paragraph, f"{bar.label}   ", size=8.5)
    for goal in part.ratings:
        caption = document.add_paragraph()
        caption.paragraph_format.keep_with_next = True
        _text(caption, f"{goal.code} {goal.title} ", bold=True)
        raters = ngettext(
            "%(num)d person rated this goal.", "%(num)d people rated this goal.", goal.raters
        )
        _text(caption, raters, colour=GREY, size=8.5)
        if goal.mean_agreement is not None:
            mean = format_decimal(goal.mean_agreement, "#,##0.0#")
            text = _(
                "Mean agreement: %(mean)s (1 = strongly disagree, 5 = strongly agree).", mean=mean
            )
            _text(caption, " " + text, colour=GREY, size=8.5)
        table = document.add_table(rows=0, cols=3, style="Table Grid")
        for chart in goal.charts:
            _chart_row(table, chart)
        _widths(table, (50, BAR_WIDTH_MM + 4, 60))
    if part.suppressed:
        _text(document.add_paragraph(), _suppression_note(), colour=GREY, size=8)


DASH = "\u2013"  # a suppressed count


def _suppression_note() -> str:
    return _(
        "Values below %(threshold)d are hidden, and so is any further value from which "
        "a hidden one could be worked out.",
        threshold=THRESHOLD,
    )


def _numbers(chart: Chart) -> str:
    if chart.total is None:
        return _(
            "Fewer than %(threshold)d answers: the distribution is not shown.",
            threshold=THRESHOLD,
        )
    return "; ".join(
        f"{bar.label}: {DASH}"
        if bar.count is None
        else f"{bar.label}: {bar.count} ({_percent(bar.percent)})"
        for bar in chart.bars
    )


def _chart_row(table: Any, chart: Chart) -> None:
    row = table.add_row()
    _row_flags(row)
    n = "" if chart.total is None else f" (n = {chart.total})"
    _text(row.cells[0].paragraphs[0], chart.prompt + n, size=8.5)
    _bar(row.cells[1], chart)
    _text(row.cells[2].paragraphs[0], _numbers(chart), size=8)


def _table(document: Any, entries: list[Entry], doc: Auswertung) -> None:
    headers = [
        _("No."),
        f"{_('Kind')} · {_('Channel')} · {_('Date')}",
        _("Author"),
        _("Contribution"),
        _("Consideration"),
        _("Rationale"),
        _("Version"),
    ]
    table = document.add_table(rows=1, cols=len(headers), style="Table Grid")
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, text in zip(header.cells, headers, strict=True):
        _text(cell.paragraphs[0], text, bold=True, size=8.5)
        _shade(cell, "#E6E6E6")
    for entry in entries:
        _entry_row(table, entry, doc)
    _widths(table, TABLE_MM)


def _entry_row(table: Any, entry: Entry, doc: Auswertung) -> None:
    row = table.add_row()
    _row_flags(row)
    cells = row.cells
    day = format_date(entry.day, "short") if entry.day else ""
    _text(cells[0].paragraphs[0], str(entry.number), size=8.5)
    _text(
        cells[1].paragraphs[0],
        "\n".join(x for x in (entry.kind, entry.channel, day) if x),
        size=8.5,
    )
    _text(cells[2].paragraphs[0], entry.author, size=8.5)
    if entry.group != entry.author:
        _text(cells[2].paragraphs[0], "\n" + entry.group, size=8.5, colour=GREY)
    text = cells[3].paragraphs[0]
    if entry.is_reply:
        _text(
            text,
            _("Reply to no. %(number)d", number=entry.reply_to or 0) + "\n",
            italic=True,
            size=8.5,
            colour=GREY,
        )
        for cell in cells:
            _shade(cell, "#F5F5F5")
    if entry.hidden and doc.include_hidden:
        _text(text, _("Hidden by moderation") + "\n", italic=True, size=8.5, colour=GREY)
    _text(text, entry.text, size=8.5)
    if entry.official_reply:
        reply = cells[3].add_paragraph()
        _text(reply, f"{_('Official reply')} ({entry.official_reply_by}): ", bold=True, size=8.5)
        _text(reply, entry.official_reply, size=8.5)
    status = "\n".join(x for x in (entry.consideration, entry.topics) if x)
    _text(cells[4].paragraphs[0], status, size=8.5)
    _text(cells[5].paragraphs[0], entry.rationale, size=8.5)
    _text(cells[6].paragraphs[0], str(entry.revision or ""), size=8.5)


def _abwaegung(
    document: Any, heading: str, blocks: list[tuple[str, int, list[Entry]]], doc: Auswertung
) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    document.add_heading(heading, level=1)
    if not blocks:
        document.add_paragraph(_("No contributions."))
    for title, level, entries in blocks:
        paragraph = document.add_heading(title, level=min(4, level + 2))
        paragraph.paragraph_format.keep_with_next = True
        if entries:
            _table(document, entries, doc)


def write(
    process: Process,
    options: dict[str, Any] | None,
    lang: str,
    out: IO[bytes],
    progress: Callable[[int], None],
) -> int:
    """Write the DOCX to ``out``; returns the number of rows of its table."""
    doc = build(process, options, lang, progress)
    document = Document()
    document.core_properties.title = doc.printed.title
    document.core_properties.language = lang
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    _page(document.sections[0], landscape=False)
    _footer(document, doc)
    _title_page(document, doc)
    for part in doc.fields:
        _steckbrief(document, part)
        _ratings(document, part, doc)
        brief = part.steckbrief
        blocks = [(f"{b.code} {b.title}", b.level, b.entries) for b in part.blocks]
        title = _(
            "Abwägung table: %(code)s %(title)s", code=brief.field.code, title=brief.field.title
        )
        _abwaegung(document, title, blocks, doc)
    if doc.without_goal:
        _abwaegung(document, _("Contributions without a goal"), [("", 0, doc.without_goal)], doc)
    document.save(out)
    return doc.total
