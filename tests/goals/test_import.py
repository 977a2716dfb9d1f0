"""Goal tree import from YAML and CSV: all-or-nothing, problems as "line N: reason"."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from app.audit.models import AuditEvent
from app.extensions import db
from app.goals.importer import import_file
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revision, goal_tree
from app.processes.models import Process
from tests.conftest import FIXTURES
from tests.factories import make_goal, make_process


def goal_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) or 0


def run_import(process: Process, name: str, text: str | None = None, lang: str = "en") -> list[str]:
    data = (FIXTURES / name).read_bytes() if text is None else text.encode()
    with force_locale(lang):
        result = import_file(process, data, name, author=None)
        errors = result.errors
    if result.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return errors


def goal(code: str) -> Goal:
    return db.session.scalars(sa.select(Goal).where(Goal.code == code)).one()


def tree_codes(process: Process) -> list[Any]:
    def codes(nodes: list[Any]) -> list[Any]:
        return [(n.goal.code, codes(n.children)) for n in nodes]

    return codes(goal_tree(process.id))


def test_csv_import_builds_the_tree(app: Flask) -> None:
    process = make_process()
    assert run_import(process, "goals.csv") == []
    assert tree_codes(process) == [("12", [("12.1", [("12.1.1", [])]), ("12.2", [])])]
    revision = current_revision(goal("12.1"))
    assert revision.number == 1
    assert revision.change_note == "Import"
    assert revision.title == {"de": "Verwaltung entwickeln", "en": "Develop the administration"}
    assert revision.body == {"de": "Wir entwickeln die Verwaltung\nweiter."}
    assert revision.easy_body == {"de": "Die Verwaltung wird besser."}
    assert goal("12.1.1").level == 2


def test_yaml_import_builds_the_tree_and_keeps_codes_as_text(app: Flask) -> None:
    process = make_process()
    assert run_import(process, "goals.yaml") == []
    # "12.10" stays text: YAML would have read it as the number 12.1
    assert tree_codes(process) == [("12", [("12.1", [("12.1.1", [])]), ("12.10", [])])]
    revision = current_revision(goal("12.1"))
    assert revision.body == {"de": "Wir entwickeln die Verwaltung\nweiter."}
    assert revision.easy_body == {"de": "Die Verwaltung wird besser."}


def test_import_may_attach_to_existing_goals(app: Flask) -> None:
    process = make_process()
    make_goal(process, "7")
    text = "code,parent,title_de\n7.1,7,Unterziel\n"
    assert run_import(process, "more.csv", text) == []
    assert goal("7.1").parent_id == goal("7").id


def test_semicolon_separated_csv_from_spreadsheets_works(app: Flask) -> None:
    process = make_process()
    assert run_import(process, "excel.csv", "code;parent;title_de\n1;;Eins\n1.1;1;Zwei\n") == []
    assert goal("1.1").level == 1


def test_bad_csv_reports_every_line_and_writes_nothing(app: Flask) -> None:
    process = make_process()
    make_goal(process, "old")
    before = goal_count()
    errors = run_import(process, "goals_bad.csv")
    assert errors == [
        "line 1: unknown column colour",
        "line 3: missing code",
        "line 4: unknown parent 9",
        "line 5: duplicate code 1 (first on line 2)",
        "line 6: missing title (de)",
        "line 7: code this-code-is-far-too-long-for-the-column is longer than 16 characters",
    ]
    assert goal_count() == before


def test_bad_yaml_reports_the_line_of_each_item(app: Flask) -> None:
    process = make_process()
    errors = run_import(process, "goals_bad.yaml")
    assert errors == [
        "line 4: missing code",
        "line 5: unknown key colour",
        "line 5: missing title (de)",
        "line 8: duplicate code 1 (first on line 1)",
    ]
    assert goal_count() == 0


def test_unparseable_yaml_names_the_line(app: Flask) -> None:
    process = make_process()
    errors = run_import(process, "goals_broken.yaml")
    assert len(errors) == 1
    assert errors[0].startswith("line 3: the file cannot be read as YAML")


def test_code_already_in_the_process_is_refused(app: Flask) -> None:
    process = make_process()
    make_goal(process, "12")
    errors = run_import(process, "goals.csv")
    assert errors == ["line 2: code 12 already exists in this process"]
    assert goal_count() == 1


def test_empty_and_odd_files_are_refused(app: Flask) -> None:
    process = make_process()
    assert run_import(process, "empty.csv", "  \n") == ["line 1: the file is empty"]
    assert run_import(process, "empty.yaml", "# nothing\n") == ["line 1: the file is empty"]
    header_only = "code,parent,title_de\n"
    assert run_import(process, "h.csv", header_only) == ["line 1: the file contains no goals"]
    assert run_import(process, "goals.txt", "x") == ["line 1: use a .yaml, .yml or .csv file"]
    assert run_import(process, "map.yaml", "code: 1\n") == ["line 1: expected a list of goals"]
    with force_locale("en"):
        errors = import_file(process, b"code\n\xff\n", "x.csv", author=None).errors
    assert errors == ["line 2: the file is not UTF-8 encoded"]
    assert goal_count() == 0


def test_yaml_checks_languages_and_nested_parents(app: Flask) -> None:
    process = make_process()
    text = (
        '- code: "1"\n  title: {de: Eins, fr: Un}\n  children:\n    - code: 1/2\n      title: X\n'
    )
    assert run_import(process, "x.yaml", text) == [
        "line 1: unknown language fr in title",
        "line 4: code 1/2 may only contain letters, digits, dots, hyphens and underscores",
    ]


def test_cli_import_succeeds(app: Flask, runner: Any) -> None:
    make_process()
    result = runner.invoke(
        args=["goals", "import", str(FIXTURES / "goals.yaml"), "--process", "hf12"]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 4 goals." in result.stdout
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalRevision)) == 4


def test_cli_import_is_audited_like_the_staff_import(app: Flask, runner: Any) -> None:
    process = make_process()
    result = runner.invoke(
        args=["goals", "import", str(FIXTURES / "goals.yaml"), "--process", "hf12"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    event = db.session.scalars(sa.select(AuditEvent)).one()
    assert (event.action, event.object_type, event.object_id) == (
        "goal.import",
        "process",
        process.id,
    )
    assert event.process_id == process.id
    assert event.actor_id is None  # the command line: no signed-in user
    assert event.after == {"goals": ["12", "12.1", "12.1.1", "12.10"], "file": "goals.yaml"}


def test_failed_cli_import_leaves_no_audit_event(app: Flask, runner: Any) -> None:
    make_process()
    result = runner.invoke(
        args=["goals", "import", str(FIXTURES / "goals_bad.csv"), "--process", "hf12"]
    )
    assert result.exit_code == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_cli_import_failure_prints_errors_and_exits_1(app: Flask, runner: Any) -> None:
    make_process()
    result = runner.invoke(
        args=["goals", "import", str(FIXTURES / "goals_bad.csv"), "--process", "hf12"]
    )
    assert result.exit_code == 1
    assert "line 1: unknown column colour" in result.stderr
    assert "line 7: code" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 6
    assert "Imported" not in result.stdout
    assert goal_count() == 0


def test_cli_import_unknown_process(app: Flask, runner: Any) -> None:
    result = runner.invoke(
        args=["goals", "import", str(FIXTURES / "goals.csv"), "--process", "nope"]
    )
    assert result.exit_code == 1
    assert "no process" in result.stderr


def test_problems_are_reported_in_the_staff_members_language(app: Flask) -> None:
    process = make_process()
    errors = run_import(process, "goals.csv", "code,title_de\n,Ohne Code\n", lang="de")
    assert errors and errors[0].startswith("Zeile 2: ")
