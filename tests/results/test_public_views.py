"""Public views hide small cells (and what would reveal them); staff views do not,
carry a warning and are audited for subgroups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db
from app.results import snapshots
from app.results.settings import ThresholdError, set_threshold
from tests.factories import make_user
from tests.results.conftest import ResultsSurvey, rebuild
from tests.results.test_suppression import determined, table_equations

K = 5
COUNT_KEYS = ("count", "n", "valid", "ranked")


def _numbers(node: Any, path: str = "") -> Iterator[tuple[str, int]]:
    """Every count in a (public) view, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in COUNT_KEYS and isinstance(value, int):
                yield f"{path}.{key}", value
            else:
                yield from _numbers(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, f"{path}[{index}]")


def _assert_no_small_count(view: Any) -> None:
    small = [(where, n) for where, n in _numbers(view) if 0 < n < K]
    assert not small, small[:5]


def _groups(data: dict[str, Any], question_id: int) -> list[dict[str, Any]]:
    return next(d for d in data["demographics"] if d["question_id"] == question_id)["groups"]


def test_public_survey_filters_and_crosstabs_show_no_count_below_the_threshold(
    made: ResultsSurvey,
) -> None:
    data = rebuild(made)
    survey_id = made.survey.id
    public = snapshots.public_survey(survey_id)
    assert public is not None and "staff" not in public
    _assert_no_small_count(public)
    suppressed = [
        o
        for e in public["questions"]
        for i in e.get("items", [])
        for o in i.get("options", [])
        if o.get("suppressed")
    ]
    assert suppressed  # the skewed data has small cells
    for demographic in data["demographics"]:
        crosstab = snapshots.public_crosstab(survey_id, demographic["question_id"])
        _assert_no_small_count(crosstab)
        for group in demographic["groups"]:
            if group["option_id"] is not None:
                _assert_no_small_count(snapshots.public_filter(survey_id, group["option_id"]))


def test_a_small_group_has_no_filtered_results(made: ResultsSurvey) -> None:
    data = rebuild(made)
    diverse = made.option("gender", "diverse")
    size = next(g for g in _groups(data, made.q["gender"].id) if g["option_id"] == diverse.id)
    assert 0 < size["n"] < K and size["hidden"]
    view = snapshots.public_filter(made.survey.id, diverse.id)
    assert view is not None and view["hidden"] is True
    assert "questions" not in view and "n" not in view["filter"]


def test_a_filtered_page_is_the_crosstab_column_with_the_same_suppression(
    made: ResultsSurvey,
) -> None:
    rebuild(made)
    lehre = made.option("town", "lehre")
    view = snapshots.public_filter(made.survey.id, lehre.id)
    crosstab = snapshots.public_crosstab(made.survey.id, made.q["town"].id)
    assert view is not None and crosstab is not None and not view.get("hidden")
    for entry in view["questions"]:
        assert entry == crosstab["questions"][str(entry["id"])]["columns"][str(lehre.id)]


def test_nothing_hidden_in_a_public_crosstab_follows_from_what_it_shows(
    made: ResultsSurvey,
) -> None:
    rebuild(made)
    public = snapshots.public_survey(made.survey.id)
    assert public is not None
    for by in (made.q["town"].id, made.q["age"].id, made.q["gender"].id):
        crosstab = snapshots.public_crosstab(made.survey.id, by)
        assert crosstab is not None
        keys = [g["key"] for g in crosstab["groups"]]
        for key in ("scale", "single"):
            overall = next(e for e in public["questions"] if e["id"] == made.q[key].id)
            columns = crosstab["questions"][str(made.q[key].id)]["columns"]
            _check_table(overall["items"][0], [columns[k] for k in keys])


def _check_table(overall: dict[str, Any], columns: list[dict[str, Any]]) -> None:
    """Unknowns: hidden cells, hidden row totals (overall), hidden column totals."""
    options = overall["options"]
    hidden: set[object] = set()
    for i, option in enumerate(options):
        if option.get("suppressed"):
            hidden.add(("row", i))
        for j, column in enumerate(columns):
            if column.get("hidden"):
                hidden |= {("c", i, j), ("col", j)}
            elif column["items"][0].get("hidden") or column["items"][0]["options"][i].get(
                "suppressed"
            ):
                hidden.add(("c", i, j))
    for j, column in enumerate(columns):
        if column.get("hidden") or column["items"][0].get("hidden"):
            hidden.add(("col", j))
    equations = table_equations(len(options), len(columns), additive=True)
    assert not determined(equations, hidden)


def test_staff_see_everything_with_a_warning_and_subgroup_views_are_audited(
    made: ResultsSurvey,
) -> None:
    data = rebuild(made)
    staff = make_user("staff@example.org", "Staff")
    full = snapshots.staff_survey(made.survey)
    assert full is not None and full["warning"]["unsuppressed"] is True
    assert "staff" in full  # the "Sonstiges" texts
    diverse = made.option("gender", "diverse")
    small = snapshots.staff_filter(made.survey, diverse.id, staff)
    assert small is not None and small["filter"]["n"] == next(
        g["n"] for g in _groups(data, made.q["gender"].id) if g["option_id"] == diverse.id
    )
    snapshots.staff_crosstab(made.survey, made.q["town"].id, staff)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "results.unsuppressed_view")
    ).all()
    assert [e.after for e in events] == [
        {"filter_option_id": diverse.id},
        {"crosstab_by": made.q["town"].id},
    ]
    assert {e.actor_id for e in events} == {staff.id}


def test_the_threshold_is_per_survey_and_rebuilds_the_patterns(made: ResultsSurvey) -> None:
    rebuild(made)
    with pytest.raises(ThresholdError):
        set_threshold(made.survey, 0)
    assert set_threshold(made.survey, 12) is True
    db.session.commit()
    data = rebuild(made)
    assert data["threshold"] == 12
    public = snapshots.public_survey(made.survey.id)
    small = [(w, n) for w, n in _numbers(public) if 0 < n < 12]
    assert not small


def test_hidden_columns_never_add_up_to_a_small_group(made: ResultsSurvey) -> None:
    """Everyone minus the shown columns must not be 1…k-1 people, for any question."""
    data = rebuild(made)
    for demographic in data["demographics"]:
        stored = snapshots.stored("survey_crosstab", demographic["question_id"])
        public = snapshots.public_crosstab(made.survey.id, demographic["question_id"])
        assert stored is not None and public is not None
        for question_id, table in stored["questions"].items():
            shown = public["questions"][question_id]["columns"]
            hidden_n = sum(
                column["n"] for key, column in table["columns"].items() if shown[key].get("hidden")
            )
            assert hidden_n == 0 or hidden_n >= K, (question_id, hidden_n)
