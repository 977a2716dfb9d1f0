"""Small-cell suppression: no hidden cell can be derived from what is shown.

The check is independent of the algorithm (which reasons about bridges in a graph):
with numpy, a hidden entry is determined by the shown totals exactly when its unit
vector lies in the row space of the linear equations restricted to the hidden
entries.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.results.suppression import (
    TablePattern,
    find_bridges,
    hidden_groups,
    suppress_distribution,
    suppress_table,
)

K = 5
small_counts = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40])


def determined(equations: list[dict[object, int]], hidden: set[object]) -> set[object]:
    """The hidden variables that the equations (over shown and hidden ones) fix."""
    unknowns = sorted(hidden, key=repr)
    if not unknowns:
        return set()
    index = {v: i for i, v in enumerate(unknowns)}
    rows = []
    for equation in equations:
        row = np.zeros(len(unknowns))
        for variable, coefficient in equation.items():
            if variable in index:
                row[index[variable]] = coefficient
        rows.append(row)
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    fixed = set()
    for variable, i in index.items():
        unit = np.zeros(len(unknowns))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            fixed.add(variable)
    return fixed


def table_equations(rows: int, columns: int, additive: bool) -> list[dict[object, int]]:
    equations: list[dict[object, int]] = []
    for i in range(rows):
        equations.append({("c", i, j): 1 for j in range(columns)} | {("row", i): -1})
    if additive:
        for j in range(columns):
            equations.append({("c", i, j): 1 for i in range(rows)} | {("col", j): -1})
        equations.append({("row", i): 1 for i in range(rows)} | {"n": -1})
        equations.append({("col", j): 1 for j in range(columns)} | {"n": -1})
    return equations


def hidden_entries(pattern: TablePattern, hidden_rows: set[int]) -> set[object]:
    hidden: set[object] = {("c", i, j) for i, j in pattern.cells}
    hidden |= {("row", i) for i in hidden_rows}
    hidden |= {("col", j) for j in pattern.columns}
    return hidden


def entry_values(cells: list[list[int]]) -> dict[object, int]:
    rows, columns = len(cells), len(cells[0])
    values: dict[object, int] = {
        ("c", i, j): cells[i][j] for i in range(rows) for j in range(columns)
    }
    values |= {("row", i): sum(cells[i]) for i in range(rows)}
    values |= {("col", j): sum(cells[i][j] for i in range(rows)) for j in range(columns)}
    return values


def zero_hidden(cells: list[list[int]], pattern: TablePattern, hidden_rows: set[int]) -> bool:
    """A zero among the hidden entries: a complement when no non-zero cell closed the
    gap, or a cell of a hidden group (whose other unknowns may all be zeros)."""
    zero_cell = any(cells[i][j] == 0 for i, j in pattern.cells)
    return zero_cell or any(sum(cells[i]) == 0 for i in hidden_rows)


tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(small_counts, min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300)
@given(cells=tables, additive=st.booleans(), data=st.data())
def test_no_hidden_cell_follows_from_the_totals(
    cells: list[list[int]], additive: bool, data: st.DataObject
) -> None:
    rows, columns = len(cells), len(cells[0])
    if 0 < sum(map(sum, cells)) < K:
        return  # n itself is below the threshold: nothing is shown (survey_public)
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(cells[i][j] for i in range(rows)) for j in range(columns)]
    hidden_rows = suppress_distribution(row_totals, K, additive=additive)
    groups = data.draw(st.sets(st.integers(0, columns - 1), max_size=1))
    pattern = suppress_table(
        cells, column_totals, K, hidden_rows=hidden_rows, hidden_columns=groups, additive=additive
    )
    if pattern.hidden:
        return  # nothing of the table is shown
    hidden = hidden_entries(pattern, hidden_rows)
    values = entry_values(cells)
    equations = table_equations(rows, columns, additive)
    # Zeros as unknowns: a hidden zero may follow (it reveals nobody), a count may not.
    assert not {e for e in determined(equations, hidden) if values[e] > 0}
    # Zeros known to the reader (structural zeros): still no hidden count follows,
    # whenever no zero had to serve (tested with zeros above and in the examples below).
    nonzero = {e for e in hidden if values[e] > 0}
    if not zero_hidden(cells, pattern, hidden_rows):
        assert not determined(equations, nonzero)
    for i in range(rows):
        for j in range(columns):
            if 0 < cells[i][j] < K:
                assert (i, j) in pattern.cells  # primary
    for j in groups:
        assert j in pattern.columns and all((i, j) in pattern.cells for i in range(rows))


@given(counts=st.lists(small_counts, min_size=1, max_size=8), additive=st.booleans())
def test_a_distribution_shown_with_its_n_hides_no_derivable_count(
    counts: list[int], additive: bool
) -> None:
    hidden = suppress_distribution(counts, K, additive=additive)
    assert {i for i, c in enumerate(counts) if 0 < c < K} <= hidden
    if 0 < sum(counts) < K:
        return  # n itself is below the threshold: nothing is shown (survey_public)
    if additive:
        equation = {i: 1 for i in range(len(counts))} | {"n": -1}
        assert not determined([equation], set(hidden))
        # the complement is a zero only when every other count is zero
        if any(counts[i] == 0 for i in hidden):
            assert all(counts[i] == 0 for i in range(len(counts)) if i not in hidden)


def test_a_distribution_hides_the_smallest_non_zero_complement() -> None:
    # "3" is hidden; the smallest other count is the 0, but a zero is often known
    # (structural), so the 12 is hidden with it.
    counts = [3, 0, 12, 40]
    assert suppress_distribution(counts, K, additive=True) == {0, 2}
    shown = {i: c for i, c in enumerate(counts) if i not in {0, 2}}
    # n and the shown counts (the zero too) leave 3 + 12 = 15, in many ways
    equation = {i: 1 for i in range(len(counts))} | {"n": -1}
    assert not determined([equation], {0, 2})
    assert sum(counts) - sum(shown.values()) == 15
    # only zeros besides: the zero is the fallback (n < k then hides everything anyway)
    assert suppress_distribution([3, 0, 0], K, additive=True) == {0, 1}


def test_a_row_hides_a_non_zero_complement() -> None:
    # multiple choice per group: only row equations; the smallest other cell is a 0
    cells = [[2, 0, 30, 8]]
    pattern = suppress_table(
        cells, [10, 10, 40, 20], K, hidden_rows=set(), hidden_columns=set(), additive=False
    )
    assert pattern.cells == {(0, 0), (0, 3)}


def test_a_ranking_row_hides_at_least_k_rankers_together() -> None:
    # the item's overall mean rank is public: the hidden groups' combined rank sum is
    # the overall one minus the shown groups', so 1 + 2 hidden rankers would be known
    # as a pair; the next smallest group (6) joins them, making 9 >= k
    cells = [[1, 2, 6, 30, 0]]
    totals = [10, 10, 10, 40, 10]
    pattern = suppress_table(
        cells, totals, K, hidden_rows=set(), hidden_columns=set(), additive=False, row_mass=True
    )
    assert pattern.cells == {(0, 0), (0, 1), (0, 2)}
    plain = suppress_table(
        cells, totals, K, hidden_rows=set(), hidden_columns=set(), additive=False
    )
    assert plain.cells == {(0, 0), (0, 1)}  # what rows without a public mean need


@given(rows=st.lists(st.lists(small_counts, min_size=2, max_size=5), min_size=1, max_size=4))
def test_every_ranking_row_hides_none_or_at_least_k(rows: list[list[int]]) -> None:
    width = min(len(r) for r in rows)
    cells = [r[:width] for r in rows]
    totals = [max(40, sum(c[j] for c in cells)) for j in range(width)]
    pattern = suppress_table(
        cells, totals, K, hidden_rows=set(), hidden_columns=set(), additive=False, row_mass=True
    )
    for i, row in enumerate(cells):
        mass = sum(row[j] for j in range(width) if (i, j) in pattern.cells)
        # or every ranker of the item is hidden: then the overall row's own rule applies
        assert mass == 0 or mass >= K or mass == sum(row)


def test_a_table_hides_a_rectangle_without_zeros() -> None:
    # the cheapest rectangle through (0, 2) would use the zeros (cost 0 + 0 + 7)
    cells = [[20, 30, 2], [0, 18, 0], [33, 12, 50]]
    column_totals = [sum(c[j] for c in cells) for j in range(3)]
    pattern = suppress_table(
        cells, column_totals, K, hidden_rows=set(), hidden_columns=set(), additive=True
    )
    assert (0, 2) in pattern.cells
    assert all(cells[i][j] > 0 for i, j in pattern.cells)
    assert pattern.cells == {(0, 2), (0, 1), (2, 1), (2, 2)}  # 30 + 12 + 50 < 20 + 33 + 50
    hidden = hidden_entries(pattern, set())
    assert not determined(table_equations(3, 3, True), hidden)


@given(sizes=st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 7, 12, 30, 200]), min_size=1, max_size=7))
def test_subgroups_cannot_be_differenced(sizes: list[int]) -> None:
    groups = dict(enumerate(sizes))
    hidden = hidden_groups(groups, K)
    total = sum(sizes)
    union = sum(groups[g] for g in hidden)
    if total < K:
        assert hidden == {g for g, size in groups.items() if size}  # and no overall results
        return
    assert union == 0 or union >= K  # "all minus the shown groups" is ≥ k people
    for group, size in groups.items():
        if group not in hidden and size > 0:
            assert size >= K and total - size >= K


def test_a_bridge_is_an_edge_on_no_cycle() -> None:
    square = [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert find_bridges(2, 2, square) == []
    assert find_bridges(3, 2, [*square, (2, 0)]) == [(2, 0)]


def test_one_small_cell_hides_a_rectangle() -> None:
    cells = [[20, 30, 2], [25, 18, 40], [33, 12, 50]]
    totals = [sum(c[j] for c in cells) for j in range(3)]
    pattern = suppress_table(
        cells, totals, K, hidden_rows=set(), hidden_columns=set(), additive=True
    )
    assert (0, 2) in pattern.cells and len(pattern.cells) == 4
    # of the rectangles through (0, 2), the one hiding the fewest people: 20 + 25 + 40
    assert pattern.cells == {(0, 2), (0, 0), (1, 0), (1, 2)}


def test_the_trialog_hides_the_same_non_zero_complement() -> None:
    from app.ratings.models import ScaleKind
    from app.results.process_results import public_rating_pattern

    # importance 1..5: two "1", nobody chose "2": the empty "2" is no complement, the 9 is
    pattern = public_rating_pattern(ScaleKind.IMPORTANCE, {1: 2, 2: 0, 3: 9, 4: 30, 5: 40})
    assert pattern["cells"] == [1, 3]
    counts = [2, 0, 9, 30, 40]
    assert suppress_distribution(counts, K, additive=True) == {0, 2}  # the same rule
