"""Every slip of the catalogue, made again by code that is not the checker's.

The checker plants a slip with a `Twist` of `explainer.checker.paper` and diagnoses
with the same twists, so a test that plants with `paper` and expects the diagnosis
cannot tell a twist that makes the slip from one that makes something else. Here
each slip has an independent witness:

* `Step` is one gradient-descent step written out in plain Python, as on paper, in
  mpmath numbers: the forward pass, ∂C/∂o, σ′, δ, ∂C/∂p, the update and the forward
  pass again. Each formula a slip can replace is one method.
* A witness is a subclass that overrides the formula the person got wrong with the
  slip's `wrong` formula from `explainer.checker.slips`, as a person would write it.
* Where autograd makes a slip natural (another cost differentiated, another
  derivative of σ, another update), PyTorch float64 makes it a third time.

For every witness, the paper engine's twist gives the witness's numbers, and the
witness's numbers written as claims to 10 decimals are called wrong (or carried)
wherever they differ from the right ones, with the slip in every wrong claim's
diagnosis. Nothing expected here comes from `paper` or `twists`; `twists` is asked
only whether the checker tries the witnessed way of making the slip.
"""

from __future__ import annotations

from functools import cache

import mpmath
import pytest

from explainer.checker import paper
from explainer.checker.slips import CATALOGUE, twists
from explainer.checker.verdicts import WRONG
from tests.checker.witnesses import WITNESSES, Witness
from tests.checker.written_step import AGREE, CLAIM_DECIMALS, EXAMPLES, Step, spec_of
from tests.checking import claims_of, judge

CASES = [pytest.param(w, name, id=f"{w.step.__name__}-{name}") for w in WITNESSES for name in w.examples]


@cache
def right(name: str) -> dict[str, mpmath.mpf]:
    return Step(spec_of(name), EXAMPLES[name]).run()


@cache
def slipped(w: Witness, name: str) -> dict[str, mpmath.mpf]:
    return w.step(spec_of(name), EXAMPLES[name]).run()


def differing(a: dict, b: dict, gap: float) -> set[str]:
    """The keys of `a` where `b` differs by more than `gap` (relative to max(1, |a|))."""
    return {k for k in a if abs(a[k] - b[k]) > gap * max(1, abs(a[k]))}


def test_every_slip_of_the_catalogue_has_a_witness():
    assert {w.slip for w in WITNESSES} == set(CATALOGUE)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_way_the_checker_makes_a_slip_has_a_witness(name):
    """Each twist the checker tries on the example is one some witness makes: a new way
    of making a slip needs its own independent witness."""
    witnessed = {(w.slip, w.twist) for w in WITNESSES if name in w.examples}
    assert set(twists(spec_of(name).network)) <= witnessed


@pytest.mark.parametrize("name", EXAMPLES)
def test_done_right_the_written_out_step_is_the_paper_step(name):
    """Without a slip, the written-out step and the paper engine agree on every
    quantity a person computes: what a witness changes is the slip alone."""
    mine, theirs = right(name), paper.work(spec_of(name)).value
    assert set(theirs) - set(mine) == {k for k in theirs if ".x" in k}  # the given inputs
    assert not differing(mine, theirs, AGREE)


@pytest.mark.parametrize(("w", "name"), CASES)
def test_the_paper_engine_makes_the_slip_its_witness_makes(w, name):
    # the checker tries it (another learning rate: where the claims' updates fit it)
    assert (w.slip, w.twist) in twists(spec_of(name).network, w.twist.learning_rate)
    mine = slipped(w, name)
    assert differing(mine, right(name), 1e-6), "a witness that changes nothing witnesses nothing"
    theirs = paper.work(spec_of(name), twist=w.twist).value
    assert not differing(mine, theirs, AGREE), sorted(differing(mine, theirs, AGREE))


@pytest.mark.parametrize(("w", "name"), CASES)
def test_the_checker_names_the_slip_its_witness_makes(w, name):
    """The witness's numbers as claims: every number the slip changes is wrong or
    carried, every other one is right, and each wrong one is diagnosed as the slip."""
    mine, true = slipped(w, name), right(name)
    result = judge(claims_of(spec_of(name), mine, CLAIM_DECIMALS))
    verdicts = {v.key: v for v in result.verdicts}
    assert set(verdicts) == set(mine)
    changed = differing(mine, true, 2 * 10.0 ** -CLAIM_DECIMALS)  # beyond what rounding explains
    unchanged = set(mine) - differing(mine, true, 1e-20)
    # Each number is clearly one or the other: none is moved by about a rounding unit,
    # which a claim to 10 decimals could not tell from right.
    assert changed | unchanged == set(mine), sorted(set(mine) - changed - unchanged)
    assert {k for k, v in verdicts.items() if not v.ok} == changed
    wrong = [v for v in result.verdicts if v.verdict == WRONG]
    assert wrong
    assert all(w.slip in v.diagnosis for v in wrong), [(v.key, v.diagnosis) for v in wrong]


# PyTorch autograd makes the slips that are another function differentiated or another
# update: the cost conventions, σ′ at the output (as a custom autograd function) and the
# update rule. Its numbers are float64, so they agree with the paper engine to ~1e-12.
