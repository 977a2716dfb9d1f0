"""The survey data CSV written by PostgreSQL: one ``COPY (…) TO STDOUT`` into the file.

The pivot of :class:`.pivot.SurveyData` (one row per response with its answers as
arrays) becomes the inner query; the outer ``SELECT`` puts every value into its cell
the way :meth:`.layout.Layout.fill` does and formats it the way the Python writer of
:mod:`.files` does: codes and missing codes, decimal commas, ``YYYY-MM-DD`` dates,
local ``YYYY-MM-DD HH:MM`` times, the formula guard on texts, empty cells for
"nothing". PostgreSQL streams the rows through psycopg's ``cursor.copy`` and no
Python runs per value; the bytes equal those of the Python writer (a test compares
them).

Two things differ and are handled here: PostgreSQL ends rows with LF (the Python
writer with CRLF; line breaks inside quoted texts stay as they are), and it writes
an empty text as ``""`` (so empty texts become NULL). The header and the BOM are
written by the Python writer.

:func:`usable` says when the Python writer must run instead: on SQLite, and when a
number would be written differently (``float8`` text switches to exponents at 1e15,
Python's ``repr`` at 1e16; NaN and infinities are spelled differently).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app

from app.core import csvfile
from app.exports import writers
from app.exports.survey_data.layout import Layout
from app.exports.survey_data.pivot import CHANNEL_CODES, SurveyData
from app.exports.survey_data.variables import Variable
from app.extensions import db
from app.surveys.models import Answer, Response, ResponseState

EXACT_BELOW = 1e15  # |x| below which float8's text equals Python's repr (integers aside)
FLUSH_BYTES = 1 << 20
# The pivot's arrays, in the order of layout.GROUPS (options, rows, ranks, numbers, ...).
ARRAYS: tuple[str, ...] = ("opts", "rowids", "rowopts", "ranked", "ranks", "numq", "nums")
ARRAYS += ("textq", "texts", "dateq", "dates")
FORMULA_START = ", ".join(f"E'{c}'" if c in "\t\r" else f"'{c}'" for c in csvfile.FORMULA_START)


def quote(text: str) -> str:
    """A SQL string literal (standard-conforming strings)."""
    return "'" + text.replace("'", "''") + "'"


def _ids(values: list[int]) -> str:
    return "ARRAY[" + ",".join(str(int(v)) for v in sorted(set(values))) + "]::integer[]"


def _has(array: str, values: list[int]) -> str:
    return f"coalesce(p.{array} && {_ids(values)}, false)"


def _exact_numbers(data: SurveyData) -> bool:
    """No number of this survey is one that PostgreSQL would write differently."""
    found = False
    if data.layout.numbers:
        answers = sa.select(Answer.id).where(
            Answer.question_id.in_(sorted(data.layout.numbers)),
            sa.func.abs(Answer.value_number) >= EXACT_BELOW,  # NaN and infinities too
        )
        found = bool(db.session.scalar(sa.select(sa.exists(answers))))
    if data.weighted and not found:
        weights = sa.select(Response.id).where(
            Response.survey_id == data.survey_id,
            Response.state == ResponseState.SUBMITTED,
            sa.func.abs(Response.weight) >= EXACT_BELOW,
        )
        found = bool(db.session.scalar(sa.select(sa.exists(weights))))
    return not found


def usable(data: SurveyData) -> bool:
    """Whether PostgreSQL can write this survey's CSV byte for byte as Python would."""
    return db.engine.dialect.name == "postgresql" and _exact_numbers(data)


# --- values as the Python writer writes them ---------------------------------------------


def _python_text(value: Any, variable: Variable) -> str | None:
    """A constant cell (template, missing code, option code) as SQL; None: empty."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        elif variable.decimals:
            return quote(repr(value).replace(".", ","))
    return quote(str(value))


def _number(expr: str, variable: Variable) -> str:
    """A float8 written as the layout and ``files._number`` write it."""
    fraction = f"replace(({expr})::text, '.', ',')" if variable.decimals else f"({expr})::text"
    return f"CASE WHEN {expr} = trunc({expr}) THEN trunc({expr})::bigint::text ELSE {fraction} END"


def _text(expr: str) -> str:
    """The formula guard of :func:`app.core.csvfile.safe_cell`; empty texts as NULL."""
    return (
        f"CASE WHEN {expr} = '' THEN NULL WHEN left({expr}, 1) IN ({FORMULA_START}) "
        f"THEN '''' || {expr} ELSE {expr} END"
    )


def _rank(expr: str) -> str:
    return f"({expr})::text"


def _day(expr: str) -> str:
    return f"to_char({expr}, 'YYYY-MM-DD')"


@dataclass(frozen=True)
class Spelling:
    """How constants, numbers, ranks, dates and texts are written: as the CSV file has
    them, or as ``float8`` for the binary rows of :mod:`.copy_binary`. ``texts``: the
    pivot's array a text cell reads (the texts, or the ids of their answers)."""

    const: Callable[[Any, Variable], str | None]
    number: Callable[[str, Variable], str]
    text: Callable[[str], str]
    rank: Callable[[str], str] = _rank
    day: Callable[[str], str] = _day
    texts: str = "texts"


CSV = Spelling(_python_text, _number, _text)


# --- the cells ------------------------------------------------------------------------


class Cells:
    """For every cell after the fixed variables: the SQL that gives its text."""

    def __init__(self, data: SurveyData, spelling: Spelling) -> None:
        self.data = data
        self.spelling = spelling
        self.layout: Layout = data.layout
        count = len(self.layout.template)
        self.sets: list[list[tuple[str, str]]] = [[] for _ in range(count)]
        self.fill: list[tuple[str, str] | None] = [None] * count
        self.only: list[tuple[str, str] | None] = [None] * count
        self.hidden: list[str | None] = [None] * count
        self.question_of = option_questions(data)
        self.ticked = {q for q, many in choice_questions(data).items() if many}
        self._sources()
        self._fills()
        self._hidden()

    def _variable(self, index: int) -> Variable:
        return self.data.variables[index]

    def _const(self, value: Any, index: int) -> str:
        return self.spelling.const(value, self._variable(index)) or "NULL"

    def _slot(self, index: int) -> int:
        return index - self.layout.start

    def _sources(self) -> None:
        layout = self.layout
        for option_id, (index, value, _fill) in layout.options.items():
            if index >= 0:
                question = self.question_of[option_id]
                if question in self.ticked:
                    when = f"{option_id} = ANY(p.oa{question})"
                else:
                    when = f"p.o{question} = {option_id}"
                self.sets[self._slot(index)].append((when, self._const(value, index)))
        for row_id, (index, codes, default) in layout.rows.items():
            chosen = f"p.rowopts[array_position(p.rowids, {row_id})]"
            cases = " ".join(f"WHEN {o} THEN {self._const(c, index)}" for o, c in codes.items())
            value = f"CASE {chosen} {cases} ELSE {self._const(default, index)} END"
            self.sets[self._slot(index)].append((f"{row_id} = ANY(p.rowids)", value))
        for option_id, (index, _fill) in layout.ranks.items():
            rank = self.spelling.rank(f"p.ranks[array_position(p.ranked, {option_id})]")
            self.sets[self._slot(index)].append((f"{option_id} = ANY(p.ranked)", rank))
        self._values()

    def _values(self) -> None:
        kinds = (
            (self.layout.numbers, "numq", "nums"),
            (self.layout.texts, "textq", self.spelling.texts),
            (self.layout.dates, "dateq", "dates"),
        )
        for slots, keys, values in kinds:
            for question_id, index in slots.items():
                raw = f"p.{values}[array_position(p.{keys}, {question_id})]"
                if keys == "numq":
                    value = self.spelling.number(raw, self._variable(index))
                elif keys == "textq":
                    value = self.spelling.text(raw)
                else:
                    value = self.spelling.day(raw)
                self.sets[self._slot(index)].append((f"{question_id} = ANY(p.{keys})", value))

    def _fills(self) -> None:
        layout = self.layout
        for fill, (begin, end, zeros, only) in enumerate(layout.fills):
            by_options = [o for o, (_i, _v, f) in layout.options.items() if f == fill]
            by_ranks = [o for o, (_i, f) in layout.ranks.items() if f == fill]
            triggers = []
            chosen = f"oa{self.question_of[by_options[0]]}" if by_options else ""
            if by_options:
                triggers.append(_has(chosen, by_options))
            if by_ranks:
                triggers.append(_has("ranked", by_ranks))
            trigger = " OR ".join(triggers) or "false"
            marks = [o for o, (i, _v, f) in layout.options.items() if f == fill and i < 0]
            inside = [o for o, (i, _v, _f) in layout.options.items() if begin <= i < end]
            only_when = None
            if only is not None and marks:
                only_when = f"{_has(chosen, marks)} AND NOT {_has(chosen, inside)}"
            for offset, index in enumerate(range(begin, end)):
                self.fill[self._slot(index)] = (trigger, self._const(zeros[offset], index))
                if only_when:
                    self.only[self._slot(index)] = (only_when, self._const(only, index))

    def _hidden(self) -> None:
        shown = {block: n for n, (block, _condition) in enumerate(self.data.conditional)}
        for block, (begin, end, blank) in enumerate(self.layout.spans):
            if block not in shown:
                continue
            for offset, index in enumerate(range(begin, end)):
                when = f"p.shown{shown[block]} = 0"
                self.hidden[self._slot(index)] = (
                    f"WHEN {when} THEN {self._const(blank[offset], index)}"
                )

    def sql(self, slot: int) -> str:
        whens: list[str] = []
        if self.hidden[slot]:
            whens.append(self.hidden[slot] or "")
        only = self.only[slot]
        if only:
            whens.append(f"WHEN {only[0]} THEN {only[1]}")
        whens += [f"WHEN {when} THEN {value}" for when, value in self.sets[slot]]
        fill = self.fill[slot]
        if fill:
            whens.append(f"WHEN {fill[0]} THEN {fill[1]}")
        index = self.layout.start + slot
        otherwise = self._const(self.layout.template[slot], index)
        return f"CASE {' '.join(whens)} ELSE {otherwise} END" if whens else otherwise


# --- the statement ----------------------------------------------------------------------


def option_questions(data: SurveyData) -> dict[int, int]:
    """Option id → its question, for the options the layout places."""
    return {option: block.question.id for block in data.blocks for option in block.options}


def choice_questions(data: SurveyData) -> dict[int, bool]:
    """The questions whose chosen options fill cells: question id → several may be
    chosen (multiple choice: an array of them; else the one chosen)."""
    return {block.question.id: block.fill is not None for block in data.blocks if block.options}


def _chosen(data: SurveyData) -> list[Any]:
    """Per choice question its chosen option (or options), instead of one array of
    all chosen options: a cell then compares a number or scans a short array."""
    columns: list[Any] = []
    for question, many in choice_questions(data).items():
        rows = sa.and_(
            Answer.question_id == question,
            Answer.option_id.is_not(None),
            Answer.row_id.is_(None),
            Answer.rank.is_(None),
        )
        if many:
            chosen = sa.type_coerce(
                sa.func.array_agg(Answer.option_id).filter(rows), sa.types.NullType()
            )
            columns.append(chosen.label(f"oa{question}"))
        else:
            columns.append(sa.func.max(Answer.option_id).filter(rows).label(f"o{question}"))
    return columns


def inner_query(data: SurveyData, part: Part, *extra: Any) -> tuple[str, list[str]]:
    """The pivot query of the responses in ``part``, with its columns named (the chosen
    options per question, see :func:`_chosen`, and the labelled ``extra`` aggregates);
    the names of the fixed columns."""
    query = data.query(part.after_id, limit=None, through_id=part.through_id).order_by(None)
    columns = list(query.selected_columns)
    fixed = ["rid", "channel", "day"]
    if not data.anonymised:
        fixed.append("submitted")
        if data.with_code:
            fixed.append("code")
    if data.weighted:
        fixed.append("weight")
    names = fixed + [f"shown{n}" for n in range(len(data.conditional))] + list(ARRAYS)
    assert len(names) == len(columns)
    labeled = [
        column.label(name) for column, name in zip(columns, names, strict=True) if name != "opts"
    ]
    statement = query.with_only_columns(
        *labeled, *_chosen(data), *extra, maintain_column_froms=False
    )
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    return str(compiled), fixed


def _fixed(
    names: list[str], variables: list[Variable], spelling: Spelling, numbered_from: int
) -> list[str]:
    weight = next((v for v in variables if v.name == "weight"), None)
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin")
    paper = "".join(
        f"WHEN {quote(str(channel.value))} THEN '{code}' "
        for channel, code in CHANNEL_CODES.items()
    )
    sql = {
        "rid": f"(row_number() OVER (ORDER BY p.rid) + {int(numbered_from)})::text",
        "channel": f"CASE p.channel {paper}ELSE '1' END",
        "day": _day("p.day"),
        "submitted": f"to_char((p.submitted AT TIME ZONE 'UTC') AT TIME ZONE {quote(zone)}, "
        "'YYYY-MM-DD HH24:MI')",
        "code": spelling.text("regexp_replace(p.code, '(.{5})(?=.)', '\\1-', 'g')"),
    }
    if weight is not None:
        sql["weight"] = spelling.number("p.weight", weight)
    return [sql[name] for name in names]


@dataclass(frozen=True)
class Part:
    """The responses with ``after_id < id <= through_id`` (no upper end: None); their
    rows are numbered from ``numbered_from + 1``."""

    after_id: int = 0
    through_id: int | None = None
    numbered_from: int = 0


def copy_statement(data: SurveyData, spelling: Spelling = CSV, part: Part = Part()) -> str:
    """``COPY (…) TO STDOUT`` of the data rows (no header), ``;``-separated CSV."""
    inner, fixed = inner_query(data, part)
    cells = Cells(data, spelling)
    columns = _fixed(fixed, data.variables, spelling, part.numbered_from) + [
        cells.sql(slot) for slot in range(len(data.layout.template))
    ]
    # Built from ids, numbers and quote()-quoted constants only; the inner query is
    # SQLAlchemy's, compiled with literal values.
    select = f"SELECT {', '.join(columns)} FROM ({inner}) AS p ORDER BY p.rid"  # noqa: S608
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', QUOTE '\"')"


class LineEnds:
    """LF → CRLF at the end of rows, not inside quoted fields; counts the rows."""

    def __init__(self) -> None:
        self.quoted = False

    def __call__(self, data: bytes) -> tuple[bytes, int]:
        if not self.quoted and b'"' not in data:
            return data.replace(b"\n", b"\r\n"), data.count(b"\n")
        parts = data.split(b'"')
        quoted = self.quoted
        rows = 0
        for index, part in enumerate(parts):
            if index:
                quoted = not quoted
            if not quoted and b"\n" in part:
                rows += part.count(b"\n")
                parts[index] = part.replace(b"\n", b"\r\n")
        self.quoted = quoted
        return b'"'.join(parts), rows


def _copy(driver: Any, statement: str, out: IO[bytes], progress: Callable[[int], None]) -> int:
    ends = LineEnds()
    written = 0
    with driver.cursor() as cursor:
        cursor.execute("SET LOCAL extra_float_digits = 1")
        cursor.execute("SET LOCAL client_encoding = 'UTF8'")
        pending: list[bytes] = []
        size = 0
        with cursor.copy(statement) as copy:
            for block in copy:
                pending.append(bytes(block))
                size += len(block)
                if size >= FLUSH_BYTES:
                    written += _flush(out, pending, ends)
                    progress(written)
                    pending, size = [], 0
        written += _flush(out, pending, ends)
        progress(written)
    return written


@contextmanager
def connections(data: SurveyData) -> Iterator[list[tuple[Any, Part]]]:
    """psycopg connections that read one snapshot, each with its part of the responses,
    in a transaction open for the block.

    From ``EXPORT_PARALLEL_COPY_FROM`` responses (config) the work is split in two
    halves by response id, for two connections to copy at the same time (one core
    each: the pivot and the formatting are PostgreSQL's CPU work, most of an export's
    time). Both read one snapshot (``pg_export_snapshot``, as ``pg_dump --jobs`` does),
    so every response of the snapshot is in exactly one half and the second half's
    numbering starts right after the first half's last row. Below that: one
    connection with every response.
    """
    halves = data.total >= current_app.config["EXPORT_PARALLEL_COPY_FROM"]
    with ExitStack() as stack:
        drivers = []
        for _ in range(2 if halves else 1):
            driver = stack.enter_context(db.engine.connect()).connection.driver_connection
            assert driver is not None
            stack.enter_context(driver.transaction())
            driver.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            drivers.append(driver)
        if not halves:
            yield [(drivers[0], Part())]
            return
        first, second = drivers
        snapshot = first.execute("SELECT pg_export_snapshot()").fetchone()[0]
        second.execute(f"SET TRANSACTION SNAPSHOT {quote(snapshot)}")
        head, tail = _halves(first, data)
        yield [(first, head), (second, tail)]


def copy_rows(
    out: IO[bytes], data: SurveyData, spelling: Spelling, progress: Callable[[int], None]
) -> int:
    """The survey's data rows into ``out``, with CRLF row ends; ``progress(rows)`` about
    every megabyte. Returns the rows written.

    Two halves (see :func:`connections`) are copied at the same time; the second
    half waits in a temporary file.
    """
    with connections(data) as parts:
        if len(parts) == 1:
            ((driver, part),) = parts
            return _copy(driver, copy_statement(data, spelling, part), out, progress)
        (first, head), (second, tail) = parts
        with tempfile.TemporaryFile() as later, ThreadPoolExecutor(1) as pool:
            rest = pool.submit(
                _copy, second, copy_statement(data, spelling, tail), later, lambda rows: None
            )
            written = _copy(first, copy_statement(data, spelling, head), out, progress)
            written += rest.result()
            later.seek(0)
            shutil.copyfileobj(later, out, FLUSH_BYTES)
    progress(written)
    return written


def _halves(driver: Any, data: SurveyData) -> tuple[Part, Part]:
    """The first half of the submitted responses (by id, in the transaction's snapshot)
    and the rest."""
    submitted = sa.select(Response.id).where(
        Response.survey_id == data.survey_id, Response.state == ResponseState.SUBMITTED
    )
    count_sql = sa.select(sa.func.count()).select_from(submitted.subquery())
    count = driver.execute(_literal(count_sql)).fetchone()[0]
    middle = driver.execute(
        _literal(submitted.order_by(Response.id).offset(count // 2).limit(1))
    ).fetchone()
    if middle is None:  # nothing submitted: one part with everything (no rows)
        return Part(through_id=0), Part()
    head = count // 2 + 1  # the ids up to and including the middle one
    return Part(through_id=middle[0]), Part(after_id=middle[0], numbered_from=head)


def _literal(statement: sa.Select[Any]) -> str:
    return str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


def write_data(out: IO[bytes], data: SurveyData, progress: Callable[[int], None]) -> None:
    """The header (Python's writer, with the BOM), then the rows from ``COPY``."""
    text = writers.text_out(out)
    csvfile.writer(text, delimiter=";").writerow([v.name for v in data.variables])
    text.flush()
    text.detach()
    copy_rows(out, data, CSV, progress)


def _flush(out: IO[bytes], pending: list[bytes], ends: LineEnds) -> int:
    data, rows = ends(b"".join(pending))
    out.write(data)
    return rows
