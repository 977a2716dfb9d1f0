"""The custom import contracts fail on the violations they are there for.

Each test writes a tiny package whose imports sit inside functions (grimp reads
those too), builds its graph and checks one contract of tests/architecture/contracts.py.
``make check`` runs the real contracts on ``app`` (``lint-imports``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grimp
import pytest

from tests.architecture.contracts import (
    AcyclicModulesContract,
    LayersByNameContract,
    SeparateFeaturesContract,
)

LAYERS = ["views: *.views", "forms: *.forms", "services: *", "models: *.models"]


def _graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, modules: dict[str, str]) -> Any:
    """A package ``shop`` with ``modules`` (dotted name below it → what it imports)."""
    name = f"shop{abs(hash(tmp_path)) % 10**8}"
    for dotted, imported in modules.items():
        path = tmp_path / name / Path(*dotted.split("."))
        for package in [tmp_path / name, *path.parents]:
            if package.is_relative_to(tmp_path / name):
                package.mkdir(parents=True, exist_ok=True)
                (package / "__init__.py").touch()
        body = "".join(f"    import {name}.{other}\n" for other in imported.split())
        path.with_suffix(".py").write_text(f"def later():\n{body or '    pass'}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name, grimp.build_graph(name, cache_dir=None)


def _contract(kind: type[Any], **options: Any) -> Any:
    return kind(name="test", session_options={}, contract_options=options)


def test_a_model_importing_a_service_breaks_the_layers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = {"goals.models": "", "goals.services": "goals.models", "goals.views": ""}
    name, graph = _graph(tmp_path, monkeypatch, modules)
    contract = _contract(LayersByNameContract, layers=LAYERS)
    assert contract.check(graph, verbose=False).kept

    modules["goals.models"] = "goals.services"
    name, graph = _graph(tmp_path, monkeypatch, modules)
    check = contract.check(graph, verbose=False)
    assert not check.kept
    [violation] = check.metadata["violations"]
    assert (violation.importer, violation.imported) == (
        f"{name}.goals.models",
        f"{name}.goals.services",
    )
    assert "models import services" in violation.render()


def test_a_service_importing_a_form_or_a_view_breaks_the_layers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = {"staff.forms": "", "staff.views": "", "translate.fields": "staff.forms staff.views"}
    name, graph = _graph(tmp_path, monkeypatch, modules)
    check = _contract(LayersByNameContract, layers=LAYERS).check(graph, verbose=False)
    assert {v.imported for v in check.metadata["violations"]} == {
        f"{name}.staff.forms",
        f"{name}.staff.views",
    }


def test_the_layers_need_exactly_one_catch_all() -> None:
    from importlinter.domain.contract import InvalidContractOptions

    with pytest.raises(InvalidContractOptions):
        _contract(LayersByNameContract, layers=["views: *.views", "models: *.models"])


def test_views_may_import_their_own_features_views_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = {
        "staff.goal_views": "",
        "staff.routes": "staff.goal_views",
        "goals.page": "",
        "goals.views": "goals.page",
        "comments.views": "goals.page",
    }
    contract = _contract(SeparateFeaturesContract, modules=["*.views", "*_views", "*.routes"])
    name, graph = _graph(tmp_path, monkeypatch, modules)
    assert contract.check(graph, verbose=False).kept

    modules["comments.views"] = "goals.page goals.views"
    name, graph = _graph(tmp_path, monkeypatch, modules)
    check = contract.check(graph, verbose=False)
    assert [(v.importer, v.imported) for v in check.metadata["violations"]] == [
        (f"{name}.comments.views", f"{name}.goals.views")
    ]


def test_a_cycle_across_packages_is_found_though_no_package_has_one_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modules = {"comments.services": "participation.services", "participation.services": ""}
    name, graph = _graph(tmp_path, monkeypatch, modules)
    assert _contract(AcyclicModulesContract).check(graph, verbose=False).kept

    modules["participation.services"] = "comments.services"
    name, graph = _graph(tmp_path, monkeypatch, modules)
    check = _contract(AcyclicModulesContract).check(graph, verbose=False)
    assert check.metadata["cycles"] == [
        [f"{name}.comments.services", f"{name}.participation.services"]
    ]
