"""The forward and backward pass as a person works them on paper, slips and all.

`Worker` keeps the numbers of one worked step (`Paper`) and what each was
computed from; a value a person wrote down (`claimed`) is what enters the rest
of their calculation. `forward` and `backward` walk the network neuron by
neuron, in mpmath, applying the `Twist` (a slip of `explainer.checker.slips`)
everywhere it can happen. `explainer.checker.paper` puts them together into a
whole step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from explainer.checker.slips import Twist
from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Network, Sample, Spec


def mp(value: object) -> mpmath.mpf:
    """An exact spec number (Fraction) or a claimed Decimal as an mpmath number."""
    q = Fraction(value)  # exact for Fraction, int and Decimal
    return mpmath.mpf(q.numerator) / q.denominator


def slope(net: Network) -> mpmath.mpf:
    """The leaky ReLU's slope, as an mpmath number."""
    return mp(net.leaky_slope)


@dataclass
class Paper:
    """Every quantity of one worked step, and the claims each was computed from."""

    value: dict[str, mpmath.mpf] = field(default_factory=dict)  # as computed from what came before
    sources: dict[str, frozenset[str]] = field(default_factory=dict)


class Worker:
    """One person working one step: their claims, their slip, and the numbers so far."""

    def __init__(self, spec: Spec, claimed: Mapping[str, mpmath.mpf], twist: Twist) -> None:
        self.spec, self.net, self.claimed, self.twist = spec, spec.network, claimed, twist
        self.paper = Paper()

    def put(self, key: str, value: mpmath.mpf, inputs: list[str]) -> None:
        """Record a computed value and the claims upstream of it."""
        self.paper.value[key] = value
        self.paper.sources[key] = frozenset().union(*(self.source_of(k) for k in inputs))

    def source_of(self, key: str) -> frozenset[str]:
        if key in self.claimed:
            return frozenset({key})
        return self.paper.sources.get(key, frozenset())

    def used(self, key: str) -> mpmath.mpf:
        """A value enters the rest of the calculation as the person wrote it, if they did."""
        return self.claimed[key] if key in self.claimed else self.paper.value[key]


def weight_read(net: Network, params: Mapping[str, mpmath.mpf], layer: int, j: int, k: int,
                misread: str) -> tuple[mpmath.mpf, str]:
    """The weight a person uses for w_jk of `layer` (to neuron j from neuron k), and its label.

    `misread`: "" reads it right; "transposed" reads w_kj (in a square layer: the matrix
    used transposed); "reshaped" takes the entry at (j, k) of Wᵀ reshaped to W's shape,
    the broadcasting mistake of a layer that is not square (W kept with one row per
    input, then reshaped where it had to be transposed).
    """
    n_out, n_in = net.layers[layer], net.layers[layer - 1]
    if misread == "transposed" and n_out == n_in:
        j, k = k, j
    elif misread == "reshaped" and n_out != n_in:
        j, k = divmod(j * n_in + k, n_out)[::-1]  # Wᵀ's entries, row by row, read as W's
    p = net.weight(layer, j, k)
    return params[p.label], p.label


def weight_back(net: Network, params: Mapping[str, mpmath.mpf], layer: int, j: int, k: int,
                misread: str) -> mpmath.mpf:
    """The weight a person multiplies δ_k (neuron k of `layer`) by in δ_j's sum (neuron j of
    the layer before): w_kj, the entry (j, k) of Wᵀ — or, misread, w_jk ("transposed", a
    square layer) or the entry (j, k) of W reshaped to Wᵀ's shape ("reshaped")."""
    n_out, n_in = net.layers[layer], net.layers[layer - 1]
    if misread == "transposed" and n_out == n_in:
        return weight_read(net, params, layer, j, k, "")[0]
    if misread == "reshaped" and n_out != n_in:
        row, column = divmod(j * n_out + k, n_in)  # W's entries, row by row, read as Wᵀ's
        return weight_read(net, params, layer, row, column, "")[0]
    return weight_read(net, params, layer, k, j, "")[0]


def _forward_misread(twist: Twist) -> str:
    if twist.transposed == "both":
        return "transposed"
    return "reshaped" if twist.mispaired == "both" else ""


def forward(w: Worker, params: Mapping[str, mpmath.mpf], param_keys: Mapping[str, str],
            sample: Sample, prefix: str) -> None:
    """i and o of every neuron and the cost. `param_keys` names the quantity each
    parameter value comes from (an ``updated.*`` key after the step), so that
    claims about it are carried. `prefix` is "after." for the pass after the step."""
    net, twist = w.net, w.twist
    misread = _forward_misread(twist)
    stale = twist.stale if prefix == "after." else None
    carried = carried_value(twist)
    for j, x in enumerate(sample.input):
        w.paper.value[f"{prefix}output.{net.neuron(0, j)}"] = mp(x)
    for layer in range(1, net.depth + 1):
        names = net.neurons(layer)
        for j, n in enumerate(names):
            if stale == layer:  # copied from the pass before the step, not recomputed
                w.put(f"{prefix}input.{n}", w.used(f"input.{n}"), [f"input.{n}"])
                continue
            total, inputs = mpmath.mpf(0), []
            for k, m in enumerate(net.neurons(layer - 1)):
                if twist.drops(layer, k):
                    continue
                value, label = weight_read(net, params, layer, j, k, misread)
                below = f"{prefix}{carried(layer - 1)}.{m}"
                total += value * w.used(below)
                inputs += [below, param_keys.get(label, "")]
            if not prefix:  # Σ w·o, then the bias (a claim of the step's own forward pass)
                w.put(f"weighted_sum.{n}", total, inputs)
                total, inputs = w.used(f"weighted_sum.{n}"), [f"weighted_sum.{n}"]
            bias = net.bias_of(layer, j)
            if bias is not None and not twist.drops(layer, "bias"):
                total += params[bias.label]
                inputs.append(param_keys.get(bias.label, ""))
            w.put(f"{prefix}input.{n}", total, inputs)
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        if sigma.vector:  # softmax, as a person works it: each e^i, their sum, each e^i over the sum
            for n in names:
                i = f"{prefix}input.{n}"
                w.put(f"{prefix}exponential.{n}", mpmath.exp(w.used(i)), [i])
            w.put(f"{prefix}exponential_sum", mpmath.fsum(w.used(f"{prefix}exponential.{n}") for n in names),
                  [f"{prefix}exponential.{n}" for n in names])
            for n in names:
                w.put(f"{prefix}output.{n}",
                      w.used(f"{prefix}exponential.{n}") / w.used(f"{prefix}exponential_sum"),
                      [f"{prefix}exponential.{n}", f"{prefix}exponential_sum"])
        else:
            i = [w.used(f"{prefix}input.{n}") for n in names]
            for j, n in enumerate(names):
                w.put(f"{prefix}output.{n}", sigma.mpmath_form(i[j], slope(net)), [f"{prefix}input.{n}"])
    last = net.neurons(net.depth)
    outputs = [w.used(f"{prefix}output.{n}") for n in last]
    cost = COSTS[net.cost].mpmath_form(outputs, [mp(e) for e in sample.expected]) * mp(twist.cost_scale)
    w.put(f"{prefix}cost", cost, [f"{prefix}output.{n}" for n in last])


def carried_value(twist: Twist):
    """What of a neuron of `layer` the next layer's sum (and a weight's gradient) uses: its
    output, or, with the slip "input for output", its input (never for the inputs x)."""
    def key(layer: int) -> str:
        return "input" if twist.input_for_output == "forward" and layer > 0 else "output"
    return key


def _backward_misread(twist: Twist) -> str:
    if twist.transposed in ("backward", "both"):
        return "transposed"
    return "reshaped" if twist.mispaired in ("backward", "both") else ""


def backward(w: Worker, params: Mapping[str, mpmath.mpf], sample: Sample,
             updated: Callable[[str, mpmath.mpf, mpmath.mpf], mpmath.mpf]) -> dict[str, mpmath.mpf]:
    """σ′, ∂C/∂o, δ and ∂C/∂p of every neuron and parameter; returns the gradient as
    carried (claimed values where claimed). `updated(label, value, gradient)` is the
    person's update rule, for the slip that backpropagates through updated weights."""
    net, twist = w.net, w.twist
    last = net.neurons(net.depth)
    scale = mp(twist.cost_derivative_scale)
    at = "input" if twist.input_for_output == "cost_derivative" else "output"  # i − exp for o − exp
    for j, n in enumerate(last):
        w.put(f"error.{n}", w.used(f"{at}.{n}") - mp(sample.expected[j]), [f"{at}.{n}"])
    for j, n in enumerate(last):
        o = w.used(f"{at}.{n}")
        dC_do = COSTS[net.cost].mpmath_derivative(o, mp(sample.expected[j]), len(last))
        w.put(f"cost_derivative.{n}", dC_do * scale, [f"{at}.{n}"])
    weights_after = dict(params)  # the slip that backpropagates through updated weights needs them
    misread = _backward_misread(twist)
    for layer in range(net.depth, 0, -1):
        names = net.neurons(layer)
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        for n in names:
            i, o = w.used(f"input.{n}"), w.used(f"output.{n}")
            if twist.derivative_at_output and sigma.curved:
                o_at = sigma.mpmath_form(o, slope(net))  # σ evaluated once more, at o
                w.put(f"activation_derivative.{n}", sigma.mpmath_derivative(o, o_at, slope(net)),
                      [f"output.{n}"])
            elif twist.input_for_output == "activation_derivative" and sigma.curved:
                # σ′ from the output, o(1 − o), with the input written for o: i(1 − i)
                w.put(f"activation_derivative.{n}", sigma.mpmath_derivative(i, i, slope(net)), [f"input.{n}"])
            elif sigma.vector:  # softmax: the Jacobian's diagonal, from the output alone
                w.put(f"activation_derivative.{n}", sigma.mpmath_derivative(i, o, slope(net)), [f"output.{n}"])
            else:
                w.put(f"activation_derivative.{n}", sigma.mpmath_derivative(i, o, slope(net)),
                      [f"input.{n}", f"output.{n}"])
        for j, n in enumerate(names):
            if layer == net.depth and sigma.vector:
                # δ_j = Σ_m ∂C/∂o_m · ∂o_m/∂i_j, with ∂o_m/∂i_j = o_m (1[m = j] − o_j)
                o_j = w.used(f"output.{n}")
                terms, inputs = [], []
                for m_idx, m in enumerate(names):
                    o_m = w.used(f"output.{m}")
                    jac = w.used(f"activation_derivative.{n}") if m_idx == j else -o_m * o_j
                    terms.append(w.used(f"cost_derivative.{m}") * jac)
                    inputs += [f"cost_derivative.{m}", f"output.{m}", f"activation_derivative.{n}"]
                w.put(f"delta.{n}", mpmath.fsum(terms), inputs)
            elif layer == net.depth:
                w.put(f"delta.{n}", w.used(f"cost_derivative.{n}") * w.used(f"activation_derivative.{n}"),
                      [f"cost_derivative.{n}", f"activation_derivative.{n}"])
            else:  # ∂C/∂o = Σ_k w_kj δ_k sent back to the neuron, then δ = ∂C/∂o · σ′
                total, inputs = mpmath.mpf(0), []
                for k, m in enumerate(net.neurons(layer + 1)):
                    value = weight_back(net, weights_after, layer + 1, j, k, misread)
                    total += value * w.used(f"delta.{m}")
                    inputs.append(f"delta.{m}")
                w.put(f"cost_derivative.{n}", total, inputs)
                w.put(f"delta.{n}", w.used(f"cost_derivative.{n}") * w.used(f"activation_derivative.{n}"),
                      [f"cost_derivative.{n}", f"activation_derivative.{n}"])
        gradient_of_layer(w, layer)
        if twist.updated_weights_backward:
            for p in net.parameters:
                if p.layer == layer and p.kind == "weight":
                    weights_after[p.label] = updated(p.label, params[p.label], w.used(f"gradient.{p.label}"))
    return {p.label: w.used(f"gradient.{p.label}") for p in net.parameters}


def gradient_of_layer(w: Worker, layer: int) -> None:
    """∂C/∂p of every parameter of `layer`: δ of the neuron(s) it feeds times ∂i/∂p."""
    net, twist = w.net, w.twist
    for p in net.parameters:
        if p.layer != layer:
            continue
        fed = [j for j in range(net.layers[layer]) if p.feeds(j)]
        terms, inputs = [], []
        for j in fed:
            n = net.neuron(layer, j)
            if p.kind == "weight":
                m = f"{carried_value(twist)(layer - 1)}.{net.neuron(layer - 1, p.source)}"
                factor, via = w.used(m), [m]
            elif twist.bias_factor == "input":
                factor, via = w.used(f"input.{n}"), [f"input.{n}"]
            elif twist.bias_factor is not None:
                if twist.bias_factor >= net.layers[layer - 1]:
                    factor, via = mpmath.mpf(1), []
                else:
                    m = net.neuron(layer - 1, twist.bias_factor)
                    factor, via = w.used(f"output.{m}"), [f"output.{m}"]
            else:
                factor, via = mpmath.mpf(1), []
            terms.append(w.used(f"delta.{n}") * factor)
            inputs += [f"delta.{n}", *via]
        w.put(f"gradient.{p.label}", mpmath.fsum(terms), inputs)
