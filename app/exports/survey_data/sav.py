"""SPSS data file (``.sav``) through pyreadstat, with labels and user-missing values.

pyreadstat writes a whole data frame at once, so the rows are gathered column by
column first: numbers in one preallocated ``float64`` block (8 bytes a value) that the
frame uses as it is, texts and dates in lists. Memory is bounded by the data itself,
about ``responses x numeric variables x 8`` bytes plus the texts (250,000 responses x
40 variables ≈ 80 MB), never by Python objects per cell.

On PostgreSQL the cells come from the database: the statement of :mod:`.copy_csv`
in its plain spelling (numbers as ``float8`` text, texts unguarded) is copied into a
temporary file and read back in pages by pandas' C parser, so no Python runs per
response (the coding of :class:`.pivot.SurveyData` is the bulk of the time
otherwise). A test checks that both give the same frame.

pyreadstat then streams the frame into a temporary file, which is copied into ``out``.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, datetime
from typing import Any, BinaryIO

from app.exports.source import Progress, Source
from app.exports.survey_data import copy_csv
from app.exports.survey_data.pivot import SurveyData
from app.exports.survey_data.variables import Variable, VarType
from app.extensions import db

SAV_TYPE = "application/x-spss-sav"
MAX_LABEL_BYTES = 255  # variable labels in a SAV file
MAX_VALUE_LABEL_BYTES = 120
MAX_FILE_LABEL_BYTES = 64
PAGE = 20_000  # rows of the COPY output parsed at a time


def _clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8 without splitting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def _format(variable: Variable) -> str | None:
    if variable.type == VarType.DATE:
        return "DATE11"
    if variable.type == VarType.DATETIME:
        return "DATETIME20"
    if variable.type == VarType.NUMERIC:
        return f"F{10 + variable.decimals}.{variable.decimals}"
    return None


class Columns:
    """The values of every variable, gathered column by column.

    Numbers go into one preallocated ``float64`` block (one row per numeric variable,
    ``total`` responses long), which becomes the frame's only numeric block as it is:
    pandas does not copy it into a block of its own, so the numbers are in memory once.
    Texts and dates are lists, handed to pandas as plain object columns (no extension
    arrays, which pyreadstat would read one Python call per value).
    """

    def __init__(self, variables: list[Variable], total: int) -> None:
        import numpy as np

        self.variables = variables
        self.numeric = [i for i, v in enumerate(variables) if v.type == VarType.NUMERIC]
        self.others: dict[int, list[Any]] = {
            i: [] for i, v in enumerate(variables) if v.type != VarType.NUMERIC
        }
        self.block = np.empty((len(self.numeric), max(total, 1)), dtype=np.float64)
        self.rows = 0

    def _reserve(self, count: int) -> int:
        """Room for ``count`` more rows (responses submitted after the count); the end."""
        import numpy as np

        end = self.rows + count
        if end > self.block.shape[1]:
            grown = np.empty((self.block.shape[0], end + count), dtype=np.float64)
            grown[:, : self.rows] = self.block[:, : self.rows]
            self.block = grown
        return end

    def add(self, rows: list[list[Any]]) -> None:
        """Coded rows of :meth:`.pivot.SurveyData.chunks`."""
        if not rows:
            return
        end = self._reserve(len(rows))
        by_column = list(zip(*rows, strict=True))  # transposed in C
        for slot, index in enumerate(self.numeric):
            self.block[slot, self.rows : end] = by_column[index]
        for index, column in self.others.items():
            column.extend(by_column[index])
        self.rows = end

    def add_page(self, page: Any) -> None:
        """A page of the plain CSV of :mod:`.copy_csv` as read by pandas (texts as
        read, "" for empty; numbers as float64): dates and times become objects."""
        import numpy as np

        end = self._reserve(len(page))
        numbers = page.iloc[:, self.numeric].to_numpy(dtype=np.float64)
        self.block[:, self.rows : end] = numbers.T
        for index, column in self.others.items():
            values = page.iloc[:, index].tolist()
            kind = self.variables[index].type
            if kind == VarType.DATE:
                values = [date.fromisoformat(v) if v else None for v in values]
            elif kind == VarType.DATETIME:
                values = [datetime.fromisoformat(v) if v else None for v in values]
            column.extend(values)
        self.rows = end

    def frame(self) -> Any:
        import pandas as pd

        block = self.block if self.rows == self.block.shape[1] else self.block[:, : self.rows]
        names = [self.variables[i].name for i in self.numeric]
        frame = pd.DataFrame(block.T, columns=names, copy=False)
        for index, column in sorted(self.others.items()):
            values = pd.Series(column, dtype=object, name=self.variables[index].name)
            frame.insert(index, values.name, values)
        self.others = {}
        return frame


def _metadata(variables: list[Variable]) -> dict[str, Any]:
    numeric = [v for v in variables if v.type == VarType.NUMERIC]
    formats = {v.name: fmt for v in variables if (fmt := _format(v))}
    return {
        "column_labels": {v.name: _clip(v.label, MAX_LABEL_BYTES) for v in variables},
        "variable_value_labels": {
            v.name: {
                float(value): _clip(label, MAX_VALUE_LABEL_BYTES)
                for value, label in v.labels.items()
            }
            for v in numeric
            if v.labels
        },
        "missing_ranges": {v.name: sorted(v.missing) for v in numeric if v.missing},
        "variable_measure": {v.name: v.measure for v in variables},
        "variable_format": formats,
    }


def _gather_coded(data: SurveyData, columns: Columns, progress: Progress) -> int:
    written = 0
    for chunk in data.chunks():
        columns.add(chunk)
        written += len(chunk)
        progress(written, data.total)
    return written


def _gather_copied(data: SurveyData, columns: Columns, progress: Progress) -> int:
    """PostgreSQL: the same cells from one ``COPY`` (:mod:`.copy_csv`, plain spelling)
    into a temporary file, read back in pages by pandas' C parser: no Python per value
    but for dates and times. Progress gives each half of the work (copying, reading
    back) half of the rows, so the bar moves through both and ends at the total."""
    import pandas as pd

    names = [v.name for v in data.variables]
    kinds = {v.name: "float64" if v.type == VarType.NUMERIC else object for v in data.variables}
    with tempfile.TemporaryFile() as raw:
        statement = copy_csv.copy_statement(data, copy_csv.PLAIN)
        written = copy_csv.copy_into(raw, statement, lambda rows: progress(rows // 2, data.total))
        raw.seek(0)
        pages = pd.read_csv(
            raw,
            sep=";",
            header=None,
            names=names,
            dtype=kinds,
            na_filter=False,
            encoding="utf-8",
            chunksize=PAGE,
        )
        read = 0
        for page in pages:
            columns.add_page(page)
            read += len(page)
            progress((written + read) // 2, data.total)
    return written


def write_sav(source: Source, out: BinaryIO, progress: Progress) -> int:
    import pyreadstat

    data = SurveyData(source.survey(), source.locale)
    columns = Columns(data.variables, data.total)
    if db.engine.dialect.name == "postgresql":
        written = _gather_copied(data, columns, progress)
    else:
        written = _gather_coded(data, columns, progress)
    frame = columns.frame()
    del columns
    with tempfile.NamedTemporaryFile(suffix=".sav") as temporary:
        pyreadstat.write_sav(
            frame,
            temporary.name,
            file_label=_clip(data.title, MAX_FILE_LABEL_BYTES),
            **_metadata(data.variables),
        )
        del frame
        with open(temporary.name, "rb") as written_file:
            shutil.copyfileobj(written_file, out, 1 << 20)
    return written
