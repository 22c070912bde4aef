"""The numeric core's training run: every step in float64, a batch at a time.

In "sgd" mode a step makes one update per sample, in order; in "batch" mode one update
with the mean gradient of all samples (or their summed gradient, with `batch_gradient =
"sum"`), one matrix pass over the batch
(`numeric.Descent`). The cost of a step is the mean cost over all samples, measured
after the step (step 0: before training).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.engines.numeric import Descent, OutOfRange, columns, initial, labelled, layout, vector
from explainer.spec import Spec


def rates(spec: Spec) -> np.ndarray:
    """η for every parameter in label order, 0 for a frozen one."""
    eta = float(spec.learning_rate)
    return np.array([0.0 if label in spec.frozen else eta for label in layout(spec.network).labels])


@dataclass(frozen=True)
class Run:
    """Every step of a run: the mean cost over the samples and every parameter (label
    order), index 0 before training. The arrays are read-only (a run is cached)."""

    costs: np.ndarray  # (steps + 1,)
    parameters: np.ndarray  # (steps + 1, parameters)


@lru_cache(maxsize=1)
def train(spec: Spec) -> Run:
    """The whole run (see the module docstring).

    Cached for the last spec: the float64 dry run (`explainer.engines.dry_run`) makes
    this very run under np.errstate(all="raise"), and the comparison of the engines
    then reads it again. A FloatingPointError on the way becomes `OutOfRange`.
    """
    net = spec.network
    x, expected = columns(spec.samples)
    descent = Descent(net, mean=spec.batch_gradient == "mean")
    theta, eta = np.append(vector(net, initial(net)), 0.0), np.append(rates(spec), 0.0)  # see Descent
    costs = np.empty(spec.steps + 1)
    parameters = np.empty((spec.steps + 1, len(theta) - 1))
    parameters[0] = theta[:-1]
    one_by_one = spec.mode == "sgd" and len(spec.samples) > 1
    when, sample = "", None if len(spec.samples) > 1 else 0
    try:
        if one_by_one:
            costs[0] = descent(theta, x, expected)[0]
            for n in range(1, spec.steps + 1):
                when = f"in step {n}"
                for sample in range(len(spec.samples)):
                    column = slice(sample, sample + 1)
                    theta = theta - eta * descent(theta, x[:, column], expected[:, column])[1]
                when, sample = f"after step {n}", None
                parameters[n] = theta[:-1]
                costs[n] = descent(theta, x, expected)[0]
        else:  # the gradient at θ of step n − 1 comes with its cost: one pass per step
            for n in range(1, spec.steps + 1):
                when = f"in step {n}"
                costs[n - 1], gradient = descent(theta, x, expected)
                theta = theta - eta * gradient
                parameters[n] = theta[:-1]
            when = f"after step {spec.steps}"
            costs[spec.steps] = descent(theta, x, expected)[0]
    except FloatingPointError as err:
        raise OutOfRange(str(err), when, sample, labelled(net, theta[:-1])) from None
    costs.flags.writeable = parameters.flags.writeable = False
    return Run(costs, parameters)
