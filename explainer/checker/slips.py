"""The catalogue of classic slips in hand-computed backpropagation.

Each slip is a way a careful person still gets a step wrong. `explainer check`
recomputes the whole step once per way the slip can happen (its `Twist`s) and
reports every slip that reproduces a wrong number someone wrote down.

A `Twist` says how the paper computation departs from the correct one; the
default `Twist()` is the correct computation. `explainer.checker.paper` reads it.
Each catalogue entry carries one sentence a learner can read, and the wrong and
the right formula in LaTeX for the annotated walkthrough.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Network


@dataclass(frozen=True)
class Twist:
    """How a paper computation departs from the correct one (the default: not at all)."""

    derivative_at_output: bool = False  # σ′(o) in place of σ′(i)
    cost_scale: Fraction = Fraction(1)  # C as the person computes it, times this
    cost_derivative_scale: Fraction = Fraction(1)  # ∂C/∂o times this (−1: exp − y)
    update_sign: int = -1  # p − η·g is −1; +1 adds the gradient
    eta_power: int = 1  # η used 0 times (left out), once, or twice
    updated_weights_backward: bool = False  # δ of a hidden layer with the updated weights after it
    transposed: str = ""  # "", "backward" (δ's sum reads w_kj for w_jk), or "both" (forward too)
    bias_factor: str | int | None = None  # None: δ·1; "input": δ·i; k: δ times the k-th incoming output
    stale: int | None = None  # a layer whose neuron inputs the pass after the step copies from before
    # (layer, k): neuron k's term left out of every weighted sum of `layer`; (layer, "weights"):
    # every weight term, leaving the bias alone; (layer, "bias"): the bias left out
    dropped: tuple[int, int | str] | None = None
    mispaired: str = ""  # "backward" or "both": a non-square W reshaped where it had to be transposed
    # i used where o was needed: in "cost_derivative" (∂C/∂o), "activation_derivative" (σ′ from
    # o, with i for o), or "forward" (the next layer's sum, and the weights' gradients)
    input_for_output: str = ""
    learning_rate: Fraction | None = None  # the person's η, where it is not the spec's

    def drops(self, layer: int, term: int | str) -> bool:
        """Whether this twist leaves `term` (a neuron's position k, or "bias") out of `layer`'s sums."""
        if self.dropped is None or self.dropped[0] != layer:
            return False
        which = self.dropped[1]
        return which == term or (which == "weights" and isinstance(term, int))

    def merged(self, other: Twist) -> Twist | None:
        """Both slips at once, or None where they set the same thing differently.

        The scales of the cost and of ∂C/∂o multiply (a missing 2 and a flipped sign
        give −½); every other field can only be slipped one way at a time.
        """
        fields: dict[str, object] = {}
        default = Twist()
        for name in self.__dataclass_fields__:
            a, b, d = getattr(self, name), getattr(other, name), getattr(default, name)
            if name in ("cost_scale", "cost_derivative_scale"):
                fields[name] = a * b
            elif a != d and b != d and a != b:
                return None
            else:
                fields[name] = a if a != d else b
        return Twist(**fields)


@dataclass(frozen=True)
class Slip:
    """One entry of the catalogue."""

    id: str
    explanation: str  # one sentence
    wrong: str  # the slipped formula, LaTeX
    right: str  # the correct formula, LaTeX


CATALOGUE: dict[str, Slip] = {s.id: s for s in (
    Slip("activation_derivative_at_output",
         "The activation's derivative was evaluated at the neuron's output o instead of its input i: "
         "for a sigmoid, σ(o)(1 − σ(o)) was computed where σ′(i) = o(1 − o) was needed.",
         r"\sigma'(o) = \sigma(o)\,(1-\sigma(o))",
         r"\sigma'(i) = \sigma(i)\,(1-\sigma(i)) = o\,(1-o)"),
    Slip("missing_factor_two",
         "The 2 that differentiating a square brings down was left out of ∂C/∂o.",
         r"\frac{\partial C}{\partial o} = o - \mathrm{exp}",
         r"\frac{\partial C}{\partial o} = 2\,(o - \mathrm{exp})"),
    Slip("extra_half",
         # No-break spaces (U+00A0) hold the formula together on one line.
         "The cost was taken with the ½ of the other convention, ½\u00a0Σ\u00a0(o\u00a0−\u00a0exp)², "
         "halving the cost and its derivative.",
         r"C = \tfrac12 \sum (o - \mathrm{exp})^2,\quad \frac{\partial C}{\partial o} = o - \mathrm{exp}",
         r"C = \sum (o - \mathrm{exp})^2,\quad \frac{\partial C}{\partial o} = 2\,(o - \mathrm{exp})"),
    Slip("missing_half",
         "The ½ in front of the squared error was dropped, doubling the cost and its derivative.",
         r"C = \sum (o - \mathrm{exp})^2,\quad \frac{\partial C}{\partial o} = 2\,(o - \mathrm{exp})",
         r"C = \tfrac12 \sum (o - \mathrm{exp})^2,\quad \frac{\partial C}{\partial o} = o - \mathrm{exp}"),
    Slip("sign_flip",
         "A sign was flipped: exp − o written for o − exp in ∂C/∂o, or the gradient added to a "
         "parameter instead of subtracted.",
         r"\frac{\partial C}{\partial o} \to -\frac{\partial C}{\partial o}"
         r"\ \text{or}\ p^{+} = p + \eta\,\frac{\partial C}{\partial p}",
         r"p^{+} = p - \eta\,\frac{\partial C}{\partial p}"),
    Slip("updated_weights_in_backward_pass",
         "A hidden layer's δ was computed with the next layer's weights after their update, "
         "where backpropagation uses the weights of the forward pass.",
         r"\delta_j = \sigma'(i_j) \sum_k w^{+}_{kj}\,\delta_k",
         r"\delta_j = \sigma'(i_j) \sum_k w_{kj}\,\delta_k"),
    Slip("transposed_weights",
         "A weight w_jk was read as w_kj: the weight matrix was used transposed.",
         r"\delta_j = \sigma'(i_j) \sum_k w_{jk}\,\delta_k",
         r"\delta_j = \sigma'(i_j) \sum_k w_{kj}\,\delta_k"),
    Slip("learning_rate_misapplied",
         "The learning rate was left out of the update or applied twice.",
         r"p^{+} = p - \frac{\partial C}{\partial p}\ \text{or}\ "
         r"p^{+} = p - \eta^2\,\frac{\partial C}{\partial p}",
         r"p^{+} = p - \eta\,\frac{\partial C}{\partial p}"),
    Slip("stale_value",
         "A value was copied forward instead of recomputed: the forward pass after the update reused "
         "a layer's neuron inputs (and so its outputs) from before the step.",
         r"i^{+}_j = i_j\ \text{or}\ o^{+}_j = o_j",
         r"i^{+}_j = \sum_k w^{+}_{jk}\,o^{+}_k + b^{+}_j,\quad o^{+}_j = \sigma(i^{+}_j)"),
    Slip("dropped_term",
         "A term was left out of a neuron's weighted sum: one input's w·o, every weight term (leaving "
         "σ of the bias alone), or the bias.",
         r"i_j = \sum_{k \ne m} w_{jk}\,o_k + b_j\ \text{or}\ i_j = b_j",
         r"i_j = \sum_k w_{jk}\,o_k + b_j"),
    Slip("mispaired_weights",
         "Weights were paired with the wrong inputs by index: a weight matrix that is not square was "
         "reshaped where it had to be transposed, so w_jk met another neuron's output or δ.",
         r"\delta_j = \sigma'(i_j) \sum_k \bigl(W\ \text{reshaped}\bigr)_{jk}\,\delta_k",
         r"\delta_j = \sigma'(i_j) \sum_k w_{kj}\,\delta_k"),
    Slip("input_for_output",
         "A neuron's input i was used where its output o was needed: in ∂C/∂o (i − exp for o − exp), "
         "in σ′ (i(1 − i) for o(1 − o)), or in the next layer's sum (as if i and o were the same).",
         r"\frac{\partial C}{\partial o_j} = 2\,(i_j - \mathrm{exp}_j)",
         r"\frac{\partial C}{\partial o_j} = 2\,(o_j - \mathrm{exp}_j)"),
    Slip("wrong_learning_rate",
         "Every update uses one learning rate, but not the spec's: η was copied or changed (the rate "
         "the updates use is reported).",
         r"p^{+} = p - \eta'\,\frac{\partial C}{\partial p}",
         r"p^{+} = p - \eta\,\frac{\partial C}{\partial p}"),
    Slip("bias_gradient_times_input",
         "∂i/∂b was taken as a value coming into the neuron, as for a weight, instead of 1.",
         r"\frac{\partial C}{\partial b_j} = \delta_j \cdot o_k",
         r"\frac{\partial C}{\partial b_j} = \delta_j \cdot 1"),
)}


def twists(net: Network, learning_rate: Fraction | None = None,
           stepped: bool = True) -> list[tuple[str, Twist]]:
    """Every way each catalogue slip can happen in this network, as (slip id, twist).

    Slips that cannot show in this network (no sigmoid or tanh for the derivative
    slip, no hidden layer for the backward-pass ones, no bias) are left out, so a
    diagnosis is never a slip that changes nothing. `learning_rate` is another η the
    person's updates fit (see `explainer.checker.diagnosis`), if there is one. Without a
    step (`stepped` False: the spec has no learning rate) the slips of the update are left
    out too.
    """
    out: list[tuple[str, Twist]] = []
    cost = COSTS[net.cost]
    if any(ACTIVATIONS[a].curved for a in net.activations):
        out.append(("activation_derivative_at_output", Twist(derivative_at_output=True)))
    if cost.squared and not cost.halved:
        out.append(("missing_factor_two", Twist(cost_derivative_scale=Fraction(1, 2))))
        out.append(("extra_half", Twist(cost_scale=Fraction(1, 2), cost_derivative_scale=Fraction(1, 2))))
    if cost.halved:
        out.append(("missing_half", Twist(cost_scale=Fraction(2), cost_derivative_scale=Fraction(2))))
    out.append(("sign_flip", Twist(cost_derivative_scale=Fraction(-1))))
    if stepped:
        out.append(("sign_flip", Twist(update_sign=1)))
    if net.depth >= 2 and stepped:
        out.append(("updated_weights_in_backward_pass", Twist(updated_weights_backward=True)))
    if any(net.layers[layer] == net.layers[layer - 1] for layer in range(2, net.depth + 1)):
        out.append(("transposed_weights", Twist(transposed="backward")))
        out.append(("transposed_weights", Twist(transposed="both")))
    if stepped:
        out.append(("learning_rate_misapplied", Twist(eta_power=0)))
        out.append(("learning_rate_misapplied", Twist(eta_power=2)))
    if any(p.kind == "bias" for p in net.parameters):
        out.append(("bias_gradient_times_input", Twist(bias_factor="input")))
        for k in range(max(net.layers[:-1])):
            out.append(("bias_gradient_times_input", Twist(bias_factor=k)))
    out += [("stale_value", Twist(stale=layer)) for layer in range(1, net.depth + 1)]
    for layer in range(1, net.depth + 1):
        n_in = net.layers[layer - 1]
        out.append(("dropped_term", Twist(dropped=(layer, "weights"))))
        if n_in > 1:  # with one input, dropping it is dropping every weight term
            out += [("dropped_term", Twist(dropped=(layer, k))) for k in range(n_in)]
        if net.bias_modes[layer - 1] != "none":
            out.append(("dropped_term", Twist(dropped=(layer, "bias"))))
    # In a square layer reshaping is transposing (transposed_weights says it); elsewhere:
    if any(net.layers[layer] != net.layers[layer - 1] for layer in range(2, net.depth + 1)):
        out.append(("mispaired_weights", Twist(mispaired="backward")))
    if any(net.layers[layer] != net.layers[layer - 1] for layer in range(1, net.depth + 1)):
        out.append(("mispaired_weights", Twist(mispaired="both")))
    # i for o changes nothing where they are the same: a linear neuron.
    if net.activations[-1] != "linear":
        out.append(("input_for_output", Twist(input_for_output="cost_derivative")))
    if any(ACTIVATIONS[a].curved for a in net.activations):
        out.append(("input_for_output", Twist(input_for_output="activation_derivative")))
    if any(a != "linear" for a in net.activations[:-1]):
        out.append(("input_for_output", Twist(input_for_output="forward")))
    if learning_rate is not None:
        out.append(("wrong_learning_rate", Twist(learning_rate=learning_rate)))
    return out
