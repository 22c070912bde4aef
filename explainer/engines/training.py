"""Several samples and several steps: the run as a list of costs and parameters.

The walkthrough works through the first update in full; a longer run is shown
as a table and a cost curve of every step. Both engines run the whole training
loop — the symbolic engine with 60 digits from the exact spec, the numeric core
in float64 — and the two histories must agree like the single step does.

In "sgd" mode a step makes one update per sample, in order; in "batch" mode one
update with the mean of the samples' gradients. The cost of a step is the mean
cost over all samples, measured after the step (step 0: before training).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from explainer.engines import numeric, symbolic
from explainer.engines.agreement import RELATIVE_TOLERANCE, scaled
from explainer.engines.precision import PRECISION
from explainer.spec import Spec


@dataclass(frozen=True)
class Point:
    """The state after `step` steps: the dataset cost and every parameter."""

    step: int
    cost: sympy.Float
    parameters: dict[str, sympy.Expr]


@dataclass(frozen=True)
class History:
    points: tuple[Point, ...]  # from the symbolic engine, step 0 first
    # Worst differences between the engines, relative to max(1, |value|): a parameter
    # trained to near zero would make a plain relative difference meaningless.
    cost_discrepancy: float
    parameter_discrepancy: float

    @property
    def agrees(self) -> bool:
        return max(self.cost_discrepancy, self.parameter_discrepancy) <= RELATIVE_TOLERANCE


def _dataset_cost(d: symbolic.Derivation, spec: Spec, params: dict) -> sympy.Float:
    costs = [symbolic.evaluate(d, params, s, backward=False).cost for s in spec.samples]
    return sympy.Float(sum(costs) / len(costs), PRECISION)


def symbolic_run(spec: Spec, d: symbolic.Derivation,
                 each_step: Callable[[int], None] | None = None) -> list[Point]:
    """The whole run in the symbolic engine, reusing one derivation for every step;
    `each_step(n)` is called as step n begins."""
    params: dict[str, sympy.Expr] = {p.label: symbolic.rational(p.value)
                                     for p in spec.network.parameters}
    points = [Point(0, _dataset_cost(d, spec, params), params)]
    for n in range(1, spec.steps + 1):
        if each_step is not None:
            each_step(n)
        if spec.mode == "batch":
            gradients = [symbolic.evaluate(d, params, s).gradient for s in spec.samples]
            params = symbolic.update(spec, params, symbolic.mean_of(gradients))
        else:
            for sample in spec.samples:
                params = symbolic.update(spec, params, symbolic.evaluate(d, params, sample).gradient)
        points.append(Point(n, _dataset_cost(d, spec, params), params))
    return points


def run(spec: Spec, d: symbolic.Derivation, each_step: Callable[[int], None] | None = None) -> History:
    """Both engines' runs, compared step by step (`each_step` as in `symbolic_run`)."""
    points = symbolic_run(spec, d, each_step)
    numeric_run = numeric.train(spec)
    pairs = list(zip(points, numeric_run, strict=True))
    cost_gap = max(scaled(float(p.cost), float(c)) for p, (c, _) in pairs)
    param_gap = max(scaled(float(p.parameters[k]), v[k]) for p, (_, v) in pairs for k in v)
    return History(tuple(points), cost_gap, param_gap)
