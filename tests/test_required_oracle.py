"""The PyTorch oracle may skip on a developer's machine, never in CI.

`tests.oracle.require_torch` skips a test where torch cannot be imported and fails it
when REQUIRE_ORACLE is set (as `.ci/run` sets it). These tests show the rule on the
real oracle tests: every test file that uses torch is run in a pytest of its own in
which ``import torch`` raises ImportError, once without the variable (each file
skips, nothing fails) and once with it (each file fails).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

HERE = Path(__file__).resolve()

# A pytest plugin for the inner run: it hides torch before any test module is
# imported, and writes down which files skipped and which failed (any phase:
# collection, fixture, test) so the outer test can tell the files apart.
HIDE_TORCH = '''
import json, os, sys

sys.modules["torch"] = None  # from here on, `import torch` raises ImportError

seen = []


def _note(report):
    if report.outcome != "passed":
        seen.append([report.nodeid.split("::")[0], report.outcome])


pytest_collectreport = _note
pytest_runtest_logreport = _note


def pytest_sessionfinish(session):
    with open(os.environ["OUTCOMES"], "w") as f:
        json.dump(seen, f)
'''


# Getting torch past the oracle helper: an import of it, or pytest's importorskip.
IMPORTS_TORCH = r"^\s*(?:import|from) torch\b|importorskip\(.torch.\)"
# A file uses torch if it gets it, or reads anything from it (torch.tensor, ...).
USES_TORCH = re.compile(IMPORTS_TORCH + r"|\btorch\.\w", re.MULTILINE)


def torch_test_files() -> list[Path]:
    """Every test file that uses torch (this one only hides it)."""
    return sorted(p for p in (REPO / "tests").rglob("test_*.py")
                  if p.resolve() != HERE and USES_TORCH.search(p.read_text(encoding="utf-8")))


def run_without_torch(tmp_path: Path, required: bool) -> tuple[int, dict[str, set[str]], str]:
    """Run the torch test files with torch hidden; the exit code, the outcomes other
    than passed per file (relative to the repository), and the output."""
    (tmp_path / "hide_torch.py").write_text(HIDE_TORCH)
    outcomes = tmp_path / "outcomes.json"
    env = {k: v for k, v in os.environ.items() if k != "REQUIRE_ORACLE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), str(REPO), env.get("PYTHONPATH")]))
    env["OUTCOMES"] = str(outcomes)
    if required:
        env["REQUIRE_ORACLE"] = "1"
    files = [str(p.relative_to(REPO)) for p in torch_test_files()]
    # -k torch: of a file that also holds tests without torch, only its torch tests
    # are of interest here (the witness module's plain-Python tests take seconds).
    # A module that fails at import must not stop the others from being run.
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-p", "hide_torch", "--continue-on-collection-errors", "-k", "torch", *files],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    per_file: dict[str, set[str]] = {f: set() for f in files}
    for nodeid, outcome in json.loads(outcomes.read_text()):
        per_file.setdefault(nodeid, set()).add(outcome)
    return result.returncode, per_file, result.stdout + result.stderr


def test_the_oracle_tests_are_found():
    """The files the rule is shown on: a rename must not leave the rule unshown."""
    names = {p.name for p in torch_test_files()}
    assert {"test_torch_oracle.py", "test_conventions.py", "test_slip_witnesses_torch.py"} <= names


@pytest.mark.parametrize("path", torch_test_files(), ids=lambda p: p.name)
def test_every_torch_test_gets_torch_from_the_oracle_helper(path):
    """A bare `pytest.importorskip("torch")` or `import torch` would skip (or crash)
    whatever REQUIRE_ORACLE says."""
    text = path.read_text(encoding="utf-8")
    assert "require_torch()" in text
    assert not re.search(IMPORTS_TORCH, text, re.MULTILINE)


def test_without_torch_the_oracle_tests_skip(tmp_path):
    code, per_file, output = run_without_torch(tmp_path, required=False)
    # Nothing failed; "no tests collected" is what pytest says when every module skipped.
    assert code in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED), output
    for name, outcomes in per_file.items():
        assert outcomes == {"skipped"}, (name, outcomes, output)


def test_without_torch_the_oracle_tests_fail_when_required(tmp_path):
    code, per_file, output = run_without_torch(tmp_path, required=True)
    assert code == pytest.ExitCode.TESTS_FAILED, output
    assert "REQUIRE_ORACLE is set but torch cannot be imported" in output
    for name, outcomes in per_file.items():
        assert "failed" in outcomes and "skipped" not in outcomes, (name, outcomes, output)
