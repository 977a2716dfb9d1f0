"""SPSS data file (``.sav``) through pyreadstat, with labels and user-missing values.

pyreadstat writes a whole data frame at once (it has no way to append rows), so the
rows are gathered column by column first: each numeric variable in a preallocated
array of the smallest type that holds its values exactly (codes from -128 to 127 take
one byte a value, not the eight of a ``float64``), texts and dates in object arrays;
the frame uses these arrays as they are. Memory is bounded by the data itself, about
``responses x numeric variables`` bytes plus a pointer per text and date cell
(250,000 responses x 43 variables ≈ 20 MB), never by Python objects per cell.
pyreadstat writes an integer column as the same doubles, so the file does not change.

On PostgreSQL the cells come from the database as binary rows of ``float8`` cells
(:mod:`.copy_binary`), read by numpy without a parser, so no Python runs per
response (the coding of :class:`.pivot.SurveyData` is the bulk of the time
otherwise). A test checks that both give the same frame.

pyreadstat then writes the dictionary (labels, value labels, missing codes) and numpy
the cases (:mod:`.sav_cases`); a frame that module leaves alone (strings longer than
255 bytes) goes to pyreadstat whole, into ``out`` itself when that is a file of its
own name (the local storage's staging file), else into a temporary file copied over.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
from typing import Any, BinaryIO

from app.exports.source import Progress, Source
from app.exports.survey_data.pivot import SurveyData
from app.exports.survey_data.variables import Variable, VarType
from app.extensions import db

SAV_TYPE = "application/x-spss-sav"
MAX_LABEL_BYTES = 255  # variable labels in a SAV file
MAX_VALUE_LABEL_BYTES = 120
MAX_FILE_LABEL_BYTES = 64


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


INTEGER_TYPES = ("int8", "int16", "int32")  # the smallest that holds a column's codes


def _smallest(values: Any) -> Any:
    """The smallest dtype that holds ``values`` (float64) exactly: int8, int16 or
    int32 for whole numbers (codes, counts, years), else float64 (fractions, NaN,
    infinities, -0.0 and numbers beyond int32)."""
    import numpy as np

    if not len(values):
        return np.dtype("int8")
    if not np.isfinite(values).all() or not (values == np.trunc(values)).all():
        return np.dtype("float64")
    if np.signbit(values[values == 0]).any():
        return np.dtype("float64")
    low, high = values.min(), values.max()
    for name in INTEGER_TYPES:
        limits = np.iinfo(name)
        if limits.min <= low and high <= limits.max:
            return np.dtype(name)
    return np.dtype("float64")


def _fractional_labels(variable: Variable) -> bool:
    return any(not float(value).is_integer() for value in variable.labels)


def _polars_type(variable: Variable) -> Any:
    import polars as pl

    kinds = {VarType.STRING: pl.String, VarType.DATE: pl.Date, VarType.DATETIME: pl.Datetime}
    return kinds[variable.type]


class Columns:
    """The values of every variable, gathered column by column.

    Each numeric variable is one preallocated array of the smallest type that holds
    its values exactly: ``int8`` while they are codes from -128 to 127 (one byte a
    value instead of eight), widened to ``int16``, ``int32`` or ``float64`` when a
    page brings a value that does not fit. A SAV file holds every number as a double
    either way (the file is the same byte for byte), and the frame takes the arrays
    as they are. Texts, dates and times become a typed polars series per page (texts
    as UTF-8 bytes in one buffer), so a page's Python strings are freed right away
    and the texts are held once, not once as objects and again in the frame.
    """

    def __init__(self, variables: list[Variable], total: int) -> None:
        import numpy as np

        self.variables = variables
        self.numeric = [i for i, v in enumerate(variables) if v.type == VarType.NUMERIC]
        self.size = max(total, 1)
        self.arrays = {i: np.zeros(self.size, dtype=np.int8) for i in self.numeric}
        self.others: dict[int, list[Any]] = {
            i: [] for i, v in enumerate(variables) if v.type != VarType.NUMERIC
        }
        self.rows = 0

    def _reserve(self, count: int) -> int:
        """Room for ``count`` more rows (responses submitted after the count); the end."""
        import numpy as np

        end = self.rows + count
        if end > self.size:
            self.size = end + count
            for index, array in self.arrays.items():
                grown = np.zeros(self.size, dtype=array.dtype)
                grown[: self.rows] = array[: self.rows]
                self.arrays[index] = grown
        return end

    def _store(self, index: int, values: Any, end: int) -> None:
        """``values`` (float64) into rows ``self.rows`` to ``end`` of the variable's
        array, widening the array first if they do not fit its type."""
        import numpy as np

        array = self.arrays[index]
        wider = np.promote_types(array.dtype, _smallest(values))
        if wider != array.dtype:
            array = self.arrays[index] = array.astype(wider)
        array[self.rows : end] = values

    def _keep(self, index: int, values: list[Any]) -> None:
        import polars as pl

        variable = self.variables[index]
        self.others[index].append(pl.Series(variable.name, values, _polars_type(variable)))

    def add(self, rows: list[list[Any]]) -> None:
        """Coded rows of :meth:`.pivot.SurveyData.chunks`."""
        import numpy as np

        if not rows:
            return
        end = self._reserve(len(rows))
        by_column = list(zip(*rows, strict=True))  # transposed in C
        for index in self.numeric:
            self._store(index, np.array(by_column[index], dtype=np.float64), end)
        for index in self.others:
            self._keep(index, list(by_column[index]))
        self.rows = end

    def add_cells(self, cells: list[Any]) -> None:
        """A page of :func:`.copy_binary.gather`: per variable a float64 array (numbers)
        or an object array (texts, dates, times)."""
        end = self._reserve(len(cells[0]))
        for index in self.numeric:
            self._store(index, cells[index], end)
        for index in self.others:
            self._keep(index, cells[index].tolist())
        self.rows = end

    def frame(self) -> Any:
        """The polars data frame of the columns (numbers from the arrays as they are).

        polars, not pandas: pyreadstat reads a polars frame's rows and string widths
        in Rust and converts its dates in bulk, a third less time for the same file
        (pandas gives each value to Python through ``Series.__iter__``). NaN becomes
        null, which pyreadstat writes as SPSS's system-missing value.
        """
        import polars as pl

        series = []
        for index, variable in enumerate(self.variables):
            if index in self.arrays:
                array = self.arrays[index][: self.rows]
                if array.dtype.kind == "i" and _fractional_labels(variable):
                    array = array.astype("float64")  # a label's value must fit the type
                series.append(pl.Series(variable.name, array, nan_to_null=True))
            else:
                pages = self.others[index]
                empty = pl.Series(variable.name, [], _polars_type(variable))
                series.append(pl.concat(pages, rechunk=False) if pages else empty)
        return pl.DataFrame(series)


def metadata(variables: list[Variable], frame: Any) -> dict[str, Any]:
    """pyreadstat's keyword arguments for ``frame``: labels, value labels (keyed by
    ``int`` for the integer columns, as pyreadstat requires, else by ``float``),
    missing codes, measures and formats."""
    numeric = [v for v in variables if v.type == VarType.NUMERIC]
    whole = {str(name) for name, dtype in frame.schema.items() if dtype.is_integer()}
    formats = {v.name: fmt for v in variables if (fmt := _format(v))}
    return {
        "column_labels": {v.name: _clip(v.label, MAX_LABEL_BYTES) for v in variables},
        "variable_value_labels": {
            v.name: {
                (int(value) if v.name in whole else float(value)): _clip(
                    label, MAX_VALUE_LABEL_BYTES
                )
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
    """PostgreSQL: the same cells as binary rows (:mod:`.copy_binary`)."""
    from app.exports.survey_data import copy_binary  # numpy: only where exports are built

    return copy_binary.gather(data, columns.add_cells, lambda rows: progress(rows, data.total))


def own_file(out: BinaryIO) -> str | None:
    """The path of ``out`` when it is an empty regular file opened under that name (the
    local storage's staging file): pyreadstat, which writes to a path, can then write
    there itself instead of into a temporary file copied over (200 MB at 250,000
    responses). None for anything else (an S3 spool, a buffer)."""
    name = getattr(out, "name", None)
    if not isinstance(name, str):
        return None
    try:
        opened, named = os.fstat(out.fileno()), os.stat(name)
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    empty = opened.st_size == 0 and out.tell() == 0
    regular = stat.S_ISREG(opened.st_mode) and os.path.samestat(opened, named)
    return name if empty and regular else None


def write_sav(source: Source, out: BinaryIO, progress: Progress) -> int:
    import pyreadstat

    from app.exports.survey_data import sav_cases  # numpy: only where exports are built

    data = SurveyData(source.survey(), source.locale)
    columns = Columns(data.variables, data.total)
    if db.engine.dialect.name == "postgresql":
        written = _gather_copied(data, columns, progress)
    else:
        written = _gather_coded(data, columns, progress)
    frame = columns.frame()
    del columns
    labels: dict[str, Any] = {"file_label": _clip(data.title, MAX_FILE_LABEL_BYTES)}
    labels |= metadata(data.variables, frame)
    if sav_cases.write(frame, out, labels):
        return written
    if (path := own_file(out)) is not None:
        pyreadstat.write_sav(frame, path, **labels)
        out.seek(0, os.SEEK_END)
        return written
    with tempfile.NamedTemporaryFile(suffix=".sav") as temporary:
        pyreadstat.write_sav(frame, temporary.name, **labels)
        del frame
        with open(temporary.name, "rb") as written_file:
            shutil.copyfileobj(written_file, out, 1 << 20)
    return written
