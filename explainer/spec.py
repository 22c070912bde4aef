"""The network spec: what a person writes down before a worked example starts.

A spec names the layer sizes, the activation and cost, every weight and bias,
the training sample(s) and the learning rate. It is read from TOML with every
number kept exact (see `explainer.numbers`), and checked so that a mistake gets
one clear line naming the file, the key and the problem (`SpecError`).

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

import difflib
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from explainer.functions import ACTIVATIONS, COSTS
from explainer.numbers import NotANumber, describe, exact

NUMBERINGS = ("source-major", "target-major")
MODES = ("sgd", "batch")
DEFAULT_LEAKY_SLOPE = Fraction(1, 100)
# Costs that take logarithms of the outputs, and the activations whose outputs they accept.
LOG_COSTS = {"cross_entropy": ("softmax", "sigmoid"), "binary_cross_entropy": ("sigmoid",)}


class SpecError(Exception):
    """A problem with an input file: where it is and what is wrong, in one line."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")
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
    """Everything a worked example needs: the network, the sample(s) and η."""

    title: str
    network: Network
    learning_rate: Fraction
    steps: int
    samples: tuple[Sample, ...]
    source: str  # where the spec came from, for messages
    mode: str = "sgd"  # "sgd": one update per sample; "batch": one per step, mean gradient
    frozen: frozenset[str] = frozenset()  # labels of parameters that are not trained

    @property
    def sample(self) -> Sample:
        """The (first) training sample, the one the walkthrough works through."""
        return self.samples[0]


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


# ---------------------------------------------------------------- loading


def load_spec(path: str | Path) -> Spec:
    """Read and check a spec file; raise SpecError with one clear line if it is wrong."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(source, "", "file not found") from None
    except OSError as err:
        raise SpecError(source, "", f"cannot read the file ({err.strerror})") from None
    return parse_spec(raw, source)


def parse_spec(raw: bytes, source: str) -> Spec:
    """Check a spec given as the bytes of a TOML document."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(source, "", "not UTF-8 text") from None
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(source, "", f"not valid TOML ({err})") from None
    return _Reader(source).spec(data)


class _Reader:
    """Walks the TOML tables, checking each key and remembering where it is."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> SpecError:
        return SpecError(self.source, key, problem)

    def table(self, data: object, key: str, allowed: tuple[str, ...], required: tuple[str, ...]):
        if not isinstance(data, dict):
            raise self.fail(key, f"expected a table, found {describe(data)}")
        for name in data:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(allowed)})"
                raise self.fail(_join(key, name), f"unknown key{hint}")
        for name in required:
            if name not in data:
                raise self.fail(_join(key, name), "missing")
        return data

    def number(self, value: object, key: str) -> Fraction:
        try:
            return exact(value)
        except NotANumber as err:
            raise self.fail(key, str(err)) from None

    def vector(self, value: object, key: str, length: int | None = None) -> tuple[Fraction, ...]:
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of numbers, found {describe(value)}")
        if length is not None and len(value) != length:
            raise self.fail(key, f"expected {length} numbers, found {len(value)}")
        return tuple(self.number(v, f"{key}[{n + 1}]") for n, v in enumerate(value))

    def name(self, value: object, key: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a name, found {describe(value)}")
        if value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise self.fail(key, f"unknown name {value!r} ({hint}known: {', '.join(choices)})")
        return value

    def integer(self, value: object, key: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, found {describe(value)}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, found {value}")
        return value

    # ---- the document

    def spec(self, data: dict) -> Spec:
        self.table(data, "", ("title", "network", "training"), ("network", "training"))
        title = data.get("title", "A gradient-descent step")
        if not isinstance(title, str):
            raise self.fail("title", f"expected text, found {describe(title)}")
        network = self.network(data["network"])
        training = self.table(
            data["training"], "training", ("learning_rate", "steps", "sample", "mode", "freeze"),
            ("learning_rate", "sample"),
        )
        rate = self.number(training["learning_rate"], "training.learning_rate")
        if rate <= 0:
            raise self.fail("training.learning_rate", f"must be positive, found {_show(rate)}")
        steps = self.integer(training.get("steps", 1), "training.steps", 1)
        mode = self.name(training.get("mode", "sgd"), "training.mode", MODES)
        samples = self.samples(training["sample"], network)
        frozen = self.freeze(training.get("freeze", []), network)
        return Spec(title, network, rate, steps, samples, self.source, mode, frozen)

    def freeze(self, value: object, net: Network) -> frozenset[str]:
        """Parameter labels, or the words "weights" and "biases" for all of a kind."""
        if not isinstance(value, list):
            raise self.fail("training.freeze", f"expected a list of labels, found {describe(value)}")
        labels = [p.label for p in net.parameters]
        frozen: set[str] = set()
        for n, item in enumerate(value):
            key = f"training.freeze[{n + 1}]"
            if item in ("weights", "biases"):
                kind = {"weights": "weight", "biases": "bias"}[item]
                frozen |= {p.label for p in net.parameters if p.kind == kind}
            elif isinstance(item, str) and item in labels:
                frozen.add(item)
            else:
                self.name(item, key, ("weights", "biases", *labels))
        return frozenset(frozen)

    def network(self, data: object) -> Network:
        net = self.table(
            data, "network",
            ("layers", "activation", "cost", "numbering", "layer", "leaky_slope"), ("layers", "layer"),
        )
        layers = net["layers"]
        if not isinstance(layers, list) or len(layers) < 2:
            raise self.fail("network.layers", "expected a list of at least two layer sizes")
        sizes = tuple(self.integer(n, f"network.layers[{i + 1}]", 1) for i, n in enumerate(layers))
        depth = len(sizes) - 1
        activations = self.activations(net.get("activation", "sigmoid"), depth)
        cost = self.name(net.get("cost", "sum_squared"), "network.cost", tuple(COSTS))
        numbering = self.name(net.get("numbering", "source-major"), "network.numbering", NUMBERINGS)
        tables = net["layer"]
        if not isinstance(tables, list):
            raise self.fail("network.layer", "expected [[network.layer]] tables, one per non-input layer")
        if len(tables) != depth:
            raise self.fail(
                "network.layer",
                f"network.layers lists {depth} non-input layer(s) but {len(tables)} "
                "[[network.layer]] table(s) are given",
            )
        weights, biases, modes = [], [], []
        for n, table in enumerate(tables):
            w, b, mode = self.layer(table, f"network.layer[{n + 1}]", sizes[n], sizes[n + 1])
            weights.append(w)
            biases.append(b)
            modes.append(mode)
        slope = self.number(net.get("leaky_slope", DEFAULT_LEAKY_SLOPE), "network.leaky_slope")
        return Network(sizes, activations, cost, numbering, tuple(weights), tuple(biases),
                       tuple(modes), slope)

    def activations(self, value: object, depth: int) -> tuple[str, ...]:
        choices = tuple(ACTIVATIONS)
        if isinstance(value, list):
            if len(value) != depth:
                raise self.fail(
                    "network.activation",
                    f"expected one activation per non-input layer ({depth}), found {len(value)}",
                )
            names = tuple(self.name(v, f"network.activation[{i + 1}]", choices)
                          for i, v in enumerate(value))
        else:
            names = (self.name(value, "network.activation", choices),) * depth
        for i, name in enumerate(names[:-1]):
            if name == "softmax":
                key = f"network.activation[{i + 1}]" if isinstance(value, list) else "network.activation"
                raise self.fail(key, "softmax can only be the activation of the last layer")
        return names

    def layer(self, data: object, key: str, n_in: int, n_out: int):
        table = self.table(data, key, ("weights", "biases"), ("weights",))
        rows = table["weights"]
        if not isinstance(rows, list):
            raise self.fail(f"{key}.weights", f"expected a list of rows, found {describe(rows)}")
        if len(rows) != n_out:
            raise self.fail(
                f"{key}.weights",
                f"expected {n_out} rows (one per neuron of this layer), found {len(rows)}",
            )
        weights = tuple(
            self.vector(row, f"{key}.weights[{j + 1}]", n_in) for j, row in enumerate(rows)
        )
        if "biases" not in table:
            return weights, (), "none"
        if isinstance(table["biases"], list):
            return weights, self.vector(table["biases"], f"{key}.biases", n_out), "neuron"
        return weights, (self.number(table["biases"], f"{key}.biases"),), "shared"

    def samples(self, data: object, net: Network) -> tuple[Sample, ...]:
        if not isinstance(data, list) or not data:
            raise self.fail("training.sample", "expected at least one [[training.sample]] table")
        out = []
        for n, raw in enumerate(data):
            key = f"training.sample[{n + 1}]"
            table = self.table(raw, key, ("input", "expected"), ("input", "expected"))
            x = self.vector(table["input"], f"{key}.input", net.layers[0])
            expected = self.vector(table["expected"], f"{key}.expected", net.layers[-1])
            if net.cost in LOG_COSTS:
                self.probabilities(expected, f"{key}.expected", net)
            out.append(Sample(x, expected))
        return tuple(out)

    def probabilities(self, expected: tuple[Fraction, ...], key: str, net: Network) -> None:
        """Cross-entropy compares probabilities: targets in [0, 1], outputs that are probabilities."""
        for n, e in enumerate(expected):
            if not 0 <= e <= 1:
                raise self.fail(f"{key}[{n + 1}]", f"{net.cost} needs expected values between 0 and 1, "
                                                   f"found {_show(e)}")
        allowed = LOG_COSTS[net.cost]
        if net.activations[-1] not in allowed:
            raise self.fail("network.cost", f"{net.cost} takes the logarithm of the outputs, so the last "
                                            f"layer's activation must be {' or '.join(allowed)}, not "
                                            f"{net.activations[-1]}")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _show(value: Fraction) -> str:
    return str(value) if value.denominator == 1 else str(float(value))
