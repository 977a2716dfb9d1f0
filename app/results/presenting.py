"""What the results pages show, built from a stored snapshot and the questionnaire.

The snapshot (``app.results.snapshots``) holds ids and numbers; this module adds the
question, option and row texts in the reader's language, the charts and the
one-sentence summaries. It never counts: it reads one or two snapshot rows and the
questionnaire (a fixed number of queries, whatever the number of responses).

Public snapshots carry ``None`` with ``suppressed`` for a hidden cell and
``{"hidden": true}`` for a hidden distribution; these become ``Cell.suppressed`` and
``Item.hidden`` here, so a template never sees a hidden number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from app.i18n import tr_text
from app.results import charts, triggers
from app.results.filters import GroupParams
from app.surveys.models import Question, QuestionKind, Survey

LIKERT_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.MATRIX})
CROSSTAB_KINDS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.MATRIX,
        QuestionKind.NUMBER,
        QuestionKind.RANKING,
    }
)


@dataclass
class Cell:
    label: str
    na: bool = False
    suppressed: bool = False
    count: int | None = None
    pct: float | None = None
    vpct: float | None = None
    ci: list[float] | None = None
    wcount: float | None = None
    wvpct: float | None = None
    wpct: float | None = None
    wci: list[float] | None = None


@dataclass
class Item:
    """One distribution: a question, or one row of a matrix."""

    label: str | None
    hidden: bool = False
    n: int | None = None
    valid: int | None = None
    valid_hidden: bool = False
    cells: list[Cell] = field(default_factory=list)
    no_answer: list[Cell] = field(default_factory=list)
    stats: dict[str, Any] | None = None
    wstats: dict[str, Any] | None = None
    wn: float | None = None
    neff: float | None = None

    @property
    def any_suppressed(self) -> bool:
        return any(c.suppressed for c in self.cells + self.no_answer) or self.valid_hidden


@dataclass
class RankItem:
    label: str
    suppressed: bool = False
    ranked: int | None = None
    mean_rank: float | None = None
    borda_avg: float | None = None
    by_rank: list[int] | None = None
    wmean_rank: float | None = None


@dataclass
class QuestionView:
    id: int
    prompt: str
    kind: str
    hidden: bool = False
    n: int | None = None
    items: list[Item] = field(default_factory=list)
    ranking: list[RankItem] | None = None
    ranking_hidden: bool = False
    top_n: int = 0
    chart: Markup | None = None
    chart_withheld: bool = False
    summary: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)
    other_texts: list[tuple[str, list[list[Any]], int]] = field(default_factory=list)


@dataclass
class GroupChoice:
    option_id: int
    label: str
    n: int | None
    param: str = ""  # its ``?group=`` value (``app.results.filters``)


@dataclass
class Demographic:
    question_id: int
    prompt: str
    groups: list[GroupChoice]


@dataclass
class SurveyResults:
    as_of: datetime
    respondents: dict[str, Any]
    weighted: bool
    threshold: int
    questions: list[QuestionView]
    timeline: list[dict[str, Any]] = field(default_factory=list)
    timeline_chart: Markup | None = None
    timeline_summary: str = ""


def as_of(data: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(data["as_of"])


def pct_text(value: float | None) -> str:
    return "" if value is None else f"{format_decimal(value, format='#,##0.0')} %"


# --- the questionnaire -----------------------------------------------------------------


@dataclass
class Labels:
    questions: dict[int, Question]
    options: dict[int, str]
    rows: dict[int, str]

    @classmethod
    def of(cls, survey: Survey) -> Labels:
        questions = {q.id: q for q in survey.questions}
        options = {o.id: tr_text(o.label) for q in questions.values() for o in q.options}
        rows = {r.id: tr_text(r.label) for q in questions.values() for r in q.rows}
        return cls(questions, options, rows)

    def prompt(self, question_id: int) -> str:
        question = self.questions.get(question_id)
        return tr_text(question.prompt) if question else ""

    def option(self, option_id: int | None) -> str:
        if option_id is None:
            return _("No answer given")
        return self.options.get(option_id, "")


# --- distributions ---------------------------------------------------------------------


def _cell(option: dict[str, Any], labels: Labels) -> Cell:
    keys = ("count", "pct", "vpct", "ci", "wcount", "wvpct", "wpct", "wci")
    values = {k: option.get(k) for k in keys}
    return Cell(
        label=labels.option(option["id"]),
        na=bool(option.get("na")),
        suppressed=bool(option.get("suppressed")),
        **values,
    )


def item_view(dist: dict[str, Any], labels: Labels) -> Item:
    row = dist.get("row_id")
    item = Item(label=labels.rows.get(row) if row else None)
    if dist.get("hidden"):
        item.hidden = True
        return item
    cells = [_cell(o, labels) for o in dist.get("options", [])]
    item.cells = [c for c in cells if not c.na]
    item.no_answer = [c for c in cells if c.na]
    item.n, item.valid = dist.get("n"), dist.get("valid")
    item.valid_hidden = bool(dist.get("valid_hidden"))
    item.stats, item.wstats = dist.get("stats"), dist.get("wstats")
    item.wn, item.neff = dist.get("wn"), dist.get("neff")
    return item


def _ranking(entry: dict[str, Any], labels: Labels) -> tuple[list[RankItem], bool]:
    ranking = entry.get("ranking") or {}
    if ranking.get("hidden"):
        return [], True
    items = []
    for item in ranking.get("items", []):
        label = labels.option(item["id"])
        if item.get("suppressed"):
            items.append(RankItem(label, suppressed=True))
            continue
        items.append(
            RankItem(
                label,
                ranked=item.get("ranked"),
                mean_rank=item.get("mean_rank"),
                borda_avg=item.get("borda_avg"),
                by_rank=item.get("by_rank"),
                wmean_rank=item.get("wmean_rank"),
            )
        )
    return items, False


# --- charts and summaries --------------------------------------------------------------


def _share(cell: Cell, weighted: bool) -> float | None:
    return cell.wvpct if weighted and cell.wvpct is not None else cell.vpct


def _likert(view: QuestionView, weighted: bool) -> None:
    shown = [item for item in view.items if not item.hidden]
    if not shown or any(i.any_suppressed or i.valid == 0 for i in shown):
        view.chart_withheld = bool(shown)
        return
    stacks = [
        charts.Stack(item.label or "", [_share(c, weighted) or 0.0 for c in item.cells])
        for item in shown
    ]
    view.chart = charts.diverging_bars(stacks)
    classes = charts.point_classes(len(shown[0].cells))
    view.legend = [(c.label, css) for c, css in zip(shown[0].cells, classes, strict=True)]
    first = shown[0]
    points = len(first.cells)
    top = sum(_share(c, weighted) or 0.0 for c in first.cells[points - points // 2 :])
    bottom = sum(_share(c, weighted) or 0.0 for c in first.cells[: points // 2])
    args = {
        "top": pct_text(top),
        "bottom": pct_text(bottom),
        "valid": format_decimal(first.valid or 0),
    }
    if points < 4:
        view.summary = _(
            "%(top)s chose the upper, %(bottom)s the lower end of the scale "
            "(of %(valid)s valid answers).",
            **args,
        )
    elif first.label:
        view.summary = _(
            "“%(row)s”: %(top)s chose one of the upper two points of the scale, %(bottom)s one "
            "of the lower two (of %(valid)s valid answers).",
            row=first.label,
            **args,
        )
    else:
        view.summary = _(
            "%(top)s chose one of the upper two points of the scale, %(bottom)s one of the "
            "lower two (of %(valid)s valid answers).",
            **args,
        )


def _choice(view: QuestionView, hidden_text: str, weighted: bool) -> None:
    item = view.items[0] if view.items else None
    if item is None or item.hidden or item.valid_hidden or not item.valid:
        view.chart_withheld = bool(item and not item.hidden and item.valid)
        return
    bars = [
        charts.Bar(
            c.label,
            None if c.suppressed else _share(c, weighted),
            tuple((c.wci if weighted and c.wci else c.ci) or ()) or None,  # type: ignore[arg-type]
            pct_text(_share(c, weighted)),
        )
        for c in item.cells
    ]
    view.chart = charts.choice_bars(bars, hidden_text)
    shown = [c for c in item.cells if not c.suppressed and _share(c, weighted) is not None]
    if shown:
        best = max(shown, key=lambda c: _share(c, weighted) or 0.0)
        view.summary = _(
            "The most frequent answer is “%(option)s” with %(pct)s of %(valid)s valid answers.",
            option=best.label,
            pct=pct_text(_share(best, weighted)),
            valid=format_decimal(item.valid),
        )


def question_view(
    entry: dict[str, Any], labels: Labels, weighted: bool = False, staff: dict | None = None
) -> QuestionView:
    question = labels.questions.get(entry["id"])
    view = QuestionView(id=entry["id"], prompt=labels.prompt(entry["id"]), kind=entry["kind"])
    if entry.get("hidden"):
        view.hidden = True
        return view
    view.n = entry.get("n")
    view.items = [item_view(d, labels) for d in entry.get("items", [])]
    if "ranking" in entry:
        view.ranking, view.ranking_hidden = _ranking(entry, labels)
        view.top_n = int((entry.get("ranking") or {}).get("top_n") or 0)
    kind = QuestionKind(entry["kind"])
    if kind in LIKERT_KINDS:
        _likert(view, weighted)
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        _choice(view, _("hidden"), weighted)
    if staff and question is not None:
        for option in question.options:
            texts = staff.get(str(option.id))
            if option.is_other and texts and texts.get("texts"):
                view.other_texts.append((tr_text(option.label), texts["texts"], texts["more"]))
    return view


def _timeline(data: list[dict[str, Any]]) -> tuple[Markup | None, str]:
    days = [(d["day"], int(d.get("online", 0)) + int(d.get("paper", 0))) for d in data]
    if not days:
        return None, ""
    first, last = (format_date(date.fromisoformat(days[i][0]), "medium") for i in (0, -1))
    chart = charts.timeline(days, first, last)
    peak_day, peak = max(days, key=lambda d: d[1])
    summary = _(
        "Responses arrived on %(days)s days between %(first)s and %(last)s; the most "
        "(%(peak)s) on %(peak_day)s.",
        days=format_decimal(len(days)),
        first=first,
        last=last,
        peak=format_decimal(peak),
        peak_day=format_date(date.fromisoformat(peak_day), "medium"),
    )
    return chart, summary


def survey_results(
    data: dict[str, Any], survey: Survey, labels: Labels, *, timeline: bool = True
) -> SurveyResults:
    """The page of a (public or staff) survey snapshot or filtered view."""
    weighted = bool(data.get("weighted"))
    staff_texts = (data.get("staff") or {}).get("other_texts")
    questions = [question_view(e, labels, weighted, staff_texts) for e in data["questions"]]
    results = SurveyResults(
        as_of=as_of(data),
        respondents=data.get("respondents") or {},
        weighted=weighted,
        threshold=int(data.get("threshold") or survey.suppression_threshold),
        questions=questions,
    )
    if timeline and data.get("timeline"):
        results.timeline = [d | {"day": date.fromisoformat(d["day"])} for d in data["timeline"]]
        results.timeline_chart, results.timeline_summary = _timeline(data["timeline"])
    return results


def demographics(
    data: dict[str, Any], labels: Labels, *, public: bool, params: GroupParams | None = None
) -> list[Demographic]:
    """The groups a page can be filtered by (public: only groups with a page)."""
    out = []
    for demographic in data.get("demographics", []):
        groups = [
            GroupChoice(
                g["option_id"],
                labels.option(g["option_id"]),
                g.get("n"),
                params.param(g["option_id"]) if params else str(g["option_id"]),
            )
            for g in demographic["groups"]
            if g["option_id"] is not None and not (public and g.get("hidden"))
        ]
        out.append(
            Demographic(
                demographic["question_id"], labels.prompt(demographic["question_id"]), groups
            )
        )
    return out


def find_group(data: dict[str, Any], option_id: int) -> dict[str, Any] | None:
    for demographic in data.get("demographics", []):
        for group in demographic["groups"]:
            if group["option_id"] == option_id:
                return group | {"question_id": demographic["question_id"]}
    return None


# --- cross-tabs ------------------------------------------------------------------------

CROSSTAB_MODES = ("counts", "row", "column")


@dataclass
class CrossColumn:
    label: str
    n: int | None
    hidden: bool


@dataclass
class CrossRow:
    label: str
    cells: list[str | None]  # None: hidden
    total: str | None


@dataclass
class CrossTable:
    label: str | None
    columns: list[CrossColumn]
    rows: list[CrossRow]
    measure: str | None = None  # what the cells are, if not the chosen mode (rankings)
    total_label: str | None = None  # the heading of the total column, if not a count


def _cell_text(option: dict[str, Any], mode: str) -> str | None:
    if option.get("suppressed"):
        return None
    if mode == "counts":
        count = option.get("count")
        return None if count is None else format_decimal(count)
    value = option.get("rpct" if mode == "row" else "pct")
    return None if value is None else pct_text(value)


def crosstab_tables(
    table: dict[str, Any],
    overall: dict[str, Any],
    groups: list[dict[str, Any]],
    labels: Labels,
    mode: str,
) -> list[CrossTable]:
    """One table per item of the question: its options by the groups of ``by``.

    ``table`` is the question's entry of a cross-tab snapshot (public or staff),
    ``overall`` the question in the main snapshot (the row totals), ``groups`` the
    demographic groups (public ones carry ``hidden``)."""
    keys = [g["key"] for g in groups]
    hidden_groups = {g["key"] for g in groups if g.get("hidden")}
    columns = {key: table["columns"].get(key) or {"hidden": True} for key in keys}
    tables = []
    for index, total_item in enumerate(overall.get("items", [])):
        row_id = total_item.get("row_id")
        header = []
        for group in groups:
            column = columns[group["key"]]
            hidden = group["key"] in hidden_groups or bool(column.get("hidden"))
            item: dict[str, Any] = {} if hidden else column["items"][index]
            hidden = hidden or bool(item.get("hidden"))
            n = None if hidden else item["n"]
            header.append(CrossColumn(labels.option(group["option_id"]), n, hidden))
        rows = []
        for position, option in enumerate(total_item.get("options", [])):
            cells: list[str | None] = []
            for group, head in zip(groups, header, strict=True):
                if head.hidden:
                    cells.append(None)
                    continue
                cell = columns[group["key"]]["items"][index]["options"][position]
                cells.append(_cell_text(cell, mode))
            total = _cell_text(option, "counts")
            rows.append(CrossRow(labels.option(option["id"]), cells, total))
        label = labels.rows.get(row_id) if row_id else None
        tables.append(CrossTable(label, header, rows))
    return tables


def _ranking_columns(
    table: dict[str, Any], groups: list[dict[str, Any]], labels: Labels
) -> list[tuple[CrossColumn, dict[str, dict[str, Any]]]]:
    """Per group: its column head and its ranking's items by id ({} when hidden)."""
    out = []
    for group in groups:
        column = table["columns"].get(group["key"]) or {"hidden": True}
        ranking = column.get("ranking") or {"hidden": True}
        hidden = bool(group.get("hidden") or column.get("hidden") or ranking.get("hidden"))
        items = {} if hidden else {str(i["id"]): i for i in ranking.get("items", [])}
        n = None if hidden else column.get("n")
        out.append((CrossColumn(labels.option(group["option_id"]), n, hidden), items))
    return out


def _rank_value(item: dict[str, Any] | None, key: str) -> str | None:
    if item is None or item.get("suppressed") or item.get(key) is None:
        return None
    return format_decimal(item[key], format="#,##0.00")


def _ranked_text(
    item: dict[str, Any] | None, mode: str, overall: dict[str, Any], n: int | None
) -> str | None:
    if item is None or item.get("suppressed") or item.get("ranked") is None:
        return None
    ranked = int(item["ranked"])
    if mode == "counts":
        return format_decimal(ranked)
    base = overall.get("ranked") if mode == "row" else n
    if not base or overall.get("suppressed"):
        return None
    return pct_text(100 * ranked / base)


def crosstab_ranking(
    table: dict[str, Any],
    overall: dict[str, Any],
    groups: list[dict[str, Any]],
    labels: Labels,
    mode: str,
) -> list[CrossTable]:
    """A ranking question by the groups of ``by``: three tables, items as rows.

    1. How many ranked each item (among the top n), as counts, row % (of all who
       ranked the item) or column % (of the group's respondents to the question);
    2. the mean rank per group (1 = first; lower is better);
    3. the average Borda score per group (rank r of top n earns n - r + 1 points,
       divided by the group's respondents: the ranking's natural "support" measure).

    The numbers come from the stored snapshot (counted in SQL, per group in the same
    pass as everything else); public columns carry their suppression pattern, so an
    item ranked by fewer than k people of a group is hidden in all three tables."""
    ranking = overall.get("ranking") or {}
    if overall.get("hidden") or ranking.get("hidden"):
        return []
    columns = _ranking_columns(table, groups, labels)
    header = [head for head, _items in columns]
    ranked_rows, mean_rows, borda_rows = [], [], []
    for total in ranking.get("items", []):
        label = labels.option(total["id"])
        cells = [None if head.hidden else items.get(str(total["id"])) for head, items in columns]
        ranked_rows.append(
            CrossRow(
                label,
                [_ranked_text(c, mode, total, h.n) for c, h in zip(cells, header, strict=True)],
                _ranked_text(total, "counts", total, None),
            )
        )
        mean_rows.append(
            CrossRow(
                label, [_rank_value(c, "mean_rank") for c in cells], _rank_value(total, "mean_rank")
            )
        )
        borda_rows.append(
            CrossRow(
                label, [_rank_value(c, "borda_avg") for c in cells], _rank_value(total, "borda_avg")
            )
        )
    everyone = _("All")
    return [
        CrossTable(
            None,
            header,
            ranked_rows,
            measure=_("Ranked among the top %(n)d", n=int(ranking.get("top_n") or 0)),
        ),
        CrossTable(None, header, mean_rows, measure=_("Mean rank"), total_label=everyone),
        CrossTable(
            None, header, borda_rows, measure=_("Average Borda score"), total_label=everyone
        ),
    ]


@dataclass
class GroupStats:
    """A number question in one group: its n and statistics (None: hidden)."""

    label: str
    n: int | None
    stats: dict[str, Any] | None


def crosstab_stats(
    table: dict[str, Any], groups: list[dict[str, Any]], labels: Labels
) -> list[GroupStats]:
    """A number question by the groups of ``by``: n, mean, quartiles per group."""
    out = []
    for group in groups:
        column = table["columns"].get(group["key"]) or {"hidden": True}
        item = None if column.get("hidden") or group.get("hidden") else column["items"][0]
        if item is None or item.get("hidden"):
            out.append(GroupStats(labels.option(group["option_id"]), None, None))
            continue
        out.append(GroupStats(labels.option(group["option_id"]), item["n"], item.get("stats")))
    return out


def crosstab_questions(data: dict[str, Any], labels: Labels, by: int) -> list[tuple[int, str]]:
    """The questions a cross-tab can show: the counted choice kinds except ``by``."""
    return [
        (entry["id"], labels.prompt(entry["id"]))
        for entry in data["questions"]
        if entry["id"] != by and QuestionKind(entry["kind"]) in CROSSTAB_KINDS
    ]


# --- not computed yet ------------------------------------------------------------------


def queue_missing(scope: str, scope_id: int) -> None:
    """A page found no stored result: make sure a rebuild is queued (never count here).

    Marks the scope dirty and queues its rebuild unless one is pending already (then
    nothing is written). The caller commits."""
    triggers.changed(scope, scope_id)
