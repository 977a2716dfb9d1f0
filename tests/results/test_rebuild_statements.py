"""A survey rebuild issues a fixed, small number of statements: the demographic
profile of the responses is counted once (a table of its own) and read by every
statement that splits by group, whatever the number of responses or groups."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.results.margins import MarginEntry, save_margins
from app.results.tasks import run_rebuild
from tests.conftest import counting_queries
from tests.results.conftest import ResultsSurvey, add_responses, rebuild

# At most: the claim (2), the planner check (PostgreSQL: 3), the counting
# transaction's settings (PostgreSQL: 2), the questionnaire (5), the profile (create,
# fill, drop; on SQLite also dropped before), margins and weighting settings (2), the raking
# cells (weighted), timeline, weights, answer cells, respondents, "Sonstiges" texts (5);
# then the main snapshot and one cross-tab per demographic question (2 each).
FIXED = 23
PER_STORED_ROW = 2
PROFILE = "AS dem ON"  # the conditional aggregation over the demographic answers
CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


def _margins(made: ResultsSurvey) -> None:
    shares = {
        "age": {"under-18": 5, "18-29": 15, "30-44": 22, "45-59": 25, "60-74": 21, "75-plus": 12},
        "town": {"lehre": 40, "velpke": 35, "nord": 25},
    }
    entries = [
        MarginEntry(made.q[key].id, made.option(key, value).id, share)
        for key, options in shares.items()
        for value, share in options.items()
    ]
    save_margins(made.survey, entries, trim_cap=20.0, source="Zensus 2022")
    db.session.commit()


def _statements(made: ResultsSurvey) -> list[str]:
    """The statements of one rebuild, without transaction control (SQLite's BEGIN)."""
    with counting_queries() as statements:
        run_rebuild("survey", made.survey.id)
    return [s for s in statements if s.split()[0].upper() not in CONTROL]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_a_rebuild_counts_the_profile_once_in_a_bounded_number_of_statements(
    made: ResultsSurvey, weighted: bool
) -> None:
    if weighted:
        _margins(made)
    rebuild(made)  # the first rebuild creates the snapshot rows
    statements = _statements(made)
    assert sum(PROFILE in s for s in statements) == 1
    crosstabs = 3  # age, gender, town
    assert len(statements) <= FIXED + PER_STORED_ROW * (1 + crosstabs)


def test_the_statement_count_does_not_grow_with_the_responses(made: ResultsSurvey) -> None:
    rebuild(made)
    before = len(_statements(made))
    add_responses(made, 300, seed=2)
    rebuild(made)
    assert len(_statements(made)) == before
