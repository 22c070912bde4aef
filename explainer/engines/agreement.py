"""Agreement: the symbolic engine, the numeric core and finite differences, side by side.

Three witnesses compute ∂C/∂p for every parameter p:

* the symbolic engine's chain rule (SymPy, exact inputs, 60 digits),
* the numeric core's backpropagation (NumPy, float64),
* central finite differences of the numeric core's *forward pass only*
  (no derivative code at all), run in long double (80-bit on x86-64) so that the
  cancellation in C(p + h) − C(p − h) costs no more than float64 digits: the
  sixth-order stencil

      ∂C/∂p ≈ [45(C₊₁ − C₋₁) − 9(C₊₂ − C₋₂) + (C₊₃ − C₋₃)] / (60 h),  C₊ₖ = C(p + k h)

  whose truncation error is O(h⁶) and whose rounding error is about
  1.83 · ε · |C| / h, ε the machine epsilon of the type used.

Two values agree when |a − b| ≤ RELATIVE_TOLERANCE · max(|a|, |b|) + allowance,
where the allowance is what the arithmetic cannot resolve: 16 ε₆₄ · |C| · (size
of the network) for the numeric core, and ten times the rounding bound above for
finite differences. Anything beyond is a disagreement, and the command fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.engines import numeric
from explainer.engines.symbolic import SymbolicStep
from explainer.spec import Spec

RELATIVE_TOLERANCE = 1e-10
FD_STEP = 1e-3
EPS = float(np.finfo(np.float64).eps)
FD_TYPE = np.longdouble  # float64 where the platform has no wider type; the allowance follows
FD_EPS = float(np.finfo(FD_TYPE).eps)
_STENCIL = ((1, 45.0), (2, -9.0), (3, 1.0))  # (k, coefficient) of the sixth-order central difference
FD_ROUNDING = 1.83  # the stencil's rounding error is about FD_ROUNDING · ε · |C| / h
NUMERIC_ULPS = 16  # float64 epsilons per parameter the numeric core's gradient may be off by
FD_MARGIN = 10  # finite differences may be off by this many times their rounding bound


@dataclass(frozen=True)
class Comparison:
    """One parameter's gradient from each witness and how far apart they are."""

    label: str
    symbolic: float  # rounded from the 60-digit value
    numeric: float
    finite_difference: float
    numeric_discrepancy: float  # relative, symbolic vs numeric
    fd_discrepancy: float  # relative, symbolic vs finite differences
    agrees: bool


@dataclass(frozen=True)
class Agreement:
    comparisons: tuple[Comparison, ...]
    cost_discrepancy: float  # symbolic vs numeric cost before the step (see `scaled`)
    after_cost_discrepancy: float  # symbolic vs numeric cost after the step

    @property
    def agrees(self) -> bool:
        return all(c.agrees for c in self.comparisons) and max(
            self.cost_discrepancy, self.after_cost_discrepancy
        ) <= RELATIVE_TOLERANCE

    @property
    def worst_numeric(self) -> Comparison:
        return max(self.comparisons, key=lambda c: c.numeric_discrepancy)

    @property
    def worst_fd(self) -> Comparison:
        return max(self.comparisons, key=lambda c: c.fd_discrepancy)


def relative(a: float, b: float) -> float:
    """|a − b| relative to the larger magnitude (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else float(abs(a - b) / scale)


def scaled(a: float, b: float) -> float:
    """|a − b| relative to max(1, |a|, |b|): relative for values above 1, absolute below.

    For costs and trained parameters. A step can land exactly on a minimum: the exact
    cost after it is 0, float64 leaves 1e-33 there, and a plain relative difference
    would call that total disagreement although float64 cannot resolve it.
    """
    return float(abs(a - b) / max(1.0, abs(a), abs(b)))


def finite_difference(spec: Spec, label: str, h: float = FD_STEP,
                      base: numeric.Parameters | None = None) -> float:
    """∂C/∂p by the sixth-order central difference of the numeric forward pass.

    `base` is the network's parameters as long-double arrays (built once by
    `compare` for all parameters); only the one entry that p occupies is moved.
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


def compare(spec: Spec, symbolic: SymbolicStep, num: numeric.Step) -> Agreement:
    """Compare every gradient, and the cost before and after the step."""
    net = spec.network
    cost = abs(float(symbolic.values.cost))
    n_params = len(net.parameters)
    numeric_allowance = NUMERIC_ULPS * EPS * max(cost, 1.0) * n_params
    fd_allowance = FD_MARGIN * FD_ROUNDING * FD_EPS * max(cost, 1.0) / FD_STEP
    comparisons = []
    base = numeric.arrays(net, numeric.initial(net), FD_TYPE)
    for p in net.parameters:
        s = float(symbolic.values.gradient[p.label])
        n = float(num.backward.gradient[p.label])
        f = finite_difference(spec, p.label, base=base)
        agrees = bool(
            abs(s - n) <= RELATIVE_TOLERANCE * max(abs(s), abs(n)) + numeric_allowance
            and abs(s - f) <= RELATIVE_TOLERANCE * max(abs(s), abs(f)) + fd_allowance
        )
        comparisons.append(Comparison(p.label, s, n, f, relative(s, n), relative(s, f), agrees))
    return Agreement(
        tuple(comparisons),
        scaled(float(symbolic.values.cost), float(num.before.cost)),
        scaled(float(symbolic.after_cost), float(num.after.cost)),
    )
