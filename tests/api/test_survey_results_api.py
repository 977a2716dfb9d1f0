"""/surveys/<slug>/results: the stored survey snapshot, suppressed and labelled.

Overall, one group (``filter``), a cross-tab (``crosstab``), weighted figures, the
400s for unknown groups, visibility, ETag/304, the 202 while it is counted, and the
suppression check: no number in any answer that the public view of the snapshot
(``app.results.snapshots``, what the public results pages render) hides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.api.conditional import BODIES, RECENT
from app.db import utcnow
from app.extensions import db
from app.results import snapshots
from app.results.models import Aggregate
from app.surveys.builder.structure import set_state
from app.surveys.models import ResultsVisibility, SurveyState
from tests.api.conftest import get_json
from tests.conftest import counting_queries
from tests.factories import make_process
from tests.results.conftest import ResultsSurvey, add_responses, build_results_survey, rebuild
from tests.results.test_weighted_results import _margins

SLUG = "results-test"
URL = f"/api/v1/surveys/{SLUG}/results"
COUNT_KEYS = ("count", "n", "valid", "ranked")
TOWNS = ("lehre", "velpke", "nord")


@pytest.fixture
def made(app: Flask) -> ResultsSurvey:
    survey = build_results_survey(SLUG)
    survey.survey.results_visibility = ResultsVisibility.LIVE
    add_responses(survey, 300)
    rebuild(survey)
    return survey


def _question(body: dict[str, Any], question_id: int) -> dict[str, Any]:
    return next(q for q in body["questions"] if q["id"] == question_id)


def _cells(item: dict[str, Any]) -> dict[str, Any]:
    return {cell["value"]: cell for cell in item["options"]}


# --- examples --------------------------------------------------------------------------


def test_overall_results_with_labels(client: FlaskClient, made: ResultsSurvey) -> None:
    body = get_json(client, URL + "?lang=en")
    stored = snapshots.public_survey(made.survey.id)
    assert stored is not None
    assert body["visible"] is True and body["weighted"] is False
    assert body["respondents"] == {"n": 300, "weighted_n": None}
    assert (body["version"], body["threshold"]) == (stored["version"], 5)
    assert [q["id"] for q in body["questions"]] == [e["id"] for e in stored["questions"]]
    scale = _question(body, made.q["scale"].id)
    assert scale["prompt"] == {"text": "Zufrieden?", "lang": "de", "fallback": True}
    item = scale["items"][0]
    level = _cells(item)["1"]
    assert level["label"] == {"text": "Level 1", "lang": "en", "fallback": False}
    assert level["weighted"] is None and level["row_percent"] is None
    entry = next(e for e in stored["questions"] if e["id"] == made.q["scale"].id)
    assert [c["count"] for c in item["options"]] == [
        o["count"] for o in entry["items"][0]["options"]
    ]
    assert item["stats"]["mean"] == entry["items"][0]["stats"]["mean"]
    matrix = _question(body, made.q["matrix"].id)
    assert [i["row"]["label"]["text"] for i in matrix["items"]] == ["Ziel A", "Ziel B"]
    ranking = _question(body, made.q["rank"].id)["ranking"]
    assert ranking["top_n"] == 3 and {i["value"] for i in ranking["items"]} == set("abcde")
    text = _question(body, made.q["text"].id)
    assert text["items"] == [] and text["ranking"] is None


def test_county_survey_by_municipality(client: FlaskClient, made: ResultsSurvey) -> None:
    """The journalist's question: one municipality's results, then all side by side."""
    town = made.q["town"].id
    lehre = made.option("town", "lehre")
    body = get_json(client, URL + f"?filter={town}:lehre")
    group = next(
        g
        for d in snapshots.public_survey(made.survey.id)["demographics"]  # type: ignore[index]
        if d["question_id"] == town
        for g in d["groups"]
        if g["option_id"] == lehre.id
    )
    assert body["filter"]["option"]["value"] == "lehre"
    assert body["filter"]["hidden"] is False and body["filter"]["n"] == group["n"]
    assert town not in [q["id"] for q in body["questions"]]
    public = snapshots.public_filter(made.survey.id, lehre.id)
    assert public is not None
    scale = _question(body, made.q["scale"].id)
    column = next(q for q in public["questions"] if q["id"] == made.q["scale"].id)
    assert scale["n"] == column["n"] < body["respondents"]["n"]

    table = get_json(client, URL + f"?crosstab={town}")
    groups = table["crosstab"]["groups"]
    assert [g["key"] for g in groups][:3] == [str(made.option("town", v).id) for v in TOWNS]
    assert groups[-1]["key"] == "none" and groups[-1]["option"] is None
    scale = _question(table, made.q["scale"].id)
    assert [c["group"] for c in scale["columns"]] == [g["key"] for g in groups]
    shown = next(c for c in scale["columns"] if c["group"] == str(lehre.id))
    alone = _question(body, made.q["scale"].id)["items"][0]["options"]
    assert [c["count"] for c in shown["items"][0]["options"]] == [c["count"] for c in alone]
    assert any(o["row_percent"] is not None for o in shown["items"][0]["options"])
    assert scale["items"][0]["options"][0]["count"] is not None  # the total column too


def test_a_group_too_small_shows_nothing_and_says_so(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    data = snapshots.stored("survey", made.survey.id)
    assert data is not None
    hidden = [
        (d["question_id"], g["option_id"])
        for d in data["demographics"]
        for g in d["groups"]
        if g["hidden"] and g["option_id"] is not None
    ]
    assert hidden, "the skewed data leave some group below the threshold"
    question_id, option_id = hidden[0]
    value = next(o.value for q in made.survey.questions for o in q.options if o.id == option_id)
    body = get_json(client, URL + f"?filter={question_id}:{value}")
    assert body["filter"]["hidden"] is True and body["filter"]["n"] is None
    assert "not published" in body["filter"]["note"]
    assert body["questions"] == []


def test_weighted_figures_next_to_the_unweighted(client: FlaskClient, made: ResultsSurvey) -> None:
    _margins(made)
    rebuild(made)
    body = get_json(client, URL)
    assert body["weighted"] is True and body["respondents"]["weighted_n"] is not None
    assert body["weighting"]["active"] is True and body["weighting"]["source"] == "Zensus 2022"
    item = _question(body, made.q["single"].id)["items"][0]
    shown = [c for c in item["options"] if not c["suppressed"]]
    assert shown and all(c["count"] is not None and c["weighted"]["count"] for c in shown)
    assert any(c["percent"] != c["weighted"]["percent"] for c in shown)
    assert item["weighted"]["n_eff"] is not None
    table = get_json(client, URL + f"?crosstab={made.q['town'].id}")
    column = _question(table, made.q["single"].id)["columns"][0]
    assert column["items"][0]["weighted"] is not None


# --- bad requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("filter={town}:atlantis", ["filter"]),  # no such option
        ("filter={scale}:1", ["filter"]),  # not a demographic question
        ("filter=999999:lehre", ["filter"]),  # no such question
        ("filter=9999999999:lehre", ["filter"]),  # beyond any id (PostgreSQL: integer)
        ("filter={town}:le%00hre", ["filter"]),  # NUL: no value can hold it
        ("crosstab=9999999999", ["crosstab"]),
        ("crosstab={scale}", ["crosstab"]),
        ("crosstab=999999", ["crosstab"]),
        ("filter={town}:lehre&crosstab={town}", ["filter", "crosstab"]),
        ("filter=lehre", ["filter"]),  # not <question>:<option>
        ("groupby={town}", ["groupby"]),
    ],
)
def test_unknown_groups_are_a_400_naming_the_parameter(
    client: FlaskClient, made: ResultsSurvey, query: str, names: list[str]
) -> None:
    url = URL + "?" + query.format(town=made.q["town"].id, scale=made.q["scale"].id)
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert sorted(response.get_json()["errors"]) == sorted(names)


def test_only_public_surveys(client: FlaskClient, app: Flask) -> None:
    draft = build_results_survey("entwurf")
    hidden = make_process("intern", published=False)
    internal = build_results_survey("intern-umfrage")
    internal.survey.process_id = hidden.id
    db.session.commit()
    set_state(draft.survey, SurveyState.DRAFT)
    db.session.commit()
    for slug in ("entwurf", "intern-umfrage", "gibt-es-nicht"):
        response = client.get(f"/api/v1/surveys/{slug}/results")
        assert response.status_code == 404, slug
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "visibility", [ResultsVisibility.STAFF, ResultsVisibility.AFTER_CLOSE, ResultsVisibility.LIVE]
)
def test_results_only_when_the_survey_publishes_them(
    client: FlaskClient, made: ResultsSurvey, visibility: ResultsVisibility
) -> None:
    closes = utcnow() + timedelta(days=3)
    made.survey.results_visibility, made.survey.closes_at = visibility, closes
    db.session.commit()
    town = made.q["town"].id
    for query in ("", f"?filter={town}:lehre", f"?crosstab={town}"):
        body = get_json(client, URL + query)
        assert body["visible"] is (visibility == ResultsVisibility.LIVE)
        if not body["visible"]:
            assert body["questions"] == [] and body["respondents"] is None
            assert body["filter"] is None and body["crosstab"] is None
            assert not list(_numbers(body))
    body = get_json(client, URL)
    if visibility == ResultsVisibility.AFTER_CLOSE:
        assert body["visible_from"] == closes.isoformat()
        set_state(made.survey, SurveyState.CLOSED)
        db.session.commit()
        assert get_json(client, URL)["visible"] is True


# --- protocol --------------------------------------------------------------------------


def test_etag_follows_the_snapshot_version(client: FlaskClient, made: ResultsSurvey) -> None:
    first = client.get(URL)
    etag = first.headers["ETag"].strip('"')
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    add_responses(made, 5, seed=7)
    rebuild(made)
    RECENT.clear()
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.get_json()["version"] > first.get_json()["version"]
    assert again.get_json()["respondents"]["n"] == 305


def _drop_snapshots(survey_id: int) -> None:
    db.session.execute(
        sa.delete(Aggregate).where(Aggregate.scope.in_(["survey", "survey_crosstab"]))
    )
    db.session.commit()
    BODIES.clear()
    RECENT.clear()


def test_not_yet_counted_is_a_202_with_retry_after(
    client: FlaskClient, made: ResultsSurvey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count is queued, never done by the request (here: the queue is busy)."""
    _drop_snapshots(made.survey.id)
    queued: list[int] = []
    monkeypatch.setattr(
        "app.api.views.triggers.survey_changed", lambda survey_id: queued.append(survey_id)
    )
    with counting_queries() as statements:
        response = client.get(URL + f"?crosstab={made.q['town'].id}")
    assert response.status_code == 202
    assert response.headers["Retry-After"] == "10"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["status"] == "pending" and queued == [made.survey.id]
    assert not [s for s in statements if re.search(r"\bsurvey_answer\b", s)], "counted"


def test_without_a_worker_the_queued_count_runs_at_once(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    """Eager mode (no Redis): the queued rebuild runs on commit, so the answer is 200."""
    _drop_snapshots(made.survey.id)
    body = get_json(client, URL + f"?filter={made.q['town'].id}:velpke")
    assert body["filter"]["n"] and body["questions"]


def test_query_count_does_not_grow_with_the_responses(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    made.survey.process_id = make_process("kreis").id  # a process's survey, as usual
    db.session.commit()
    town = made.q["town"].id
    urls = [URL, URL + f"?filter={town}:lehre", URL + f"?crosstab={town}"]

    def queries(url: str) -> tuple[int, int]:
        BODIES.clear()
        RECENT.clear()
        with counting_queries() as full:
            response = client.get(url)
        assert response.status_code == 200
        RECENT.clear()
        with counting_queries() as cached:
            etag = response.headers["ETag"]
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        return len(full), len(cached)

    small = [queries(url) for url in urls]
    add_responses(made, 600, seed=3)
    rebuild(made)
    assert [queries(url) for url in urls] == small
    assert all(full <= 10 and cached <= 4 for full, cached in small), small


# --- suppression -----------------------------------------------------------------------


def _numbers(node: Any, path: str = "") -> Iterator[tuple[str, int]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in COUNT_KEYS and isinstance(value, int) and not isinstance(value, bool):
                yield f"{path}.{key}", value
            else:
                yield from _numbers(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, f"{path}[{index}]")


def _public_cells(view_questions: list[dict[str, Any]]) -> dict[tuple[Any, ...], Any]:
    """(question, row, option) → count, from a public snapshot view (None = hidden)."""
    cells: dict[tuple[Any, ...], Any] = {}
    for entry in view_questions:
        if entry.get("hidden"):
            cells[(entry["id"], "hidden")] = None
            continue
        for dist in entry.get("items", []):
            if dist.get("hidden"):
                cells[(entry["id"], dist.get("row_id"), "hidden")] = None
                continue
            for option in dist["options"]:
                cells[(entry["id"], dist.get("row_id"), option["id"])] = option["count"]
            cells[(entry["id"], dist.get("row_id"), "valid")] = dist.get("valid")
        ranking = entry.get("ranking")
        if ranking is not None:
            for item in ranking.get("items", []):
                cells[(entry["id"], "rank", item["id"])] = item.get("ranked")
    return cells


def _api_cells(questions: list[dict[str, Any]]) -> dict[tuple[Any, ...], Any]:
    cells: dict[tuple[Any, ...], Any] = {}
    for question in questions:
        if question["hidden"]:
            cells[(question["id"], "hidden")] = None
            continue
        for item in question["items"]:
            row = item["row"]["id"] if item["row"] else None
            if item["hidden"]:
                cells[(question["id"], row, "hidden")] = None
                continue
            for cell in item["options"]:
                assert (cell["count"] is None) is cell["suppressed"]
                cells[(question["id"], row, cell["id"])] = cell["count"]
            cells[(question["id"], row, "valid")] = item["valid"]
        if question["ranking"] is not None:
            for rank in question["ranking"]["items"]:
                cells[(question["id"], "rank", rank["id"])] = rank["ranked"]
    return cells


def _columns(questions: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    out = []
    for question in questions:
        column = next(c for c in question["columns"] if c["group"] == key)
        out.append({k: question[k] for k in ("id", "kind", "prompt")} | column)
    return out


def _view_columns(view: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [{"id": int(qid)} | table["columns"][key] for qid, table in view["questions"].items()]


@pytest.mark.parametrize("weighted", [False, True])
def test_no_answer_reveals_a_cell_the_public_view_hides(
    client: FlaskClient, made: ResultsSurvey, weighted: bool
) -> None:
    """Every number of every answer equals the public view's, hidden where it is
    hidden, and no count is below the threshold: overall, every group, every cross-tab."""
    if weighted:
        _margins(made)
        rebuild(made)
    survey_id = made.survey.id
    public = snapshots.public_survey(survey_id)
    assert public is not None
    body = get_json(client, URL)
    assert _api_cells(body["questions"]) == _public_cells(public["questions"])
    answers = [body]
    hidden_somewhere = any(v is None for v in _api_cells(body["questions"]).values())
    for demographic in public["demographics"]:
        question = demographic["question_id"]
        view = snapshots.public_crosstab(survey_id, question)
        assert view is not None
        table = get_json(client, URL + f"?crosstab={question}")
        answers.append(table)
        for group in demographic["groups"]:
            key = group["key"]
            api = _api_cells(_columns(table["questions"], key))
            assert api == _public_cells(_view_columns(view, key)), (question, key)
            hidden_somewhere |= any(v is None for v in api.values())
            if group["option_id"] is None:
                continue
            value = next(
                o.value
                for q in made.survey.questions
                for o in q.options
                if o.id == group["option_id"]
            )
            filtered = get_json(client, URL + f"?filter={question}:{value}")
            answers.append(filtered)
            assert filtered["filter"]["hidden"] is group["hidden"]
            shown = snapshots.public_filter(survey_id, group["option_id"])
            assert shown is not None
            if not group["hidden"]:
                assert _api_cells(filtered["questions"]) == _public_cells(shown["questions"])
    assert hidden_somewhere, "the skewed data must exercise suppression"
    small = [(w, n) for a in answers for w, n in _numbers(a) if 0 < n < body["threshold"]]
    assert not small, small[:5]


# --- the reference page ----------------------------------------------------------------


def test_the_reference_page_shows_the_county_survey_by_municipality(
    client: FlaskClient, made: ResultsSurvey
) -> None:
    html = client.get("/en/open-data").get_data(as_text=True)
    town = made.q["town"].id
    assert 'id="getSurveyResults"' in html
    assert "Example: a county survey's results by municipality" in html
    assert f"curl 'http://localhost{URL}?crosstab={town}&amp;lang=en'" in html
    assert f"?filter={town}:lehre&amp;lang=en" in html
    examples = set(re.findall(r'href="(/api/v1/surveys/[^"]+)"', html))
    assert f"{URL}?crosstab={town}&amp;lang=en" in examples
    assert URL in examples  # the operation's own example link
    for url in examples:
        body = get_json(client, url.replace("&amp;", "&"))
        assert body["visible"] is True
