"""The network spec: what a person writes down before a worked example starts.

A spec names the layer sizes, the activation and cost, every weight and bias,
the training sample(s) and the learning rate. This module holds its data model
(`Spec`, `Network`, `Parameter`, `Sample`) and the one error every input problem
becomes (`SpecError`); reading and checking a TOML file is the job of
`explainer.spec.reader` (`load_spec` and `parse_spec` in `explainer.spec`).

Layers are counted from 0 (the inputs) to L (the last layer). In TOML the
non-input layers are listed in order as ``[[network.layer]]`` tables, so the
first such table is layer 1. Key paths in error messages count positions from 1,
as a person reading the file does: ``network.layer[2].weights[1]`` is the first
row of the second ``[[network.layer]]`` table.

``weights[j][k]`` connects neuron k of the previous layer to neuron j of this
layer, so a layer's weight matrix has one row per neuron of the layer.

Biases come in three forms per layer: ``biases = [..]`` one per neuron (the
seed's), ``biases = 0.35`` one bias shared by every neuron of the layer, or no
``biases`` key for a layer without bias. Labels b1.. run in layer order, one per
neuron or one per layer when shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

DEFAULT_LEAKY_SLOPE = Fraction(1, 100)
# The notation presets a walkthrough can be written in (explainer.walkthrough.presets): the seed
# article's i/o, Nielsen's z/a, the net/out of step-by-step posts, and Mitchell's textbook
# convention (δ = −∂E/∂net, w ← w + Δw).
NOTATIONS = ("seed", "nielsen", "net-out", "mitchell")

# Characters that would start a new line in a terminal or in str.splitlines(): an
# error must stay one line even when a file name or a key holds one of them.
_LINE_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


class SpecError(Exception):
    """A problem with an input file: where it is and what is wrong, in one line.

    The message is ``SOURCE: KEY: PROBLEM`` (``SOURCE: PROBLEM`` when no key is to
    blame, e.g. a TOML syntax error). Control characters anywhere in it are
    written as escapes, so the message is one line whatever the file contains.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        message = f"{source}: {key}: {problem}" if key else f"{source}: {problem}"
        super().__init__(_LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], message))
        self.source, self.key, self.problem = source, key, problem


@dataclass(frozen=True)
class Parameter:
    """One trainable number with the label a reader sees (w1.., b1..).

    `layer` is the layer of the neuron the parameter feeds (1..L), `target` that
    neuron's position j in its layer (None for a bias shared by the whole layer),
    and `source` the position k of the neuron in the previous layer whose output a
    weight multiplies (None for a bias).
    """

    label: str
    kind: str  # "weight" or "bias"
    layer: int
    target: int | None
    source: int | None
    value: Fraction

    def feeds(self, j: int) -> bool:
        """Whether this parameter enters the input of neuron j of its layer."""
        return self.target is None or self.target == j


@dataclass(frozen=True)
class Sample:
    """One training example: the input vector x and the expected output exp."""

    input: tuple[Fraction, ...]
    expected: tuple[Fraction, ...]


@dataclass(frozen=True)
class Network:
    """Layer sizes, functions and parameters of a fully connected network."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]  # one per non-input layer, layer 1 first
    cost: str
    numbering: str
    weights: tuple[tuple[tuple[Fraction, ...], ...], ...]  # weights[l-1][j][k]
    biases: tuple[tuple[Fraction, ...], ...]  # per neuron; one value if shared; () if none
    bias_modes: tuple[str, ...] = ()  # per non-input layer: "neuron", "shared" or "none"
    leaky_slope: Fraction = DEFAULT_LEAKY_SLOPE

    def __post_init__(self) -> None:
        if not self.bias_modes:  # per-neuron biases everywhere unless said otherwise
            object.__setattr__(self, "bias_modes", ("neuron",) * len(self.biases))

    @property
    def depth(self) -> int:
        """L, the index of the last layer."""
        return len(self.layers) - 1

    def neuron(self, layer: int, j: int) -> str:
        """The name of neuron j (0-based) of a layer: x1.. inputs, L1.. last layer.

        With one hidden layer its neurons are h1, h2, …, as in the seed article.
        With several, the hidden layer's number comes first: h1_2 is the second
        neuron of hidden layer 1, so a reader can always tell the layer.
        """
        if layer == 0:
            return f"x{j + 1}"
        if layer == self.depth:
            return f"L{j + 1}"
        if self.depth == 2:
            return f"h{j + 1}"
        return f"h{layer}_{j + 1}"

    def neurons(self, layer: int) -> list[str]:
        return [self.neuron(layer, j) for j in range(self.layers[layer])]

    @cached_property
    def parameters(self) -> tuple[Parameter, ...]:
        """Every weight then every bias, in label order (w1.., b1..)."""
        return _label_parameters(self)

    def parameter(self, label: str) -> Parameter:
        return self._by_label[label]

    @cached_property
    def _by_label(self) -> dict[str, Parameter]:
        return {p.label: p for p in self.parameters}

    def weights_into(self, layer: int, j: int) -> list[Parameter]:
        """The weights arriving at neuron j of a layer, in the order of their sources."""
        return sorted((p for p in self.parameters
                       if p.kind == "weight" and p.layer == layer and p.target == j),
                      key=lambda p: p.source)

    def weight(self, layer: int, j: int, k: int) -> Parameter:
        """The weight from neuron k of layer − 1 to neuron j of `layer`."""
        return self.weights_into(layer, j)[k]

    def bias_of(self, layer: int, j: int) -> Parameter | None:
        """The bias added to neuron j of a layer (shared or its own), or None."""
        return next((p for p in self.parameters
                     if p.kind == "bias" and p.layer == layer and p.feeds(j)), None)


@dataclass(frozen=True)
class Spec:
    """Everything a worked example needs: the network, the sample(s) and η.

    Without a learning rate (`learning_rate` None) there is no step to take: the
    worked example stops at the gradients, and the reader has refused anything that
    needs an update (several steps, or several samples in SGD).
    """

    title: str
    network: Network
    learning_rate: Fraction | None
    steps: int
    samples: tuple[Sample, ...]
    source: str  # where the spec came from, for messages
    mode: str = "sgd"  # "sgd": one update per sample; "batch": one per step (see batch_gradient)
    frozen: frozenset[str] = frozenset()  # labels of parameters that are not trained
    notation: str = "seed"  # the symbols the walkthrough uses, one of NOTATIONS
    # The spec's [walkthrough] settings: the parameters worked in full (all of them when
    # empty, or a representative few in a large network), and the two parameters the cost
    # landscape is drawn over (the two with the largest |∂C/∂p| when empty).
    show: tuple[str, ...] = ()
    landscape: tuple[str, ...] = ()
    # In batch mode, what a step applies: the "mean" of the samples' gradients (the
    # default) or their "sum" (the gradient of the summed cost, as some sources train).
    batch_gradient: str = "mean"

    @property
    def sample(self) -> Sample:
        """The (first) training sample, the one the walkthrough works through."""
        return self.samples[0]

    @property
    def steps_taken(self) -> bool:
        """Whether the example goes past the gradients: it does when it has a learning rate."""
        return self.learning_rate is not None

    @property
    def is_run(self) -> bool:
        """Whether both engines train a run (several steps or samples) beside the one step."""
        return self.steps_taken and (self.steps > 1 or len(self.samples) > 1)

    @property
    def batched(self) -> bool:
        """Whether a step applies one gradient combined from several samples (batch mode)."""
        return self.mode == "batch" and len(self.samples) > 1

    @property
    def batch_divisor(self) -> int:
        """What the sum of a batch step's gradients is divided by: the number of samples
        for their mean, 1 for their sum (and 1 outside a batch step)."""
        return len(self.samples) if self.batched and self.batch_gradient == "mean" else 1


def _label_parameters(net: Network) -> tuple[Parameter, ...]:
    weights: list[Parameter] = []
    biases: list[Parameter] = []
    for layer in range(1, net.depth + 1):
        n_in, n_out = net.layers[layer - 1], net.layers[layer]
        if net.numbering == "source-major":
            order = [(j, k) for k in range(n_in) for j in range(n_out)]
        else:
            order = [(j, k) for j in range(n_out) for k in range(n_in)]
        for j, k in order:
            label = f"w{len(weights) + 1}"
            weights.append(Parameter(label, "weight", layer, j, k, net.weights[layer - 1][j][k]))
        mode = net.bias_modes[layer - 1]
        for j, value in enumerate(net.biases[layer - 1]):
            label = f"b{len(biases) + 1}"
            target = None if mode == "shared" else j
            biases.append(Parameter(label, "bias", layer, target, None, value))
    return tuple(weights + biases)
