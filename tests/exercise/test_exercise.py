"""`explainer exercise`: deterministic nice networks, sheets without answers, claims round trip."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from explainer.cli.command import main
from explainer.exercise.generate import MAX_INPUT, MIN_GRADIENT, SATURATION, Options, generate
from explainer.exercise.sheets import KEY_DIGITS, answer
from explainer.output.pdf import pdflatex_available
from explainer.pipeline import explain
from explainer.spec import load_spec
from explainer.walkthrough.formatting import show, to_decimal

SEED_RUN = ["exercise", "--seed", "1", "--count", "3"]


@pytest.fixture(scope="module")
def run_1(tmp_path_factory) -> Path:
    """`explainer exercise --seed 1 --count 3` in every format."""
    out = tmp_path_factory.mktemp("ex1")
    assert main([*SEED_RUN, "-o", str(out)]) == 0
    return out


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_writes_every_sheet_and_the_same_bytes_again(run_1, tmp_path):
    names = set(files(run_1))
    for k in (1, 2, 3):
        assert {f"exercise-{k}.toml", f"exercise-{k}-claims.toml"} <= names
        assert {f"exercise-{k}-{kind}.{fmt}" for kind in ("problem", "solution")
                for fmt in ("tex", "html", "md")} <= names
    assert {"answer-key.tex", "answer-key.html", "answer-key.md"} <= names
    # Another process with another hash seed: no set or dict order may leak into the files.
    env = dict(os.environ, PYTHONHASHSEED="12345")
    result = subprocess.run([sys.executable, "-m", "explainer.cli", *SEED_RUN, "-o", str(tmp_path)],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert files(tmp_path) == files(run_1)


@pytest.mark.skipif(not pdflatex_available(), reason="pdflatex is not installed")
def test_pdfs_are_byte_identical_for_the_same_seed(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert main(["exercise", "--seed", "4", "--count", "1", "--format", "tex", "--pdf",
                     "-o", str(out)]) == 0
    pdfs = {n: b for n, b in files(first).items() if n.endswith(".pdf")}
    assert sorted(pdfs) == ["answer-key.pdf", "exercise-1-problem.pdf", "exercise-1-solution.pdf"]
    assert pdfs == {n: b for n, b in files(second).items() if n.endswith(".pdf")}


def test_another_seed_gives_other_networks(run_1, tmp_path):
    assert main(["exercise", "--seed", "2", "--format", "md", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "exercise-1.toml").read_text() != (run_1 / "exercise-1.toml").read_text()


@pytest.mark.parametrize("options", [
    Options(count=6, seed=11),
    Options(layers=(2, 3, 1), activation="tanh", cost="half_sum_squared", count=3, seed=5),
    Options(layers=(3, 2, 2, 2), count=2, seed=7),
])
def test_networks_are_different_and_nice(options):
    exercises = generate(options)
    assert len(exercises) == options.count
    bodies = [e.toml.split("\n", 1)[1] for e in exercises]
    assert len(set(bodies)) == len(bodies)
    for e in exercises:
        net = e.spec.network
        written = [p.value for p in net.parameters] + list(e.spec.sample.input) + \
            list(e.spec.sample.expected) + [e.spec.learning_rate]
        assert all((v * 100).denominator == 1 for v in written)  # one or two decimals
        assert all(abs(p.value) <= 1 for p in net.parameters)
        step = explain(e.spec).symbolic  # the rules hold for the symbolic engine's values too
        for values in (step.values, step.after):
            for layer in range(1, net.depth + 1):
                for n in net.neurons(layer):
                    assert abs(values.input[n]) <= MAX_INPUT
                    if net.activations[layer - 1] == "sigmoid":
                        assert SATURATION <= values.output[n] <= 1 - SATURATION
                    if net.activations[layer - 1] == "tanh":
                        assert abs(values.output[n]) <= 1 - SATURATION
        assert all(abs(g) >= MIN_GRADIENT for g in step.values.gradient.values())
        assert step.after.cost < step.values.cost
        kinds = [net.parameter(p).kind for p in e.chosen]
        assert kinds == (["weight", "weight", "bias"] if net.depth > 1 else ["weight", "bias"])


def _digits(text: str) -> str:
    return text.lstrip("−-")


def test_problem_sheets_hold_no_answers(run_1):
    for k, exercise in enumerate(generate(Options(count=3, seed=1)), start=1):
        explanation = explain(exercise.spec)
        answers = []
        for q in exercise.questions():
            for digits in (KEY_DIGITS, 6):  # as the answer key and the solution write them
                shown = show(answer(explanation, q.key), digits).text
                if len(re.sub(r"\D", "", shown).lstrip("0")) >= 3:
                    answers.append(_digits(shown))
        assert answers
        for fmt in ("tex", "html", "md"):
            sheet = (run_1 / f"exercise-{k}-problem.{fmt}").read_text()
            for a in answers:
                assert not re.search(rf"(?<![\d.]){re.escape(a)}(?!\d)", sheet), (k, fmt, a)
        key = (run_1 / "answer-key.md").read_text()
        assert show(explanation.symbolic.values.cost, KEY_DIGITS).latex in key


def test_the_problem_sheet_asks_every_question(run_1):
    md = (run_1 / "exercise-1-problem.md").read_text()
    for title in ("The forward pass", "The cost", "Backpropagation", "The update",
                  "The sanity check"):
        assert title in md
    exercise = generate(Options(count=1, seed=1))[0]
    for p in exercise.chosen:
        assert rf"\partial C / \partial {p[0]}_{{{p[1:]}}}" in md
    assert md.count(r"\_" * 10) >= 14  # a blank for every answer


def _filled(template: str, values: dict[str, str]) -> str:
    """The claims template with every answer line uncommented and filled in, section by section."""
    out, section = [], ""
    for line in template.splitlines():
        if line.startswith("[claims"):
            section = line.strip("[]").removeprefix("claims").lstrip(".")
        match = re.fullmatch(r"# (\w+) = ", line)
        if match:
            key = f"{section}.{match[1]}" if section else match[1]
            line = f"{match[1]} = {values[key]}"
        out.append(line)
    return "\n".join(out) + "\n"


def test_the_claims_template_round_trips_through_explainer_check(run_1, tmp_path, capsys):
    template = (run_1 / "exercise-2-claims.toml").read_text()
    assert 'spec = "exercise-2.toml"' in template
    assert "remove the #" in template
    spec = load_spec(run_1 / "exercise-2.toml")
    explanation = explain(spec)
    exercise = generate(Options(count=3, seed=1))[1]
    true = {q.key: answer(explanation, q.key) for q in exercise.questions()}
    rounded = {k: str(to_decimal(v)[0].quantize(Decimal("0.0001"))) for k, v in true.items()}
    (tmp_path / "exercise-2.toml").write_bytes((run_1 / "exercise-2.toml").read_bytes())
    right = tmp_path / "right.toml"
    right.write_text(_filled(template, rounded))
    assert main(["check", str(right)]) == 0, capsys.readouterr().out
    wrong_key = f"gradient.{exercise.chosen[0]}"
    planted = dict(rounded, **{wrong_key: str(Decimal(rounded[wrong_key]) + Decimal("0.01"))})
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(_filled(template, planted))
    assert main(["check", str(wrong)]) == 1
    assert "WRONG" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--layers", "2-x-2"], "--layers: expected sizes joined by -"),
    (["--layers", "2"], "--layers: expected sizes joined by -"),
    (["--layers", "2-9-2"], "--layers: every layer needs 1 to 6 neurons"),
    (["--count", "0"], "--count: must be between 1 and 100"),
    (["--activation", "swish"], "--activation: unknown activation 'swish'"),
    (["--cost", "hinge"], "--cost: unknown cost 'hinge'"),
    (["--activation", "softmax", "--layers", "2-2-2"], "--layers/--activation/--cost: "),
    (["--format", "pdf"], "--format: pdf is not a format here; use --pdf"),
])
def test_bad_options_are_one_line_and_write_nothing(args, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["exercise", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"explainer: error: {message}") and err.count("\n") == 1, err
    assert not out.exists()
