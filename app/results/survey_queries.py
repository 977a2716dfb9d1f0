"""The SQL that counts a survey: every number comes from GROUP BY in the database.

No answer row is loaded into Python. A *profile* subquery gives each submitted
response its weight and its option in every demographic question (``d0``, ``d1``,
…; NULL when not answered). The answers are joined to it once and grouped by the
answer (question, row, option, rank, number value) only; the split by demographic
group is done by *pivoted* aggregates in the same pass, one ``count(*) FILTER
(WHERE d1 = <option>)`` (and weight sums) per group. One scan, one small hash table,
the same SQL on SQLite (≥ 3.30) and PostgreSQL; GROUPING SETS were much slower
(one sort or hash table per set over all answers).

Weights: the profile takes each response's weight from its margin cell (the raking
result, joined as a small table), so the counts never wait for ``Response.weight``
to be written; :func:`write_weights` stores the same numbers there afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.surveys.models import Answer, Response, ResponseState

OVERALL = -1  # the slot without a demographic split
PROFILE_TABLE = "survey_results_profile"  # one per counting transaction, see create_profile
GroupKey = int | None  # the option chosen in a demographic question; None: not answered
CellKey = tuple[int | None, ...]  # options of the margin questions (raking cell)


@dataclass(frozen=True, slots=True)
class Sums:
    count: int
    weight: float
    weight_sq: float


@dataclass(frozen=True, slots=True)
class AnswerCell:
    """Grouped answers: ``dimension`` is OVERALL or the index of a demographic question."""

    dimension: int
    group: GroupKey
    question_id: int
    row_id: int | None
    option_id: int | None
    rank: int | None
    value: float | None
    sums: Sums


@dataclass(frozen=True, slots=True)
class GroupCount:
    dimension: int
    group: GroupKey
    key: int  # question id (respondent counts) or 0 (group sizes)
    sums: Sums


@dataclass(frozen=True)
class Dimensions:
    """The demographic questions to split by, their options, and the raking weights."""

    question_ids: Sequence[int]
    options: Sequence[Sequence[int]]
    margin_positions: Sequence[int] = ()  # which dimensions the weights depend on
    weights: Mapping[CellKey, float] | None = None

    @property
    def weighted(self) -> bool:
        return bool(self.weights)

    def slots(self) -> list[tuple[int, GroupKey]]:
        out: list[tuple[int, GroupKey]] = [(OVERALL, None)]
        for index, options in enumerate(self.options):
            out += [(index, option) for option in [*options, None]]
        return out


def _weight_table(dims: Dimensions) -> sa.Subquery:
    """The raking weight per margin cell as a small derived table (k0, k1, …, w).

    Joined to the responses by equality (NULL, "not answered", as 0), so the
    database hashes it once; a CASE would be evaluated for every aggregate.
    """
    assert dims.weights
    rows = [
        sa.select(
            sa.literal(index).label("cell"),
            *[sa.literal(option or 0).label(f"k{i}") for i, option in enumerate(key)],
            sa.literal(weight, sa.Float).label("w"),
        )
        for index, (key, weight) in enumerate(dims.weights.items())
    ]
    return sa.union_all(*rows).subquery("cw")


def create_profile(survey_id: int, question_ids: Sequence[int]) -> sa.Table:
    """The profile of the survey's submitted responses, counted once per rebuild into a
    table of its own: ``rid`` and its options ``d0``, ``d1``, … in ``question_ids``.

    Every statement of the rebuild that splits by demographic group (raking cells,
    answer cells, respondents, weights) reads it, instead of each repeating the
    conditional aggregation over the demographic answers (on PostgreSQL once more in
    every parallel worker). The primary key tells the planner ``rid`` is unique.

    On PostgreSQL an UNLOGGED table with a name of its own, created and dropped inside
    the counting transaction (so no other session ever sees it, and a failed rebuild's
    rollback removes it): unlike a temporary table, parallel workers can read it. On
    SQLite a temporary table, dropped by :func:`release_profile`.
    """
    postgres = db.session.get_bind().dialect.name == "postgresql"
    name = f"{PROFILE_TABLE}_{uuid.uuid4().hex[:12]}" if postgres else PROFILE_TABLE
    table = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("rid", sa.Integer, primary_key=True, autoincrement=False),
        *[sa.Column(f"d{i}", sa.Integer) for i in range(len(question_ids))],
        prefixes=["UNLOGGED" if postgres else "TEMPORARY"],
    )
    if not postgres:
        drop_profile(table)  # one left on this connection by a failed rebuild
    db.session.execute(sa.schema.CreateTable(table))
    db.session.execute(
        sa.insert(table).from_select(
            [c.name for c in table.columns], _profile_select(survey_id, question_ids)
        )
    )
    return table


def drop_profile(table: sa.Table) -> None:
    db.session.execute(sa.schema.DropTable(table, if_exists=True))


def release_profile(table: sa.Table) -> None:
    """Done counting: drop the profile (before the transaction commits)."""
    drop_profile(table)


def _profile_select(survey_id: int, question_ids: Sequence[int]) -> sa.Select[Any]:
    """One row per submitted response with its option in each demographic question.

    The options are picked by conditional aggregation over the response's answers (one
    pass over the demographic answers, however many questions).
    """
    response, answer = Response.__table__, Answer.__table__.alias("dem")
    columns = [
        sa.func.max(answer.c.option_id).filter(answer.c.question_id == question_id).label(f"d{i}")
        for i, question_id in enumerate(question_ids)
    ]
    source: Any = response
    if question_ids:
        on = sa.and_(
            answer.c.response_id == response.c.id,
            answer.c.question_id.in_(question_ids),
            answer.c.item == 0,
        )
        source = response.outerjoin(answer, on)
    return (
        sa.select(response.c.id.label("rid"), *columns)
        .select_from(source)
        .where(response.c.survey_id == survey_id, response.c.state == ResponseState.SUBMITTED)
        .group_by(response.c.id)
    )


def profile(table: sa.Table, dims: Dimensions) -> sa.Subquery:
    """The profile as ``p`` (``rid``, ``d0``, …), with the margin ``cell`` when weighted."""
    labelled = [table.c[f"d{i}"] for i in range(len(dims.question_ids))]
    if not dims.weights:
        return sa.select(table.c.rid, *labelled).subquery("p")
    # The margin cell's number: a column of a 40-row table, so the planner knows it
    # has few values (a count per answer key and cell is small).
    cells, on, _weight = _weight_join(
        dims, [table.c[f"d{position}"] for position in dims.margin_positions]
    )
    return (
        sa.select(table.c.rid, cells.c.cell, *labelled)
        .select_from(table.outerjoin(cells, on))
        .subquery("p")
    )


def _weight_join(dims: Dimensions, margins: Sequence[Any]) -> tuple[sa.Subquery, Any, Any]:
    """The weight table, the join condition to the ``margins`` columns, the weight."""
    cells = _weight_table(dims)
    on = sa.and_(
        *[sa.func.coalesce(column, 0) == cells.c[f"k{i}"] for i, column in enumerate(margins)]
    )
    return cells, on, sa.func.coalesce(cells.c.w, 1.0)


def _condition(column: Any, group: GroupKey) -> Any:
    return column.is_(None) if group is None else column == group


def _slot_counts(p: sa.Subquery, dims: Dimensions, skip: Sequence[int] = ()) -> list[Any]:
    """One ``count(*)`` per slot, filtered to the slot's group (not for ``skip`` dims)."""
    columns: list[Any] = []
    for dimension, group in dims.slots():
        if dimension == OVERALL:
            columns.append(sa.func.count())
        elif dimension not in skip:
            columns.append(sa.func.count().filter(_condition(p.c[f"d{dimension}"], group)))
    return columns


def _counted(
    keys: Sequence[Any], source: Any, where: Sequence[Any], p: sa.Subquery, dims: Dimensions
) -> list[tuple[tuple[Any, ...], list[tuple[int, GroupKey, Sums]]]]:
    """Rows grouped by ``keys``, with counts (and weight sums) per slot."""
    width = len(keys)
    if not dims.weighted:
        counts = _slot_counts(p, dims)
        stmt = sa.select(*keys, *counts).select_from(source).where(*where).group_by(*keys)
        return [(tuple(r[:width]), _unpivot(r[width:], dims)) for r in db.session.execute(stmt)]
    stmt = _weighted(keys, source, where, p, dims)
    return [(tuple(r[:width]), _unpivot(r[width:], dims)) for r in db.session.execute(stmt)]


def _weighted(
    keys: Sequence[Any], source: Any, where: Sequence[Any], p: sa.Subquery, dims: Dimensions
) -> sa.Select[Any]:
    """Counts and weight sums per slot in two steps, one pass over the rows.

    1. Count per ``keys`` and margin cell; the groups of the margin questions need no
       filtered count here (the cell says the group), the other groups do.
    2. Over those few rows, multiply each cell's counts by the cell's weight.
    """
    positions = list(dims.margin_positions)
    counts = _slot_counts(p, dims, skip=positions)
    first = (
        sa.select(
            *[k.label(f"key{i}") for i, k in enumerate(keys)],
            p.c.cell,
            *[c.label(f"c{j}") for j, c in enumerate(counts)],
        )
        .select_from(source)
        .where(*where)
        .group_by(*keys, p.c.cell)
        .subquery("s1")
    )
    cells = _weight_table(dims)
    weight = sa.func.coalesce(cells.c.w, 1.0)
    sums: list[Any] = []
    counted = iter(range(len(counts)))
    everyone = first.c.c0
    for dimension, group in dims.slots():
        if dimension in positions:
            cell = cells.c[f"k{positions.index(dimension)}"]
            count, condition = everyone, cell == (group or 0)
        else:
            count, condition = first.c[f"c{next(counted)}"], None
        for value in (count, count * weight, count * weight * weight):
            aggregate = sa.func.sum(value)
            sums.append(aggregate if condition is None else aggregate.filter(condition))
    key_columns = [first.c[f"key{i}"] for i in range(len(keys))]
    return (
        sa.select(*key_columns, *sums)
        .select_from(first.outerjoin(cells, first.c.cell == cells.c.cell))
        .group_by(*key_columns)
    )


def _unpivot(values: Sequence[Any], dims: Dimensions) -> list[tuple[int, GroupKey, Sums]]:
    width = 3 if dims.weighted else 1
    out = []
    for index, (dimension, group) in enumerate(dims.slots()):
        count = int(values[index * width] or 0)
        if not count:
            continue
        if dims.weighted:
            weight = float(values[index * width + 1] or 0.0)
            square = float(values[index * width + 2] or 0.0)
            out.append((dimension, group, Sums(count, weight, square)))
        else:
            out.append((dimension, group, Sums(count, float(count), float(count))))
    return out


def answer_cells(
    profiled: sa.Table, question_ids: Sequence[int], dims: Dimensions
) -> list[AnswerCell]:
    """Counts and weight sums per (question, row, option, rank, number value), overall
    and per demographic group."""
    if not question_ids:
        return []
    p = profile(profiled, dims)
    a = Answer.__table__
    keys = [a.c.question_id, a.c.row_id, a.c.option_id, a.c.rank, a.c.value_number]
    source = a.join(p, p.c.rid == a.c.response_id)
    rows = _counted(keys, source, [a.c.question_id.in_(question_ids)], p, dims)
    return [
        AnswerCell(dimension, group, key[0], key[1], key[2], key[3], key[4], sums)
        for key, slots in rows
        for dimension, group, sums in slots
    ]


def respondent_counts(
    profiled: sa.Table, question_ids: Sequence[int], dims: Dimensions
) -> list[GroupCount]:
    """Respondents per question (one per response, however many rows it answered)."""
    if not question_ids:
        return []
    p = profile(profiled, dims)
    a = Answer.__table__
    answered = (
        sa.select(a.c.question_id, a.c.response_id)
        .where(a.c.question_id.in_(question_ids))
        .distinct()
        .subquery("x")
    )
    source = answered.join(p, p.c.rid == answered.c.response_id)
    rows = _counted([answered.c.question_id], source, [], p, dims)
    return [
        GroupCount(dimension, group, key[0], sums)
        for key, slots in rows
        for dimension, group, sums in slots
    ]


def timeline(survey_id: int) -> list[tuple[date | None, str, int]]:
    """Submitted responses per day (local day of submission) and channel."""
    r = Response.__table__
    rows = db.session.execute(
        sa.select(r.c.submitted_on, r.c.channel, sa.func.count())
        .where(r.c.survey_id == survey_id, r.c.state == ResponseState.SUBMITTED)
        .group_by(r.c.submitted_on, r.c.channel)
        .order_by(r.c.submitted_on, r.c.channel)
    )
    return [(day, str(channel), int(n)) for day, channel, n in rows]


def _other_answers(survey_id: int, option_ids: Sequence[int]) -> Any:
    a, r = Answer.__table__, Response.__table__
    return (a.join(r, r.c.id == a.c.response_id), a, r), sa.and_(
        a.c.option_id.in_(option_ids),
        a.c.value_text.is_not(None),
        a.c.value_text != "",
        r.c.survey_id == survey_id,
        r.c.state == ResponseState.SUBMITTED,
    )


@dataclass(frozen=True, slots=True)
class OtherTexts:
    """The texts typed for one "Sonstiges" option: the most frequent, and how many."""

    texts: list[tuple[str, int]]
    distinct: int


def other_texts(survey_id: int, option_ids: Sequence[int], limit: int) -> dict[int, OtherTexts]:
    """The texts typed for "Sonstiges" options, counted, most frequent first (at most
    ``limit``), and the number of distinct texts, in one pass."""
    if not option_ids:
        return {}
    (source, a, _r), condition = _other_answers(survey_id, option_ids)
    count = sa.func.count().label("n")
    position = sa.func.row_number().over(
        partition_by=a.c.option_id, order_by=(count.desc(), a.c.value_text)
    )
    distinct = sa.func.count().over(partition_by=a.c.option_id)  # one row per text
    ranked = (
        sa.select(
            a.c.option_id, a.c.value_text, count, position.label("pos"), distinct.label("texts")
        )
        .select_from(source)
        .where(condition)
        .group_by(a.c.option_id, a.c.value_text)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ranked.c.option_id, ranked.c.value_text, ranked.c.n, ranked.c.texts)
        .where(ranked.c.pos <= limit)
        .order_by(ranked.c.option_id, ranked.c.pos)
    )
    out: dict[int, OtherTexts] = {}
    for option_id, text, n, texts in rows:
        out.setdefault(option_id, OtherTexts([], int(texts))).texts.append((text, int(n)))
    return out


# --- weights -----------------------------------------------------------------------


def margin_cells(profiled: sa.Table, positions: Sequence[int]) -> dict[CellKey, int]:
    """Respondents per combination of options in the margin questions (the profile's
    columns at ``positions``)."""
    dims = [profiled.c[f"d{i}"] for i in positions]
    rows = db.session.execute(sa.select(*dims, sa.func.count()).group_by(*dims))
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def write_weights(profiled: sa.Table, dims: Dimensions) -> None:
    """Store each submitted response's weight in ``Response.weight`` (one UPDATE;
    rows whose weight is unchanged are not written)."""
    r = Response.__table__
    p = profiled
    cells, on, weight = _weight_join(dims, [p.c[f"d{i}"] for i in dims.margin_positions])
    weights = (
        sa.select(p.c.rid, weight.label("w")).select_from(p.outerjoin(cells, on)).subquery("pw")
    )
    db.session.execute(
        sa.update(r)
        .where(r.c.id == weights.c.rid, r.c.weight != weights.c.w)
        .values(weight=weights.c.w)
        .execution_options(synchronize_session=False)
    )


def reset_weights(survey_id: int) -> None:
    r = Response.__table__
    db.session.execute(
        sa.update(r)
        .where(r.c.survey_id == survey_id, r.c.weight != 1.0)
        .values(weight=1.0)
        .execution_options(synchronize_session=False)
    )
