"""The Abwägung as an OpenDocument spreadsheet (odfpy), printable like the XLSX.

odfpy builds the document (styles, page layout, header and footer, the "Übersicht"
and each sheet's columns and repeated header row); the contribution rows are then
streamed into ``content.xml`` chunk by chunk in place of the marker rows of each sheet,
as XML written directly with the skeleton's style names (:class:`_RowXml`), so memory
does not grow with the table. Every text is a string cell, unaltered (line
breaks, tabs and runs of spaces are written as ODF text elements).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from typing import IO, Any
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from odf import number, teletype
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import (
    Footer,
    FooterStyle,
    Header,
    HeaderFooterProperties,
    HeaderStyle,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    RegionLeft,
    RegionRight,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableRowProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import P, PageCount, PageNumber

from app.exports.auswertung import columns, layout, overview
from app.exports.auswertung.entries import Entries, Key
from app.processes.models import Process

CONTENT_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
EXTENSION = "ods"
MARKER = "mitwirken-rows-go-here"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
CM_PER_CHAR = 0.22  # column width of one character at 10 pt
MAX_LINES = int(columns.MAX_ROW_HEIGHT // columns.LINE_HEIGHT)


class _Styles:
    """The document's styles; row heights come in steps of one line."""

    def __init__(self, doc: Any, lang: str, printed: layout.PrintTitles) -> None:
        self.doc = doc
        self._page(printed)
        date_style = number.DateStyle(name="date")
        for part, width in layout.date_tokens(lang):
            if part == "text":
                date_style.addElement(number.Text(text=str(width)))
            else:
                element = {"day": number.Day, "month": number.Month, "year": number.Year}[part]
                date_style.addElement(element(style="long" if width != 1 else "short"))
        doc.automaticstyles.addElement(date_style)
        self.header = self._cell("header", bold=True, wrap=True, background="#e6e6e6")
        self.wrap = self._cell("wrap", wrap=True)
        self.plain = self._cell("plain")
        self.date = self._cell("datecell", datastylename="date")
        self.total = self._cell("total", bold=True)
        self.title = self._cell("title", bold=True, size="14pt", border=False)
        self.rows = [self._row(lines) for lines in range(MAX_LINES + 1)]
        self.widths: dict[int, Style] = {}

    def _page(self, printed: layout.PrintTitles) -> None:
        page = PageLayout(name="landscape")
        page.addElement(
            PageLayoutProperties(
                printorientation="landscape",
                pagewidth="29.7cm",
                pageheight="21cm",
                margintop="1cm",
                marginbottom="1cm",
                marginleft="1cm",
                marginright="1cm",
                scaletox="1",
                scaletoy="0",
            )
        )
        for style in (HeaderStyle(), FooterStyle()):
            style.addElement(HeaderFooterProperties(minheight="0.6cm", margin="0.2cm"))
            page.addElement(style)
        self.doc.automaticstyles.addElement(page)
        master = MasterPage(name="Default", pagelayoutname=page)
        header, footer = Header(), Footer()
        header.addElement(_region(RegionLeft(), printed.title))
        header.addElement(_region(RegionRight(), printed.as_of))
        footer.addElement(_region(RegionLeft(), printed.process))
        right = RegionRight()
        pages = P()
        before, _sep, rest = _("Page %(page)s of %(pages)s", page="\0", pages="\1").partition("\0")
        between, _sep, after = rest.partition("\1")
        for part in (before, PageNumber(), between, PageCount(), after):
            if isinstance(part, str):
                if part:
                    pages.addText(part)
            else:
                pages.addElement(part)
        right.addElement(pages)
        footer.addElement(right)
        master.addElement(header)
        master.addElement(footer)
        self.doc.masterstyles.addElement(master)

    def _cell(
        self,
        name: str,
        *,
        bold: bool = False,
        wrap: bool = False,
        background: str = "",
        size: str = "",
        border: bool = True,
        datastylename: str = "",
    ) -> Style:
        extra = {"datastylename": datastylename} if datastylename else {}
        style = Style(name=name, family="table-cell", **extra)
        cell = {"verticalalign": "top"}
        if wrap:
            cell["wrapoption"] = "wrap"
        if border:
            cell["border"] = "0.5pt solid #808080"
        if background:
            cell["backgroundcolor"] = background
        style.addElement(TableCellProperties(**cell))
        style.addElement(ParagraphProperties())
        text = {"fontsize": size or f"{columns.FONT_SIZE}pt"}
        if bold:
            text["fontweight"] = "bold"
        style.addElement(TextProperties(**text))
        self.doc.automaticstyles.addElement(style)
        return style

    def _row(self, lines: int) -> Style:
        style = Style(name=f"row{lines}", family="table-row")
        height = min(columns.MAX_ROW_HEIGHT, max(1, lines) * columns.LINE_HEIGHT + 2)
        style.addElement(
            TableRowProperties(rowheight=f"{height:.1f}pt", useoptimalrowheight="false")
        )
        self.doc.automaticstyles.addElement(style)
        return style

    def row_for(self, values: list[Any], widths: list[int]) -> Style:
        lines = round((columns.row_height(values, widths) - 2) / columns.LINE_HEIGHT)
        return self.rows[max(1, min(MAX_LINES, lines))]

    def column(self, width: int) -> Style:
        if width not in self.widths:
            style = Style(name=f"col{width}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width * CM_PER_CHAR:.2f}cm"))
            self.doc.automaticstyles.addElement(style)
            self.widths[width] = style
        return self.widths[width]


def _region(region: Any, text: str) -> Any:
    paragraph = P()
    paragraph.addText(text)
    region.addElement(paragraph)
    return region


def _cell(value: Any, style: Style, date_style: Style) -> TableCell:
    if value is None or value == "":
        return TableCell(stylename=style)
    if isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=date_style)
        cell.addElement(P(text=value.isoformat()))
        return cell
    if isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value, stylename=style)
        cell.addElement(P(text=str(value)))
        return cell
    cell = TableCell(valuetype="string", stylename=style)
    for line in NOT_XML.sub("", str(value)).split("\n"):
        paragraph = P()
        teletype.addTextToElement(paragraph, line)
        cell.addElement(paragraph)
    return cell


class _RowXml:
    """The XML of one streamed row, written directly: odfpy elements per cell would cost
    ten times as much. Style names are those of the odfpy skeleton; text is escaped and
    its whitespace written as odfpy's ``teletype`` does (``text:s``, ``text:tab``, one
    ``text:p`` per line)."""

    def __init__(self, chosen: list[columns.Column], styles: _Styles) -> None:
        names = {id(styles.wrap): "wrap", id(styles.plain): "plain"}
        self.cells = [
            (column.kind, names[id(styles.wrap if column.wrap else styles.plain)])
            for column in chosen
        ]
        self.date_style = styles.date.getAttribute("name")
        self.height = columns.RowHeights(chosen, columns.widths(chosen))

    def __call__(self, values: list[Any]) -> str:
        lines = round((self.height(values) - 2) / columns.LINE_HEIGHT)
        parts = [f'<table:table-row table:style-name="row{max(1, min(MAX_LINES, lines))}">']
        for value, (kind, style) in zip(values, self.cells, strict=True):
            if value is None or value == "":
                parts.append(f'<table:table-cell table:style-name="{style}"/>')
            elif kind == "number":
                parts.append(
                    f'<table:table-cell table:style-name="{style}" office:value-type="float" '
                    f'office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
                )
            elif kind == "date":
                day = value.isoformat()
                parts.append(
                    f'<table:table-cell table:style-name="{self.date_style}" '
                    f'office:value-type="date" office:date-value="{day}">'
                    f"<text:p>{day}</text:p></table:table-cell>"
                )
            else:
                paragraphs = "".join(_paragraph(line) for line in str(value).split("\n"))
                parts.append(
                    f'<table:table-cell table:style-name="{style}" office:value-type="string">'
                    f"{paragraphs}</table:table-cell>"
                )
        parts.append("</table:table-row>")
        return "".join(parts)


SPACES_OR_TAB = re.compile(r"(\t| {2,})")


def _paragraph(line: str) -> str:
    """One ``text:p``: tabs and runs of spaces as ODF elements, so none is lost."""
    out = []
    for index, part in enumerate(SPACES_OR_TAB.split(NOT_XML.sub("", line))):
        if part == "\t":
            out.append("<text:tab/>")
        elif index % 2 and part:  # a run of spaces: the first stays a space
            out.append(f' <text:s text:c="{len(part) - 1}"/>')
        elif part:
            out.append(escape(part))
    text = "".join(out)
    if text.startswith(" "):  # a leading space would be dropped by readers
        text = '<text:s text:c="1"/>' + text[1:]
    return f"<text:p>{text}</text:p>"


def _overview_table(styles: _Styles, name: str, rows: list[layout.OverviewRow]) -> Table:
    table = Table(name=name)
    widths = layout.overview_widths(rows)
    for width in widths:
        table.addElement(TableColumn(stylename=styles.column(width)))
    for style, values in rows:
        cell_style = {"title": styles.title, "header": styles.header, "total": styles.total}
        chosen = cell_style.get(style, styles.wrap)
        row = TableRow(stylename=styles.row_for(list(values), widths))
        for value in values:
            row.addElement(_cell(value, chosen, styles.date))
        if not values:
            row.addElement(TableCell())
        table.addElement(row)
    return table


def _data_table(styles: _Styles, name: str, chosen: list[columns.Column], index: int) -> Table:
    table = Table(name=name)
    widths = columns.widths(chosen)
    for width in widths:
        table.addElement(TableColumn(stylename=styles.column(width)))
    header = columns.headers(chosen)
    head = TableRow(stylename=styles.row_for(list(header), widths))
    for text in header:
        head.addElement(_cell(text, styles.header, styles.date))
    repeated = TableHeaderRows()
    repeated.addElement(head)
    table.addElement(repeated)
    # Marker rows, replaced by the streamed rows. They also use every row and cell style
    # (odfpy writes only the automatic styles that the document uses).
    for lines in range(MAX_LINES + 1):
        marker = TableRow(stylename=styles.rows[lines])
        text = f"{MARKER}-{index}-{'a' if lines == 0 else 'z' if lines == MAX_LINES else 'm'}"
        for style in (styles.plain, styles.wrap, styles.date):
            cell = TableCell(valuetype="string", stylename=style)
            cell.addElement(P(text=text))
            marker.addElement(cell)
        table.addElement(marker)
    return table


def _skeleton(doc: Any) -> tuple[list[str], dict[str, bytes]]:
    """The saved document: ``content.xml`` cut at the marker rows, and the other parts."""
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        parts = {name: saved.read(name) for name in saved.namelist()}
    content = parts.pop("content.xml").decode("utf-8")
    pieces = re.split(
        rf"<table:table-row [^>]*>(?:(?!</table:table-row>).)*{MARKER}-\d+-a</text:p>"
        rf".*?{MARKER}-\d+-z</text:p></table:table-cell></table:table-row>",
        content,
        flags=re.DOTALL,
    )
    return pieces, parts


def write(
    process: Process,
    options: dict[str, Any] | None,
    lang: str,
    out: IO[bytes],
    progress: Callable[[int], None],
) -> int:
    """Write the spreadsheet to ``out``; returns the number of contribution rows."""
    entries = Entries(process, options, lang)
    printed = layout.titles(entries.text(process.title))
    counts = overview.count(
        process, options, lambda key: entries.text(entries.kinds.get(key)) or key
    )
    doc = OpenDocumentSpreadsheet()
    styles = _Styles(doc, lang, printed)
    names = layout.SheetNames()
    chosen = columns.columns(entries.options.include_hidden)
    summary_rows = layout.overview_rows(entries, counts, printed)
    doc.spreadsheet.addElement(_overview_table(styles, names(layout.overview_name()), summary_rows))
    sections = [s for s in _sections(entries, counts)]
    for index, section in enumerate(sections):
        name = names(layout.section_name(entries, section))
        doc.spreadsheet.addElement(_data_table(styles, name, chosen, index))
    pieces, parts = _skeleton(doc)
    return _stream(out, pieces, parts, entries, sections, styles, chosen, progress)


def _sections(entries: Entries, counts: overview.Overview) -> list[Any]:
    """The sections, the one without a goal only if it has rows (keys are loaded later)."""
    result = [s for s in entries.section_stubs()]
    if counts.goal_total(None) == 0:
        result = [s for s in result if s.field is not None]
    return result


def _stream(
    out: IO[bytes],
    pieces: list[str],
    parts: dict[str, bytes],
    entries: Entries,
    sections: list[Any],
    styles: _Styles,
    chosen: list[columns.Column],
    progress: Callable[[int], None],
) -> int:
    row_xml = _RowXml(chosen, styles)
    written = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), parts.pop("mimetype"), compress_type=zipfile.ZIP_STORED
        )
        with archive.open("content.xml", "w") as content:
            content.write(pieces[0].encode("utf-8"))
            cells = columns.row_maker(chosen)
            for section, piece in zip(sections, pieces[1:], strict=True):
                numbers: dict[Key, int] = {}
                for chunk in entries.chunks(entries.load_keys(section), numbers, written):
                    rows = "".join(row_xml(cells(entry)) for entry in chunk)
                    content.write(rows.encode("utf-8"))
                    written += len(chunk)
                    progress(written)
                content.write(piece.encode("utf-8"))
        for name, data in parts.items():
            archive.writestr(name, data)
    return written
