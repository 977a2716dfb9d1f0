"""Import contracts for mitwirken that import-linter's built-in types cannot express.

In this code base a module's role shows in its name (``views``, ``goal_views``,
``routes``, ``forms``, ``models`` …), so these contracts match modules with fnmatch
patterns on the dotted name (``*.views``, ``*_views``). A new ``foo_views.py`` is
covered without editing the configuration. Like the built-in contracts they read
grimp's import graph, which includes the imports inside functions.

They are registered under ``contract_types`` in ``.importlinter`` and checked by
``lint-imports`` in ``make check``; ``tests/architecture/test_contracts.py`` shows
that each one fails on a violation.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain.contract import InvalidContractOptions

CATCH_ALL = "*"


@dataclass(frozen=True, order=True)
class Violation:
    importer: str
    imported: str
    lines: tuple[int, ...]
    note: str = ""

    def render(self) -> str:
        lines = ", ".join(f"l.{n}" for n in self.lines)
        return f"{self.importer} -> {self.imported} ({lines}){self.note}"


def _lines(graph: grimp.ImportGraph, importer: str, imported: str) -> tuple[int, ...]:
    details = graph.get_import_details(importer=importer, imported=imported)
    return tuple(sorted(d["line_number"] for d in details))


def _imports(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Every direct import between two modules of the graph, sorted."""
    return sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported in graph.modules
    )


def _drop_ignored(contract: Any, graph: grimp.ImportGraph) -> contract_utils.ImportRemoval:
    return contract_utils.remove_ignored_imports_and_report(
        graph=graph,
        ignore_imports=contract.ignore_imports,
        unmatched_alerting=AlertLevel.ERROR,  # a stale exception is an error too
    )


def _render(check: ContractCheck) -> None:
    for violation in check.metadata["violations"]:
        output.print_error(f"- {violation.render()}", bold=False)
    output.new_line()


class LayersByNameContract(Contract):
    """Layers from higher to lower; a module may import its own layer and lower ones.

    Each ``layers`` entry is ``label: pattern pattern …``. A module belongs to the
    first layer one of whose patterns matches its dotted name; the layer that lists
    ``*`` takes every module no other pattern names (exactly one layer must).
    """

    type_name = "layers_by_name"

    layers = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def _parsed(self) -> list[tuple[str, list[str]]]:
        parsed = []
        for entry in self.layers:  # type: ignore[attr-defined]
            label, _, patterns = entry.partition(":")
            parsed.append((label.strip(), patterns.split()))
        return parsed

    def validate(self) -> None:
        holders = [label for label, patterns in self._parsed() if CATCH_ALL in patterns]
        if len(holders) != 1:
            message = f"exactly one layer must list {CATCH_ALL!r}, not {holders}"
            raise InvalidContractOptions({"layers": message})

    def layer_of(self, module: str) -> tuple[int, str]:
        parsed = self._parsed()
        for rank, (label, patterns) in enumerate(parsed):
            if any(p != CATCH_ALL and fnmatchcase(module, p) for p in patterns):
                return rank, label
        return next((r, label) for r, (label, ps) in enumerate(parsed) if CATCH_ALL in ps)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = _drop_ignored(self, graph)
        violations = []
        for importer, imported in _imports(graph):
            (low, low_label), (high, high_label) = self.layer_of(importer), self.layer_of(imported)
            if high < low:  # the imported module sits in a higher layer
                note = f": {low_label} import {high_label}"
                lines = _lines(graph, importer, imported)
                violations.append(Violation(importer, imported, lines, note))
        return ContractCheck(
            kept=not violations,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"violations": violations},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        _render(check)


class SeparateFeaturesContract(Contract):
    """Modules matching ``modules`` import no matching module of another feature.

    A module's feature is its package below the root (``app.staff`` for
    ``app.staff.goal_views``), so a feature's routes may import its own views.
    """

    type_name = "separate_features"

    modules = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def matches(self, module: str) -> bool:
        return any(fnmatchcase(module, p) for p in self.modules)  # type: ignore[attr-defined]

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = _drop_ignored(self, graph)
        violations = [
            Violation(importer, imported, _lines(graph, importer, imported))
            for importer, imported in _imports(graph)
            if self.matches(importer)
            and self.matches(imported)
            and _feature(importer) != _feature(imported)
        ]
        return ContractCheck(
            kept=not violations,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"violations": violations},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        _render(check)


def _feature(module: str) -> str:
    return ".".join(module.split(".")[:2])


class AcyclicModulesContract(Contract):
    """No module imports itself through others: the module graph has no cycle.

    Unlike ``acyclic_siblings`` this looks at modules, not packages, so it also sees a
    cycle across features and one through a package's ``__init__``.
    """

    type_name = "acyclic_modules"

    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = _drop_ignored(self, graph)
        cycles = _strongly_connected(graph)
        violations = [
            Violation(importer, imported, _lines(graph, importer, imported))
            for cycle in cycles
            for importer, imported in _imports(graph)
            if importer in cycle and imported in cycle
        ]
        return ContractCheck(
            kept=not cycles,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"violations": violations, "cycles": cycles},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"These modules import each other: {', '.join(cycle)}")
        output.print_error("through these imports:", bold=False)
        _render(check)


def _strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that reach each other (each group one cycle or more)."""
    seen: set[str] = set()
    groups = []
    for module in sorted(graph.modules):
        if module in seen:
            continue
        reachable = graph.find_upstream_modules(module)  # what it imports, transitively
        group = (reachable & graph.find_downstream_modules(module)) | {module}
        seen |= group
        if len(group) > 1:
            groups.append(sorted(group))
    return groups
