"""The cells of the SAV from PostgreSQL as binary rows of one width: no parser runs.

The statement is the one of :mod:`.copy_csv`, spelled so that every cell is a
``float8`` and never NULL (:data:`BINARY`): codes and numbers as they are, dates as
days and times as seconds since 1970 (local wall-clock time to the minute, as
:func:`.pivot._local` has it), "nothing" as NaN, a text as the id of its answer and
the invitation code as the id of its response. ``COPY … (FORMAT binary)`` then
writes every row in the same number of bytes (a field count, and per cell its
length, 8, and the big-endian double), and numpy reads a page of rows as one
structured array (:func:`read_pages`): no parser, no Python per value, and
PostgreSQL formats no number as text.

The texts follow in the same snapshot, by the ids in a page's text cells
(:class:`Objects`): one query per page and part, on the part's connection.

:func:`gather` copies the parts of :func:`.copy_csv.connections` at the same time,
each into a temporary file, and hands the pages on (docs/exports.md, "The SAV on
PostgreSQL").
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from typing import IO, Any

import numpy as np
import sqlalchemy as sa
from flask import current_app

from app.exports.survey_data import copy_csv
from app.exports.survey_data.copy_csv import Part, Spelling, quote
from app.exports.survey_data.pivot import CHANNEL_CODES, SurveyData
from app.exports.survey_data.variables import Variable, VarType
from app.extensions import db
from app.surveys import codes as invitation_codes
from app.surveys.models import Answer, InvitationCode, Response

NAN = "'NaN'::float8"
SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = SIGNATURE + bytes(8)  # no flags, no header extension
TRAILER = b"\xff\xff"
PAGE = 5_000  # rows read at a time
POLL_SECONDS = 1.0  # progress while the parts copy
EPOCH_DAY = date(1970, 1, 1)
EPOCH = datetime(1970, 1, 1)  # local wall-clock time, as the export has it

Cells = list[Any]  # per variable: float64 for numbers, object arrays for the others


def _float(expr: str) -> str:
    return f"coalesce(({expr})::float8, {NAN})"


def _const(value: Any, variable: Variable) -> str:
    if value is None or value == "":
        return NAN
    return f"{quote(repr(float(value)))}::float8"


def _number(expr: str, variable: Variable) -> str:
    return _float(expr)


def _days(expr: str) -> str:
    return _float(f"{expr} - DATE '1970-01-01'")


BINARY = Spelling(_const, _number, _float, rank=_float, day=_days, texts="textids")


def _fixed(names: list[str]) -> list[str]:
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin")
    paper = " ".join(
        f"WHEN {quote(str(channel.value))} THEN {code}" for channel, code in CHANNEL_CODES.items()
    )
    local = f"date_trunc('minute', (p.submitted AT TIME ZONE 'UTC') AT TIME ZONE {quote(zone)})"
    sql = {
        # the response id: :func:`gather` numbers the rows (a window function here
        # would cost PostgreSQL a tenth of the statement)
        "rid": "p.rid::float8",
        "channel": f"(CASE p.channel {paper} ELSE 1 END)::float8",
        "day": _days("p.day"),
        "submitted": _float(f"extract(epoch FROM {local})"),
        "code": f"CASE WHEN p.code IS NULL THEN {NAN} ELSE p.rid::float8 END",
        "weight": _float("p.weight"),
    }
    return [sql[name] for name in names]


def statement(data: SurveyData, part: Part) -> str:
    """``COPY (…) TO STDOUT`` of the data rows of ``part``, every cell a ``float8``."""
    texts = next(rows for name, _pair, rows in data.groups if name == "texts")
    # the ids of the text answers, beside their texts: the same filter, the same order
    ids = sa.type_coerce(sa.func.array_agg(Answer.id).filter(texts), sa.types.NullType())
    inner, fixed = copy_csv.inner_query(data, part, ids.label("textids"))
    cells = copy_csv.Cells(data, BINARY)
    assert fixed[0] == "rid"  # numbered by gather()
    columns = _fixed(fixed)
    columns += [cells.sql(slot) for slot in range(len(data.layout.template))]
    # Built from ids, numbers and quote()-quoted constants only (see copy_csv).
    select = f"SELECT {', '.join(columns)} FROM ({inner}) AS p ORDER BY p.rid"  # noqa: S608
    return f"COPY ({select}) TO STDOUT WITH (FORMAT binary)"


# --- reading -------------------------------------------------------------------------


def row_type(count: int) -> np.dtype[Any]:
    """One row of ``count`` float8 cells in PostgreSQL's binary COPY format."""
    fields = [("fields", ">i2")]
    for n in range(count):
        fields += [(f"size{n}", ">i4"), (f"cell{n}", ">f8")]
    return np.dtype(fields)


def read_pages(raw: IO[bytes], count: int) -> Iterator[list[Any]]:
    """The rows of a binary COPY of ``count`` float8 cells in pages of :data:`PAGE`:
    per cell a float64 array. Raises ValueError if the file is not such rows."""
    row = row_type(count)
    size = raw.seek(0, os.SEEK_END)
    raw.seek(0)
    rows, rest = divmod(size - len(HEADER) - len(TRAILER), row.itemsize)
    if raw.read(len(HEADER)) != HEADER or rest:
        raise ValueError(f"not {count} float8 cells per row")
    while rows:
        page = np.frombuffer(raw.read(min(rows, PAGE) * row.itemsize), dtype=row)
        wrong = page["fields"] != count
        for n in range(count):
            wrong |= page[f"size{n}"] != 8  # a float8
        if wrong.any():
            raise ValueError(f"not {count} float8 cells per row")
        yield [page[f"cell{n}"].astype(np.float64) for n in range(count)]
        rows -= len(page)
    if raw.read() != TRAILER:
        raise ValueError("no end of the COPY data")


def _objects(values: Any, make: Callable[[int], Any]) -> Any:
    """An object array of ``make(int(value))`` per value (None for NaN), one call per
    distinct value."""
    out = np.empty(len(values), dtype=object)
    present = ~np.isnan(values)
    distinct, inverse = np.unique(values[present], return_inverse=True)
    made = np.empty(len(distinct), dtype=object)
    made[:] = [make(int(value)) for value in distinct]
    out[present] = made[inverse]
    return out


def _sql(query: sa.Select[Any, Any], key: Any) -> str:
    """``query`` for the rows whose ``key`` is in the list parameter ``ids``, by key."""
    wanted = query.where(key == sa.func.any(sa.bindparam("ids"))).order_by(key)
    return str(wanted.compile(dialect=db.engine.dialect))


Found = list[tuple[Any, Any]]  # per lookup: the sorted ids and their texts


class Objects:
    """Turns the date, time and text cells of a page into their objects: texts by the
    ids of their answers, the code by the id of its response. :meth:`fetch` queries the
    texts of one part's file at once (on that part's connection), :meth:`__call__`
    puts them into a page's cells."""

    def __init__(self, variables: list[Variable]) -> None:
        self.count = len(variables)
        kinds = [(n, v) for n, v in enumerate(variables) if v.type != VarType.NUMERIC]
        self.dates = [n for n, v in kinds if v.type == VarType.DATE]
        self.times = [n for n, v in kinds if v.type == VarType.DATETIME]
        codes = [n for n, v in kinds if v.type == VarType.STRING and v.name == "code"]
        texts = [n for n, v in kinds if v.type == VarType.STRING and v.name != "code"]
        by_response = sa.select(Response.id, InvitationCode.code).join(
            InvitationCode, InvitationCode.id == Response.code_id
        )
        self.lookups: list[tuple[list[int], str, Callable[[str], str]]] = [
            (texts, _sql(sa.select(Answer.id, Answer.value_text), Answer.id), str),
            (codes, _sql(by_response, Response.id), invitation_codes.display),
        ]

    def fetch(self, driver: Any, raw: IO[bytes]) -> Found:
        """The texts that the cells of ``raw`` (a part's binary rows) refer to, a query
        per page: a few thousand ids are index lookups, where 65,000 would make
        PostgreSQL scan the whole answer table with parallel workers."""
        found: Found = []
        for columns, sql, shape in self.lookups:
            keys: list[Any] = [np.empty(0)]
            texts: list[Any] = [np.empty(0, dtype=object)]
            for page in read_pages(raw, self.count) if columns else ():
                ids = np.unique(np.concatenate([page[n][~np.isnan(page[n])] for n in columns]))
                if not len(ids):
                    continue
                rows = driver.execute(sql, {"ids": ids.astype(np.int64).tolist()}).fetchall()
                keys.append(np.array([row[0] for row in rows], dtype=np.float64))
                texts.append(np.empty(len(rows), dtype=object))
                texts[-1][:] = [shape(row[1]) for row in rows]
            found.append((np.concatenate(keys), np.concatenate(texts)))
        return found

    def __call__(self, cells: Cells, found: Found) -> Cells:
        for n in self.dates:
            cells[n] = _objects(cells[n], lambda days: EPOCH_DAY + timedelta(days=days))
        for n in self.times:
            cells[n] = _objects(cells[n], lambda seconds: EPOCH + timedelta(seconds=seconds))
        for (columns, _query, _shape), (keys, texts) in zip(self.lookups, found, strict=True):
            for n in columns:
                cells[n] = _texts(cells[n], keys, texts)
        return cells


def _texts(ids: Any, keys: Any, texts: Any) -> Any:
    """The texts of ``ids`` (NaN: "") by the sorted ``keys`` they have."""
    present = ~np.isnan(ids)
    wanted = ids[present]
    at = np.searchsorted(keys, wanted)
    if (at >= len(keys)).any() or (keys[np.minimum(at, len(keys) - 1)] != wanted).any():
        raise ValueError("a text of the export was not found")
    out = np.full(len(ids), "", dtype=object)
    out[present] = texts[at]
    return out


# --- the parts at once -----------------------------------------------------------------


def _copy(driver: Any, sql: str, out: IO[bytes]) -> None:
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        for block in copy:
            out.write(block)


def _part(driver: Any, sql: str, raw: IO[bytes], objects: Objects) -> Found:
    """One part: its rows into ``raw``, then the texts they refer to."""
    _copy(driver, sql, raw)
    return objects.fetch(driver, raw)


def copied_rows(raws: Sequence[IO[bytes]], count: int) -> int:
    """The rows of ``count`` cells in the parts' files so far, while threads copy."""
    width = row_type(count).itemsize
    return sum(max(0, os.fstat(raw.fileno()).st_size - len(HEADER)) // width for raw in raws)


def gather(data: SurveyData, add: Callable[[Cells], None], progress: Callable[[int], None]) -> int:
    """Every submitted response of ``data`` as pages of cells for ``add``; returns the
    rows.

    Each part (:func:`.copy_csv.connections`) is copied into a temporary file and its
    texts fetched, on its own connection and thread, at the same time; the first
    part's pages are read while the second is still copying. ``progress(rows)``
    counts the rows copied and the rows read as half a row each, every second while
    the parts copy and after each page."""
    objects = Objects(data.variables)
    with copy_csv.connections(data) as parts, ExitStack() as files:
        raws = [files.enter_context(tempfile.TemporaryFile()) for _ in parts]
        with ThreadPoolExecutor(len(parts)) as pool:
            futures = [
                pool.submit(_part, driver, statement(data, part), raw, objects)
                for (driver, part), raw in zip(parts, raws, strict=True)
            ]
            read = 0

            def report() -> None:
                copied = min(copied_rows(raws, objects.count), max(data.total, read))
                progress((copied + read) // 2)

            for future, raw, (_driver, part) in zip(futures, raws, parts, strict=True):
                while future not in wait([future], timeout=POLL_SECONDS).done:
                    report()
                texts, number = future.result(), part.numbered_from
                for page in read_pages(raw, objects.count):
                    page[0] = np.arange(number + 1, number + 1 + len(page[0]), dtype=np.float64)
                    number += len(page[0])
                    add(objects(page, texts))
                    read += len(page[0])
                    report()
    progress(read)
    return read
