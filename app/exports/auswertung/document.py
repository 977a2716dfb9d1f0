"""Everything the Auswertung document (DOCX and PDF) shows, gathered in one pass.

The title page (process, period, as-of date, counts by channel, group and kind), per
field of action its Steckbrief, its Abwägungstabelle grouped by goal (headings in
tree order) and its rating results per goal, then the contributions without a goal.
A document holds all its rows, so it is refused above ``MAX_ROWS``; the spreadsheets
have no such limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from app.exports.auswertung import overview
from app.exports.auswertung.entries import Entries, Entry, Key
from app.exports.auswertung.layout import PrintTitles, titles
from app.exports.auswertung.steckbrief import Steckbrief, steckbriefe
from app.goals.services import GoalNode, flatten
from app.i18n import last_day
from app.processes.models import Process
from app.ratings.models import ScaleKind
from app.ratings.services import QuestionResult, goal_results, rating_questions
from app.results.process_results import DEFAULT_THRESHOLD

MAX_ROWS = 20_000
THRESHOLD = DEFAULT_THRESHOLD  # of the suppressed rating counts, named in the footnote


class DocumentTooLargeError(Exception):
    """More rows than a document can hold; the message is shown to staff."""


# Colours of the answers in a stacked bar, by scale: disagree red … agree blue.
PALETTES = {
    ScaleKind.AGREEMENT: ("#b2182b", "#ef8a62", "#cccccc", "#67a9cf", "#2166ac", "#f2f2f2"),
    ScaleKind.IMPORTANCE: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    ScaleKind.YES_NO_UNDECIDED: ("#2166ac", "#b2182b", "#cccccc"),
}


# The segment of the suppressed answers together (their sum follows from n anyway).
HIDDEN_COLOUR = "#8c8c8c"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int | None  # None: suppressed, as on the public pages
    percent: float  # 0 when suppressed
    offset: float  # where the segment starts in the stacked bar (0..100)
    colour: str

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Chart:
    """One question's stacked bar; the public (suppressed) numbers, since the annex is
    published with the council's Vorlage."""

    prompt: str
    total: int | None  # None: too few answers to show any
    bars: list[Bar]
    hidden_offset: float = 100.0  # the suppressed answers' segment, from here to 100

    @property
    def hidden_share(self) -> float:
        return max(0.0, 100.0 - self.hidden_offset) if self.suppressed and self.total else 0.0

    @property
    def suppressed(self) -> bool:
        return any(bar.suppressed for bar in self.bars)


@dataclass(frozen=True)
class GoalRatings:
    code: str
    title: str
    raters: int
    mean_agreement: float | None
    charts: list[Chart]

    @property
    def suppressed(self) -> bool:
        return any(chart.suppressed for chart in self.charts)


@dataclass
class GoalBlock:
    """A heading of the table (a goal) and its rows."""

    code: str
    title: str
    level: int
    entries: list[Entry] = field(default_factory=list)


@dataclass
class FieldPart:
    steckbrief: Steckbrief
    blocks: list[GoalBlock]
    ratings: list[GoalRatings]
    feedback: list[tuple[GoalBlock, list[Entry]]]  # the Steckbrief's feedback, by goal

    @property
    def suppressed(self) -> bool:
        """Some rating count is hidden: the part gets the footnote."""
        return any(goal.suppressed for goal in self.ratings)


@dataclass
class Auswertung:
    printed: PrintTitles
    period: str
    total: int
    counts: list[tuple[str, list[tuple[str, int]]]]  # heading, (label, count)
    fields: list[FieldPart]
    without_goal: list[Entry]
    lang: str
    include_hidden: bool


def _period(process: Process) -> str:
    phase = process.participation_phase()
    if phase is None:
        return ""
    return _(
        "%(start)s to %(end)s",
        start=format_date(phase.starts_at, "medium"),
        end=format_date(last_day(phase.ends_at), "medium"),
    )


def _counts(counts: overview.Overview) -> list[tuple[str, list[tuple[str, int]]]]:
    groups = {overview.group_label(g): n for g, n in counts.groups.items()}
    return [
        (_("By channel"), sorted(counts.channels.items())),
        (_("By stakeholder group"), sorted(groups.items())),
        (_("By kind"), sorted(counts.kinds.items())),
    ]


def _chart(result: QuestionResult, text: Callable[[Any], str]) -> Chart:
    palette = PALETTES[result.question.scale]
    bars, offset = [], 0.0
    for index, row in enumerate(result.rows):
        percent = row.percent or 0.0
        bars.append(Bar(row.label, row.count, percent, offset, palette[index % len(palette)]))
        offset += percent
    return Chart(text(result.question.prompt), result.total, bars, offset)


def legends(fields: list[FieldPart]) -> list[Chart]:
    """One legend per question: its answers and colours."""
    seen: dict[str, Chart] = {}
    for part in fields:
        for goal in part.ratings:
            for chart in goal.charts:
                seen.setdefault(chart.prompt, chart)
    return list(seen.values())


def _ratings(
    process: Process, nodes: list[GoalNode], text: Callable[[Any], str]
) -> list[GoalRatings]:
    questions = rating_questions(process)
    result = []
    for node in nodes:
        found = goal_results(process, node.goal, questions)
        if not found.ratings:
            continue
        charts = [_chart(q, text) for q in found.questions]
        result.append(
            GoalRatings(
                node.goal.code,
                text(node.revision.title),
                found.ratings,
                found.mean_agreement,
                charts,
            )
        )
    return result


def _rows(entries: Entries, progress: Callable[[int], None]) -> dict[Key, Entry]:
    if entries.total > MAX_ROWS:
        raise DocumentTooLargeError(
            _(
                "The document would have %(count)d rows; at most %(limit)d fit. "
                "Please export the table as XLSX or ODS.",
                count=entries.total,
                limit=MAX_ROWS,
            )
        )
    by_key: dict[Key, Entry] = {}
    for section in entries.sections():
        numbers: dict[Key, int] = {}
        for chunk in entries.chunks(section, numbers, len(by_key)):
            by_key.update((entry.key, entry) for entry in chunk)
            progress(len(by_key))
    return by_key


def _blocks(nodes: list[GoalNode], rows: list[Entry], entries: Entries) -> list[GoalBlock]:
    """The field's goals in tree order, each with its rows (goals without rows are left out,
    but the headings above a goal with rows are kept)."""
    by_goal: dict[int, list[Entry]] = {}
    for entry in rows:
        by_goal.setdefault(entry.goal_id or 0, []).append(entry)
    wanted = {node.goal.id for node in nodes if node.goal.id in by_goal}
    parents = {node.goal.id: node.goal.parent_id for node in nodes}
    for goal_id in list(wanted):
        parent = parents.get(goal_id)
        while parent is not None:
            wanted.add(parent)
            parent = parents.get(parent)
    blocks = []
    for node in nodes:
        if node.goal.id in wanted:
            code, title = entries.goal_texts(node.goal.id)
            blocks.append(GoalBlock(code, title, node.goal.level, by_goal.get(node.goal.id, [])))
    return blocks


def build(
    process: Process, options: dict[str, Any] | None, lang: str, progress: Callable[[int], None]
) -> Auswertung:
    entries = Entries(process, options, lang)
    printed = titles(entries.text(process.title))
    counts = overview.count(
        process, options, lambda key: entries.text(entries.kinds.get(key)) or key
    )
    by_key = _rows(entries, progress)
    rows = list(by_key.values())
    briefs = steckbriefe(process, entries.tree, lang)
    fields = []
    for root, brief in zip(entries.tree, briefs, strict=True):
        nodes = flatten([root])
        ids = {node.goal.id for node in nodes}
        blocks = _blocks(nodes, [e for e in rows if e.goal_id in ids], entries)
        feedback = []
        for node in nodes:
            linked = [by_key[key] for key in brief.feedback.get(node.goal.id, []) if key in by_key]
            if linked:
                code, title = entries.goal_texts(node.goal.id)
                feedback.append((GoalBlock(code, title, node.goal.level), linked))
        fields.append(FieldPart(brief, blocks, _ratings(process, nodes, entries.text), feedback))
    known = set(entries.goals)
    return Auswertung(
        printed=printed,
        period=_period(process),
        total=len(rows),
        counts=_counts(counts),
        fields=fields,
        without_goal=[e for e in rows if e.goal_id not in known],
        lang=lang,
        include_hidden=entries.options.include_hidden,
    )
