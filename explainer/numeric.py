"""The numeric core: one gradient-descent step in float64, as a training loop does it.

This is backpropagation as code, written by hand with NumPy and independent of
the symbolic engine (`explainer.symbolic`). Layers are numbered 0 (inputs) to L
(last layer); for each layer l ≥ 1 and each neuron j in it:

    i[l] = W[l] · o[l-1] + b[l]        the neuron's input (the seed calls it i)
    o[l] = σ(i[l])                      the neuron's output

The backward pass computes δ = ∂C/∂i for every neuron, last layer first:

    δ[L] = σ′(i[L]) ⊙ ∂C/∂o[L]
    δ[l] = σ′(i[l]) ⊙ (W[l+1]ᵀ · δ[l+1])   reusing the δ's of the layer after

and from them every gradient: ∂C/∂W[l] = δ[l] · o[l-1]ᵀ, ∂C/∂b[l] = δ[l].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Network, Parameter, Sample


@dataclass(frozen=True)
class Parameters:
    """The weight matrices W[l] and bias vectors b[l], as float64 arrays.

    Index 0 holds layer 1 (the first non-input layer); `W[l-1][j, k]`
    connects neuron k of layer l-1 to neuron j of layer l.
    """

    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, net: Network) -> Parameters:
        return cls(
            W=tuple(np.array(w, dtype=float) for w in net.weights),
            b=tuple(np.array(b, dtype=float) for b in net.biases),
        )


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
    activation_derivative: tuple[np.ndarray, ...]  # ∂o/∂i = σ′(i) per layer
    delta: tuple[np.ndarray, ...]  # δ = ∂C/∂i per layer
    gradient: Parameters  # ∂C/∂W and ∂C/∂b


@dataclass(frozen=True)
class Step:
    """One gradient-descent step: forward, backward, update, forward again."""

    before: ForwardPass
    backward: BackwardPass
    updated: Parameters
    after: ForwardPass


def forward(net: Network, params: Parameters, x: np.ndarray, expected: np.ndarray) -> ForwardPass:
    """Feed x through the network, keeping every neuron's input and output."""
    i, o = [x], [x]
    for layer in range(1, net.depth + 1):
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        i_l = params.W[layer - 1] @ o[-1] + params.b[layer - 1]
        i.append(i_l)
        o.append(sigma.numpy_form(i_l))
    cost = COSTS[net.cost].numpy_form(o[-1], expected)
    return ForwardPass(tuple(i), tuple(o), cost)


def backward(net: Network, params: Parameters, fp: ForwardPass, expected: np.ndarray) -> BackwardPass:
    """Backpropagate: δ of the last layer from the cost, then layer by layer backwards."""
    depth = net.depth
    dC_do = COSTS[net.cost].numpy_derivative(fp.o[depth], expected)
    do_di: list[np.ndarray] = [np.empty(0)] * depth
    delta: list[np.ndarray] = [np.empty(0)] * depth
    dC_do_layer = dC_do
    for layer in range(depth, 0, -1):
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        do_di[layer - 1] = sigma.numpy_derivative(fp.i[layer], fp.o[layer])
        delta[layer - 1] = do_di[layer - 1] * dC_do_layer
        # ∂C/∂o of the layer before: every neuron there feeds every neuron here,
        # so its share of the cost is the weighted sum of this layer's δ's.
        dC_do_layer = params.W[layer - 1].T @ delta[layer - 1]
    grad_W = tuple(np.outer(delta[n], fp.o[n]) for n in range(depth))
    grad_b = tuple(d.copy() for d in delta)
    return BackwardPass(dC_do, tuple(do_di), tuple(delta), Parameters(grad_W, grad_b))


def update(params: Parameters, gradient: Parameters, learning_rate: float) -> Parameters:
    """The gradient-descent rule p⁺ = p − η ∂C/∂p for every parameter."""
    return Parameters(
        W=tuple(w - learning_rate * g for w, g in zip(params.W, gradient.W, strict=True)),
        b=tuple(b - learning_rate * g for b, g in zip(params.b, gradient.b, strict=True)),
    )


def step(net: Network, sample: Sample, learning_rate: float) -> Step:
    """One full step on one sample, ending with the seed's sanity check (forward again)."""
    params = Parameters.of(net)
    x = np.array(sample.input, dtype=float)
    expected = np.array(sample.expected, dtype=float)
    before = forward(net, params, x, expected)
    back = backward(net, params, before, expected)
    updated = update(params, back.gradient, float(learning_rate))
    after = forward(net, updated, x, expected)
    return Step(before, back, updated, after)


def value_of(params: Parameters, p: Parameter) -> float:
    """Read the parameter a label names (w5, b3, …) out of the arrays."""
    if p.source is None:
        return float(params.b[p.layer - 1][p.target])
    return float(params.W[p.layer - 1][p.target, p.source])
