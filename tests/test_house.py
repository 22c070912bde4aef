"""The package's layout keeps the one-way pipeline visible and true.

    spec → engines → pipeline (agreement, proofs) → walkthrough model → output → files

Each subpackage is one stage (the activations and costs, which every stage speaks
of, come first; the checker, the exercise sheets, the command and the API sit on
top). These tests read every module's imports — at the top of the file or inside
a function — and fail on an import circle, on an import that reaches a later
stage than its own, on more than six modules directly in explainer/, and on a
module over 400 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "explainer"
# Stages in pipeline order: a module may import from its own stage or an earlier one.
STAGES = ("examples", "functions", "spec", "engines", "pipeline", "walkthrough", "output", "checker",
          "exercise", "api", "cli", "__init__")
TOP_MODULES = 6
LONGEST = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage(module: str) -> int:
    parts = module.split(".")
    return STAGES.index(parts[1] if len(parts) > 1 else "__init__")


def imports(module: str) -> set[str]:
    """The explainer modules `module` imports, anywhere in its source."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x
                kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*kept, base]).strip(".")
            # `from a.b import c` imports the module a.b.c if there is one, else a name of a.b.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # a name imported from a module: the module
                name = name.rpartition(".")[0]
            # The root package is initialised before anything else, whatever imports it.
            if name.startswith("explainer.") and name != module:
                found.add(name)
    return found


GRAPH = {m: imports(m) for m in MODULES}


def test_the_reader_of_imports_sees_them():
    assert "explainer.engines.symbolic" in GRAPH["explainer.engines.proof"]
    assert "explainer.spec.model" in GRAPH["explainer.spec.reader"]
    assert "explainer.walkthrough.build" in GRAPH["explainer.cli.explain"]
    assert "explainer.api" in GRAPH["explainer"]  # imported inside a function
    assert "explainer.output.files" in GRAPH["explainer.api"]


def test_no_import_runs_back_up_the_pipeline():
    backwards = [(m, t) for m, targets in GRAPH.items() for t in targets if stage(t) > stage(m)]
    assert backwards == []


def test_no_import_circle():
    """Depth-first search for a cycle among all modules (imports inside functions included)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for t in sorted(GRAPH[m]):
            if state.get(t) == 1:
                return [*path[path.index(t):], t]
            if t not in state and (circle := visit(t)):
                return circle
        path.pop()
        state[m] = 2
        return None

    for m in sorted(GRAPH):
        if m not in state:
            assert visit(m) is None, " -> ".join(path)


def test_every_module_has_a_stage():
    for m in MODULES:
        stage(m)  # raises ValueError for a folder no stage names


def test_few_modules_at_the_top():
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= TOP_MODULES, top


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_400_lines(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= LONGEST, f"{module}: {lines} lines"
