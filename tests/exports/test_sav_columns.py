"""The SAV's gathered columns: the smallest exact type per variable, the same file."""

from __future__ import annotations

import io
import math
import os
import struct
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

import numpy
import pandas
import polars
import pyreadstat

from app.exports.survey_data import sav, sav_cases
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
    assert frame.dtypes == [
        *(polars.Int8, polars.Int8, polars.Int32, polars.Float64, polars.String, polars.Date)
    ]
    assert frame["q02"].to_list() == [7, 7, 7, 70_000, 70_000, 70_000, 300]
    assert frame["q03"].to_list() == [1, 1, 1, 0.5, 0.5, 0.5, None]  # NaN: missing
    assert frame["q04"].to_list()[-1] == "" and frame["day"].to_list()[-1] is None


def test_minus_zero_and_fractional_labels_stay_float() -> None:
    assert sav._smallest(numpy.array([0.0, -0.0, 1.0])) == numpy.float64
    assert sav._smallest(numpy.array([1.0, 2.0**40])) == numpy.float64
    assert sav._smallest(numpy.array([-129.0, 3.0])) == numpy.int16
    halves = [Variable("q01", "Scale", values={0.5: "half", 1: "one"})]
    columns = sav.Columns(halves, 2)
    columns.add([[1], [1]])
    assert columns.frame()["q01"].dtype == polars.Float64


def _written(
    tmp_path: Path, name: str, frame: object, variables: list[Variable], of: object = None
) -> bytes:
    """The file without its creation time; ``of``: the frame to take the metadata of."""
    path = tmp_path / f"{name}.sav"
    pyreadstat.write_sav(frame, str(path), **sav.metadata(variables, frame if of is None else of))
    content = bytearray(path.read_bytes())
    content[CREATED] = bytes(CREATED.stop - CREATED.start)
    return bytes(content)


def _filled(variables: list[Variable]) -> sav.Columns:
    columns = sav.Columns(variables, 7)
    columns.add(_rows(1, 7, 1))
    columns.add(_rows(4, 300, 2.5))
    columns.add([[7, -1, 300, None, "", None]])  # a missing amount and day
    return columns


def test_narrow_columns_write_the_same_file_as_doubles(tmp_path: Path) -> None:
    variables = _variables()
    narrow = _filled(variables).frame()
    assert narrow["q01"].dtype == polars.Int8
    doubles = narrow.with_columns(
        polars.col(v.name).cast(polars.Float64) for v in variables if v.type == VarType.NUMERIC
    )
    assert _written(tmp_path, "narrow", narrow, variables) == _written(
        tmp_path, "doubles", doubles, variables
    )
    back, meta = pyreadstat.read_sav(str(tmp_path / "narrow.sav"), user_missing=True)
    assert back["q02"].tolist() == [7, 7, 7, 300, 300, 300, 300]
    assert meta.variable_value_labels["q01"] == {1.0: "low", 5.0: "high", -1.0: "no answer"}


def test_the_polars_frame_writes_the_file_of_the_pandas_frame(tmp_path: Path) -> None:
    # pandas' frame (NaN and None for missing, dates as objects) was written before
    # the switch to polars; the file is the same, with SPSS's system-missing value
    variables = _variables()
    columns = _filled(variables)
    ours = columns.frame()
    theirs = pandas.DataFrame(
        {
            v.name: columns.arrays[n][: columns.rows]
            if n in columns.arrays
            else pandas.Series(ours[v.name].to_list(), dtype=object)
            for n, v in enumerate(variables)
        }
    )
    content = _written(tmp_path, "ours", ours, variables)
    assert content == _written(tmp_path, "theirs", theirs, variables, of=ours)
    system_missing = struct.pack("<d", -sys.float_info.max)
    # once in the header's machine record, then the missing amount and the missing day
    assert content.count(system_missing) == 3 and struct.pack("<d", math.nan) not in content


def test_pyreadstat_writes_into_the_staging_file_itself(tmp_path: Path) -> None:
    # the local storage's file: pyreadstat writes it by name, no copy of 200 MB
    staging = tmp_path / "42-token.sav"
    with staging.open("wb") as out:
        assert sav.own_file(out) == str(staging)
        out.write(b"x")
        out.flush()
        assert sav.own_file(out) is None  # not empty
    with tempfile.TemporaryFile() as spool:  # the S3 storage's spool has no name
        assert sav.own_file(spool) is None
    assert sav.own_file(io.BytesIO()) is None


def test_the_worker_loads_the_sav_libraries_before_it_forks_and_the_web_app_never() -> None:
    script = (
        "import sys; from app import create_app; create_app(); "
        "print(sorted(m for m in ('polars', 'pyreadstat', 'numpy') if m in sys.modules)); "
        "from celery.signals import worker_init; worker_init.send(sender=None); "
        "print(sorted(m for m in ('polars', 'pyreadstat', 'numpy') if m in sys.modules))"
    )
    env = os.environ | {"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "REDIS_URL": ""}
    shown = subprocess.run(  # noqa: S603 (this Python, a fixed script)
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert shown == ["[]", "['numpy', 'polars', 'pyreadstat']"]


def _every_kind() -> tuple[list[Variable], sav.Columns]:
    variables = [
        *_variables(),
        Variable("weight", "Weight", measure="scale", decimals=4),
        Variable("submitted", "Submitted", type=VarType.DATETIME, measure="scale"),
        Variable("q05", "Other", type=VarType.STRING),
    ]
    columns = sav.Columns(variables, 4)
    moment = datetime(2026, 3, 29, 2, 59)  # local wall-clock time
    long = "ä" * 127 + "x"  # 255 bytes: the longest string SPSS keeps in one piece
    columns.add(
        [
            [1, 5, 7, 0.25, "Straße „Zitat“ 🚲", date(1582, 10, 15), 1 / 3, moment, long],
            [2, -1, -3, None, "", None, 1.0, None, ""],
            [3, 1, 70_000, 1e15, "=1+1", date(2026, 12, 3), 0.75, moment, " x "],
        ]
    )
    return variables, columns


def test_the_cases_written_by_numpy_make_the_file_pyreadstat_writes(tmp_path: Path) -> None:
    variables, columns = _every_kind()
    frame = columns.frame()
    labels = {"file_label": "Bürgerbefragung"} | sav.metadata(variables, frame)
    ours = io.BytesIO()
    assert sav_cases.write(frame, ours, labels)
    pyreadstat.write_sav(frame, str(tmp_path / "theirs.sav"), **labels)
    theirs = bytearray((tmp_path / "theirs.sav").read_bytes())
    content = bytearray(ours.getvalue())
    theirs[CREATED] = content[CREATED] = bytes(CREATED.stop - CREATED.start)
    assert content == theirs
    (tmp_path / "ours.sav").write_bytes(ours.getvalue())
    back, meta = pyreadstat.read_sav(str(tmp_path / "ours.sav"), user_missing=True)
    assert back["q04"].tolist() == ["Straße „Zitat“ 🚲", "", "=1+1"]
    assert back["q05"].tolist()[0] == "ä" * 127 + "x" and meta.number_rows == 3


def test_longer_strings_and_empty_frames_are_left_to_pyreadstat() -> None:
    variables, columns = _every_kind()
    columns.add([[4, 1, 1, 1, "x" * 256, None, 1.0, None, ""]])  # a "very long string"
    frame = columns.frame()
    out = io.BytesIO()
    assert not sav_cases.write(frame, out, sav.metadata(variables, frame))
    assert not sav_cases.write(frame.head(0), out, sav.metadata(variables, frame))
    assert out.getvalue() == b""
