"""Small-cell suppression: primary, secondary (complementary) and for subgroups.

Primary: a count ``c`` with ``0 < c < k`` is hidden (k = the survey's threshold).
Zeros are shown; they reveal no person.

Secondary, for a table with its row and column totals (and a 1-D distribution with
its n): a hidden cell must not follow from what is shown. The shown totals are
linear equations over the hidden entries; an entry is determined exactly when its
unit vector lies in the row space of those equations. For tables whose rows and
columns both add up, every entry occurs in exactly two equations (its row and its
column, or for a total: its line and the grand total), so the equations are the
incidence matrix of a graph whose edges are the hidden entries, and an entry is
determined exactly when its edge is a *bridge* (lies on no cycle). We therefore
hide further cells until the hidden entries contain no bridge: each bridge gets a
cheapest rectangle (four cells forming a cycle through it). Tables whose columns
do not add up (multiple choice, rankings: one person counts in several rows) only
have row equations: there every row needs zero or at least two unknowns.

Subgroups: a filter group with ``0 < N_g < k`` shows nothing, and so does a group
whose complement ``n - N_g`` is below k (else "all minus group" reveals the
complement). The hidden groups of one demographic question (counting those who did
not answer it) together must number 0 or at least k people, else "all minus the
shown groups" reveals them; more groups are hidden, smallest first.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
Cell = tuple[int, int]


def primary(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def suppress_distribution(counts: Sequence[int], threshold: int, *, additive: bool) -> set[int]:
    """Hidden positions of a 1-D distribution shown with its n.

    ``additive``: the counts add up to the n shown (one answer per person), so a
    single hidden count would follow from n; then the smallest other one is hidden too.
    """
    hidden = {i for i, c in enumerate(counts) if primary(c, threshold)}
    if additive and len(hidden) == 1:
        others = [i for i in range(len(counts)) if i not in hidden]
        if others:
            hidden.add(min(others, key=lambda i: (counts[i], i)))
    return hidden


def hidden_groups(sizes: Mapping[K, int], threshold: int) -> set[K]:
    """The groups (of one demographic question) that must show no results.

    ``sizes`` includes everyone: also the pseudo-group of those who did not answer.
    """
    total = sum(sizes.values())
    hidden = {
        g
        for g, size in sizes.items()
        if size > 0 and (size < threshold or total - size < threshold)
    }
    grow_union(sizes, hidden, threshold)
    return hidden


def grow_union(sizes: Mapping[K, int], hidden: set[K], threshold: int) -> None:
    """Hide the smallest further groups until the hidden ones are 0 or ≥ k people."""
    while 0 < sum(sizes[g] for g in hidden) < threshold:
        rest = [g for g, size in sizes.items() if g not in hidden and size > 0]
        if not rest:
            return
        hidden.add(min(rest, key=lambda g: sizes[g]))


@dataclass
class TablePattern:
    """What a public table hides: cells (row, column), whole columns, or all of it."""

    cells: set[Cell] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    hidden: bool = False


def suppress_table(
    cells: Sequence[Sequence[int]],
    column_totals: Sequence[int],
    threshold: int,
    *,
    hidden_rows: set[int],
    hidden_columns: set[int],
    additive: bool,
) -> TablePattern:
    """The public pattern of a rows x columns table shown with its totals.

    ``hidden_rows``: row totals hidden elsewhere (the overall distribution), fixed
    here. ``hidden_columns``: groups hidden as a whole. ``additive``: the columns add
    up as well (one answer per person).
    """
    rows, columns = len(cells), len(column_totals)
    hidden_cols = set(hidden_columns) | {
        j for j, total in enumerate(column_totals) if primary(total, threshold)
    }
    grow_union(dict(enumerate(column_totals)), hidden_cols, threshold)
    pattern = TablePattern(columns=hidden_cols)
    pattern.cells = {(i, j) for i in range(rows) for j in hidden_cols} | {
        (i, j)
        for i in range(rows)
        for j in range(columns)
        if j not in hidden_cols and primary(cells[i][j], threshold)
    }
    if rows == 0 or columns == 0:
        return pattern
    if additive:
        complete = _complete_additive(cells, pattern.cells, hidden_rows, hidden_cols)
    else:
        complete = _complete_rows(cells, pattern.cells, hidden_rows)
    if not complete:
        pattern.hidden = True
        pattern.cells = {(i, j) for i in range(rows) for j in range(columns)}
        pattern.columns = set(range(columns))
    return pattern


def _complete_rows(
    cells: Sequence[Sequence[int]], hidden: set[Cell], hidden_rows: set[int]
) -> bool:
    """Row equations only: no row may have exactly one unknown."""
    for i, row in enumerate(cells):
        unknowns = sum(1 for j in range(len(row)) if (i, j) in hidden) + (i in hidden_rows)
        if unknowns != 1:
            continue
        others = [j for j in range(len(row)) if (i, j) not in hidden]
        if not others:
            return False
        hidden.add((i, min(others, key=lambda j: (row[j], j))))
    return True


# --- tables that add up both ways: no hidden entry may be a bridge --------------------


def _edges(
    rows: int, columns: int, hidden: set[Cell], hidden_rows: set[int], hidden_cols: set[int]
) -> list[Cell]:
    """Hidden entries as (row node, column node); index ``rows``/``columns`` = totals."""
    edges = sorted(hidden)
    edges += [(i, columns) for i in sorted(hidden_rows)]
    edges += [(rows, j) for j in sorted(hidden_cols)]
    return edges


def _complete_additive(
    cells: Sequence[Sequence[int]],
    hidden: set[Cell],
    hidden_rows: set[int],
    hidden_cols: set[int],
) -> bool:
    rows, columns = len(cells), len(cells[0])
    while True:
        edges = _edges(rows, columns, hidden, hidden_rows, hidden_cols)
        bridges = find_bridges(rows + 1, columns + 1, edges)
        if not bridges:
            return True
        corners = _cheapest_rectangle(cells, bridges[0], set(edges))
        if corners is None:
            return False
        hidden.update(corners)


def _cheapest_rectangle(
    cells: Sequence[Sequence[int]], bridge: Cell, hidden_entries: set[Cell]
) -> list[Cell] | None:
    """The cheapest interior cells that close a 4-cycle through ``bridge``."""
    rows, columns = len(cells), len(cells[0])
    i, j = bridge
    best: tuple[tuple[int, int], list[Cell]] | None = None
    for other_row in range(rows + 1):
        for other_col in range(columns + 1):
            if other_row == i or other_col == j:
                continue
            corners = [(i, other_col), (other_row, j), (other_row, other_col)]
            new = [c for c in corners if c not in hidden_entries]
            if any(r == rows or c == columns for r, c in new):
                continue  # totals are fixed: only hidden ones may close the cycle
            cost = (sum(cells[r][c] for r, c in new), len(new))
            if best is None or cost < best[0]:
                best = (cost, new)
    return None if best is None else best[1]


def find_bridges(row_nodes: int, column_nodes: int, edges: Sequence[Cell]) -> list[Cell]:
    """The edges of a bipartite graph (row node, column node) that lie on no cycle."""
    adjacency: dict[int, list[tuple[int, int]]] = {}
    for index, (r, c) in enumerate(edges):
        a, b = r, row_nodes + c
        adjacency.setdefault(a, []).append((b, index))
        adjacency.setdefault(b, []).append((a, index))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: list[Cell] = []
    for start in adjacency:
        if start in order:
            continue
        _bridges_from(start, adjacency, order, low, bridges, edges)
    return sorted(bridges)


def _bridges_from(
    start: int,
    adjacency: dict[int, list[tuple[int, int]]],
    order: dict[int, int],
    low: dict[int, int],
    bridges: list[Cell],
    edges: Sequence[Cell],
) -> None:
    """Iterative Tarjan from ``start`` (no recursion limit for large tables)."""
    order[start] = low[start] = len(order)
    stack: list[tuple[int, int, int]] = [(start, -1, 0)]  # node, edge in, next neighbour
    while stack:
        node, via, position = stack[-1]
        neighbours = adjacency[node]
        if position < len(neighbours):
            stack[-1] = (node, via, position + 1)
            target, index = neighbours[position]
            if index == via:
                continue
            if target in order:
                low[node] = min(low[node], order[target])
            else:
                order[target] = low[target] = len(order)
                stack.append((target, index, 0))
            continue
        stack.pop()
        if stack:
            parent = stack[-1][0]
            low[parent] = min(low[parent], low[node])
            if low[node] > order[parent]:
                bridges.append(edges[via])
