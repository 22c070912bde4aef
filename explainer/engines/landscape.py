"""The cost as a landscape: its value over a grid of two parameters, every other held fixed.

Gradient descent walks downhill on the cost C(W, b), a function of every weight and
bias. Two parameters p and q at a time, with every other parameter held at its
value, C is a surface over the plane (p, q): its hills and valleys are what the
walkthrough's landscape figure draws, with the step (or a run's path) on it.

The numbers come from the numeric core (`explainer.engines.numeric`): its forward
pass gives the cost averaged over the samples, as a training run measures it (for
one sample, simply its cost), and `mean_gradient` its gradient. They are for a
picture, so float64 is plenty; the walkthrough's printed numbers come from the
symbolic engine as everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from explainer.engines.numeric import Parameters, Values, arrays, forward, mean_gradient
from explainer.spec import Spec


def cost_grid(spec: Spec, values: Values, p: str, q: str, ps: Sequence[float],
              qs: Sequence[float]) -> np.ndarray:
    """The mean cost over the samples at every point of the grid: row i has q = qs[i], column
    j has p = ps[j], every other parameter as in `values`. A point whose cost is not a finite
    number (an overflow far from the start) is NaN.

    The matrices of the forward pass are built once; at each point only the entries of p and
    q change (found by moving each once and seeing which entries follow: a shared bias fills
    its whole layer)."""
    net = spec.network
    params = arrays(net, values)
    entries = {label: _entries(net, values, params, label) for label in (p, q)}
    grid = np.empty((len(qs), len(ps)))
    samples = spec.samples
    with np.errstate(all="ignore"):
        for i, b in enumerate(qs):
            _set(entries[q], float(b))
            for j, a in enumerate(ps):
                _set(entries[p], float(a))
                grid[i, j] = sum(float(forward(net, params, sample).cost) for sample in samples) / len(samples)
    grid[~np.isfinite(grid)] = np.nan
    return grid


def _entries(net, values: Values, params: Parameters, label: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Where a parameter's value sits in the matrices of a forward pass: (array, mask) pairs."""
    moved = arrays(net, {**values, label: values[label] + 1.0})
    return [(array, other != array) for array, other in zip((*params.W, *params.b), (*moved.W, *moved.b),
                                                              strict=True) if (other != array).any()]


def _set(entries: list[tuple[np.ndarray, np.ndarray]], value: float) -> None:
    for array, mask in entries:
        array[mask] = value


def slope(spec: Spec, values: Values, p: str, q: str) -> tuple[float, float]:
    """(∂C/∂p, ∂C/∂q) of the mean cost over the samples at `values`: the gradient of the
    landscape over (p, q), which points uphill, across its contour lines."""
    gradient = mean_gradient(spec, values)
    return gradient[p], gradient[q]
