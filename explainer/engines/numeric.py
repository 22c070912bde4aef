"""The numeric core: gradient descent in float64, as a training loop does it.

This is backpropagation as code, written by hand with NumPy and independent of
the symbolic engine (`explainer.engines.symbolic`). Layers are numbered 0 (inputs) to L
(last layer); for each layer l ≥ 1 and each neuron j in it:

    i[l] = W[l] · o[l-1] + b[l]        the neuron's input (the seed calls it i)
    o[l] = σ(i[l])                      the neuron's output

The backward pass computes δ = ∂C/∂i for every neuron, last layer first:

    δ[L] = σ′(i[L]) ⊙ ∂C/∂o[L]            (softmax: Jᵀ · ∂C/∂o[L], J its Jacobian)
    δ[l] = σ′(i[l]) ⊙ (W[l+1]ᵀ · δ[l+1])   reusing the δ's of the layer after

and from them every gradient: ∂C/∂W[l] = δ[l] · o[l-1]ᵀ and ∂C/∂b = δ of the
neuron it feeds, or Σ δ over the layer for a bias shared by the whole layer.

Parameters travel as a dict from label (w1, b1, …) to value, the way the
walkthrough names them; `arrays` turns such a dict into the matrices a forward
pass needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Network, Parameter, Sample, Spec

Values = dict[str, float]


@dataclass(frozen=True)
class Parameters:
    """The weight matrices W[l] and per-neuron bias vectors b[l], float64.

    Index 0 holds layer 1 (the first non-input layer); `W[l-1][j, k]` connects
    neuron k of layer l-1 to neuron j of layer l. A shared bias appears in every
    entry of its layer's vector; a layer without bias has zeros.
    """

    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]


def initial(net: Network) -> Values:
    """The spec's parameter values, by label."""
    return {p.label: float(p.value) for p in net.parameters}


def arrays(net: Network, values: Values, dtype: type = np.float64) -> Parameters:
    """The matrices of a forward pass, in float64 (or long double, for finite differences)."""
    W = [np.zeros((net.layers[n], net.layers[n - 1]), dtype) for n in range(1, net.depth + 1)]
    b = [np.zeros(net.layers[n], dtype) for n in range(1, net.depth + 1)]
    for p in net.parameters:
        if p.kind == "weight":
            W[p.layer - 1][p.target, p.source] = values[p.label]
        elif p.target is None:
            b[p.layer - 1][:] = values[p.label]
        else:
            b[p.layer - 1][p.target] = values[p.label]
    return Parameters(tuple(W), tuple(b))


@dataclass(frozen=True)
class ForwardPass:
    """Each layer's neuron inputs i and outputs o; i[0] = o[0] = x."""

    i: tuple[np.ndarray, ...]
    o: tuple[np.ndarray, ...]
    cost: float


@dataclass(frozen=True)
class BackwardPass:
    """The derivatives backpropagation computes, index 0 = layer 1."""

    cost_derivative: np.ndarray  # ∂C/∂o for the last layer
    activation_derivative: tuple[np.ndarray, ...]  # σ′(i) per layer; a Jacobian for softmax
    delta: tuple[np.ndarray, ...]  # δ = ∂C/∂i per layer
    gradient: Values  # ∂C/∂p per parameter label


def forward(net: Network, params: Parameters, sample: Sample) -> ForwardPass:
    """Feed x through the network, keeping every neuron's input and output."""
    dtype = params.W[0].dtype
    x = np.array([float(v) for v in sample.input], dtype=dtype)
    i, o = [x], [x]
    slope = dtype.type(float(net.leaky_slope))
    for layer in range(1, net.depth + 1):
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        i_l = params.W[layer - 1] @ o[-1] + params.b[layer - 1]
        i.append(i_l)
        o.append(sigma.numpy_form(i_l, slope))
    expected = np.array([float(v) for v in sample.expected], dtype=dtype)
    cost = COSTS[net.cost].numpy_value(net.activations[-1], i[-1], o[-1], expected)
    return ForwardPass(tuple(i), tuple(o), cost)


def backward(net: Network, params: Parameters, fp: ForwardPass, sample: Sample) -> BackwardPass:
    """Backpropagate: δ of the last layer from the cost, then layer by layer backwards."""
    depth, slope = net.depth, float(net.leaky_slope)
    expected = np.array(sample.expected, dtype=float)
    dC_do = COSTS[net.cost].numpy_derivative(fp.o[depth], expected)
    do_di: list[np.ndarray] = [np.empty(0)] * depth
    delta: list[np.ndarray] = [np.empty(0)] * depth
    dC_do_layer = dC_do
    for layer in range(depth, 0, -1):
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        if sigma.vector:
            # Every output of the layer depends on every input: δ_j = Σ_k ∂o_k/∂i_j · ∂C/∂o_k.
            do_di[layer - 1] = sigma.numpy_jacobian(fp.i[layer], fp.o[layer])
            delta[layer - 1] = do_di[layer - 1].T @ dC_do_layer
        else:
            do_di[layer - 1] = sigma.numpy_derivative(fp.i[layer], fp.o[layer], slope)
            delta[layer - 1] = do_di[layer - 1] * dC_do_layer
        # ∂C/∂o of the layer before: every neuron there feeds every neuron here,
        # so its share of the cost is the weighted sum of this layer's δ's.
        dC_do_layer = params.W[layer - 1].T @ delta[layer - 1]
    gradient = {p.label: _gradient(p, delta, fp) for p in net.parameters}
    return BackwardPass(dC_do, tuple(do_di), tuple(delta), gradient)


def _gradient(p: Parameter, delta: list[np.ndarray], fp: ForwardPass) -> float:
    d = delta[p.layer - 1]
    if p.kind == "weight":
        return float(d[p.target] * fp.o[p.layer - 1][p.source])
    # A shared bias enters every neuron of its layer, so every δ there counts.
    return float(np.sum(d)) if p.target is None else float(d[p.target])


def update(spec: Spec, values: Values, gradient: Values) -> Values:
    """The gradient-descent rule p⁺ = p − η ∂C/∂p; frozen parameters keep their values."""
    eta = float(spec.learning_rate)
    return {k: v if k in spec.frozen else v - eta * gradient[k] for k, v in values.items()}


@dataclass(frozen=True)
class Step:
    """One gradient-descent step on one sample: forward, backward, update, forward again."""

    before: ForwardPass
    backward: BackwardPass
    updated: Values
    after: ForwardPass


def step(spec: Spec, values: Values | None = None, sample: Sample | None = None) -> Step:
    """One full step, ending with the seed's sanity check (the forward pass again)."""
    net = spec.network
    values = initial(net) if values is None else values
    sample = sample or spec.sample
    params = arrays(net, values)
    before = forward(net, params, sample)
    back = backward(net, params, before, sample)
    # In batch mode the first update applies the mean over all samples' gradients.
    batch = spec.mode == "batch" and len(spec.samples) > 1
    updated = update(spec, values, mean_gradient(spec, values) if batch else back.gradient)
    after = forward(net, arrays(net, updated), sample)
    return Step(before, back, updated, after)


class Watch:
    """Sees every forward pass a run makes (`train`): told where the run is before each
    pass (`at`: "in step 3", "after step 3", "" before training; the sample's index),
    and shown the pass once it is made (`saw`). This one watches nothing; the dry run
    (`explainer.engines.dry_run`) checks each pass for numbers out of range."""

    def at(self, when: str, sample: int) -> None:
        """The run is about to make the forward pass of sample `sample` (0-based)."""

    def saw(self, forward: ForwardPass) -> None:
        """The forward pass just made."""


UNWATCHED = Watch()


def mean_gradient(spec: Spec, values: Values, watch: Watch = UNWATCHED, when: str = "") -> Values:
    """The batch gradient: the mean over all samples of each sample's gradient."""
    params = arrays(spec.network, values)
    total = dict.fromkeys(values, 0.0)
    for k, sample in enumerate(spec.samples):
        watch.at(when, k)
        fp = forward(spec.network, params, sample)
        watch.saw(fp)
        back = backward(spec.network, params, fp, sample)
        for label, g in back.gradient.items():
            total[label] += g
    return {label: g / len(spec.samples) for label, g in total.items()}


def dataset_cost(spec: Spec, values: Values, watch: Watch = UNWATCHED, when: str = "") -> float:
    """The cost averaged over the samples (for one sample, simply its cost)."""
    params = arrays(spec.network, values)
    costs = []
    for k, sample in enumerate(spec.samples):
        watch.at(when, k)
        fp = forward(spec.network, params, sample)
        watch.saw(fp)
        costs.append(fp.cost)
    return float(np.mean(costs))


def train(spec: Spec, watch: Watch = UNWATCHED) -> list[tuple[float, Values]]:
    """Every step of the run: (dataset cost, parameters), starting before the first step.

    In "sgd" mode a step makes one update per sample, in order; in "batch" mode
    one update with the mean gradient over all samples. `watch` sees every forward
    pass on the way.
    """
    values = initial(spec.network)
    history = [(dataset_cost(spec, values, watch), values)]
    for n in range(1, spec.steps + 1):
        if spec.mode == "batch":
            values = update(spec, values, mean_gradient(spec, values, watch, f"in step {n}"))
        else:
            for k, sample in enumerate(spec.samples):
                watch.at(f"in step {n}", k)
                one = step(spec, values, sample)
                watch.saw(one.before)
                values = one.updated
        history.append((dataset_cost(spec, values, watch, f"after step {n}"), values))
    return history
