"""The witnesses: each slip of the catalogue made by a `Step` subclass that overrides the
formula the person got wrong with the slip's `wrong` formula, as a person would write it,
registered with the twist that makes the same slip in the paper engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from explainer.checker.slips import Twist
from tests.checker.written_step import SQUARED, Example, Step, half_squares, num, sigmoid, squares


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

        def weighted_sums(self, params, layer, below):
            if layer != layer_dropped:
                return super().weighted_sums(params, layer, below)
            return [sum(self.forward_weight(params, layer, j, k) * o_k for k, o_k in enumerate(below)
                        if which not in (k, "weights"))
                    for j in range(len(self.example.weights[layer - 1]))]

        def bias_term(self, params, layer, j):
            return 0 if layer == layer_dropped and which == "bias" else super().bias_term(params, layer, j)

    DroppedTerm.__name__ = f"Dropped{str(which).title()}In{layer_dropped}"
    return DroppedTerm


for _layer in (1, 2):
    for _which in ("weights", 0, 1, "bias"):
        witness("dropped_term", Twist(dropped=(_layer, _which)))(dropped(_layer, _which))
witness("dropped_term", Twist(dropped=(2, 2)), on=("wide",))(dropped(2, 2))


@witness("input_for_output", Twist(input_for_output="cost_derivative"))
class InputForOutputInCost(Step):
    """∂C/∂o = 2 (i − exp): the output neuron's input taken for its output ("assuming A = Z")."""

    def cost_point(self, i, o):
        return i


@witness("input_for_output", Twist(input_for_output="activation_derivative"))
class InputForOutputInSlope(Step):
    """σ′ = i (1 − i): the by-hand o (1 − o) with the neuron's input written for o."""

    def sigma_prime(self, i, o):
        return i * (1 - i)


@witness("input_for_output", Twist(input_for_output="forward"))
class InputForOutputForward(Step):
    """The hidden neurons' inputs carried on where their outputs belong: in the last layer's
    sums (both passes) and in its weights' gradients, as if σ were not there."""

    def carried(self, i, o):
        return i


@witness("wrong_learning_rate", Twist(learning_rate=Fraction(13, 20)), on=("seed", "wide"))
class AnotherLearningRate(Step):
    """Every update with η = 0.65 where the spec says otherwise (a post whose printed weights
    are exactly V₀ − 0.65·Σg while its code says 0.5)."""

    def step_size(self, g):
        return num(Fraction(13, 20)) * g


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
