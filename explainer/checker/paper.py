"""One gradient-descent step computed the way a person does it on paper.

Neuron by neuron, in high precision (mpmath), with two departures a checker needs:

* `claimed`: numbers the person wrote down. Each is what the person carries
  into the rest of their calculation, so downstream values are recomputed from
  them ("error carried forward"). Every value also records which claims it was
  computed from (`sources`): the nearest claimed quantities upstream of it.
* `twist`: a classic slip (see `explainer.slips`) applied everywhere it can happen.

Quantities are keyed as in a claims file: ``input.h1``, ``output.L1``,
``activation_derivative.h1``, ``cost_derivative.L1``, ``delta.L2``, ``cost``,
``gradient.w5``, ``updated.w5``, ``after.input.L1``, ``after.output.L1``,
``after.cost``. With no claims and no twist this is a third, independent
computation of the step (the checker compares it with the symbolic engine before
trusting it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from explainer.checker.slips import Twist
from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Network, Sample, Spec

PRECISION = 50  # digits: far more than anyone writes down


def mp(value: object) -> mpmath.mpf:
    """An exact spec number (Fraction) or a claimed Decimal as an mpmath number."""
    q = Fraction(value)  # exact for Fraction, int and Decimal
    return mpmath.mpf(q.numerator) / q.denominator


@dataclass
class Paper:
    """Every quantity of one worked step, and the claims each was computed from."""

    value: dict[str, mpmath.mpf] = field(default_factory=dict)  # as computed from what came before
    sources: dict[str, frozenset[str]] = field(default_factory=dict)


class _Worker:
    def __init__(self, spec: Spec, claimed: Mapping[str, mpmath.mpf], twist: Twist) -> None:
        self.spec, self.net, self.claimed, self.twist = spec, spec.network, claimed, twist
        self.paper = Paper()

    # A value enters the rest of the calculation as the person wrote it, if they did.
    def put(self, key: str, value: mpmath.mpf, inputs: list[str]) -> None:
        self.paper.value[key] = value
        self.paper.sources[key] = frozenset().union(*(self.source_of(k) for k in inputs))

    def source_of(self, key: str) -> frozenset[str]:
        if key in self.claimed:
            return frozenset({key})
        return self.paper.sources.get(key, frozenset())

    def used(self, key: str) -> mpmath.mpf:
        return self.claimed[key] if key in self.claimed else self.paper.value[key]


def _weight_value(net: Network, params: Mapping[str, mpmath.mpf], layer: int, j: int, k: int,
                  transposed: bool) -> tuple[mpmath.mpf, str]:
    """w_jk of a layer, or w_kj when the person reads the matrix transposed."""
    if transposed and net.layers[layer] == net.layers[layer - 1]:
        j, k = k, j
    p = net.weight(layer, j, k)
    return params[p.label], p.label


def forward(w: _Worker, params: Mapping[str, mpmath.mpf], param_keys: Mapping[str, str],
            sample: Sample, prefix: str) -> None:
    """i and o of every neuron and the cost. `param_keys` names the quantity each
    parameter value comes from (an ``updated.*`` key after the step), so that
    claims about it are carried."""
    net, twist = w.net, w.twist
    for j, x in enumerate(sample.input):
        w.paper.value[f"{prefix}output.{net.neuron(0, j)}"] = mp(x)
    for layer in range(1, net.depth + 1):
        names = net.neurons(layer)
        for j, n in enumerate(names):
            total, inputs = mpmath.mpf(0), []
            for k, m in enumerate(net.neurons(layer - 1)):
                value, label = _weight_value(net, params, layer, j, k, twist.transposed == "both")
                total += value * w.used(f"{prefix}output.{m}")
                inputs += [f"{prefix}output.{m}", param_keys.get(label, "")]
            bias = net.bias_of(layer, j)
            if bias is not None:
                total += params[bias.label]
                inputs.append(param_keys.get(bias.label, ""))
            w.put(f"{prefix}input.{n}", total, inputs)
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        i = [w.used(f"{prefix}input.{n}") for n in names]
        if sigma.mpmath_vector_form is not None:  # softmax: every output uses every input
            for n, o in zip(names, sigma.mpmath_vector_form(i), strict=True):
                w.put(f"{prefix}output.{n}", o, [f"{prefix}input.{m}" for m in names])
        else:
            for j, n in enumerate(names):
                w.put(f"{prefix}output.{n}", sigma.mpmath_form(i[j], slope(net)), [f"{prefix}input.{n}"])
    last = net.neurons(net.depth)
    outputs = [w.used(f"{prefix}output.{n}") for n in last]
    cost = COSTS[net.cost].mpmath_form(outputs, [mp(e) for e in sample.expected]) * mp(twist.cost_scale)
    w.put(f"{prefix}cost", cost, [f"{prefix}output.{n}" for n in last])


def slope(net: Network) -> mpmath.mpf:
    """The leaky ReLU's slope, as an mpmath number."""
    return mp(net.leaky_slope)


def backward(w: _Worker, params: Mapping[str, mpmath.mpf], sample: Sample) -> dict[str, mpmath.mpf]:
    """σ′, ∂C/∂o, δ and ∂C/∂p of every neuron and parameter; returns the gradient as
    carried (claimed values where claimed)."""
    net, twist = w.net, w.twist
    last = net.neurons(net.depth)
    scale = mp(twist.cost_derivative_scale)
    for j, n in enumerate(last):
        o = w.used(f"output.{n}")
        dC_do = COSTS[net.cost].mpmath_derivative(o, mp(sample.expected[j]), len(last))
        w.put(f"cost_derivative.{n}", dC_do * scale, [f"output.{n}"])
    weights_after = dict(params)  # the slip that backpropagates through updated weights needs them
    for layer in range(net.depth, 0, -1):
        names = net.neurons(layer)
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        for n in names:
            i, o = w.used(f"input.{n}"), w.used(f"output.{n}")
            if twist.derivative_at_output and sigma.curved:
                o_at = sigma.mpmath_form(o, slope(net))  # σ evaluated once more, at o
                w.put(f"activation_derivative.{n}", sigma.mpmath_derivative(o, o_at, slope(net)),
                      [f"output.{n}"])
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
            else:
                total, inputs = mpmath.mpf(0), [f"activation_derivative.{n}"]
                for k, m in enumerate(net.neurons(layer + 1)):
                    transposed = twist.transposed in ("backward", "both")
                    value, _ = _weight_value(net, weights_after, layer + 1, k, j, transposed)
                    total += value * w.used(f"delta.{m}")
                    inputs.append(f"delta.{m}")
                w.put(f"delta.{n}", total * w.used(f"activation_derivative.{n}"), inputs)
        gradient_of_layer(w, layer)
        if twist.updated_weights_backward:
            for p in net.parameters:
                if p.layer == layer and p.kind == "weight":
                    weights_after[p.label] = _updated(w, params[p.label], w.used(f"gradient.{p.label}"))
    return {p.label: w.used(f"gradient.{p.label}") for p in net.parameters}


def gradient_of_layer(w: _Worker, layer: int) -> None:
    net, twist = w.net, w.twist
    for p in net.parameters:
        if p.layer != layer:
            continue
        fed = [j for j in range(net.layers[layer]) if p.feeds(j)]
        terms, inputs = [], []
        for j in fed:
            n = net.neuron(layer, j)
            if p.kind == "weight":
                m = net.neuron(layer - 1, p.source)
                factor, via = w.used(f"output.{m}"), [f"output.{m}"]
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


def _updated(w: _Worker, value: mpmath.mpf, gradient: mpmath.mpf) -> mpmath.mpf:
    eta = mp(w.spec.learning_rate) ** w.twist.eta_power
    return value + w.twist.update_sign * eta * gradient


def work(spec: Spec, claimed: Mapping[str, mpmath.mpf] | None = None, twist: Twist | None = None,
         parameters: Mapping[str, mpmath.mpf] | None = None) -> Paper:
    """The first update of `spec` on paper: the first sample's forward and backward
    pass (for a batch, the other samples' gradients too, computed correctly with the
    same twist), the update, and the forward pass again on the first sample.

    `parameters` start the step from other values than the spec's (a later step of a
    run); `claimed` and `twist` as in the module docstring.
    """
    claimed = claimed or {}
    twist = twist or Twist()
    net = spec.network
    with mpmath.workdps(PRECISION):
        params = dict(parameters) if parameters is not None else {p.label: mp(p.value) for p in net.parameters}
        w = _Worker(spec, claimed, twist)
        forward(w, params, {}, spec.samples[0], "")
        gradient = backward(w, params, spec.samples[0])
        if spec.mode == "batch" and len(spec.samples) > 1:
            others = [_plain_gradient(spec, params, s, twist) for s in spec.samples[1:]]
            gradient = {k: mpmath.fsum([gradient[k], *(g[k] for g in others)]) / len(spec.samples)
                        for k in gradient}
        after = {}
        for p in net.parameters:
            key = f"updated.{p.label}"
            new = params[p.label] if p.label in spec.frozen else _updated(w, params[p.label], gradient[p.label])
            w.put(key, new, [f"gradient.{p.label}"] if p.label not in spec.frozen else [])
            after[p.label] = w.used(key)
        forward(w, after, {p.label: f"updated.{p.label}" for p in net.parameters}, spec.samples[0], "after.")
        return w.paper


def _plain_gradient(spec: Spec, params: Mapping[str, mpmath.mpf], sample: Sample,
                    twist: Twist) -> dict[str, mpmath.mpf]:
    w = _Worker(spec, {}, twist)
    forward(w, params, {}, sample, "")
    return backward(w, params, sample)


def run(spec: Spec, start: Mapping[str, mpmath.mpf]) -> dict[str, mpmath.mpf]:
    """One whole step of a run from `start` (sgd: one update per sample in order;
    batch: one update with the mean gradient), done correctly."""
    net = spec.network
    params = dict(start)
    with mpmath.workdps(PRECISION):
        if spec.mode == "batch":
            grads = [_plain_gradient(spec, params, s, Twist()) for s in spec.samples]
            mean = {k: mpmath.fsum(g[k] for g in grads) / len(grads) for k in params}
            return {k: v if k in spec.frozen else v - mp(spec.learning_rate) * mean[k]
                    for k, v in params.items()}
        for s in spec.samples:
            g = _plain_gradient(spec, params, s, Twist())
            params = {p.label: params[p.label] if p.label in spec.frozen
                      else params[p.label] - mp(spec.learning_rate) * g[p.label] for p in net.parameters}
        return params


def dataset_cost(spec: Spec, params: Mapping[str, mpmath.mpf]) -> mpmath.mpf:
    """The mean cost over every sample (the cost a run's table shows)."""
    with mpmath.workdps(PRECISION):
        costs = []
        for s in spec.samples:
            w = _Worker(spec, {}, Twist())
            forward(w, params, {}, s, "")
            costs.append(w.paper.value["cost"])
        return mpmath.fsum(costs) / len(costs)
