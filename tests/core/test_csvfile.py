"""The one CSV writer guards every cell against spreadsheet formulas."""

from __future__ import annotations

import csv
import io

from app.core import csvfile


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    out = io.StringIO()
    writer = csvfile.writer(out, delimiter=";")
    writer.writerow(["=1+1", "+49 711", "-5", "@SUM(A1)", "\tx", "Text", 3, -2.5, None])
    writer.writerows([["=A1", "ok"]])
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows == [
        ["'=1+1", "'+49 711", "'-5", "'@SUM(A1)", "'\tx", "Text", "3", "-2.5", ""],
        ["'=A1", "ok"],
    ]
    assert out.getvalue().endswith("\r\n")
