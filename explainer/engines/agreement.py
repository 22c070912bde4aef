"""Agreement: the symbolic engine, the numeric core and finite differences, side by side.

Three witnesses compute ∂C/∂p for every parameter p:

* the symbolic engine's chain rule (SymPy, exact inputs, 60 digits or more),
* the numeric core's backpropagation (NumPy, float64),
* central finite differences of the forward pass only, in long double, or in
  mpmath with more digits where a gradient is too small for long double to see
  (`explainer.engines.differences`).

Two values agree when |a − b| ≤ RELATIVE_TOLERANCE · max(|a|, |b|) + allowance,
where the allowance is what the arithmetic cannot resolve:

* for the numeric core, 16 ε₆₄ · (size of the network) · the gradient's own scale,
  the same gradient with every factor by its magnitude (`numeric.BackwardPass.scale`):
  the sums a float64 rounding error is relative to. A saturated neuron's gradients
  (10^-302) carry its tiny slope in their scale too, so they must agree to the
  relative tolerance like any other, where an allowance in units of the cost would
  let any tiny number pass;
* for finite differences, ten times their rounding bound (`differences.resolution`).

Anything beyond is a disagreement, and the command fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.engines import numeric
from explainer.engines.differences import (
    FD_EPS,
    FD_STEP,
    FD_TYPE,
    digits_for,
    finite_difference,
    precise_difference,
    resolution,
    step_for,
)
from explainer.engines.symbolic import SymbolicStep
from explainer.spec import Spec

RELATIVE_TOLERANCE = 1e-10
EPS = float(np.finfo(np.float64).eps)
# Gradients below this many times long double's resolution are witnessed with more digits.
UNRESOLVED = 1e3
NUMERIC_ULPS = 16  # float64 epsilons per parameter the numeric core's gradient may be off by, in its scale
__all__ = ["FD_STEP", "NUMERIC_ULPS", "RELATIVE_TOLERANCE", "Agreement", "Comparison", "compare",
           "finite_difference", "relative", "scaled"]


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
    after_cost_discrepancy: float | None  # symbolic vs numeric cost after the step (None: no step)

    @property
    def agrees(self) -> bool:
        costs = [self.cost_discrepancy, *([] if self.after_cost_discrepancy is None
                                          else [self.after_cost_discrepancy])]
        return all(c.agrees for c in self.comparisons) and max(costs) <= RELATIVE_TOLERANCE

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


def compare(spec: Spec, symbolic: SymbolicStep, num: numeric.Step) -> Agreement:
    """Compare every gradient, and the cost before and after the step (if there is one:
    a spec without a learning rate stops at the gradients)."""
    net = spec.network
    cost = float(symbolic.values.cost)
    n_params = len(net.parameters)
    comparisons = []
    base = numeric.arrays(net, numeric.initial(net), FD_TYPE)
    for p in net.parameters:
        s = float(symbolic.values.gradient[p.label])
        n = float(num.backward.gradient[p.label])
        h = step_for(spec, p.label, num.before)
        f = finite_difference(spec, p.label, h, base)
        fd_allowance = resolution(cost, h, FD_EPS)
        scale = num.backward.scale[p.label]
        # A gradient too small for long double to check, and no mere rounding of a 0 (a
        # softmax layer's shared bias has the exact gradient 0: 1e-61 at 60 digits).
        noise = 10.0 ** (15 - symbolic.digits) * scale
        if UNRESOLVED * noise < abs(s) < UNRESOLVED * fd_allowance:
            digits = digits_for(cost, h, s)
            f, fd_allowance = precise_difference(spec, p.label, h, digits), resolution(cost, h, 10.0 ** -digits)
        numeric_allowance = NUMERIC_ULPS * EPS * n_params * scale
        agrees = bool(
            abs(s - n) <= RELATIVE_TOLERANCE * max(abs(s), abs(n)) + numeric_allowance
            and abs(s - f) <= RELATIVE_TOLERANCE * max(abs(s), abs(f)) + fd_allowance
        )
        comparisons.append(Comparison(p.label, s, n, f, relative(s, n), relative(s, f), agrees))
    return Agreement(
        tuple(comparisons),
        scaled(float(symbolic.values.cost), float(num.before.cost)),
        None if symbolic.after is None or num.after is None else
        scaled(float(symbolic.after_cost), float(num.after.cost)),
    )
