"""One gradient-descent step written out in plain Python, as on paper, in mpmath numbers:
the forward pass, ∂C/∂o, σ′, δ, ∂C/∂p, the update and the forward pass again, each formula a
slip can replace one method of `Step`. The witnesses of the slips (tests/checker/witnesses.py)
override one method each. Nothing here comes from `explainer.checker`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import mpmath

from explainer import examples
from explainer.spec import Spec, load_spec
from tests.conftest import REPO

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

    def cost_point(self, i, o):
        """Where ∂C/∂o of an output neuron is taken: at its output o."""
        return o

    def forward_weight(self, params, layer: int, j: int, k: int):
        """The weight that multiplies o_k in i_j of `layer`: w_jk."""
        return params[self.weight_label(layer, j, k)]

    def carried(self, i: list, o: list) -> list:
        """What of the neurons below the next layer's sum and the weights' gradients use: o."""
        return o

    def weighted_sums(self, params, layer: int, below: list) -> list:
        """Σ_k w_jk o_k for every neuron j of `layer`, from the outputs `below`: the sum
        before the bias is added."""
        return [sum(self.forward_weight(params, layer, j, k) * o_k for k, o_k in enumerate(below))
                for j in range(len(self.example.weights[layer - 1]))]

    def bias_term(self, params, layer: int, j: int):
        """b_j, added to neuron j's weighted sum (0 where the layer has no bias)."""
        bias = self.bias_label(layer, j)
        return params[bias] if bias else 0

    def layer_inputs(self, params, layer: int, below: list, prefix: str) -> list:
        """i_j = Σ_k w_jk o_k + b_j for every neuron j of `layer`, from the outputs `below`."""
        return [total + self.bias_term(params, layer, j)
                for j, total in enumerate(self.weighted_sums(params, layer, below))]

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
            below = o[layer - 1] if layer == 1 else self.carried(i[layer - 1], o[layer - 1])
            inputs = self.layer_inputs(params, layer, below, prefix)
            i.append(inputs)
            o.append([sigmoid(v) for v in inputs])
            for j in range(len(rows)):
                n = self.name(layer, j)
                self.at[f"{prefix}input.{n}"], self.at[f"{prefix}output.{n}"] = i[layer][j], o[layer][j]
            if not prefix:  # the sums before the bias, as claimed in the step's own forward pass
                for j, total in enumerate(self.weighted_sums(params, layer, below)):
                    self.at[f"weighted_sum.{self.name(layer, j)}"] = total
        self.at[f"{prefix}cost"] = self.cost(o[-1])
        return i, o

    def backward(self) -> None:
        self.delta: list[list[mpmath.mpf]] = [[], [], []]
        for layer in (2, 1):  # the last layer first; a layer's gradients before the layer below
            for j, (i, o) in enumerate(zip(self.i[layer], self.o[layer], strict=True)):
                n = self.name(layer, j)
                self.at[f"activation_derivative.{n}"] = s = self.sigma_prime(i, o)
                if layer == 2:
                    self.at[f"error.{n}"] = self.cost_point(i, o) - self.exp[j]
                    c = self.cost_derivative(self.cost_point(i, o), self.exp[j])
                else:  # ∂C/∂o of a hidden neuron: the δ's of the layer above, sent back
                    c = sum(self.backward_weight(2, k, j) * dk for k, dk in enumerate(self.delta[2]))
                self.at[f"cost_derivative.{n}"] = c
                d = c * s
                self.at[f"delta.{n}"] = d
                self.delta[layer].append(d)
            below = self.o[layer - 1] if layer == 1 else self.carried(self.i[layer - 1], self.o[layer - 1])
            for j, row in enumerate(self.example.weights[layer - 1]):
                for k, label in enumerate(row):
                    self.gradient[label] = self.delta[layer][j] * below[k]
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
