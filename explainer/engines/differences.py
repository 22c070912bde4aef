"""Finite differences: ∂C/∂p from the forward pass alone, the third witness.

Central differences of the numeric core's *forward pass only* (no derivative code
at all), run in long double (80-bit on x86-64) so that the cancellation in
C(p + h) − C(p − h) costs no more than float64 digits: the sixth-order stencil

    ∂C/∂p ≈ [45(C₊₁ − C₋₁) − 9(C₊₂ − C₋₂) + (C₊₃ − C₋₃)] / (60 h),  C₊ₖ = C(p + k h)

whose truncation error is O(h⁶) and whose rounding error is about
1.83 · ε · |C| / h, ε the machine epsilon of the type used (`resolution`).

Two refinements keep the witness honest at the edges:

* **the step.** h = FD_STEP, but a parameter that multiplies a large value c (a
  weight from an input of 1000) moves the neuron's input by k·h·c, and the
  stencil's truncation error grows like (h·c)⁶: h is made smaller there, so that
  h·|c| ≤ FD_REACH (`step_for`);
* **the digits.** A saturated neuron's gradients (10^-302 for a sigmoid at 700)
  change the cost far below long double's resolution next to C. Where a gradient
  is that small, the costs are computed again with mpmath, with as many digits as
  resolving it takes (`precise_difference`): still the forward pass alone, written
  here with the activations' and costs' mpmath forms.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from explainer.engines import numeric
from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Spec

FD_STEP = 1e-3
FD_REACH = 1e-2  # the largest h·|c| (see the module docstring)
FD_TYPE = np.longdouble  # float64 where the platform has no wider type; the allowance follows
FD_EPS = float(np.finfo(FD_TYPE).eps)
_STENCIL = ((1, 45), (2, -9), (3, 1))  # (k, coefficient) of the sixth-order central difference
FD_ROUNDING = 1.83  # the stencil's rounding error is about FD_ROUNDING · ε · |C| / h
FD_MARGIN = 10  # finite differences may be off by this many times their rounding bound
GUARD_DIGITS = 25  # digits beyond those a tiny gradient's resolution takes


def resolution(cost: float, h: float, eps: float) -> float:
    """What the difference cannot resolve: ten times its rounding bound, 1.83 ε max(1, |C|) / h."""
    return FD_MARGIN * FD_ROUNDING * eps * max(abs(cost), 1.0) / h


def step_for(spec: Spec, label: str, before: numeric.ForwardPass) -> float:
    """h for parameter `label`: FD_STEP, or less where it multiplies a value beyond FD_REACH / FD_STEP."""
    p = spec.network.parameter(label)
    c = abs(float(before.o[p.layer - 1][p.source])) if p.kind == "weight" else 1.0
    return min(FD_STEP, FD_REACH / c) if c else FD_STEP


def finite_difference(spec: Spec, label: str, h: float = FD_STEP,
                      base: numeric.Parameters | None = None) -> float:
    """∂C/∂p by the sixth-order central difference of the numeric forward pass, in long double.

    `base` is the network's parameters as long-double arrays (built once by the caller
    for all parameters); only the one entry that p occupies is moved.
    """
    net, sample = spec.network, spec.sample
    base = base or numeric.arrays(net, numeric.initial(net), FD_TYPE)
    p = net.parameter(label)

    def cost_at(k: int):
        W, b = list(base.W), list(base.b)
        shift = k * FD_TYPE(h)
        if p.kind == "weight":
            W[p.layer - 1] = W[p.layer - 1].copy()
            W[p.layer - 1][p.target, p.source] += shift
        else:  # a shared bias moves every entry of its layer's bias vector
            b[p.layer - 1] = b[p.layer - 1].copy()
            b[p.layer - 1][slice(None) if p.target is None else p.target] += shift
        return numeric.forward(net, numeric.Parameters(tuple(W), tuple(b)), sample).cost

    total = sum(FD_TYPE(c) * (cost_at(k) - cost_at(-k)) for k, c in _STENCIL)
    return float(total / (60 * FD_TYPE(h)))


def digits_for(cost: float, h: float, gradient: float) -> int:
    """The digits with which the costs resolve a gradient of this size to GUARD_DIGITS."""
    tiny = max(abs(gradient), float(np.finfo(np.float64).tiny))
    return GUARD_DIGITS + math.ceil(math.log10(max(abs(cost), 1.0) / (h * tiny)))


def precise_difference(spec: Spec, label: str, h: float, digits: int) -> float:
    """The same stencil with the forward pass in mpmath at `digits` digits."""
    net, sample = spec.network, spec.sample
    with mpmath.workdps(digits):
        values = {p.label: mpmath.mpf(p.value.numerator) / p.value.denominator for p in net.parameters}
        x = [mpmath.mpf(v.numerator) / v.denominator for v in sample.input]
        expected = [mpmath.mpf(v.numerator) / v.denominator for v in sample.expected]
        step = mpmath.mpf(h)

        def cost_at(k: int) -> mpmath.mpf:
            moved = dict(values)
            moved[label] += k * step
            return _mp_cost(spec, moved, x, expected)

        total = mpmath.fsum(c * (cost_at(k) - cost_at(-k)) for k, c in _STENCIL)
        return float(total / (60 * step))


def _mp_cost(spec: Spec, values: dict[str, mpmath.mpf], x: list, expected: list) -> mpmath.mpf:
    """The forward pass and the cost, neuron by neuron, with mpmath."""
    net = spec.network
    slope = mpmath.mpf(net.leaky_slope.numerator) / net.leaky_slope.denominator
    o = x
    for layer in range(1, net.depth + 1):
        inputs = []
        for j in range(net.layers[layer]):
            bias = net.bias_of(layer, j)
            inputs.append(mpmath.fsum([values[w.label] * o[w.source] for w in net.weights_into(layer, j)]
                                      + ([values[bias.label]] if bias else [])))
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        o = sigma.mpmath_vector_form(inputs) if sigma.vector else [sigma.mpmath_form(i, slope) for i in inputs]
    return COSTS[net.cost].mpmath_form(o, expected)
