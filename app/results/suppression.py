"""Small-cell suppression: primary, secondary (complementary) and for subgroups.

Primary: a count ``c`` with ``0 < c < k`` is hidden (k = the survey's threshold).
Zeros are shown; they reveal no person.

Complements are never zeros where a non-zero cell will do. A zero is often known
without the table (a structural zero: no under-18 is retired), so hiding it
protects nothing: the reader fills it in and derives the cell it was meant to
cover. Statistical offices therefore do not use zeros as complements. Every
complement below is chosen by :func:`complement` (smallest non-zero count, a zero
only when no other cell can close the gap), and the tables are first made safe
under the assumption that every zero is known; only when that is impossible does
a zero serve as a complement.

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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
Cell = tuple[int, int]


def primary(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def complement(candidates: Iterable[int], counts: Sequence[int]) -> int | None:
    """The complementary cell to hide among ``candidates`` (positions in ``counts``):
    the smallest non-zero count (it hides the fewest people), a zero only when every
    candidate is zero; ties by position. ``None`` without candidates.

    The one rule for survey tables, cross-tabs, subgroup columns and the Trialog's
    rating distributions (all of them reach it through this module).
    """
    return min(candidates, key=lambda i: (counts[i] == 0, counts[i], i), default=None)


def suppress_distribution(counts: Sequence[int], threshold: int, *, additive: bool) -> set[int]:
    """Hidden positions of a 1-D distribution shown with its n.

    ``additive``: the counts add up to the n shown (one answer per person), so a
    single hidden count would follow from n; then a :func:`complement` is hidden too.
    """
    hidden = {i for i, c in enumerate(counts) if primary(c, threshold)}
    if additive and len(hidden) == 1:
        other = complement((i for i in range(len(counts)) if i not in hidden), counts)
        if other is not None:
            hidden.add(other)
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
    row_mass: bool = False,
) -> TablePattern:
    """The public pattern of a rows x columns table shown with its totals.

    ``hidden_rows``: row totals hidden elsewhere (the overall distribution), fixed
    here. ``hidden_columns``: groups hidden as a whole. ``additive``: the columns add
    up as well (one answer per person). ``row_mass``: each row also shows a mean per
    cell beside a public overall mean (rankings: the mean rank per group), so the
    hidden cells of a row must together hold 0 or at least k people (see
    :func:`_grow_rows`).
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
    if complete and row_mass:
        _grow_rows(cells, pattern.cells, threshold)
    if not complete:
        pattern.hidden = True
        pattern.cells = {(i, j) for i in range(rows) for j in range(columns)}
        pattern.columns = set(range(columns))
    return pattern


def _complete_rows(
    cells: Sequence[Sequence[int]], hidden: set[Cell], hidden_rows: set[int]
) -> bool:
    """Row equations only: no row may have exactly one unknown.

    Hidden zeros count as known (see the module text), so a row whose only other
    unknown is a zero gets a non-zero complement as well.
    """
    for i, row in enumerate(cells):
        hidden_here = [j for j in range(len(row)) if (i, j) in hidden]
        known_zeros = sum(1 for j in hidden_here if row[j] == 0)
        unknowns = len(hidden_here) - known_zeros + (i in hidden_rows and sum(row) > 0)
        if unknowns != 1:
            continue
        other = complement((j for j in range(len(row)) if (i, j) not in hidden), row)
        if other is None:
            if known_zeros:
                continue  # the zero is the second unknown, as before: nothing better
            return False
        hidden.add((i, other))
    return True


def _grow_rows(cells: Sequence[Sequence[int]], hidden: set[Cell], threshold: int) -> None:
    """Hide further cells of each row until its hidden cells hold 0 or ≥ k people.

    A ranking row shows the item's overall mean rank (public) and each shown group's
    mean rank and count; the hidden groups' combined rank sum is then the overall sum
    minus the shown ones. If one person (or fewer than k) make up the hidden cells,
    their mean rank is their own. More cells are hidden, smallest non-zero first
    (:func:`complement`); a row with nothing left to hide keeps its pattern.
    """
    for i, row in enumerate(cells):
        while 0 < sum(row[j] for j in range(len(row)) if (i, j) in hidden) < threshold:
            other = complement(
                (j for j in range(len(row)) if (i, j) not in hidden and row[j] > 0), row
            )
            if other is None:
                break
            hidden.add((i, other))


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
    """Hide rectangles until no hidden entry is a bridge.

    First with every zero known: hidden zeros are no unknowns and no zero closes a
    rectangle, so no hidden count follows even for a reader who fills in the zeros.
    Only if that cannot be done (a bridge with no rectangle of non-zero cells) the
    zeros count as unknowns, and rectangles with the fewest zeros are preferred.
    """
    strict = set(hidden)
    if _close_bridges(cells, strict, hidden_rows, hidden_cols, zeros_known=True):
        hidden.update(strict)
        return True
    return _close_bridges(cells, hidden, hidden_rows, hidden_cols, zeros_known=False)


def _value(cells: Sequence[Sequence[int]], entry: Cell) -> int:
    """An entry's count: an interior cell, a row total (column index ``columns``) or a
    column total (row index ``rows``)."""
    rows, columns = len(cells), len(cells[0])
    r, c = entry
    if r < rows and c < columns:
        return cells[r][c]
    if r < rows:
        return sum(cells[r])
    return sum(cells[i][c] for i in range(rows)) if c < columns else sum(map(sum, cells))


def _close_bridges(
    cells: Sequence[Sequence[int]],
    hidden: set[Cell],
    hidden_rows: set[int],
    hidden_cols: set[int],
    *,
    zeros_known: bool,
) -> bool:
    rows, columns = len(cells), len(cells[0])
    while True:
        edges = _edges(rows, columns, hidden, hidden_rows, hidden_cols)
        if zeros_known:
            edges = [e for e in edges if _value(cells, e) > 0]
        bridges = find_bridges(rows + 1, columns + 1, edges)
        if not bridges:
            return True
        corners = _cheapest_rectangle(cells, bridges[0], set(edges), zeros_known=zeros_known)
        if corners is None:
            return False
        hidden.update(corners)


def _cheapest_rectangle(
    cells: Sequence[Sequence[int]],
    bridge: Cell,
    hidden_entries: set[Cell],
    *,
    zeros_known: bool,
) -> list[Cell] | None:
    """The cheapest interior cells that close a 4-cycle through ``bridge``: fewest
    zeros (none at all if ``zeros_known``), then fewest people, then fewest cells."""
    rows, columns = len(cells), len(cells[0])
    i, j = bridge
    best: tuple[tuple[int, int, int], list[Cell]] | None = None
    for other_row in range(rows + 1):
        for other_col in range(columns + 1):
            if other_row == i or other_col == j:
                continue
            corners = [(i, other_col), (other_row, j), (other_row, other_col)]
            new = [c for c in corners if c not in hidden_entries]
            if any(r == rows or c == columns for r, c in new):
                continue  # totals are fixed: only hidden ones may close the cycle
            zeros = sum(1 for r, c in new if cells[r][c] == 0)
            if zeros and zeros_known:
                continue  # a known zero closes nothing
            cost = (zeros, sum(cells[r][c] for r, c in new), len(new))
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
