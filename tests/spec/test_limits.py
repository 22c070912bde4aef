"""Limits and extreme values: refused with the option that lifts the limit, or computed
finitely and correctly, never NaN in an output and never a numpy warning."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import mpmath
import pytest

from explainer import cli, examples, pipeline
from explainer.spec import SpecError, limits, load_spec
from tests.conftest import REPO

SEED = examples.seed_spec().read_text(encoding="utf-8")
NOT_FINITE = re.compile(r"\b(nan|NaN|inf|Infinity)\b")


def _network(layers: list[int], activation: str | list[str], cost: str, weights: list, x: list,
             expected: list) -> str:
    tables = "".join(f"[[network.layer]]\nweights = {w}\nbiases = {[0] * len(w)}\n\n" for w in weights)
    # json.dumps writes a name or a list of names the way TOML does.
    return (f'[network]\nlayers = {layers}\nactivation = {json.dumps(activation)}\ncost = "{cost}"\n\n{tables}'
            f"[training]\nlearning_rate = 0.1\n\n[[training.sample]]\ninput = {x}\nexpected = {expected}\n")


def _run(tmp_path: Path, text: str, *options: str) -> tuple[int, dict[str, str]]:
    """Explain in-process with numpy's RuntimeWarnings turned into errors; the files written."""
    spec = tmp_path / "net.toml"
    spec.write_text(text)
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        status = cli.main(["explain", str(spec), "-o", str(out), *options])
    files = {p.suffix[1:]: p.read_text(encoding="utf-8") for p in out.iterdir()} if out.exists() else {}
    return status, files


# ---------------------------------------------------------------- size limits


def test_limits_are_what_the_readme_says():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"{limits.MAX_PARAMETERS:,} parameters" in readme
    assert f"{limits.MAX_PARAMETER_UPDATES:,} parameter updates" in readme
    assert f"a run at the limit takes {limits.RUN_AT_LIMIT}" in readme  # what a run that size costs
    assert "--no-limits" in readme


def test_a_network_above_the_parameter_limit_is_refused(tmp_path, capsys):
    # 100-50-2: 5,000 + 100 weights and 52 biases, just above 5,000.
    text = _network([100, 50, 2], "sigmoid", "sum_squared", [[[0.01] * 100] * 50, [[0.02] * 50] * 2],
                    [1] * 100, [0, 1])
    status, files = _run(tmp_path, text)
    line = capsys.readouterr().err.strip()
    assert status == 2 and not files
    assert line.endswith("network.layers: 5,152 parameters is above the limit of 5,000 for a run; "
                         "pass --no-limits to lift it"), line


def test_the_readme_s_largest_example_is_within_the_limits():
    layers = (64, 32, 10)
    parameters = sum(a * b + b for a, b in itertools.pairwise(layers))
    assert parameters == 2410 <= limits.MAX_PARAMETERS
    assert parameters * 1 * 1 <= limits.MAX_PARAMETER_UPDATES


@pytest.mark.parametrize(("limit", "value", "key"), [("MAX_PARAMETERS", 11, "network.layers"),
                                                      ("MAX_PARAMETER_UPDATES", 23, "training")])
def test_no_limits_lifts_each_limit(tmp_path, capsys, monkeypatch, limit, value, key):
    """With a limit just below the seed's 12 parameters × 2 steps, the run is refused, and
    --no-limits lets it through."""
    monkeypatch.setattr(limits, limit, value)
    text = SEED.replace("steps = 1", "steps = 2")
    status, files = _run(tmp_path, text, "--format", "json")
    assert status == 2 and not files
    assert f"{key}: " in capsys.readouterr().err
    status, files = _run(tmp_path, text, "--format", "json", "--no-limits")
    assert status == 0 and set(files) == {"json"}


# ---------------------------------------------------------------- extreme values


def _sigmoid(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


@pytest.mark.parametrize("expected", [0.5, 1])
@pytest.mark.parametrize(("activation", "x"), [("sigmoid", 60), ("sigmoid", -60), ("tanh", 30), ("tanh", -30)])
def test_nearly_saturated_neuron_gives_correct_values(tmp_path, activation, x, expected):
    """One neuron o = σ(x) within 1e-26 of ±1, C = (o − exp)²: the engines agree (exit 0),
    and the JSON matches a 50-digit reference. With exp = 1 the cost is (1 − o)², about
    1e-52, which NumPy only gets right from 1 − o = σ(−x), not from a rounded o."""
    status, files = _run(tmp_path, _network([1, 1], activation, "sum_squared", [[[1]]], [x], [expected]))
    assert status == 0
    for text in files.values():
        assert not NOT_FINITE.search(text)
    data = json.loads(files["json"])
    with mpmath.workdps(50):
        f = _sigmoid if activation == "sigmoid" else mpmath.tanh
        o = f(mpmath.mpf(x))
        slope = o * (1 - o) if activation == "sigmoid" else 1 - o**2
        assert data["output"]["L1"] == float(o)
        assert data["cost"] == pytest.approx(float((o - expected) ** 2), rel=1e-12)
        assert data["gradient"]["w1"] == pytest.approx(float(2 * (o - expected) * slope * x), rel=1e-12)


@pytest.mark.parametrize("expected", [[1, 0], [0, 1]])
def test_confident_softmax_cross_entropy_is_computed_to_every_digit(tmp_path, expected):
    """Inputs 20 apart: the right answer has probability 1 − 2e-9, and its cost ln(1 + e^-20)
    must come out of NumPy to 1e-10 relative, which ln(y) of a rounded y does not give."""
    status, files = _run(tmp_path, _network([1, 2], "softmax", "cross_entropy", [[[10], [-10]]], [1],
                                            expected), "--format", "json")
    assert status == 0  # 1 would be the engines disagreeing
    data = json.loads(files["json"])
    with mpmath.workdps(50):
        gap = 20 if expected == [1, 0] else -20
        assert data["cost"] == pytest.approx(float(mpmath.log1p(mpmath.exp(-gap))), rel=1e-14)


EXTREMES = [  # (hidden activation or None, last activation, cost, input, the outcome)
    (None, "linear", "mean_squared", -1000, 0), (None, "relu", "sum_squared", 1000, 0),
    ("linear", "leaky_relu", "half_sum_squared", -1000, 0),
    (None, "sigmoid", "sum_squared", 1000, 2), (None, "sigmoid", "sum_squared", -1000, 2),
    (None, "tanh", "half_sum_squared", 1000, 2), ("sigmoid", "linear", "sum_squared", 1000, 2),
    ("tanh", "linear", "sum_squared", -1000, 2),
    (None, "softmax", "cross_entropy", 1000, 2), (None, "softmax", "cross_entropy", -1000, 2),
    (None, "softmax", "mean_squared", 1000, 2),
    (None, "sigmoid", "cross_entropy", 1000, 2), (None, "sigmoid", "cross_entropy", -1000, 2),
    (None, "sigmoid", "binary_cross_entropy", 1000, 2), (None, "sigmoid", "binary_cross_entropy", -1000, 2),
]


@pytest.mark.parametrize(("hidden", "activation", "cost", "x", "outcome"), EXTREMES)
def test_inputs_of_1000_give_finite_results_or_a_clear_error(tmp_path, capsys, hidden, activation, cost, x,
                                                             outcome):
    """x = ±1000 with weights ±1 into the last layer, or through a hidden layer. A sigmoid,
    tanh or softmax output within e^-1000 of ±1 is refused, whatever the cost: 1 − o is
    beyond the symbolic engine's 60 digits and beyond float64. Unbounded activations
    compute: their numbers are merely large."""
    if hidden is None:
        text = _network([1, 2], activation, cost, [[[1], [-1]]], [x], [1, 0])
    else:
        text = _network([1, 2, 2], [hidden, activation], cost, [[[1], [-1]], [[1, 0], [0, -1]]], [x], [1, 0])
    status, files = _run(tmp_path, text)
    err = capsys.readouterr().err
    assert status == outcome, err
    if outcome == 2:
        assert not files and err.count("\n") == 1 and "training.sample[1]: " in err
        assert re.search(r"= (sigmoid|tanh|softmax)\(-?1000\) is (within|-?1 to)", err.replace("−", "-")), err
    else:
        assert err == "" and set(files) == {"tex", "html", "md", "json"}
        for text in files.values():
            assert not NOT_FINITE.search(text)


def test_no_numpy_warning_reaches_the_terminal(tmp_path):
    """The same refusal in a real process with warnings as errors: one line, no warning."""
    spec = tmp_path / "bce.toml"
    spec.write_text(_network([1, 1], "sigmoid", "binary_cross_entropy", [[[1]]], [-1000], [0.5]))
    result = subprocess.run([sys.executable, "-W", "error", "-m", "explainer.cli", "explain", str(spec),
                             "-o", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Warning" not in result.stderr, result.stderr


def test_the_dry_run_checks_every_step(tmp_path):
    """A learning rate so large that the first update sends a linear network's output past
    float64's range: refused, and the message says when."""
    text = _network([1, 1], "linear", "sum_squared", [[[1e50]]], [1e50], [0]).replace(
        "learning_rate = 0.1", "learning_rate = 1e90")
    spec = tmp_path / "net.toml"
    spec.write_text(text)
    with pytest.raises(SpecError, match="in the first step, the numbers leave float64's range"):
        pipeline.check_run(load_spec(spec))


def test_the_dry_run_follows_the_training_loop(tmp_path):
    """Training that diverges by a factor of 199 a step leaves float64's range only after
    dozens of steps: the dry run gets there, and says at which step."""
    text = _network([1, 1], "linear", "sum_squared", [[[1]]], [10], [0]).replace(
        "learning_rate = 0.1", "learning_rate = 1\nsteps = 200")
    spec = tmp_path / "net.toml"
    spec.write_text(text)
    with pytest.raises(SpecError, match=r"training.sample\[1\]: (in|after) step [0-9]+, the numbers leave"):
        pipeline.check_run(load_spec(spec))
    # Three steps of the same stay in range and are not refused.
    spec.write_text(text.replace("steps = 200", "steps = 3"))
    pipeline.check_run(load_spec(spec))


def test_a_tiny_difference_squared_is_written_with_parentheses(tmp_path):
    """(o − exp)² with o − exp = 1e-9, shown as 1.00000 × 10^-9: without parentheses its
    square is a double superscript, which MathML conversion (HTML) and LaTeX refuse."""
    status, files = _run(tmp_path, _network([1, 1], "linear", "sum_squared", [[[1]]], [1e-9], [0]),
                         "--format", "html,md")
    assert status == 0
    assert r"\left(1 \times 10^{-9}\right)^{2}" in files["md"]


def test_a_cost_of_zero_is_explained(tmp_path, capsys):
    """The network already gives the expected output: no percentage of a zero cost (it
    used to divide by zero and crash), and the walkthrough says the step changes nothing."""
    status, files = _run(tmp_path, _network([1, 1], "linear", "sum_squared", [[[1]]], [1], [1]),
                         "--format", "md")
    assert status == 0
    assert "cost       0 -> 0 (change 0)" in capsys.readouterr().out
    assert "The cost did not change" in files["md"] and "so the step changes nothing" in files["md"]
