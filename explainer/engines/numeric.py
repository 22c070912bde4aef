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

A batch of samples travels as matrices with one column per sample, so the mean
gradient of a batch is a handful of matrix products (∂C/∂W[l] = δ[l] · o[l-1]ᵀ / B
sums over the batch in the product; without the / B it is the batch's summed
gradient, which `batch_gradient = "sum"` applies), never a loop over its samples; and the
gradients reach their labels through one scatter (`Layout`), never a loop over the
parameters. σ′ and ∂C/∂o come from the neurons' inputs where a rounded output would
lose digits (see `explainer.functions`), so a saturated neuron's tiny slope is
computed as precisely as any other number.

Parameters travel as a dict from label (w1, b1, …) to value, the way the
walkthrough names them, or, inside a run, as a vector θ in label order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.functions import ACTIVATIONS, COSTS, Activation
from explainer.spec import Network, Sample, Spec

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


class Layout:
    """Where each labelled parameter sits in the matrices: θ (label order) ↔ W, b."""

    def __init__(self, net: Network) -> None:
        self.labels = tuple(p.label for p in net.parameters)
        count = len(self.labels)
        sizes = net.layers
        # Index `count` points at a 0 appended to θ: the bias of a layer without one.
        self.weight_index = [np.zeros((sizes[n], sizes[n - 1]), dtype=np.intp) for n in range(1, net.depth + 1)]
        self.bias_index = [np.full(sizes[n], count, dtype=np.intp) for n in range(1, net.depth + 1)]
        for k, p in enumerate(net.parameters):
            if p.kind == "weight":
                self.weight_index[p.layer - 1][p.target, p.source] = k
            else:
                self.bias_index[p.layer - 1][slice(None) if p.target is None else p.target] = k
        self._scatter = np.concatenate([w.ravel() for w in self.weight_index] + self.bias_index)
        # Where every parameter sits once in the matrices (no shared bias), its gradient entry
        # is gathered from them, which is cheaper than adding entries up (np.bincount).
        entries = self._scatter[self._scatter < count]
        self._order = None
        if len(set(entries.tolist())) == len(entries) == count:
            keys = np.where(self._scatter < count, self._scatter, count + np.arange(len(self._scatter)))
            self._order = np.append(np.argsort(keys, kind="stable")[:count], len(self._scatter))

    def unpack(self, theta: np.ndarray) -> Parameters:
        padded = np.append(theta, theta.dtype.type(0))
        return Parameters(tuple(padded[w] for w in self.weight_index),
                          tuple(padded[b] for b in self.bias_index))

    def gradient(self, delta: Sequence[np.ndarray], o: Sequence[np.ndarray], mean: bool = True) -> np.ndarray:
        """The batch's mean ∂C/∂p (or, `mean` False, its sum over the samples) in label
        order, a 0 appended, out of the products δ[l] · o[l-1]ᵀ (the weights; each column a
        sample, so the product sums over the batch) and Σ δ[l] over the batch (the biases;
        a shared bias adds up its layer)."""
        parts = [*((d @ before.T).ravel() for d, before in zip(delta, o, strict=False)),
                 *(d.sum(axis=1) for d in delta)]
        count = o[0].shape[1] if mean else 1
        if self._order is None:
            total = np.bincount(self._scatter, np.concatenate(parts), len(self.labels) + 1)
            total[-1] = 0.0
            return total / count
        return np.concatenate([*parts, _ZERO])[self._order] / count


_ZERO = np.zeros(1)


@lru_cache(maxsize=8)
def layout(net: Network) -> Layout:
    return Layout(net)


def initial(net: Network) -> Values:
    """The spec's parameter values, by label."""
    return {p.label: float(p.value) for p in net.parameters}


def vector(net: Network, values: Values, dtype: type = np.float64) -> np.ndarray:
    """θ: the values in label order."""
    return np.array([values[label] for label in layout(net).labels], dtype=dtype)


def labelled(net: Network, theta: np.ndarray) -> Values:
    return dict(zip(layout(net).labels, theta.tolist(), strict=True))


def arrays(net: Network, values: Values, dtype: type = np.float64) -> Parameters:
    """The matrices of a forward pass, in float64 (or long double, for finite differences)."""
    return layout(net).unpack(vector(net, values, dtype))


def columns(samples: tuple[Sample, ...], dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """The samples' inputs and expected values as matrices, one column per sample."""
    x = np.array([[float(v) for v in s.input] for s in samples], dtype=dtype).T
    expected = np.array([[float(v) for v in s.expected] for s in samples], dtype=dtype).T
    return x, expected


@dataclass(frozen=True)
class ForwardPass:
    """Each layer's neuron inputs i and outputs o; i[0] = o[0] = x. One sample's pass
    has vectors and a number for the cost; a batch's has one column (and cost) per sample."""

    i: tuple[np.ndarray, ...]
    o: tuple[np.ndarray, ...]
    cost: float | np.ndarray


@dataclass(frozen=True)
class BackwardPass:
    """The derivatives backpropagation computes, index 0 = layer 1, for one sample.

    `scale` is every gradient computed again with each factor by its magnitude
    (|∂i/∂p| · |σ′| · (|W|ᵀ …) · max(1, |C|, |∂C/∂o|)): the size of the sums a
    rounding error is relative to, which `explainer.engines.agreement` allows for.
    """

    cost_derivative: np.ndarray  # ∂C/∂o for the last layer
    activation_derivative: tuple[np.ndarray, ...]  # σ′(i) per layer; a Jacobian for softmax
    delta: tuple[np.ndarray, ...]  # δ = ∂C/∂i per layer
    gradient: Values  # ∂C/∂p per parameter label
    scale: Values


def _forward(net: Network, params: Parameters, x: np.ndarray, expected: np.ndarray) -> ForwardPass:
    """The forward pass of a batch (one column per sample)."""
    slope = params.W[0].dtype.type(float(net.leaky_slope))
    i, o = [x], [x]
    for layer in range(1, net.depth + 1):
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        i.append(params.W[layer - 1] @ o[-1] + params.b[layer - 1][:, None])
        o.append(sigma.numpy_form(i[-1], slope))
    cost = COSTS[net.cost].numpy_value(net.activations[-1], i[-1], o[-1], expected)
    return ForwardPass(tuple(i), tuple(o), cost)


def _slopes(net: Network, fp: ForwardPass, expected: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """∂C/∂o of the last layer, and σ′ of every layer (a Jacobian [k, j, sample] for softmax)."""
    slope = float(net.leaky_slope)
    dC_do = COSTS[net.cost].numpy_value_and_slope(net.activations[-1], fp.i[-1], fp.o[-1], expected)[1]
    derivatives = [_derivative(ACTIVATIONS[net.activations[layer - 1]], fp.i[layer], fp.o[layer], slope)
                   for layer in range(1, net.depth + 1)]
    return dC_do, derivatives


def _derivative(sigma: Activation, i: np.ndarray, o: np.ndarray, slope: float) -> np.ndarray:
    """σ′ of a layer's neurons, from their inputs (and outputs); a Jacobian [k, j, sample] for softmax."""
    return sigma.numpy_jacobian(i, o) if sigma.vector else sigma.numpy_derivative(i, o, slope)


def _deltas(W: Sequence[np.ndarray], derivatives: Sequence[np.ndarray], vector: Sequence[bool],
            dC_do: np.ndarray) -> list[np.ndarray]:
    """δ of every layer (index 0 = layer 1), last first, each from the δ's of the layer
    after; `vector[l]` says whether layer l + 1's σ′ is a Jacobian (softmax)."""
    delta: list[np.ndarray] = [dC_do] * len(W)
    dC_do_layer = dC_do
    for n in range(len(W) - 1, -1, -1):
        if vector[n]:
            # Every output of the layer depends on every input: δ_j = Σ_k ∂o_k/∂i_j · ∂C/∂o_k.
            delta[n] = np.einsum("kjs,ks->js", derivatives[n], dC_do_layer)
        else:
            delta[n] = derivatives[n] * dC_do_layer
        if n:  # ∂C/∂o of the layer before: every neuron there feeds every neuron here,
            # so its share of the cost is the weighted sum of this layer's δ's.
            dC_do_layer = W[n].T @ delta[n]
    return delta


def _vector(net: Network) -> tuple[bool, ...]:
    return tuple(ACTIVATIONS[a].vector for a in net.activations)


class Descent:
    """The mean cost and gradient of a batch, as a training loop calls it step after step:
    everything that stays the same from step to step is looked up once, and θ comes
    with a 0 appended (the bias of a layer without one, see `Layout`), so that a step is
    the matrix products and little else. With `mean` False the gradient is the batch's
    sum over its samples instead (the cost stays their mean)."""

    def __init__(self, net: Network, mean: bool = True) -> None:
        lay = layout(net)
        sigmas = [ACTIVATIONS[a] for a in net.activations]
        slope = float(net.leaky_slope)
        # Per layer: W's and b's places in θ, and σ with σ′ (a Jacobian for softmax; see `_slopes`).
        self.layers = [(w, b[:, None], _with_derivative(sigma, slope))
                       for w, b, sigma in zip(lay.weight_index, lay.bias_index, sigmas, strict=True)]
        self.vector = _vector(net)
        self.cost, self.last = COSTS[net.cost], net.activations[-1]
        self.layout, self.mean = lay, mean

    def __call__(self, theta: np.ndarray, x: np.ndarray, expected: np.ndarray) -> tuple[float, np.ndarray]:
        """(mean cost, mean or summed gradient) at θ (0 appended; so is the gradient's last entry)."""
        o, weights, derivatives = [x], [], []
        for w, b, both in self.layers:
            W = theta[w]
            i = W @ o[-1] + theta[b]
            out, derivative = both(i)
            weights.append(W)
            o.append(out)
            derivatives.append(derivative)
        costs, dC_do = self.cost.numpy_value_and_slope(self.last, i, out, expected)
        gradient = self.layout.gradient(_deltas(weights, derivatives, self.vector, dC_do), o, self.mean)
        return float(costs.sum()) / x.shape[1], gradient


def _with_derivative(sigma: Activation, slope: float) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """σ and σ′ of a layer's inputs at once (see `Activation.numpy_with_derivative`)."""
    if sigma.numpy_with_derivative is not None:
        return lambda i: sigma.numpy_with_derivative(i, slope)

    def both(i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = sigma.numpy_form(i, slope)
        return out, _derivative(sigma, i, out, slope)
    return both


def batch_gradient(net: Network, theta: np.ndarray, x: np.ndarray, expected: np.ndarray,
                   mean: bool = True) -> tuple[float, np.ndarray]:
    """The mean cost of a batch at θ (label order), and the mean gradient (θ-shaped; with
    `mean` False, the samples' gradients summed)."""
    cost, gradient = Descent(net, mean)(np.append(theta, 0.0), x, expected)
    return cost, gradient[:-1]


def mean_cost(net: Network, theta: np.ndarray, x: np.ndarray, expected: np.ndarray) -> float:
    return float(_forward(net, layout(net).unpack(theta), x, expected).cost.mean())


def forward(net: Network, params: Parameters, sample: Sample) -> ForwardPass:
    """Feed x through the network, keeping every neuron's input and output."""
    fp = _forward(net, params, *columns((sample,), params.W[0].dtype))
    return ForwardPass(tuple(v[:, 0] for v in fp.i), tuple(v[:, 0] for v in fp.o), fp.cost[0])


def backward(net: Network, params: Parameters, fp: ForwardPass, sample: Sample) -> BackwardPass:
    """Backpropagate: δ of the last layer from the cost, then layer by layer backwards."""
    batch = ForwardPass(tuple(v[:, None] for v in fp.i), tuple(v[:, None] for v in fp.o), np.array([fp.cost]))
    expected = columns((sample,))[1]
    dC_do, derivatives = _slopes(net, batch, expected)
    vector = _vector(net)
    delta = _deltas(params.W, derivatives, vector, dC_do)
    # The same again by magnitudes, for the rounding allowance (see BackwardPass.scale).
    size = np.maximum(np.abs(dC_do), max(1.0, abs(float(fp.cost))))
    sizes = _deltas([np.abs(w) for w in params.W], [np.abs(d) for d in derivatives], vector, size)
    magnitudes = tuple(np.abs(v) for v in batch.o)
    return BackwardPass(dC_do[:, 0], tuple(d[..., 0] for d in derivatives), tuple(d[:, 0] for d in delta),
                        labelled(net, layout(net).gradient(delta, batch.o)[:-1]),
                        labelled(net, layout(net).gradient(sizes, magnitudes)[:-1]))


def update(spec: Spec, values: Values, gradient: Values) -> Values:
    """The gradient-descent rule p⁺ = p − η ∂C/∂p; frozen parameters keep their values.
    Only for a spec with a learning rate."""
    eta = float(spec.learning_rate)
    return {k: v if k in spec.frozen else v - eta * gradient[k] for k, v in values.items()}


class OutOfRange(Exception):
    """A float64 number left the range where it can be computed, under np.errstate(…="raise").

    `when` says where the run was ("in step 3", "after step 3", "in the first step",
    "after the update", "" before training), `sample` which sample (0-based; None for
    the whole batch), and `parameters` the values the pass was made with.
    """

    def __init__(self, reason: str, when: str, sample: int | None, parameters: Values) -> None:
        super().__init__(reason)
        self.reason, self.when, self.sample, self.parameters = reason, when, sample, parameters


@dataclass(frozen=True)
class Step:
    """One gradient-descent step on one sample: forward, backward, update, forward again.
    Without a learning rate the step stops at the gradients: `updated` and `after` are None."""

    before: ForwardPass
    backward: BackwardPass
    updated: Values | None
    after: ForwardPass | None


def step(spec: Spec, values: Values | None = None, sample: Sample | None = None) -> Step:
    """One full step, ending with the seed's sanity check (the forward pass again)."""
    net = spec.network
    values = initial(net) if values is None else values
    sample = sample or spec.sample
    when = ""  # the walkthrough's forward pass; then the rest of its step
    try:
        params = arrays(net, values)
        before = forward(net, params, sample)
        when = "in the first step"
        back = backward(net, params, before, sample)
        # In batch mode the first update applies the mean (or the sum) of all samples' gradients.
        mean = spec.batch_gradient == "mean"
        applied = mean_gradient(spec, values, mean) if spec.batched else back.gradient
        if spec.learning_rate is None:  # the example stops at the gradients (all in range)
            return Step(before, back, None, None)
        updated = update(spec, values, applied)
        after = forward(net, arrays(net, updated), sample)
    except FloatingPointError as err:
        raise OutOfRange(str(err), when, None if when and spec.batched else 0, values) from None
    return Step(before, back, updated, after)


def mean_gradient(spec: Spec, values: Values, mean: bool = True) -> Values:
    """The batch gradient: the mean over all samples of each sample's gradient (with
    `mean` False, their sum)."""
    net = spec.network
    return labelled(net, batch_gradient(net, vector(net, values), *columns(spec.samples), mean)[1])


def dataset_cost(spec: Spec, values: Values) -> float:
    """The cost averaged over the samples (for one sample, simply its cost)."""
    net = spec.network
    return mean_cost(net, vector(net, values), *columns(spec.samples))
