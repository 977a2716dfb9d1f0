"""Importing a goal tree from YAML or CSV.

Every row is checked before anything is written; a file with any problem writes
nothing. Problems read ``line N: reason`` (N is the line in the file). Goals are
created through :func:`app.goals.editing.insert_goal`, so each gets revision 1; a
successful import is audited as one ``goal.import`` event naming the codes, by the
``author`` (None from the command line). The caller commits on success and rolls
back on failure.

CSV: a header ``code,parent,title_de,title_en,body_de,...,easy_en`` (one
``title_``/``body_``/``easy_`` column per language; ``;`` as separator works
too), ``parent`` holding the code of a goal defined earlier in the file or
already in the process.

YAML: a list of goals ``{code, title: {de, en}, body: {...}, easy: {...},
children: [...]}``, nested through ``children``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml
from flask import current_app
from flask_babel import gettext as _
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.accounts.models import User
from app.audit.services import record
from app.goals.editing import (
    CODE_MAX_LENGTH,
    CODE_RE,
    GoalError,
    GoalErrorCode,
    GoalTexts,
    insert_goal,
)
from app.goals.models import Goal
from app.goals.services import process_goals
from app.processes.models import Process

IMPORT_NOTE = "Import"
FORMATS = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml"}
TEXT_KEYS = {"title": "title", "body": "body", "easy": "easy"}
YAML_KEYS = frozenset({"code", "children", *TEXT_KEYS})
YAML_NULL = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class ImportProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)d: %(reason)s", line=self.line, reason=self.reason)


@dataclass
class ImportRow:
    line: int
    code: str
    parent: str = ""
    texts: dict[str, dict[str, str]] = field(default_factory=dict)

    def goal_texts(self) -> GoalTexts:
        return GoalTexts(
            title=self.texts.get("title", {}),
            body=self.texts.get("body", {}),
            easy_body=self.texts.get("easy", {}),
        )


@dataclass
class ImportResult:
    goals: list[Goal] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[str]:
        """The problems as ``line N: reason`` strings, in file order."""
        return [str(problem) for problem in self.problems]


Parsed = tuple[list[ImportRow], list[ImportProblem]]


# --- entry points --------------------------------------------------------------


def file_format(filename: str) -> str | None:
    return FORMATS.get(PurePath(filename).suffix.lower())


def import_file(
    process: Process, data: bytes, filename: str, *, author: User | None
) -> ImportResult:
    """Decode and import an uploaded or local file; nothing is written on problems."""
    kind = file_format(filename)
    if kind is None:
        return ImportResult(problems=[ImportProblem(1, _("use a .yaml, .yml or .csv file"))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ImportResult(problems=[ImportProblem(line, _("the file is not UTF-8 encoded"))])
    return import_text(process, text, kind, author=author, source=filename)


def import_text(
    process: Process, text: str, kind: str, *, author: User | None, source: str = ""
) -> ImportResult:
    """Import ``text`` (``source`` names the file in the audit event)."""
    rows, problems = parse(text, kind, process.default_locale)
    problems += check_rows(rows, process)
    if problems:
        return ImportResult(problems=sorted(problems, key=lambda p: p.line))
    result = write_rows(rows, process, author)
    if result.ok:
        after = {"goals": [goal.code for goal in result.goals], "file": source}
        record("goal.import", process, actor=author, process_id=process.id, after=after)
    return result


def parse(text: str, kind: str, main_language: str) -> Parsed:
    if not text.strip():
        return [], [ImportProblem(1, _("the file is empty"))]
    languages = list(current_app.config["LANGUAGES"])
    if kind == "csv":
        rows, problems = parse_csv(text, languages)
    else:
        rows, problems = parse_yaml(text, languages, main_language)
    if not rows and not problems:
        problems.append(ImportProblem(1, _("the file contains no goals")))
    return rows, problems


# --- CSV -----------------------------------------------------------------------


def csv_columns(languages: list[str]) -> list[str]:
    texts = [f"{key}_{lang}" for key in TEXT_KEYS for lang in languages]
    return ["code", "parent", *texts]


def parse_csv(text: str, languages: list[str]) -> Parsed:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    try:
        reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
        allowed = csv_columns(languages)
        problems += [
            ImportProblem(1, _("unknown column %(name)s", name=name))
            for name in reader.fieldnames
            if name not in allowed
        ]
        for record in reader:
            _read_csv_record(record, reader.line_num, languages, rows, problems)
    except csv.Error as exc:
        reason = _("the file cannot be read as CSV (%(error)s)", error=str(exc))
        problems.append(ImportProblem(max(reader.line_num, 1), reason))
    return rows, problems


def _read_csv_record(
    record: dict[Any, Any],
    end_line: int,
    languages: list[str],
    rows: list[ImportRow],
    problems: list[ImportProblem],
) -> None:
    extra = record.pop(None, None)
    values = {str(key): str(value or "").strip() for key, value in record.items()}
    if not any(values.values()) and not extra:
        return
    line = end_line - sum(value.count("\n") for value in values.values())
    if extra:
        problems.append(ImportProblem(line, _("more values than columns")))
    texts = {
        key: {lang: values.get(f"{key}_{lang}", "") for lang in languages} for key in TEXT_KEYS
    }
    row = ImportRow(line, values.get("code", ""), values.get("parent", ""))
    row.texts = {key: {k: v for k, v in text.items() if v} for key, text in texts.items()}
    rows.append(row)


# --- YAML ----------------------------------------------------------------------


class _YamlReader:
    """Walks the composed node tree, so every goal keeps its line number."""

    def __init__(self, languages: list[str], main_language: str) -> None:
        self.languages = languages
        self.main_language = main_language
        self.rows: list[ImportRow] = []
        self.problems: list[ImportProblem] = []

    def problem(self, node: Node, reason: str) -> None:
        self.problems.append(ImportProblem(node.start_mark.line + 1, reason))

    def goals(self, node: Node, parent: str) -> None:
        if not isinstance(node, SequenceNode):
            self.problem(node, _("expected a list of goals"))
            return
        for item in node.value:
            if isinstance(item, MappingNode):
                self.goal(item, parent)
            else:
                self.problem(item, _("each goal needs the keys code and title"))

    def goal(self, node: MappingNode, parent: str) -> None:
        entries = {self.scalar(key): value for key, value in node.value}
        for name in entries:
            if name not in YAML_KEYS:
                self.problem(node, _("unknown key %(name)s", name=name or "?"))
        code = self.scalar(entries["code"]) if "code" in entries else ""
        row = ImportRow(node.start_mark.line + 1, code.strip(), parent)
        for key in TEXT_KEYS:
            if key in entries:
                row.texts[key] = self.texts(entries[key], node, key)
        self.rows.append(row)
        children = entries.get("children")
        if children is not None and not self.is_null(children):
            self.goals(children, row.code)

    def texts(self, value: Node, item: Node, key: str) -> dict[str, str]:
        if isinstance(value, ScalarNode):
            text = self.scalar(value).strip()
            return {self.main_language: text} if text else {}
        if not isinstance(value, MappingNode):
            self.problem(item, _("%(key)s must map languages to texts", key=key))
            return {}
        texts: dict[str, str] = {}
        for lang_node, text_node in value.value:
            lang = self.scalar(lang_node)
            if lang not in self.languages:
                reason = _("unknown language %(language)s in %(key)s", language=lang, key=key)
                self.problem(item, reason)
            elif not isinstance(text_node, ScalarNode):
                self.problem(item, _("%(key)s must map languages to texts", key=key))
            elif self.scalar(text_node).strip():
                texts[lang] = self.scalar(text_node).strip()
        return texts

    @staticmethod
    def is_null(node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == YAML_NULL

    def scalar(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            self.problem(node, _("expected text, not a list or mapping"))
            return ""
        return "" if node.tag == YAML_NULL else str(node.value)


def parse_yaml(text: str, languages: list[str], main_language: str) -> Parsed:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = _("the file cannot be read as YAML (%(error)s)", error=exc.problem or "")
        return [], [ImportProblem(line, reason)]
    except yaml.YAMLError:
        return [], [ImportProblem(1, _("the file cannot be read as YAML"))]
    reader = _YamlReader(languages, main_language)
    if root is None or reader.is_null(root):
        return [], [ImportProblem(1, _("the file is empty"))]
    reader.goals(root, "")
    return reader.rows, reader.problems


# --- checking and writing ------------------------------------------------------


def check_rows(rows: list[ImportRow], process: Process) -> list[ImportProblem]:
    """Every problem of every row, against the file and the existing tree."""
    existing = {goal.code for goal in process_goals(process.id)}
    seen: dict[str, int] = {}
    problems: list[ImportProblem] = []
    for row in rows:
        reasons = _code_problems(row, existing, seen)
        if row.parent and row.parent not in seen and row.parent not in existing:
            reasons.append(_("unknown parent %(parent)s", parent=row.parent))
        if not row.texts.get("title", {}).get(process.default_locale):
            reasons.append(_("missing title (%(language)s)", language=process.default_locale))
        problems += [ImportProblem(row.line, reason) for reason in reasons]
        seen.setdefault(row.code, row.line)
    return problems


def _code_problems(row: ImportRow, existing: set[str], seen: dict[str, int]) -> list[str]:
    code = row.code
    if not code:
        return [_("missing code")]
    if len(code) > CODE_MAX_LENGTH:
        return [
            _("code %(code)s is longer than %(max)d characters", code=code, max=CODE_MAX_LENGTH)
        ]
    if not CODE_RE.match(code):
        reason = _(
            "code %(code)s may only contain letters, digits, dots, hyphens and underscores",
            code=code,
        )
        return [reason]
    if code in seen:
        return [_("duplicate code %(code)s (first on line %(line)d)", code=code, line=seen[code])]
    if code in existing:
        return [_("code %(code)s already exists in this process", code=code)]
    return []


def _write_problem(exc: GoalError) -> str:
    if exc.code == GoalErrorCode.CODE_TAKEN:
        return _("code %(code)s already exists in this process", code=exc.goal_code)
    return str(exc)


def write_rows(rows: list[ImportRow], process: Process, author: User | None) -> ImportResult:
    """Create the checked rows in file order, so parents exist before children."""
    by_code = {goal.code: goal for goal in process_goals(process.id)}
    result = ImportResult()
    for row in rows:
        try:
            goal = insert_goal(
                process,
                code=row.code,
                texts=row.goal_texts(),
                parent=by_code.get(row.parent) if row.parent else None,
                author=author,
                change_note=IMPORT_NOTE,
            )
        except GoalError as exc:  # only if the tree changed while importing
            result.problems.append(ImportProblem(row.line, _write_problem(exc)))
            return result
        by_code[row.code] = goal
        result.goals.append(goal)
    return result
