"""The float64 dry run: numbers beyond float64's range are refused before either engine starts.

No option lifts this, because the answer would be wrong: the numeric core computes
in float64 and the JSON holds float64 numbers. The dry run makes the walkthrough's
step and the whole training run in float64 (the numeric core: every pass both
engines will make) with NumPy raising on overflow, underflow, division by zero and
invalid operations.

Within that range nothing is refused. A saturated neuron is a lesson, not an error:
σ(700.25) is 1 − 7.7 · 10^-305, and its slope σ′ = 7.7 · 10^-305 is an ordinary float64
number, which the numeric core computes from the neuron's input (never as o(1 − o)
from an o rounded to 1) and the symbolic engine with as many digits as 1 − o takes
(`explainer.engines.precision.working_digits`). Beyond the range — σ′(800) ≈ 10^-348 is
below float64's smallest normal number, e^1000 above its largest — a `SpecError`
names the sample, the step and, where one is to blame, the saturated neuron. The dry
run is NumPy only, and its training run is the one the engines are compared with
(`numeric_run.train` is cached), so it costs nothing extra.
"""

from __future__ import annotations

import math

import numpy as np

from explainer.engines import numeric, numeric_run
from explainer.functions import ACTIVATIONS
from explainer.spec import Spec, SpecError

# e^-FLOAT64_EXPONENT is float64's smallest normal number (2.2e-308): a slope e^-(s|i|) below it
# has left the range.
FLOAT64_EXPONENT = -math.log(np.finfo(np.float64).tiny)


def check_range(spec: Spec, run: bool = True) -> None:
    """The float64 dry run of the walkthrough's step, and of the whole run unless `run` is
    False (the pipeline then makes it beside the symbolic engine's run: `train_in_range`)."""
    try:
        with np.errstate(all="raise"):
            numeric.step(spec)
    except numeric.OutOfRange as err:
        raise _refusal(spec, err) from None
    if run and spec.is_run:
        train_in_range(spec)


def train_in_range(spec: Spec) -> numeric_run.Run:
    """The numeric core's run (`numeric_run.train`, cached) made with NumPy raising on any number
    beyond float64's range, which is refused as a SpecError."""
    try:
        with np.errstate(all="raise"):
            return numeric_run.train(spec)
    except numeric.OutOfRange as err:
        raise _refusal(spec, err) from None


def _refusal(spec: Spec, err: numeric.OutOfRange) -> SpecError:
    key = "training.sample" if err.sample is None else f"training.sample[{err.sample + 1}]"
    samples = spec.samples if err.sample is None else (spec.samples[err.sample],)
    blame = _saturated(spec, err.parameters, samples)
    at = f"{err.when}, " if err.when else ""
    return SpecError(spec.source, key, f"{at}{blame + ', so ' if blame else ''}the numbers leave float64's "
                                       f"range ({err.reason}); scale the weights, biases or inputs down")


def _saturated(spec: Spec, values: numeric.Values, samples: tuple) -> str:
    """The most saturated neuron of the passes, if its slope is beyond float64's range:
    e.g. "h1 = sigmoid(1000) is within e^-1000 of 1"; else ""."""
    net = spec.network
    params = numeric.arrays(net, values)
    worst, found = FLOAT64_EXPONENT, ""
    with np.errstate(all="ignore"):
        for sample in samples:
            fp = numeric.forward(net, params, sample)
            for layer in range(1, net.depth + 1):
                activation = net.activations[layer - 1]
                rate = ACTIVATIONS[activation].saturation
                i = fp.i[layer]
                if not rate or not np.all(np.isfinite(i)):
                    continue
                gaps, bounds = _gaps(activation, i)
                j = int(np.argmax(gaps))
                if gaps[j] > worst:
                    worst = gaps[j]
                    found = (f"{net.neuron(layer, j)} = {activation}({i[j]:.4g}) is within "
                             f"e^-{gaps[j]:.0f} of {bounds[j]}")
    return found.replace("-", "−")


def _gaps(activation: str, i: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """For each neuron, g with |o − bound| ≈ e^-g, and the bound it approaches (0, 1 or −1)."""
    if activation == "softmax":
        # ln(1 − o_k) = ln Σ_(m≠k) e^(i_m) − ln Σ e^i, and ln o_k = i_k − ln Σ e^i.
        total = np.logaddexp.reduce(i)
        rest = np.array([np.logaddexp.reduce(np.delete(i, k)) if len(i) > 1 else -np.inf
                         for k in range(len(i))])
        near_one = total - rest
        near_zero = total - i
        return np.maximum(near_one, near_zero), ["1" if a > b else "0" for a, b in zip(near_one, near_zero,
                                                                                        strict=True)]
    if activation == "tanh":
        return 2 * np.abs(i), ["1" if v > 0 else "-1" for v in i]
    return np.abs(i), ["1" if v > 0 else "0" for v in i]
