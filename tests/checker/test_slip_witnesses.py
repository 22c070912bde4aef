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

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from fractions import Fraction
from functools import cache
from pathlib import Path

import mpmath
import numpy as np
import pytest

from explainer import examples
from explainer.checker import paper
from explainer.checker.slips import CATALOGUE, Twist, twists
from explainer.checker.verdicts import WRONG
from explainer.spec import Spec, load_spec
from tests.checking import claims_of, judge
from tests.conftest import REPO
from tests.oracle import require_torch

DIGITS = 40  # the witness's working precision; it agrees with `paper` (50 digits) far below any claim
AGREE = mpmath.mpf(10) ** -30  # relative: the same computation, up to the working precision
CLAIM_DECIMALS = 10  # the claims are written to 10 decimals, as a person might copy them


@dataclass(frozen=True)
class Example:
    """A spec, and the label of each of its numbers as a person reads them off.

    The labels are written out here from the README's numbering conventions (not
    taken from `explainer.spec`): ``weights[l][j][k]`` labels the TOML's
    ``weights[j][k]`` of layer l + 1, the weight from neuron k of the layer below to
    neuron j; ``biases[l]`` the layer's bias labels, one per neuron or one shared.
    """

    path: Path
    weights: tuple[tuple[tuple[str, ...], ...], ...]
    biases: tuple[tuple[str, ...], ...]


EXAMPLES = {
    # source-major: w1 x1→h1, w2 x1→h2, w3 x2→h1, w4 x2→h2, then w5.. for h→L alike
    "seed": Example(examples.seed_spec(),
                    ((("w1", "w3"), ("w2", "w4")), (("w5", "w7"), ("w6", "w8"))),
                    (("b1", "b2"), ("b3", "b4"))),
    # target-major: w1 x1→h1, w2 x2→h1, w3 x1→h2, w4 x2→h2, ...; one bias per layer,
    # shared and frozen; the ½ cost (the only network where missing_half can happen)
    "half": Example(REPO / "tests" / "specs" / "half-shared-frozen.toml",
                    ((("w1", "w2"), ("w3", "w4")), (("w5", "w6"), ("w7", "w8"))),
                    (("b1",), ("b2",))),
    # source-major, 2-3-2: no square layer (the only network where weights can be mispaired)
    "wide": Example(REPO / "tests" / "specs" / "wide-2-3-2.toml",
                    ((("w1", "w4"), ("w2", "w5"), ("w3", "w6")), (("w7", "w9", "w11"), ("w8", "w10", "w12"))),
                    (("b1", "b2", "b3"), ("b4", "b5"))),
}
SQUARED = ("seed", "wide")  # the sum of squares, without ½


@cache
def spec_of(name: str) -> Spec:
    return load_spec(EXAMPLES[name].path)


def num(q: Fraction) -> mpmath.mpf:
    """An exact spec number at the working precision (0.3 is not a binary fraction)."""
    with mpmath.workdps(DIGITS):
        return mpmath.mpf(q.numerator) / q.denominator


def sigmoid(i):
    return 1 / (1 + mpmath.exp(-i))


def squares(y, exp):
    """Σ (y − exp)², for lists of mpmath numbers and for torch vectors alike."""
    return sum((a - e) ** 2 for a, e in zip(y, exp, strict=True))


def half_squares(y, exp):
    return squares(y, exp) / 2


class Step:
    """One gradient-descent step done right, written out as on paper (2-layer sigmoid
    networks with a squared-error cost: the two `EXAMPLES`).

    `run()` gives every quantity a person computes, keyed as claims are. Layers count
    from 0 (the inputs); ``self.i[l][j]`` and ``self.o[l][j]`` are the input and output
    of neuron j of layer l, ``self.delta[l][j]`` its δ, ``self.gradient`` ∂C/∂p by label.
    The methods before `forward` are the formulas a slip replaces.
    """

    def __init__(self, spec: Spec, example: Example) -> None:
        net = spec.network
        assert net.depth == 2 and set(net.activations) == {"sigmoid"}, "only what this module writes out"
        assert net.cost in ("sum_squared", "half_sum_squared")
        self.spec, self.example, self.half = spec, example, net.cost == "half_sum_squared"
        self.eta = num(spec.learning_rate)
        self.x = [num(v) for v in spec.samples[0].input]
        self.exp = [num(v) for v in spec.samples[0].expected]
        self.start: dict[str, mpmath.mpf] = {}
        for layer, rows in enumerate(example.weights):
            for j, row in enumerate(rows):
                for k, label in enumerate(row):
                    self.start[label] = num(net.weights[layer][j][k])
        for layer, labels in enumerate(example.biases):
            for label, value in zip(labels, net.biases[layer], strict=True):
                self.start[label] = num(value)
        self.gradient: dict[str, mpmath.mpf] = {}
        self.at: dict[str, mpmath.mpf] = {}

    def weight_label(self, layer: int, j: int, k: int) -> str:
        """The label of w_jk of a layer: from neuron k of the layer below to neuron j."""
        return self.example.weights[layer - 1][j][k]

    def bias_label(self, layer: int, j: int) -> str | None:
        labels = self.example.biases[layer - 1]
        return (labels[j] if len(labels) > 1 else labels[0]) if labels else None

    def square(self, layer: int) -> bool:
        rows = self.example.weights[layer - 1]
        return len(rows) == len(rows[0])

    @staticmethod
    def name(layer: int, j: int) -> str:
        return f"{'xhL'[layer]}{j + 1}"

    # The formulas a slip replaces.

    def cost(self, y):
        """C = Σ (o − exp)², with ½ in front in the ½-cost convention."""
        return half_squares(y, self.exp) if self.half else squares(y, self.exp)

    def cost_derivative(self, o, exp):
        """∂C/∂o of one output neuron: 2 (o − exp), or o − exp under the ½."""
        return o - exp if self.half else 2 * (o - exp)

    def sigma_prime(self, i, o):
        """σ′(i) = σ(i) (1 − σ(i)) = o (1 − o)."""
        return o * (1 - o)

    def forward_weight(self, params, layer: int, j: int, k: int):
        """The weight that multiplies o_k in i_j of `layer`: w_jk."""
        return params[self.weight_label(layer, j, k)]

    def layer_inputs(self, params, layer: int, below: list, prefix: str) -> list:
        """i_j = Σ_k w_jk o_k + b_j for every neuron j of `layer`, from the outputs `below`."""
        inputs = []
        for j in range(len(self.example.weights[layer - 1])):
            bias = self.bias_label(layer, j)
            total = sum(self.forward_weight(params, layer, j, k) * o_k for k, o_k in enumerate(below))
            inputs.append(total + (params[bias] if bias else 0))
        return inputs

    def backward_weight(self, layer: int, k: int, j: int):
        """The weight that carries δ_k of `layer` back to neuron j below: w_kj, as in
        the forward pass."""
        return self.start[self.weight_label(layer, k, j)]

    def bias_gradient(self, layer: int, j: int):
        """Neuron j's part of ∂C/∂b: δ_j · ∂i_j/∂b = δ_j · 1."""
        return self.delta[layer][j]

    def step_size(self, g):
        """The step: η ∂C/∂p."""
        return self.eta * g

    def update(self, p, g):
        """p⁺ = p − η ∂C/∂p."""
        return p - self.step_size(g)

    # The step.

    def forward(self, params: dict[str, mpmath.mpf], prefix: str) -> tuple[list, list]:
        i, o = [list(self.x)], [list(self.x)]
        for layer, rows in enumerate(self.example.weights, start=1):
            inputs = self.layer_inputs(params, layer, o[layer - 1], prefix)
            i.append(inputs)
            o.append([sigmoid(v) for v in inputs])
            for j in range(len(rows)):
                n = self.name(layer, j)
                self.at[f"{prefix}input.{n}"], self.at[f"{prefix}output.{n}"] = i[layer][j], o[layer][j]
        self.at[f"{prefix}cost"] = self.cost(o[-1])
        return i, o

    def backward(self) -> None:
        self.delta: list[list[mpmath.mpf]] = [[], [], []]
        for layer in (2, 1):  # the last layer first; a layer's gradients before the layer below
            for j, (i, o) in enumerate(zip(self.i[layer], self.o[layer], strict=True)):
                n = self.name(layer, j)
                self.at[f"activation_derivative.{n}"] = s = self.sigma_prime(i, o)
                if layer == 2:
                    self.at[f"cost_derivative.{n}"] = c = self.cost_derivative(o, self.exp[j])
                    d = c * s
                else:
                    d = s * sum(self.backward_weight(2, k, j) * dk for k, dk in enumerate(self.delta[2]))
                self.at[f"delta.{n}"] = d
                self.delta[layer].append(d)
            for j, row in enumerate(self.example.weights[layer - 1]):
                for k, label in enumerate(row):
                    self.gradient[label] = self.delta[layer][j] * self.o[layer - 1][k]
            for j in range(len(self.delta[layer])):
                bias = self.bias_label(layer, j)
                if bias:  # a shared bias sums its neurons' parts
                    self.gradient[bias] = self.gradient.get(bias, 0) + self.bias_gradient(layer, j)

    def run(self) -> dict[str, mpmath.mpf]:
        with mpmath.workdps(DIGITS):
            self.i, self.o = self.forward(self.start, "")
            self.backward()
            after = {label: value if label in self.spec.frozen else self.update(value, self.gradient[label])
                     for label, value in self.start.items()}
            for label, before in self.start.items():
                frozen = label in self.spec.frozen
                self.at[f"gradient.{label}"], self.at[f"updated.{label}"] = self.gradient[label], after[label]
                self.at[f"step.{label}"] = 0 if frozen else self.step_size(self.gradient[label])
                self.at[f"change.{label}"] = after[label] - before
            self.forward(after, "after.")
        return self.at


@dataclass(frozen=True)
class Witness:
    """A slip made by a `Step` subclass, and the twist that makes it in the paper engine."""

    slip: str
    twist: Twist
    step: type[Step]
    examples: tuple[str, ...]


WITNESSES: list[Witness] = []


def witness(slip: str, twist: Twist, on: tuple[str, ...] = ("seed", "half", "wide")):
    """Register the decorated `Step` subclass as a witness of `slip` on the examples `on`."""
    def register(step: type[Step]) -> type[Step]:
        WITNESSES.append(Witness(slip, twist, step, on))
        return step
    return register


@witness("activation_derivative_at_output", Twist(derivative_at_output=True))
class DerivativeAtOutput(Step):
    """σ′(o) = σ(o) (1 − σ(o)): the sigmoid's derivative taken at the output."""

    def sigma_prime(self, i, o):
        return sigmoid(o) * (1 - sigmoid(o))


@witness("missing_factor_two", Twist(cost_derivative_scale=Fraction(1, 2)), on=SQUARED)
class NoFactorTwo(Step):
    """∂C/∂o = o − exp for C = Σ (o − exp)²: the 2 the square brings down is left out."""

    def cost_derivative(self, o, exp):
        return o - exp


@witness("extra_half", Twist(cost_scale=Fraction(1, 2), cost_derivative_scale=Fraction(1, 2)), on=SQUARED)
class ExtraHalf(Step):
    """C = ½ Σ (o − exp)² and ∂C/∂o = o − exp, on a network whose cost has no ½
    (the cost after the update too: the person keeps their convention)."""

    def cost(self, y):
        return half_squares(y, self.exp)

    def cost_derivative(self, o, exp):
        return o - exp


@witness("missing_half", Twist(cost_scale=Fraction(2), cost_derivative_scale=Fraction(2)), on=("half",))
class MissingHalf(Step):
    """C = Σ (o − exp)² and ∂C/∂o = 2 (o − exp), on a network whose cost is ½ Σ."""

    def cost(self, y):
        return squares(y, self.exp)

    def cost_derivative(self, o, exp):
        return 2 * (o - exp)


@witness("sign_flip", Twist(cost_derivative_scale=Fraction(-1)))
class ExpMinusO(Step):
    """exp − o written for o − exp in ∂C/∂o (and carried through δ and ∂C/∂p)."""

    def cost_derivative(self, o, exp):
        return super().cost_derivative(exp, o)


@witness("sign_flip", Twist(update_sign=1))
class GradientAdded(Step):
    """p⁺ = p + η ∂C/∂p: the gradient added to the parameter."""

    def update(self, p, g):
        return p + self.step_size(g)


@witness("updated_weights_in_backward_pass", Twist(updated_weights_backward=True))
class UpdatedWeightsBackward(Step):
    """δ_j = σ′(i_j) Σ_k w⁺_kj δ_k: the last layer's weights updated (w − η ∂C/∂w)
    before the hidden δ, and used in it."""

    def backward_weight(self, layer, k, j):
        label = self.weight_label(layer, k, j)
        return self.start[label] - self.eta * self.gradient[label]


@witness("transposed_weights", Twist(transposed="backward"), on=("seed", "half"))
class TransposedBackward(Step):
    """δ_j = σ′(i_j) Σ_k w_jk δ_k: the matrix after the hidden layer read transposed
    in the backward pass (which only a square matrix allows)."""

    def backward_weight(self, layer, k, j):
        if not self.square(layer):
            return super().backward_weight(layer, k, j)
        return self.start[self.weight_label(layer, j, k)]


@witness("transposed_weights", Twist(transposed="both"), on=("seed", "half"))
class TransposedEverywhere(TransposedBackward):
    """Every square matrix read transposed wherever it multiplies: i_j = Σ_k w_kj o_k in
    both forward passes as well. ∂C/∂w_jk is still δ_j o_k, by the weight's position,
    and the update changes the number at that position."""

    def forward_weight(self, params, layer, j, k):
        if not self.square(layer):
            return super().forward_weight(params, layer, j, k)
        return params[self.weight_label(layer, k, j)]


@witness("learning_rate_misapplied", Twist(eta_power=0))
class NoLearningRate(Step):
    """p⁺ = p − ∂C/∂p: η left out."""

    def step_size(self, g):
        return g


@witness("learning_rate_misapplied", Twist(eta_power=2))
class LearningRateTwice(Step):
    """p⁺ = p − η² ∂C/∂p: η applied twice."""

    def step_size(self, g):
        return self.eta * self.eta * g


@witness("bias_gradient_times_input", Twist(bias_factor="input"))
class BiasTimesOwnInput(Step):
    """∂C/∂b_j = δ_j · i_j: the neuron's own input taken for what the bias multiplies."""

    def bias_gradient(self, layer, j):
        return self.delta[layer][j] * self.i[layer][j]


def bias_times_incoming(k: int) -> type[Step]:
    class BiasTimesIncoming(Step):
        __doc__ = (f"∂C/∂b_j = δ_j · o_{k + 1}: the output of neuron {k + 1} of the layer below, "
                   f"as for the weight from it (where the layer below has that neuron).")

        def bias_gradient(self, layer, j):
            below = self.o[layer - 1]
            return self.delta[layer][j] * (below[k] if k < len(below) else 1)

    BiasTimesIncoming.__name__ = f"BiasTimesIncoming{k + 1}"
    return BiasTimesIncoming


for _k in (0, 1):  # every example network has at least 2 neurons below each layer
    witness("bias_gradient_times_input", Twist(bias_factor=_k))(bias_times_incoming(_k))
witness("bias_gradient_times_input", Twist(bias_factor=2), on=("wide",))(bias_times_incoming(2))


def stale_layer(stale: int) -> type[Step]:
    class StaleLayer(Step):
        __doc__ = (f"The pass after the step copies layer {stale}'s neuron inputs from the pass before "
                   "instead of summing the updated weights again.")

        def layer_inputs(self, params, layer, below, prefix):
            if prefix == "after." and layer == stale:
                return list(self.i[layer])
            return super().layer_inputs(params, layer, below, prefix)

    StaleLayer.__name__ = f"StaleLayer{stale}"
    return StaleLayer


for _layer in (1, 2):
    witness("stale_value", Twist(stale=_layer))(stale_layer(_layer))


def _term_words(which: int | str) -> str:
    words = {"bias": "the bias", "weights": "every weight term"}
    return words[which] if isinstance(which, str) else f"the term of o_{which + 1}"


def dropped(layer_dropped: int, which: int | str) -> type[Step]:
    class DroppedTerm(Step):
        __doc__ = (f"A term left out of every weighted sum of layer {layer_dropped}: "
                   f"{_term_words(which)}.")

        def layer_inputs(self, params, layer, below, prefix):
            if layer != layer_dropped:
                return super().layer_inputs(params, layer, below, prefix)
            inputs = []
            for j in range(len(self.example.weights[layer - 1])):
                total = sum(self.forward_weight(params, layer, j, k) * o_k for k, o_k in enumerate(below)
                            if which not in (k, "weights"))
                bias = self.bias_label(layer, j)
                inputs.append(total + (params[bias] if bias and which != "bias" else 0))
            return inputs

    DroppedTerm.__name__ = f"Dropped{str(which).title()}In{layer_dropped}"
    return DroppedTerm


for _layer in (1, 2):
    for _which in ("weights", 0, 1, "bias"):
        witness("dropped_term", Twist(dropped=(_layer, _which)))(dropped(_layer, _which))
witness("dropped_term", Twist(dropped=(2, 2)), on=("wide",))(dropped(2, 2))


def _labels(example: Example, layer: int) -> np.ndarray:
    """The layer's weight labels as a matrix, one row per neuron of the layer (W's shape)."""
    return np.array(example.weights[layer - 1], dtype=object)


@witness("mispaired_weights", Twist(mispaired="backward"), on=("wide",))
class ReshapedBackward(Step):
    """The backward pass needs Wᵀ (one row per neuron below); the person reshaped W to that
    shape instead of transposing it (NumPy's `reshape`, here on the labels), so w_kj met
    the wrong δ."""

    def backward_weight(self, layer, k, j):
        labels = _labels(self.example, layer)
        return self.start[labels.reshape(labels.shape[::-1])[j, k]]


@witness("mispaired_weights", Twist(mispaired="both"), on=("wide",))
class ReshapedEverywhere(ReshapedBackward):
    """Every weight matrix kept with one row per input (Wᵀ) and reshaped, not transposed,
    to W's shape where it multiplies the outputs below (both forward passes)."""

    def forward_weight(self, params, layer, j, k):
        labels = _labels(self.example, layer)
        return params[labels.T.reshape(labels.shape)[j, k]]

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
    assert (w.slip, w.twist) in twists(spec_of(name).network)  # the checker tries it
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


@dataclass(frozen=True)
class TorchSlip:
    """A slip made with autograd: the cost whose gradient is taken, the cost written
    down, whether σ′ is taken at the output, and the update (None: the right one)."""

    slip: str
    twist: Twist
    example: str
    differentiate: Callable | None = None
    cost: Callable | None = None
    derivative_at_output: bool = False
    update: Callable | None = None


TORCH_SLIPS = [
    TorchSlip("activation_derivative_at_output", Twist(derivative_at_output=True), "seed",
              derivative_at_output=True),
    # ½ Σ (o − exp)² is the cost whose derivative is o − exp
    TorchSlip("missing_factor_two", Twist(cost_derivative_scale=Fraction(1, 2)), "seed",
              differentiate=half_squares),
    TorchSlip("extra_half", Twist(cost_scale=Fraction(1, 2), cost_derivative_scale=Fraction(1, 2)), "seed",
              differentiate=half_squares, cost=half_squares),
    TorchSlip("missing_half", Twist(cost_scale=Fraction(2), cost_derivative_scale=Fraction(2)), "half",
              differentiate=squares, cost=squares),
    # exp − o in ∂C/∂o is the derivative of −C
    TorchSlip("sign_flip", Twist(cost_derivative_scale=Fraction(-1)), "seed",
              differentiate=lambda y, e: -squares(y, e)),
    TorchSlip("sign_flip", Twist(update_sign=1), "seed", update=lambda p, g, eta: p + eta * g),
    TorchSlip("learning_rate_misapplied", Twist(eta_power=0), "seed", update=lambda p, g, eta: p - g),
    TorchSlip("learning_rate_misapplied", Twist(eta_power=2), "seed",
              update=lambda p, g, eta: p - eta ** 2 * g),
]


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def sigmoid_derivative_at_output(torch) -> Callable:
    """σ, whose backward multiplies by σ(o) (1 − σ(o)) instead of o (1 − o)."""

    class AtOutput(torch.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            o = torch.sigmoid(i)
            ctx.save_for_backward(o)
            return o

        @staticmethod
        def backward(ctx, grad):
            (o,) = ctx.saved_tensors
            return grad * torch.sigmoid(o) * (1 - torch.sigmoid(o))

    return AtOutput.apply


def torch_step(torch, how: TorchSlip) -> dict[str, float]:
    """The step in torch float64 with the slip `how` made: cost, ∂C/∂o, gradient,
    updated parameters and the cost after, keyed as claims are."""
    spec, example = spec_of(how.example), EXAMPLES[how.example]
    f64 = torch.float64
    right_cost = half_squares if spec.network.cost == "half_sum_squared" else squares
    written, differentiate = how.cost or right_cost, how.differentiate or right_cost
    activation = sigmoid_derivative_at_output(torch) if how.derivative_at_output else torch.sigmoid
    update = how.update or (lambda p, g, eta: p - eta * g)
    x = torch.tensor([float(v) for v in spec.samples[0].input], dtype=f64)
    exp = torch.tensor([float(v) for v in spec.samples[0].expected], dtype=f64)

    def tensors(values: dict[str, float], grad: bool) -> tuple[list, list]:
        W = [torch.tensor([[values[label] for label in row] for row in rows], dtype=f64, requires_grad=grad)
             for rows in example.weights]
        b = [torch.tensor([values[label] for label in labels], dtype=f64, requires_grad=grad)
             for labels in example.biases]  # a shared bias is one number, broadcast over its layer
        return W, b

    def forward(W, b):
        o = x
        for w, bias in zip(W, b, strict=True):
            o = activation(w @ o + bias)
        return o

    start = {label: float(v) for label, v in Step(spec, example).start.items()}
    W, b = tensors(start, grad=True)
    o = forward(W, b)
    o.retain_grad()
    differentiate(o, exp).backward()
    gradient = {}
    for w, rows in zip(W, example.weights, strict=True):
        gradient |= {label: w.grad[j, k].item() for j, row in enumerate(rows) for k, label in enumerate(row)}
    for bias, labels in zip(b, example.biases, strict=True):
        gradient |= {label: bias.grad[n].item() for n, label in enumerate(labels)}
    eta = float(spec.learning_rate)
    updated = {label: v if label in spec.frozen else update(v, gradient[label], eta)
               for label, v in start.items()}
    with torch.no_grad():
        after = forward(*tensors(updated, grad=False))
    out = {"cost": written(o, exp).item(), "after.cost": written(after, exp).item()}
    out |= {f"cost_derivative.L{j + 1}": g.item() for j, g in enumerate(o.grad)}
    out |= {f"gradient.{label}": g for label, g in gradient.items()}
    return out | {f"updated.{label}": v for label, v in updated.items()}


def settings(twist: Twist) -> str:
    """A twist's settings that differ from the right computation's, for a test id."""
    return ",".join(f"{f.name}={getattr(twist, f.name)}" for f in fields(twist)
                    if getattr(twist, f.name) != f.default)


@pytest.mark.parametrize("how", TORCH_SLIPS, ids=lambda h: f"{h.slip}-{settings(h.twist)}")
def test_torch_autograd_makes_the_slip_the_paper_engine_makes(torch, how):
    spec = spec_of(how.example)
    assert (how.slip, how.twist) in twists(spec.network)
    theirs = paper.work(spec, twist=how.twist).value
    for key, value in torch_step(torch, how).items():
        assert math.isclose(value, theirs[key], rel_tol=1e-12, abs_tol=1e-15), key


def test_torch_autograd_done_right_is_the_paper_step(torch):
    """The same torch step without a slip (the seed): the slips above are its only change."""
    right_step = torch_step(torch, TorchSlip("", Twist(), "seed"))
    theirs = paper.work(spec_of("seed")).value
    for key, value in right_step.items():
        assert math.isclose(value, theirs[key], rel_tol=1e-12, abs_tol=1e-15), key
