"""Diagnoses that fit every number a person wrote, pairs of slips, and carrying rounding forward.

The numbers planted here come from the paper engine with a slip (`paper.work(twist=…)`),
whose every slip has an independent witness in tests/checker/test_slip_witnesses.py
(written-out steps in tests/checker/witnesses.py);
the true values, from the symbolic engine. What is tested is the judgement.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest

from explainer import examples
from explainer.checker import paper, report
from explainer.checker.claims import Claim, Claims
from explainer.checker.slips import Twist, twists
from explainer.checker.verdicts import CORRECT, FOLLOWS, WRONG
from explainer.spec import load_spec
from tests.checking import judge
from tests.conftest import SPECS

SEED = load_spec(examples.seed_spec())


def claim(key: str, value: mpmath.mpf, decimals: int, precision: str = "written") -> Claim:
    """`value` written as a person would: rounded to `decimals` decimals."""
    text = mpmath.nstr(value, 40, min_fixed=-100, max_fixed=100)
    rounded = Decimal(text).quantize(Decimal(1).scaleb(-decimals))
    return Claim(key, str(rounded), Fraction(rounded), decimals, precision)


def verdicts(spec, pairs: list[tuple[str, mpmath.mpf, int]]) -> dict:
    result = judge(Claims("<test>", spec, tuple(claim(k, v, d) for k, v, d in pairs)))
    return {v.key: v for v in result.verdicts}


def test_the_right_cost_rules_out_the_extra_half_and_leaves_the_missing_two():
    """∂C/∂o without its 2, the cost right: `extra_half` would halve the cost too, so only
    `missing_factor_two` fits — and the report says why the other was dropped."""
    right = paper.work(SEED).value
    slipped = paper.work(SEED, twist=Twist(cost_derivative_scale=Fraction(1, 2))).value
    found = verdicts(SEED, [("cost", right["cost"], 10),
                            ("cost_derivative.L1", slipped["cost_derivative.L1"], 10)])
    assert found["cost"].verdict == CORRECT
    derivative = found["cost_derivative.L1"]
    assert derivative.verdict == WRONG and derivative.diagnosis == ("missing_factor_two",)
    assert [slip for slip, _ in derivative.dropped] == ["extra_half"]
    assert derivative.dropped[0][1].startswith("it would also make cost 0.0968")


def test_without_the_cost_both_conventions_fit():
    slipped = paper.work(SEED, twist=Twist(cost_derivative_scale=Fraction(1, 2))).value
    found = verdicts(SEED, [("cost_derivative.L1", slipped["cost_derivative.L1"], 10)])
    assert set(found["cost_derivative.L1"].diagnosis) == {"missing_factor_two", "extra_half"}


def test_a_stale_second_pass_is_named_and_a_learning_rate_slip_is_ruled_out():
    """The pass after the step copies the last layer's inputs from before (a post's slip): the
    updated weights, written right, rule out every slip in the update."""
    right = paper.work(SEED).value
    stale = paper.work(SEED, twist=Twist(stale=2)).value
    claims = [(f"updated.{p.label}", right[f"updated.{p.label}"], 8) for p in SEED.network.parameters]
    claims += [("after.input.L1", stale["after.input.L1"], 8), ("after.output.L1", stale["after.output.L1"], 8)]
    found = verdicts(SEED, claims)
    assert all(found[f"updated.{p.label}"].verdict == CORRECT for p in SEED.network.parameters)
    after = found["after.input.L1"]
    assert after.verdict == WRONG and after.diagnosis == ("stale_value",)
    assert "learning_rate_misapplied" not in after.diagnosis


def test_two_slips_at_once_are_named_as_a_pair():
    """Updated next-layer weights in the backward pass and a reshaped (not transposed) matrix,
    in a network with no square layer: no single slip gives the hidden δ's, the pair does."""
    wide = load_spec(SPECS / "wide-2-3-2.toml")
    both = Twist(updated_weights_backward=True, mispaired="backward")
    assert (("updated_weights_in_backward_pass", Twist(updated_weights_backward=True)) in twists(wide.network)
            and ("mispaired_weights", Twist(mispaired="backward")) in twists(wide.network))
    planted = paper.work(wide, twist=both).value
    keys = [f"delta.h{j}" for j in (1, 2, 3)] + [f"gradient.w{n}" for n in (1, 2, 3)]
    found = verdicts(wide, [(k, planted[k], 10) for k in keys])
    wrong = [v for v in found.values() if v.verdict == WRONG]
    assert wrong
    assert all(v.diagnosis == ("updated_weights_in_backward_pass+mispaired_weights",) for v in wrong)


def test_numbers_carried_from_rounded_claims_are_carried_not_wrong():
    """A person writes their (wrong) updated weights to 6 decimals but computes the next pass
    from the full numbers: the recomputation from their 6-decimal weights is off by up to
    (2 + 3 + 1) × ½·10⁻⁶ (the inputs are 2 and 3), more than the 10⁻⁶ a number with 6
    decimals is allowed on its own. The rounding of the weights, carried along, is allowed too."""
    twice = Twist(eta_power=2)
    slipped = paper.work(SEED, twist=twice).value
    claims = [(f"updated.{p.label}", slipped[f"updated.{p.label}"], 6) for p in SEED.network.parameters]
    claims += [(f"after.input.{n}", slipped[f"after.input.{n}"], 6) for n in ("h1", "h2")]
    found = verdicts(SEED, claims)
    moved = [v for k, v in found.items() if k.startswith("after.input")]
    own = mpmath.mpf(10) ** -6  # a whole unit of the last digit: more than its own rounding allows
    assert any(abs(paper.mp(v.claim.value) - v.carried) > own for v in moved)  # the case at hand
    assert all(v.verdict == FOLLOWS for v in moved), [(v.key, v.verdict) for v in moved]


@pytest.mark.parametrize("precision, verdict", [("written", CORRECT), ("program", WRONG)])
def test_program_output_is_held_to_its_full_precision(precision, verdict):
    """0.19 for a cost of 0.1937…: right when rounded by hand to two decimals, wrong when a
    program printed it (a program prints every digit it has)."""
    cost = paper.work(SEED).value["cost"]
    result = judge(Claims("<test>", SEED, (claim("cost", cost, 2, precision),)))
    assert result.verdicts[0].verdict == verdict
    exact = judge(Claims("<test>", SEED, (claim("cost", cost, 17, "program"),)))
    assert exact.verdicts[0].verdict == CORRECT


def test_step_and_change_are_claimed_and_judged():
    right = paper.work(SEED).value
    with mpmath.workdps(50):
        eta = mpmath.mpf(1) / 10
        assert abs(right["step.w5"] - eta * right["gradient.w5"]) < 1e-40
        assert abs(right["change.w5"] - (right["updated.w5"] - mpmath.mpf(7) / 10)) < 1e-40
    found = verdicts(SEED, [("step.w5", right["step.w5"], 9), ("change.w5", right["change.w5"], 9),
                            ("step.w1", -right["step.w1"], 9)])
    assert found["step.w5"].verdict == CORRECT and found["change.w5"].verdict == CORRECT
    assert found["step.w1"].verdict == WRONG and "sign_flip" not in found["step.w1"].diagnosis


def _updates(rate: Fraction, labels: list[str]) -> list[tuple[str, mpmath.mpf, int]]:
    """The seed's gradients done right, and its updates made with learning rate `rate`."""
    right, theirs = paper.work(SEED).value, paper.work(SEED, twist=Twist(learning_rate=rate)).value
    return ([(f"gradient.{p}", right[f"gradient.{p}"], 9) for p in labels]
            + [(f"updated.{p}", theirs[f"updated.{p}"], 9) for p in labels])


def test_updates_with_another_learning_rate_are_named_with_the_rate_they_use():
    rate = Fraction(13, 20)  # the seed says η = 0.1
    claims = Claims("<test>", SEED, tuple(claim(k, v, d) for k, v, d in _updates(rate, ["w1", "w5", "b2"])))
    result = judge(claims)
    wrong = [v for v in result.verdicts if v.verdict == WRONG]
    assert {v.key for v in wrong} == {"updated.w1", "updated.w5", "updated.b2"}
    assert all("wrong_learning_rate" in v.diagnosis for v in wrong)
    assert result.inferred == {"learning_rate": rate}
    text = report.to_text(result)
    theirs, spec = report.decimal(rate), report.decimal(SEED.learning_rate)
    assert f"Your updates use η = {theirs}; the spec says η = {spec}." in text
    as_json = report.to_json(result, "seed.toml")
    assert as_json["inferred"] == {"learning_rate": report.decimal(rate)}
    for c in as_json["claims"]:  # on each claim the rate explains, and no other
        assert c["inferred"] == ({"learning_rate": "0.65"} if c["key"].startswith("updated.") else {})


def test_one_update_alone_names_no_learning_rate():
    """One number fits some η whatever slip made it: two updates must agree on one."""
    claims = Claims("<test>", SEED, tuple(claim(k, v, d) for k, v, d in _updates(Fraction(13, 20), ["w1"])))
    result = judge(claims)
    assert result.verdict("updated.w1").verdict == WRONG
    assert "wrong_learning_rate" not in result.verdict("updated.w1").diagnosis
    assert result.inferred == {}


def test_updates_that_fit_no_one_rate_name_none():
    """w1 updated with η = 0.65, w5 with η = 0.3 (the seed: 0.1): no single rate, so none named."""
    first = _updates(Fraction(13, 20), ["w1"])
    second = _updates(Fraction(3, 10), ["w5"])
    result = judge(Claims("<test>", SEED, tuple(claim(k, v, d) for k, v, d in first + second)))
    assert result.inferred == {}
    assert all("wrong_learning_rate" not in v.diagnosis for v in result.verdicts)
