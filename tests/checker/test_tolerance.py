"""A tolerance that cannot be gamed: half a unit of the last written digit, plus the rounding
that really propagates from the person's other claims, and nothing at all for what is exact.

The old rule allowed a whole unit of the last digit, so a number written without decimals
was right within ±1: a ReLU slope written 1 for a true 0, or a gradient written −1 for a
true 0, passed. Here every such claim is judged on the public ReLU example (tailvar's NumPy
notebook, tests/checker/public/relu-tiny*.toml), whose true values PyTorch confirms in
test_public_examples.py.
"""

from __future__ import annotations

import pytest

from explainer.checker.claims import load_claims
from explainer.checker.verdicts import CORRECT, WRONG
from tests.checking import judge
from tests.conftest import TESTS

PUBLIC = TESTS / "checker" / "public"


def claims_file(tmp_path, lines: str):
    path = tmp_path / "claims.toml"
    path.write_text(f'spec = "{PUBLIC / "relu-tiny.toml"}"\n{lines}\n', encoding="utf-8")
    return {v.key: v for v in judge(load_claims(path)).verdicts}


def test_every_zero_and_one_of_the_relu_example_is_checked():
    """The notebook's slopes and zeros, as NumPy printed them, are right — exactly."""
    verdicts = {v.key: v for v in judge(load_claims(PUBLIC / "relu-tiny-claims.toml")).verdicts}
    exact = {k: v for k, v in verdicts.items() if v.claim.written.rstrip(".").lstrip("-") in ("0", "1")}
    assert {"activation_derivative.h1", "activation_derivative.h2", "delta.h2", "gradient.w4"} <= set(exact)
    assert all(v.verdict == CORRECT for v in exact.values())
    # exact by nature: nothing carried in, only their own digits' rounding
    assert all(v.tolerance <= 0.5 * 10 ** -max(v.claim.decimals, 0) + 1e-11 for v in exact.values())


@pytest.mark.parametrize("key, written", [
    ("activation_derivative.h1", '"0"'),   # true 1: the ReLU is on
    ("activation_derivative.h2", '"1"'),   # true 0: the ReLU is off
    ("gradient.w4", "1"),                  # true 0: no gradient through the off unit
    ("gradient.w4", "-1"),
    ("delta.h2", '"0.1"'),                 # true 0 exactly, not "0.1 ± 0.05"
])
def test_a_wrong_integer_or_a_wrong_zero_is_wrong(tmp_path, key, written):
    section, name = key.split(".")
    verdict = claims_file(tmp_path, f"[claims.{section}]\n{name} = {written}")[key]
    assert verdict.verdict == WRONG, (key, written, float(verdict.true), float(verdict.tolerance))


def test_an_integer_off_by_one_is_wrong_and_a_fine_rounding_is_right(tmp_path):
    """L = 2.205 (true): 2 is its rounding to an integer, 3 is not; for f = 5.1, 5 is and 6 is
    not. Half a unit, never a whole one."""
    verdicts = claims_file(tmp_path, "[claims]\ncost = 2\n[claims.input]\nL1 = 5")
    assert verdicts["cost"].verdict == CORRECT and verdicts["input.L1"].verdict == CORRECT
    assert claims_file(tmp_path, "[claims]\ncost = 3")["cost"].verdict == WRONG
    assert claims_file(tmp_path, "[claims.input]\nL1 = 6")["input.L1"].verdict == WRONG


def test_three_for_two_point_six_is_still_right(tmp_path):
    """A written 3 for a true 2.6 is a fine rounding (the example with h1's bias 0.6)."""
    spec = (PUBLIC / "relu-tiny.toml").read_text(encoding="utf-8")
    (tmp_path / "spec.toml").write_text(spec.replace("biases = [0.5, -0.5]", "biases = [0.6, -0.5]"),
                                        encoding="utf-8")
    (tmp_path / "claims.toml").write_text('spec = "spec.toml"\n[claims.input]\nh1 = 3\n', encoding="utf-8")
    verdict = judge(load_claims(tmp_path / "claims.toml")).verdicts[0]
    assert abs(float(verdict.true) - 2.6) < 1e-12 and verdict.verdict == CORRECT


def test_marking_a_claim_exact_takes_its_rounding_away(tmp_path):
    verdicts = claims_file(tmp_path, "[claims]\ncost = 2.2\n[claims.input]\nL1 = { value = 5, exact = true }")
    assert verdicts["cost"].verdict == CORRECT
    assert verdicts["input.L1"].verdict == WRONG


def test_an_output_rounded_to_zero_under_a_logarithm_leaves_the_cost_judged(tmp_path):
    """A softmax output 0.049 written 0.0: carried, −log 0 is infinite, which is no rounding
    spread at all (once it was NaN, and every cost claim after it was wrong)."""
    spec = tmp_path / "softmax.toml"
    spec.write_text('''title = "softmax, one output near 0"
[network]
layers = [2, 3]
activation = "softmax"
cost = "cross_entropy"
[[network.layer]]
weights = [[0, 0], [0, 0], [1.49, 0]]
biases = [0, 0, 0]
[training]
learning_rate = 0.01
[[training.sample]]
input = [-1.52, 0]
expected = [0, 0, 0.01]
''', encoding="utf-8")
    claims = tmp_path / "claims.toml"
    claims.write_text(f'spec = "{spec}"\n[claims]\ncost = 0.0\nafter.cost = 0.0\n'
                      '[claims.output]\nL1 = 0.5\nL2 = 0.5\nL3 = 0.0\n', encoding="utf-8")
    verdicts = {v.key: v for v in judge(load_claims(claims)).verdicts}
    assert verdicts["cost"].verdict == CORRECT and verdicts["after.cost"].verdict == CORRECT
    assert all(v.tolerance == v.tolerance for v in verdicts.values())  # no NaN
    assert verdicts["output.L3"].verdict == CORRECT
