"""The SAV's gathered columns: the smallest exact type per variable, the same file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy
import pandas
import pyreadstat

from app.exports.survey_data import sav
from app.exports.survey_data.variables import Variable, VarType

# Bytes 92-109 of a SAV header are the creation date and time.
CREATED = slice(92, 109)


def _variables() -> list[Variable]:
    return [
        Variable("id", "Number", measure="scale"),
        Variable("q01", "Scale", values={1: "low", 5: "high"}, missing={-1: "no answer"}),
        Variable("q02", "Count", measure="scale"),
        Variable("q03", "Amount", measure="scale", decimals=2),
        Variable("q04", "Text", type=VarType.STRING),
        Variable("day", "Day", type=VarType.DATE, measure="scale"),
    ]


def _rows(start: int, q02: float, q03: float | None) -> list[list[object]]:
    day = date(2026, 12, 3)
    return [[start + n, (n % 5) + 1 or -1, q02, q03, f"t{n}", day] for n in range(3)]


def test_each_variable_takes_the_smallest_type_that_holds_it_exactly() -> None:
    columns = sav.Columns(_variables(), 6)
    columns.add(_rows(1, 7, 1))
    assert [columns.arrays[i].dtype.name for i in columns.numeric] == ["int8"] * 4
    columns.add(_rows(4, 70_000, 0.5))  # a count past int16, an amount with cents
    columns.add([[7, -1, 300, None, "", None]])  # more rows than counted; NaN
    frame = columns.frame()
    assert frame.dtypes.astype(str).tolist() == [
        *("int8", "int8", "int32", "float64", "object", "object")
    ]
    assert frame["q02"].tolist() == [7, 7, 7, 70_000, 70_000, 70_000, 300]
    assert frame["q03"].tolist()[:6] == [1, 1, 1, 0.5, 0.5, 0.5]
    assert numpy.isnan(frame["q03"].tolist()[6])
    assert frame["q04"].tolist()[-1] == "" and frame["day"].tolist()[-1] is None


def test_minus_zero_and_fractional_labels_stay_float() -> None:
    assert sav._smallest(numpy.array([0.0, -0.0, 1.0])) == numpy.float64
    assert sav._smallest(numpy.array([1.0, 2.0**40])) == numpy.float64
    assert sav._smallest(numpy.array([-129.0, 3.0])) == numpy.int16
    halves = [Variable("q01", "Scale", values={0.5: "half", 1: "one"})]
    columns = sav.Columns(halves, 2)
    columns.add([[1], [1]])
    assert columns.frame()["q01"].dtype == numpy.float64


def test_narrow_columns_write_the_same_file_as_doubles(tmp_path: Path) -> None:
    variables = _variables()
    columns = sav.Columns(variables, 6)
    columns.add(_rows(1, 7, 1))
    columns.add(_rows(4, 300, 2))
    narrow = columns.frame()
    assert narrow["q01"].dtype == numpy.int8
    doubles = narrow.astype({v.name: "float64" for v in variables if v.type == VarType.NUMERIC})
    written = []
    for name, frame in (("narrow", narrow), ("doubles", doubles)):
        path = tmp_path / f"{name}.sav"
        pyreadstat.write_sav(frame, str(path), **sav.metadata(variables, frame))
        content = bytearray(path.read_bytes())
        content[CREATED] = bytes(CREATED.stop - CREATED.start)
        written.append(bytes(content))
    assert written[0] == written[1]
    back, meta = pyreadstat.read_sav(str(tmp_path / "narrow.sav"), user_missing=True)
    pandas.testing.assert_series_equal(back["q02"], doubles["q02"], check_names=False)
    assert meta.variable_value_labels["q01"] == {1.0: "low", 5.0: "high", -1.0: "no answer"}
