"""Saturation explained, not refused: the seed network with inputs [1000, −1000].

h1's input is 700.25 and h2's −399.55: σ(700.25) is 1 − 7.7e-305, and the gradients
through h1 are about 1e-302, ordinary float64 numbers (PyTorch's float64 sigmoid
returns 1.0 there, and σ(1 − σ) = 0). Every engine must get them to every digit;
the reference here is a plain re-implementation with mpmath at 80 digits.
"""

from __future__ import annotations

import json

import mpmath
import pytest

from explainer import examples
from explainer.checker import paper
from explainer.cli.command import main
from explainer.engines import numeric, symbolic
from explainer.engines.differences import digits_for, precise_difference, step_for
from explainer.engines.mpeval import to_mp
from explainer.output.render import render
from explainer.spec import load_spec, parse_spec
from explainer.walkthrough.build import build
from tests.conftest import SPECS

SATURATED = examples.seed_spec().read_text().replace("input = [2, 3]", "input = [1000, -1000]")


def _mp_gradients() -> dict[str, mpmath.mpf]:
    """∂C/∂p of the seed network at x = (1000, −1000), by hand, with 80 digits."""
    with mpmath.workdps(80):
        f = mpmath.mpf
        sigma = lambda v: 1 / (1 + mpmath.exp(-v))  # noqa: E731
        slope = lambda v: sigma(v) * sigma(-v)  # noqa: E731
        x = [f(1000), f(-1000)]
        W1, b1 = [[f("0.3"), f("-0.4")], [f("0.2"), f("0.6")]], [f("0.25"), f("0.45")]
        W2, b2 = [[f("0.7"), f("0.5")], [f("-0.3"), f("-0.1")]], [f("0.15"), f("0.35")]
        expected = [f(1), f("0.2")]
        i1 = [W1[j][0] * x[0] + W1[j][1] * x[1] + b1[j] for j in range(2)]
        o1 = [sigma(v) for v in i1]
        i2 = [W2[j][0] * o1[0] + W2[j][1] * o1[1] + b2[j] for j in range(2)]
        o2 = [sigma(v) for v in i2]
        d2 = [2 * (o2[j] - expected[j]) * slope(i2[j]) for j in range(2)]
        d1 = [slope(i1[k]) * (W2[0][k] * d2[0] + W2[1][k] * d2[1]) for k in range(2)]
        # source-major labels: w1 x1→h1, w2 x1→h2, w3 x2→h1, w4 x2→h2, w5 h1→L1, w6 h1→L2, …
        return {"w1": d1[0] * x[0], "w2": d1[1] * x[0], "w3": d1[0] * x[1], "w4": d1[1] * x[1],
                "w5": d2[0] * o1[0], "w6": d2[1] * o1[0], "w7": d2[0] * o1[1], "w8": d2[1] * o1[1],
                "b1": d1[0], "b2": d1[1], "b3": d2[0], "b4": d2[1]}


@pytest.fixture(scope="module")
def saturated(tmp_path_factory):
    out = tmp_path_factory.mktemp("saturated")
    spec = out / "saturated.toml"
    spec.write_text(SATURATED)
    status = main(["explain", str(spec), "-o", str(out), "--format", "json,md"])
    return status, json.loads((out / "saturated.json").read_text()), (out / "saturated.md").read_text()


def test_saturated_gradients_are_in_the_json_to_nine_digits(saturated):
    status, data, _ = saturated
    assert status == 0  # not refused, and every witness agrees
    truth = _mp_gradients()
    assert mpmath.nstr(truth["w1"], 4) == "-1.035e-302" and mpmath.nstr(truth["b1"], 4) == "-1.035e-305"
    for label, value in truth.items():
        assert mpmath.nstr(mpmath.mpf(data["gradient"][label]), 9) == mpmath.nstr(value, 9), label
    assert data["checks"]["agrees"]
    assert all(g["agrees"] for g in data["checks"]["gradients"].values())


def test_every_engine_keeps_the_digits_alone():
    spec = parse_spec(SATURATED.encode(), "saturated.toml")
    truth = _mp_gradients()
    sym = symbolic.step(spec)
    assert sym.digits > 300  # chosen from the values: 1 − o_h1 ≈ 7.7e-305 keeps its digits
    num = numeric.step(spec)
    h = step_for(spec, "w1", num.before)
    assert h == pytest.approx(1e-5)  # w1 multiplies 1000: a smaller step
    finite = precise_difference(spec, "w1", h, digits_for(float(sym.values.cost), h, float(truth["w1"])))
    for label in ("w1", "b1", "w3"):
        assert float(sym.values.gradient[label]) == pytest.approx(float(truth[label]), rel=1e-14)
        assert num.backward.gradient[label] == pytest.approx(float(truth[label]), rel=1e-12)
    assert finite == pytest.approx(float(truth["w1"]), rel=1e-9)
    one_minus = 1 - sym.values.output["h1"]
    assert mpmath.nstr(mpmath.mpf(str(one_minus)), 6) == "7.67872e-305"


def test_the_walkthrough_explains_the_saturation(saturated):
    _, _, md = saturated
    assert "**Saturated.** $h_{1}$ has the input $i_{h_{1}} = 700.25$" in md
    assert r"1 - o_{h_{1}} \approx 7.67872 \times 10^{-305}" in md
    assert "**What saturation does.**" in md and "learns slowly" in md
    assert r"$w_{1}, w_{3}, b_{1}$" in md  # the gradients the tiny slope multiplies
    # σ′ written with 1 − o as its number, not as 1.00000 · (1 − 1.00000)
    assert r"1.00000 \cdot \left(7.67872 \times 10^{-305}\right)" in md
    assert r"(1 - 1.00000)" not in md


def test_the_seed_itself_has_no_saturated_neuron(seed):
    assert "Saturated" not in render(build(seed), "md")


def test_beyond_float64_is_one_line(tmp_path, capsys):
    spec = tmp_path / "far.toml"
    spec.write_text(SATURATED.replace("input = [1000, -1000]", "input = [3000, -3000]"))
    assert main(["explain", str(spec), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "h1 = sigmoid(2100) is within e^−2100 of 1" in err
    assert not (tmp_path / "out").exists()
    load_spec(spec)  # the file itself is fine: only its numbers leave the range


def test_an_output_saturated_after_the_step_under_cross_entropy_gets_its_digits():
    """Cross-entropy divides by o (1 − o): an output closer to 1 than the working digits can
    tell used to divide by zero. Each pass's forward half now sets the digits first, and the
    checker's paper recomputation works with the engines' digits."""
    spec = load_spec(SPECS / "saturated-after-bce.toml")
    step = symbolic.step(spec)
    assert step.digits > 100
    assert float(step.after.cost) == pytest.approx(numeric.step(spec).after.cost, rel=1e-12)
    with mpmath.workdps(step.digits):
        assert mpmath.almosteq(paper.work(spec).value["after.cost"], to_mp(step.after.cost), rel_eps=1e-30)
