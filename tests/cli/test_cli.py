"""The `explainer` command end to end: default run, options, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explainer import examples
from explainer.cli.command import main

# The contract example as the package ships it (the project's contract file, byte for byte).
ARTICLE = examples.seed_spec()


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explainer.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=300)


def test_no_arguments_explains_the_seed_into_output(tmp_path):
    result = run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "output").iterdir())
    assert names == ["article.html", "article.json", "article.md", "article.tex"]
    assert "0.193750 -> 0.183940" in result.stdout
    assert "all 12 gradients agree" in result.stdout
    assert "12 of 12 chain-rule products" in result.stdout
    assert result.stderr == ""


def test_explain_the_contract_file_in_every_format(tmp_path):
    assert main(["explain", str(ARTICLE), "-o", str(tmp_path),
                 "--format", "tex,html,md,json"]) == 0
    for ext in ("tex", "html", "md", "json"):
        assert (tmp_path / f"article.{ext}").stat().st_size > 1000


def test_digits_sets_the_significant_digits(tmp_path):
    assert main(["explain", "-o", str(tmp_path), "--format", "md", "--digits", "12"]) == 0
    text = (tmp_path / "article.md").read_text()
    assert "0.0827957852690" in text  # the first cost term, 12 significant digits
    assert main(["explain", "-o", str(tmp_path), "--format", "md", "--digits", "3"]) == 0
    text = (tmp_path / "article.md").read_text()
    assert r"\approx 0.194" in text and "0.193750" not in text


def test_json_digits_writes_strings(tmp_path):
    assert main(["explain", "-o", str(tmp_path), "--format", "json", "--json-digits", "25"]) == 0
    data = json.loads((tmp_path / "article.json").read_text())
    # -0.048755904691400010438699997397… rounded to 25 significant digits
    assert data["gradient"]["w5"] == "-0.04875590469140001043870000"


def test_bad_spec_is_one_line_exit_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(ARTICLE.read_text().replace("layers = [2, 2, 2]", "layers = [2, 0, 2]"))
    out = tmp_path / "out"
    result = run("explain", str(bad), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "bad.toml" in result.stderr and "network.layers[2]" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_spec_file(tmp_path):
    result = run("explain", "nowhere.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "explainer: error: nowhere.toml: file not found"


@pytest.mark.parametrize("args", [["--format", "pdf"], ["--digits", "0"], ["--digits", "31"]])
def test_bad_options_exit_2(tmp_path, args):
    assert main(["explain", "-o", str(tmp_path / "o"), *args]) == 2
    assert not (tmp_path / "o").exists()


def test_engines_disagreeing_is_exit_1(tmp_path, monkeypatch):
    import dataclasses

    from explainer import functions

    sigmoid = functions.ACTIVATIONS["sigmoid"]
    monkeypatch.setitem(functions.ACTIVATIONS, "sigmoid", dataclasses.replace(
        sigmoid, numpy_derivative=lambda i, o, slope: 0.25 * o / o))
    assert main(["explain", "-o", str(tmp_path), "--format", "json"]) == 1
    assert json.loads((tmp_path / "article.json").read_text())["checks"]["agrees"] is False


def test_help_teaches(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "chain rule" in result.stdout and "exit codes" in result.stdout
    result = run("explain", "--help", cwd=tmp_path)
    assert "--digits" in result.stdout and "--pdf" in result.stdout
