"""The quantities worked examples print besides i, o, δ and the gradients: the weighted sum
before the bias, the error o − exp, ∂C/∂o of a hidden neuron, and softmax's e^i and their
sum. Each is claimable, judged, carried into what follows from it, and a slip shows in it.

True values here come from the written-out step of tests/checker/written_step.py (plain
Python, sigmoid networks) and from a plain mpmath softmax below: neither is the checker's
code. PyTorch confirms the same keys on the public examples (test_public_examples.py).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest

from explainer.checker.claims import Claim, Claims
from explainer.checker.verdicts import CORRECT, FOLLOWS, WRONG
from explainer.engines import symbolic
from explainer.engines.mpeval import to_mp
from explainer.engines.quantities import quantities
from explainer.spec import load_spec
from tests.checker.written_step import EXAMPLES, Step, spec_of
from tests.checking import claims_of, judge
from tests.conftest import SPECS

NEW = ("weighted_sum.", "error.", "cost_derivative.h")


def truth(spec) -> dict[str, mpmath.mpf]:
    values = quantities(spec, symbolic.step(spec, symbolic.derive(spec.network)))
    return {k: to_mp(v) for k, v in values.items()}


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_new_keys_are_what_a_plain_step_computes(name):
    mine = Step(spec_of(name), EXAMPLES[name]).run()
    true = truth(spec_of(name))
    keys = [k for k in mine if k.startswith(NEW)]
    assert {k.split(".")[0] for k in keys} == {"weighted_sum", "error", "cost_derivative"}
    for key in keys:
        assert abs(mine[key] - true[key]) <= mpmath.mpf(10) ** -30 * max(1, abs(true[key])), key


def softmax_by_hand(spec) -> dict[str, mpmath.mpf]:
    """The softmax network of tests/specs/softmax-no-bias.toml, its last layer by hand:
    tanh below, then e^i, their sum, and each e^i over it."""
    net = spec.network
    with mpmath.workdps(50):
        x = [mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator for v in spec.sample.input]

        def num(q):
            return mpmath.mpf(q.numerator) / q.denominator

        hidden = [mpmath.tanh(sum(num(w) * xk for w, xk in zip(row, x, strict=True))) for row in net.weights[0]]
        bias = num(net.biases[1][0])
        i = [sum(num(w) * o for w, o in zip(row, hidden, strict=True)) + bias for row in net.weights[1]]
        e = [mpmath.exp(v) for v in i]
        out = {f"exponential.L{j + 1}": v for j, v in enumerate(e)}
        out["exponential_sum"] = mpmath.fsum(e)
        out |= {f"weighted_sum.L{j + 1}": v - bias for j, v in enumerate(i)}
        out |= {f"output.L{j + 1}": v / out["exponential_sum"] for j, v in enumerate(e)}
        return out


def test_softmax_internals_are_claimable_and_right():
    spec = load_spec(SPECS / "softmax-no-bias.toml")
    by_hand, true = softmax_by_hand(spec), truth(spec)
    for key, value in by_hand.items():
        assert abs(value - true[key]) <= mpmath.mpf(10) ** -40, key
    result = judge(claims_of(spec, by_hand, 6))
    assert all(v.verdict == CORRECT for v in result.verdicts), [(v.key, v.verdict) for v in result.verdicts]


def _claims(spec, written: dict[str, str]) -> Claims:
    return Claims("<test>", spec, tuple(Claim(k, v, Fraction(v), len(v.partition(".")[2]))
                                        for k, v in written.items()))


def test_a_wrong_sum_of_exponentials_is_wrong_and_the_outputs_made_from_it_carried():
    spec = load_spec(SPECS / "softmax-no-bias.toml")
    true = truth(spec)
    wrong_sum = true["exponential_sum"] + mpmath.mpf("0.5")
    written = {"exponential.L1": mpmath.nstr(true["exponential.L1"], 8),
               "exponential_sum": mpmath.nstr(wrong_sum, 8),
               "output.L1": mpmath.nstr(true["exponential.L1"] / wrong_sum, 8)}
    verdicts = {v.key: v for v in judge(_claims(spec, written)).verdicts}
    assert verdicts["exponential.L1"].verdict == CORRECT
    assert verdicts["exponential_sum"].verdict == WRONG
    assert verdicts["output.L1"].verdict == FOLLOWS
    assert verdicts["output.L1"].follows_from == ("exponential_sum",)


def test_a_wrong_hidden_dc_do_carries_into_the_hidden_delta():
    """∂C/∂o_h1 written wrong, and δ_h1 = ∂C/∂o_h1 · σ′ computed from it: carried, not wrong."""
    spec = spec_of("seed")
    true = truth(spec)
    dC_do = true["cost_derivative.h1"] * 2
    written = {"cost_derivative.h1": mpmath.nstr(dC_do, 9),
               "activation_derivative.h1": mpmath.nstr(true["activation_derivative.h1"], 9),
               "delta.h1": mpmath.nstr(dC_do * true["activation_derivative.h1"], 9)}
    verdicts = {v.key: v for v in judge(_claims(spec, written)).verdicts}
    assert verdicts["cost_derivative.h1"].verdict == WRONG
    assert verdicts["activation_derivative.h1"].verdict == CORRECT
    assert verdicts["delta.h1"].verdict == FOLLOWS
    assert verdicts["delta.h1"].follows_from == ("cost_derivative.h1",)


def test_the_weighted_sum_carries_into_the_input():
    spec = spec_of("seed")
    true = truth(spec)
    off = true["weighted_sum.h1"] + mpmath.mpf("0.1")
    bias = true["input.h1"] - true["weighted_sum.h1"]
    written = {"weighted_sum.h1": mpmath.nstr(off, 9), "input.h1": mpmath.nstr(off + bias, 9)}
    verdicts = {v.key: v for v in judge(_claims(spec, written)).verdicts}
    assert verdicts["weighted_sum.h1"].verdict == WRONG
    assert verdicts["input.h1"].verdict == FOLLOWS


def test_the_error_written_from_the_input_is_diagnosed_input_for_output():
    """dZ = Z − Y "assuming A = Z": the error of an output neuron taken from its input."""
    spec = spec_of("seed")
    true = truth(spec)
    expected = Fraction(spec.sample.expected[0])
    i_minus_exp = true["input.L1"] - mpmath.mpf(expected.numerator) / expected.denominator
    written = {"output.L1": mpmath.nstr(true["output.L1"], 9), "error.L1": mpmath.nstr(i_minus_exp, 9)}
    verdicts = {v.key: v for v in judge(_claims(spec, written)).verdicts}
    assert verdicts["output.L1"].verdict == CORRECT
    assert verdicts["error.L1"].verdict == WRONG
    assert "input_for_output" in verdicts["error.L1"].diagnosis
