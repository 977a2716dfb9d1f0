"""What an export writer consumes: a header, rows produced in chunks, extra sheets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Cell = str | int | float | None | Any  # dates are written as dates by the XLSX writer


@dataclass
class Sheet:
    """A small extra sheet (XLSX only): a summary or a codebook."""

    name: str
    headers: list[str]
    rows: list[list[Cell]]
    widths: list[int] = field(default_factory=list)


@dataclass
class Table:
    """The data of one export.

    ``chunks`` yields lists of rows; the runner reports progress between chunks.
    ``extra_sheets`` is called after the last chunk (it may use counts gathered
    while the rows were produced).
    """

    name: str  # the data sheet's name
    headers: list[str]
    total: int
    chunks: Iterator[list[list[Cell]]]
    widths: list[int] = field(default_factory=list)
    wrap: set[int] = field(default_factory=set)  # column indexes with long text
    extra_sheets: Callable[[], list[Sheet]] = lambda: []
