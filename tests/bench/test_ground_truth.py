"""``bench.ground_truth`` (issue 16, item 6): the checks catch what they are for, and a
small real run on the stack holds them.

The comparison logic (``bench.truth``, the error count and the checks of
``bench.ground_truth``) gets plain data: good input passes, and each kind of bad
input (a lost key, a second response, a key acknowledged twice, a count that differs
from SQL, an error status) is found. The real run (PostgreSQL pass only) submits 50
responses through gunicorn with wrk and reads the results file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import truth
from bench.ground_truth import acknowledged, checks, errors
from bench.wrk import WrkResult
from tests.conftest import PG_ADMIN_URL, REDIS_TEST_URL

ROOT = Path(__file__).resolve().parents[2]

# --- submissions ---------------------------------------------------------------------


def test_every_acknowledged_key_stored_once_is_clean() -> None:
    found = truth.check_submissions(["a", "b", "c"], ["a", "b", "c"], {"a": 1, "b": 1, "c": 1})
    assert found.as_dict() == {
        "prepared": 3,
        "acknowledged": 3,
        "acknowledged_twice": 0,
        "stored": 3,
        "lost": 0,
        "dupes": 0,
        "stored_unacknowledged": 0,
        "stored_unknown": 0,
    }


def test_an_acknowledged_key_without_a_response_is_lost() -> None:
    found = truth.check_submissions(["a", "b"], ["a", "b"], {"a": 1})
    assert (found.lost, found.stored) == (1, 1)


def test_two_responses_for_one_key_are_a_duplicate() -> None:
    found = truth.check_submissions(["a", "b"], ["a", "b"], {"a": 2, "b": 1})
    assert (found.dupes, found.lost) == (1, 0)


def test_a_key_acknowledged_twice_is_a_duplicate() -> None:
    found = truth.check_submissions(["a", "b"], ["a", "b", "a"], {"a": 1, "b": 1})
    assert (found.dupes, found.acknowledged_twice, found.acknowledged) == (1, 1, 2)


def test_stored_but_not_acknowledged_and_unknown_keys_are_counted_apart() -> None:
    found = truth.check_submissions(["a", "b"], ["a"], {"a": 1, "b": 1, "x": 1})
    assert (found.stored_unacknowledged, found.stored_unknown, found.lost) == (1, 1, 0)


# --- snapshot against SQL ---------------------------------------------------------------

SNAPSHOT: dict[str, Any] = {
    "respondents": {"n": 3},
    "questions": [
        {
            "id": 1,
            "kind": "single_choice",
            "n": 3,
            "items": [
                {"row_id": None, "options": [{"id": 10, "count": 2}, {"id": 11, "count": 1}]}
            ],
        },
        {
            "id": 2,
            "kind": "matrix",
            "items": [
                {"row_id": 5, "options": [{"id": 20, "count": 3}, {"id": 21, "count": 0}]},
                {"row_id": 6, "options": [{"id": 20, "count": 1}, {"id": 21, "count": 2}]},
            ],
        },
        {"id": 3, "kind": "ranking", "ranking": {"items": [{"id": 30, "by_rank": [2, 1]}]}},
        {"id": 4, "kind": "number", "items": [{"histogram": [[7.0, 2, 2.0], [9.5, 1, 1.0]]}]},
        {"id": 5, "kind": "long_text", "n": 2},
    ],
}
# (question, row, option, rank, number, count) as GROUP BY returns them; a text
# answer's rows differ only in their text, which the query does not group by.
SQL_ROWS: list[tuple[Any, ...]] = [
    (1, None, 10, None, None, 2),
    (1, None, 11, None, None, 1),
    (2, 5, 20, None, None, 3),
    (2, 6, 20, None, None, 1),
    (2, 6, 21, None, None, 2),
    (3, None, 30, 1, None, 2),
    (3, None, 30, 2, None, 1),
    (4, None, None, None, 7, 2),
    (4, None, None, None, 9.5, 1),
    (5, None, None, None, None, 2),
]


def _sql(rows: list[tuple[Any, ...]], respondents: int = 3) -> dict[truth.CountKey, int]:
    return truth.counts_by_kind(rows, truth.kinds_of(SNAPSHOT), respondents)


def test_a_snapshot_that_counts_what_sql_counts_matches() -> None:
    snapshot = truth.snapshot_counts(SNAPSHOT)
    assert truth.compare_counts(snapshot, _sql(SQL_ROWS)) == []
    assert len(snapshot) == 11  # the matrix's zero is no key; respondents are one


def test_one_option_counted_differently_is_a_mismatch() -> None:
    rows = [r if r[:3] != (2, 6, 21) else (2, 6, 21, None, None, 3) for r in SQL_ROWS]
    assert truth.compare_counts(truth.snapshot_counts(SNAPSHOT), _sql(rows)) == [
        truth.Mismatch((2, 6, 21, None, None), 2, 3)
    ]


def test_an_answer_the_snapshot_lacks_is_a_mismatch() -> None:
    rows = [*SQL_ROWS, (2, 5, 21, None, None, 1), (99, None, 1, None, None, 4)]
    mismatches = truth.compare_counts(truth.snapshot_counts(SNAPSHOT), _sql(rows))
    assert [(m.key, m.snapshot, m.sql) for m in mismatches] == [
        ((2, 5, 21, None, None), 0, 1),
        ((99, None, 1, None, None), 0, 4),
    ]


def test_a_rank_a_number_a_text_and_the_respondents_are_compared_too() -> None:
    rows = [r for r in SQL_ROWS if r[0] not in (3, 4, 5)]
    rows += [(3, None, 30, 1, None, 1), (3, None, 30, 2, None, 1)]  # one rank 1 fewer
    rows += [(4, None, None, None, 7, 2), (4, None, None, None, 9.0, 1)]  # 9.0, not 9.5
    rows += [(5, None, None, None, None, 1), (5, None, None, None, None, 2)]  # 3 texts
    differ = {m.key for m in truth.compare_counts(truth.snapshot_counts(SNAPSHOT), _sql(rows, 4))}
    assert differ == {
        (3, None, 30, 1, None),
        (4, None, None, None, 9.5),
        (4, None, None, None, 9.0),
        (5, None, None, None, None),
        truth.RESPONDENTS,
    }


# --- errors and checks -------------------------------------------------------------------


def _wrk(statuses: dict[str, int], bad: int, **errors_: int) -> WrkResult:
    counts = dict.fromkeys(("connect", "read", "write", "timeout"), 0) | errors_
    return WrkResult(1.0, 10, counts, {"p99": 1.0}, bad=bad, statuses=statuses)


def test_error_statuses_socket_errors_and_other_answers_are_told_apart() -> None:
    result = _wrk({"3:500": 2, "1:429": 1, "2:200": 4}, bad=7, read=1, status=3)
    assert errors(result) == {"socket": 1, "http": 3, "unexpected": 4}
    # wrk's "timeout" is an answer slower than 10 s, counted apart, not a failed request
    assert errors(_wrk({}, bad=0, timeout=5)) == {"socket": 0, "http": 0, "unexpected": 0}
    assert errors(_wrk({}, bad=0)) == {"socket": 0, "http": 0, "unexpected": 0}


GOOD: dict[str, Any] = {
    "load": {"errors": {"socket": 0, "http": 0, "unexpected": 0}},
    "submissions": truth.check_submissions(["a"], ["a"], {"a": 1}).as_dict(),
    "catch_up": {"caught_up": True},
    "counts": {"match": True},
}


@pytest.mark.parametrize(
    ("part", "change", "failed"),
    [
        ("load", {"errors": {"socket": 0, "http": 1, "unexpected": 0}}, "no_errors"),
        ("submissions", {"acknowledged": 0}, "all_acknowledged"),
        ("submissions", {"lost": 1}, "none_lost"),
        ("submissions", {"dupes": 1}, "no_dupes"),
        ("catch_up", {"caught_up": False}, "aggregates_caught_up"),
        ("counts", {"match": False}, "counts_match"),
    ],
)
def test_each_check_fails_on_its_bad_outcome(
    part: str, change: dict[str, Any], failed: str
) -> None:
    assert all(checks(GOOD).values())
    outcome = GOOD | {part: GOOD[part] | change}
    assert [name for name, ok in checks(outcome).items() if not ok] == [failed]


def test_acknowledged_keys_are_read_from_every_thread_with_repeats(tmp_path: Path) -> None:
    (tmp_path / "truth.0.acked").write_text("a\nb\n")
    (tmp_path / "truth.2.acked").write_text("c\na\n")
    assert sorted(acknowledged(tmp_path / "truth", 3)) == ["a", "a", "b", "c"]


# --- a small real run (PostgreSQL pass) --------------------------------------------------


@pytest.mark.postgres
@pytest.mark.worker
def test_fifty_submissions_on_the_real_stack_hold_the_ground_truth(
    bench_database: str, tmp_path: Path
) -> None:
    run = subprocess.run(  # noqa: S603  (our own module, fixed arguments)
        [
            *(sys.executable, "-m", "bench.ground_truth", "--submissions", "50"),
            *("--clients", "4", "--database", bench_database, "--redis", REDIS_TEST_URL),
            *("--catch-up", "60", "--max-seconds", "120", "--results", str(tmp_path)),
        ],
        cwd=ROOT,
        env=os.environ | {"BENCH_PG_URL": PG_ADMIN_URL},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    [path] = tmp_path.glob("ground-truth-*.json")
    outcome = json.loads(path.read_text())["outcome"]
    keys = outcome["submissions"]
    # Every prepared key acknowledged, the first of thread 0 too (wrk's check request).
    assert keys["prepared"] == keys["acknowledged"] == keys["stored"] == 50
    assert (keys["lost"], keys["dupes"], keys["stored_unknown"]) == (0, 0, 0)
    assert outcome["load"]["reported_keys"] == 50  # wrk's own report agrees with the log
    assert outcome["catch_up"] == outcome["catch_up"] | {"caught_up": True, "counted": 50}
    assert outcome["counts"]["match"] and outcome["counts"]["keys"] > 50
    assert all(outcome["checks"].values())
