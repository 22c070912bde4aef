"""The float64 dry run: numbers too extreme to compute are refused before either engine starts.

No option lifts this, because the answer would be wrong. A float64 dry run of
the training loop (the numeric core, every forward pass both engines will make)
must stay finite, and no sigmoid, tanh or softmax output may come closer to ±1
than the engines can tell apart from it:

* SATURATION (1e-30) for every such neuron: the symbolic engine works with 60
  digits, so 1 − o, which the walkthrough uses (o − exp, o(1 − o), 1 − o²),
  would keep fewer than the 30 correct digits it promises;
* LOG_SATURATION (1e-14) for the last layer under a cost that takes
  logarithms: float64 has 16 digits, so the numeric core's 1 − y would keep
  two, and the derivative of binary cross-entropy divides by it.

A refusal is a `SpecError` naming the neuron, the sample and the step. The dry
run is NumPy only: it costs little next to the symbolic engine, which runs after it.
"""

from __future__ import annotations

import numpy as np

from explainer.engines import numeric
from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Spec, SpecError

LOG_SATURATION = 1e-14  # 1 − y below this is refused with a log cost (sigmoid input above about 32)
# 1 − |o| below this is refused for any sigmoid, tanh or softmax neuron: the symbolic engine
# works with 60 digits, so 1 − o would keep fewer than 30 (sigmoid inputs beyond about ±69).
SATURATION = 1e-30
SATURATING = ("sigmoid", "tanh", "softmax")


def check_range(spec: Spec) -> None:
    """The float64 dry run: every pass of the run finite, and no saturated output."""
    net = spec.network
    watch = _Watch(spec)
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            # The step the walkthrough works through: sample 1, the spec's values.
            watch.at("", 0)
            watch.saw(numeric.forward(net, numeric.arrays(net, numeric.initial(net)), spec.sample))
            watch.at("in the first step", 0)  # its backward pass, update and forward pass after
            first = numeric.step(spec)
            watch.at("after the update", 0)
            watch.saw(first.after)
            if spec.steps > 1 or len(spec.samples) > 1:
                numeric.train(spec, watch)  # the whole run, every pass checked on the way
    except FloatingPointError as err:
        # numpy says e.g. "overflow encountered in exp"; the watch says where.
        raise SpecError(spec.source, watch.key, f"{_at(watch.when)}the numbers leave float64's range "
                                                f"({err}); scale the weights, biases or inputs down") from None


class _Watch(numeric.Watch):
    """Checks each forward pass of the run, and remembers where the run is for a message."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.key, self.when = "training.sample[1]", ""

    def at(self, when: str, sample: int) -> None:
        batch = self.spec.mode == "batch" and when.startswith("in step")
        self.key = "training.sample" if batch else f"training.sample[{sample + 1}]"
        self.when = when

    def saw(self, forward: numeric.ForwardPass) -> None:
        _check_pass(self.spec, self.key, self.when, forward)


def _at(when: str) -> str:
    return f"{when}, " if when else ""


def _check_pass(spec: Spec, key: str, when: str, forward: numeric.ForwardPass) -> None:
    net = spec.network
    if not all(np.all(np.isfinite(v)) for v in (*forward.i, *forward.o, forward.cost)):
        raise FloatingPointError("a neuron's input or the cost is not finite")
    for layer in range(1, net.depth + 1):
        activation = net.activations[layer - 1]
        if activation not in SATURATING:
            continue
        i = forward.i[layer]
        gaps = _distance_from_one(activation, i)
        j = int(np.argmin(gaps))
        name = net.neuron(layer, j)
        one = "−1" if activation == "tanh" and i[j] < 0 else "1"
        where = f"{_at(when)}{name} = {activation}({i[j]:.4g}) is {_gap(gaps[j], one)}"
        if layer == net.depth and COSTS[net.cost].logarithm_of and gaps[j] < LOG_SATURATION:
            raise SpecError(spec.source, key, f"{where}, where {net.cost}'s logarithms cannot be "
                                              "computed to the digits shown; keep every output at least "
                                              f"{LOG_SATURATION:g} from 1 (a sigmoid input below about 32) "
                                              "by scaling the last layer's weights or the inputs down")
        if gaps[j] < SATURATION:
            raise SpecError(spec.source, key, f"{where}, closer than the symbolic engine's 60 digits can "
                                              "tell 1 − |o| to 30 digits; keep sigmoid inputs within about "
                                              "±69 and tanh inputs within ±34 by scaling the weights or "
                                              "the inputs down")


def _gap(gap: float, one: str) -> str:
    return f"within {gap:.1e} of {one}" if gap else f"{one} to float64's precision"


def _distance_from_one(activation: str, i: np.ndarray) -> np.ndarray:
    """1 − |o| for each neuron, computed without first rounding o (which could make it 0).

    Only closeness to ±1 loses digits: a sigmoid output near 0 is e^i, as precise as any number.
    """
    if activation == "softmax":
        # 1 − o_k is the share of the other outputs: Σ_{m≠k} e^(i_m) / Σ e^i.
        z = i - np.max(i)
        e = np.exp(z)
        total = np.sum(e)
        return np.array([np.sum(np.delete(e, k)) / total for k in range(len(i))])
    sigmoid = ACTIVATIONS["sigmoid"].numpy_form
    if activation == "tanh":
        return 2 * sigmoid(-2 * np.abs(i), 0.0)  # 1 − tanh|i| = 2 σ(−2|i|)
    return sigmoid(-i, 0.0)  # 1 − σ(i) = σ(−i)
