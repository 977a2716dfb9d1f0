"""SPSS data file (``.sav``) through pyreadstat, with labels and user-missing values.

pyreadstat writes a whole data frame at once (it has no way to append rows), so the
rows are gathered column by column first: each numeric variable in a preallocated
array of the smallest type that holds its values exactly (codes from -128 to 127 take
one byte a value, not the eight of a ``float64``), texts and dates in object arrays;
the frame uses these arrays as they are. Memory is bounded by the data itself, about
``responses x numeric variables`` bytes plus a pointer per text and date cell
(250,000 responses x 43 variables ≈ 20 MB), never by Python objects per cell.
pyreadstat writes an integer column as the same doubles, so the file does not change.

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
PAGE = 5_000  # rows of the COPY output parsed at a time


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


class Columns:
    """The values of every variable, gathered column by column.

    Each numeric variable is one preallocated array of the smallest type that holds
    its values exactly: ``int8`` while they are codes from -128 to 127 (one byte a
    value instead of eight), widened to ``int16``, ``int32`` or ``float64`` when a
    page brings a value that does not fit. pyreadstat writes an integer column as
    the same doubles (the file is the same byte for byte), and the frame uses the
    arrays as they are. Texts and dates are lists, handed to pandas as plain object
    columns (no extension arrays, which pyreadstat would read one Python call per
    value); equal dates of a page share one object.
    """

    def __init__(self, variables: list[Variable], total: int) -> None:
        import numpy as np

        self.variables = variables
        self.numeric = [i for i, v in enumerate(variables) if v.type == VarType.NUMERIC]
        self.size = max(total, 1)
        self.arrays = {i: np.zeros(self.size, dtype=np.int8) for i in self.numeric}
        self.others = {
            i: np.empty(self.size, dtype=object)
            for i, v in enumerate(variables)
            if v.type != VarType.NUMERIC
        }
        self.rows = 0

    def _reserve(self, count: int) -> int:
        """Room for ``count`` more rows (responses submitted after the count); the end."""
        import numpy as np

        end = self.rows + count
        if end > self.size:
            self.size = end + count
            for arrays in (self.arrays, self.others):
                for index, array in arrays.items():
                    grown = np.zeros(self.size, dtype=array.dtype)
                    grown[: self.rows] = array[: self.rows]
                    arrays[index] = grown
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

    def add(self, rows: list[list[Any]]) -> None:
        """Coded rows of :meth:`.pivot.SurveyData.chunks`."""
        import numpy as np

        if not rows:
            return
        end = self._reserve(len(rows))
        by_column = list(zip(*rows, strict=True))  # transposed in C
        for index in self.numeric:
            self._store(index, np.array(by_column[index], dtype=np.float64), end)
        for index, column in self.others.items():
            column[self.rows : end] = by_column[index]
        self.rows = end

    def add_page(self, page: Any) -> None:
        """A page of the plain CSV of :mod:`.copy_csv` as read by pandas (texts as
        read, "" for empty; numbers as float64): dates and times become objects."""
        import numpy as np

        end = self._reserve(len(page))
        for index in self.numeric:
            self._store(index, page.iloc[:, index].to_numpy(dtype=np.float64), end)
        for index, column in self.others.items():
            values = page.iloc[:, index].tolist()
            kind = self.variables[index].type
            if kind in (VarType.DATE, VarType.DATETIME):
                parse = date.fromisoformat if kind == VarType.DATE else datetime.fromisoformat
                parsed = {value: parse(value) if value else None for value in set(values)}
                values = [parsed[value] for value in values]
            column[self.rows : end] = values
        self.rows = end

    def frame(self) -> Any:
        """The data frame, on the arrays as they are (no copy of the numbers)."""
        import pandas as pd

        data: dict[str, Any] = {}
        for index, variable in enumerate(self.variables):
            if index in self.arrays:
                array = self.arrays[index][: self.rows]
                if array.dtype.kind == "i" and _fractional_labels(variable):
                    array = array.astype("float64")  # a label's value must fit the type
                data[variable.name] = array
            else:
                # object, not pandas' inferred "str": pyreadstat reads extension
                # arrays one Python call per value
                column = self.others[index][: self.rows]
                data[variable.name] = pd.Series(column, dtype=object, copy=False)
        return pd.DataFrame(data, copy=False)


def metadata(variables: list[Variable], frame: Any) -> dict[str, Any]:
    """pyreadstat's keyword arguments for ``frame``: labels, value labels (keyed by
    ``int`` for the integer columns, as pyreadstat requires, else by ``float``),
    missing codes, measures and formats."""
    numeric = [v for v in variables if v.type == VarType.NUMERIC]
    whole = {str(name) for name, dtype in frame.dtypes.items() if dtype.kind == "i"}
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
    """PostgreSQL: the same cells from one ``COPY`` (:mod:`.copy_csv`, plain spelling)
    into a temporary file, read back in pages by pandas' C parser: no Python per value
    but for dates and times. Progress gives each half of the work (copying, reading
    back) half of the rows, so the bar moves through both and ends at the total."""
    import pandas as pd

    names = [v.name for v in data.variables]
    kinds = {v.name: "float64" if v.type == VarType.NUMERIC else object for v in data.variables}
    with tempfile.TemporaryFile() as raw:
        written = copy_csv.copy_rows(
            raw, data, copy_csv.PLAIN, lambda rows: progress(rows // 2, data.total)
        )
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
            **metadata(data.variables, frame),
        )
        del frame
        with open(temporary.name, "rb") as written_file:
            shutil.copyfileobj(written_file, out, 1 << 20)
    return written
