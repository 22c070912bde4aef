"""The corpus of broken input files: each gets one clear line, exit code 2, and no files.

Every file in tests/bad_inputs/ is a case; expected.toml says, per file, the key
path its error must name ("" where no key is to blame) and a fragment of the
problem. ``spec-*`` files go through ``explainer explain FILE -o DIR`` and
``claims-*`` files through ``explainer check FILE -o DIR``; a file that is in the
directory but not in expected.toml (or the reverse) fails the test, so a new case
cannot be forgotten.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from explainer import cli
from tests.conftest import TESTS

CORPUS = TESTS / "bad_inputs"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
CASES = sorted(p.name for p in CORPUS.iterdir() if p.name != "expected.toml")
PREFIX = "explainer: error: "  # how the command starts every error line, as argparse does
COMMANDS = {"spec": "explain", "claims": "check"}


def _command(name: str) -> str:
    kind = name.split("-", 1)[0]
    assert kind in COMMANDS, f"{name}: corpus files are named spec-*.toml or claims-*.toml"
    return COMMANDS[kind]


def _check_line(stderr: str, path: Path, name: str) -> None:
    """One line: the prefix, the file, the key path, the problem; no traceback."""
    expected = EXPECTED[name]
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and stderr.endswith("\n"), stderr
    line = lines[0]
    assert line.startswith(PREFIX), line
    where = f"{path}: {expected['key']}: " if expected["key"] else f"{path}: "
    assert line[len(PREFIX):].startswith(where), line
    assert expected["problem"] in line[len(PREFIX) + len(where):], line


def test_corpus_and_expectations_match():
    assert sorted(EXPECTED) == CASES
    assert len([n for n in CASES if n.startswith("spec-")]) >= 36


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(name, tmp_path, capsys):
    command = _command(name)
    path = CORPUS / name
    out = tmp_path / "out"
    before = sorted(p.name for p in CORPUS.iterdir())
    assert cli.main([command, str(path), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    _check_line(captured.err, path, name)
    assert captured.out == ""
    assert not out.exists()  # not even the directory
    assert sorted(p.name for p in CORPUS.iterdir()) == before  # nothing beside the input either


# One case per kind of failure that happens in a different place (TOML syntax,
# encoding, a key deep in the file, the limits, the float64 dry run), run as a
# real process, so that what reaches the terminal is checked, not a captured stream.
SUBPROCESS_CASES = ["spec-toml-syntax.toml", "spec-not-utf8.toml", "spec-weights-row-length.toml",
                    "spec-too-much-training.toml", "spec-saturated-cross-entropy.toml",
                    "claims-unknown-parameter.toml", "claims-spec-broken.toml"]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_input_in_a_process_prints_no_traceback(name, tmp_path):
    path = CORPUS / name
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-m", "explainer.cli", _command(name), str(path),
         "-o", str(out)], capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 2
    _check_line(result.stderr, path, name)
    assert result.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []

