"""Every derivation in a walkthrough names the quantity it derives, validly and once.

A checked walkthrough marks a person's number beside the equation whose `keys`
name it, so a key that is not a claims key is never marked, and a key on two
equations is marked twice. (The cost after the step was once keyed "cost", like
the cost before it: the claimed C⁺ was never marked and the claimed C twice.)
"""

from __future__ import annotations

from collections import Counter

import pytest

from explainer import examples
from explainer.checker.claims import load_claims
from explainer.cli.command import main
from explainer.engines.quantities import quantities
from explainer.pipeline import explain
from explainer.spec import load_spec, parse_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.document import Equation
from explainer.walkthrough.formatting import show
from tests.conftest import REPO

DEEP = """
title = "three layers"
[network]
layers = [2, 3, 2, 2]
activation = ["tanh", "sigmoid", "softmax"]
cost = "cross_entropy"
[[network.layer]]
weights = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.2]]
biases = [0.1, 0.2, 0.3]
[[network.layer]]
weights = [[0.2, -0.1, 0.4], [0.3, 0.3, -0.2]]
biases = 0.05
[[network.layer]]
weights = [[0.6, -0.4], [0.1, 0.2]]
[training]
learning_rate = 0.5
steps = 1
[[training.sample]]
input = [0.5, -1]
expected = [0.3, 0.7]
"""


@pytest.mark.parametrize("source", ["seed", "half", "deep"])
def test_equation_keys_are_claims_keys_and_each_is_derived_once(source):
    if source == "seed":
        spec = load_spec(examples.seed_spec())
    elif source == "half":
        spec = load_spec(REPO / "tests" / "specs" / "half-shared-frozen.toml")
    else:
        spec = parse_spec(DEEP.encode(), "deep.toml")
    explanation = explain(spec)
    keys = [k for section in build(explanation).sections for block in section.blocks
            if isinstance(block, Equation) for k in block.keys]
    valid = set(quantities(spec, explanation.symbolic))
    assert keys and set(keys) <= valid, sorted(set(keys) - valid)
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert {"cost", "after.cost"} <= set(keys)


def test_the_built_in_claims_mark_c_plus_beside_its_derivation_and_c_once(tmp_path):
    assert main(["check", "--format", "md", "-o", str(tmp_path)]) == 1
    text = (tmp_path / "article-claims.md").read_text(encoding="utf-8")
    claims = {c.key: c.written for c in load_claims(examples.seed_claims()).claims}
    before, after = claims["cost"], claims["after.cost"]
    assert after == "0.1839862418540884"
    assert text.count(f"You wrote $C = {before}$") == 1
    assert text.count(f"You wrote $C^{{+}} = {after}$") == 1
    # beside its derivation: right after the display that ends in C⁺'s true value
    true_after = show(explain(load_spec(examples.seed_spec())).symbolic.after.cost, 6).latex
    mark = text.index(f"You wrote $C^{{+}} = {after}$")
    before_mark = text[:mark].rstrip().removesuffix("> ↪️ **Carried forward. **")
    display = before_mark.rstrip().removesuffix("$$").rstrip().removesuffix(r"\end{aligned}").rstrip()
    assert display.endswith(rf"&\approx {true_after}")
