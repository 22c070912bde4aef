"""Reading a spec from TOML and checking every key, so that a mistake is one clear line.

`load` reads a file and `parse` its bytes; both return an `explainer.spec.Spec` or
raise `SpecError` naming the file, the key path and the problem, e.g.

    my-net.toml: network.layer[2].weights[1]: expected 2 numbers, one per neuron of
    the layer before (network.layers[2] = 2), found 3

(one line). Nothing the file holds is ever evaluated: numbers go through the strict
grammar of `explainer.spec.numbers`, names must be one of a fixed list.

`read_toml` and `Checker` are the parts any input file needs (the claims file
reuses them, from here or from `explainer.spec.checks`, where they live): bytes to a
TOML table with every failure a SpecError, and checks of tables, numbers, lists and
names that remember where they are.
"""

from __future__ import annotations

import difflib
from fractions import Fraction
from pathlib import Path

from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec.checks import Checker, count, join, read_file, read_toml, show
from explainer.spec.model import DEFAULT_LEAKY_SLOPE, NOTATIONS, Network, Sample, Spec, SpecError
from explainer.spec.numbers import describe, quote

__all__ = ["Checker", "count", "join", "load", "parameter_labels", "parse", "read_file", "read_toml", "show"]

NUMBERINGS = ("source-major", "target-major")
MODES = ("sgd", "batch")
# What a batch step applies: the mean of the samples' gradients (the default) or their sum.
BATCH_GRADIENTS = ("mean", "sum")
# How a [[network.layer]]'s weights are written: one row per neuron of the layer (W, as in
# i = W·o; the default) or one row per neuron of the layer before (Wᵀ, as in the row-vector
# form i = o·W of many notebooks).
WEIGHTS_LAYOUTS = ("rows-are-neurons", "rows-are-inputs")
# network.biases = "first-weight": every neuron's bias is its weight 0 (on an input x₀ = 1),
# written first in its row (rows-are-neurons) or as the first row (rows-are-inputs).
BIAS_PLACES = ("first-weight",)
Matrix = tuple[tuple[Fraction, ...], ...]


def load(path: str | Path) -> Spec:
    """Read and check a spec file."""
    raw, source = read_file(path)
    return parse(raw, source)


def parse(raw: bytes, source: str) -> Spec:
    """Check a spec given as the bytes of a TOML document."""
    return _SpecReader(source).spec(read_toml(raw, source))


def parameter_labels(text: str, net: Network, option: str, count: int | None = None) -> tuple[str, ...]:
    """The labels of a command-line option such as ``--show w5,w1,b3``, checked as the spec's
    [walkthrough] lists are: a SpecError reads ``--show: …``."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    try:
        return _SpecReader(option).labels(items, net, option, count)
    except SpecError as err:
        raise SpecError(option, "", err.problem) from None


class _SpecReader(Checker):
    """Walks the tables of a spec, top to bottom, checking each key where it is."""

    def spec(self, data: dict) -> Spec:
        self.table(data, "", ("title", "notation", "network", "training", "walkthrough"),
                   ("network", "training"))
        title = self.text(data.get("title", "A gradient-descent step"), "title")
        network = self.network(data["network"])
        rate, steps, mode, batch, samples = self.training(data["training"], network)
        training = data["training"]
        frozen = self.freeze(training.get("freeze", []), network)
        symbols = self.name(data.get("notation", "seed"), "notation", NOTATIONS)
        settings = self.table(data.get("walkthrough", {}), "walkthrough", ("show", "landscape"), ())
        worked = self.labels(settings.get("show", []), network, "walkthrough.show")
        landscape = self.labels(settings.get("landscape", []), network, "walkthrough.landscape",
                                count=2) if "landscape" in settings else ()
        return Spec(title, network, rate, steps, samples, self.source, mode, frozen, symbols, worked, landscape,
                    batch)

    def training(self, data: object,
                 network: Network) -> tuple[Fraction | None, int, str, str, tuple[Sample, ...]]:
        """[training]'s learning rate (None when not given: the example stops at the
        gradients, so nothing may need an update), steps, mode, batch gradient and samples."""
        keys = ("learning_rate", "steps", "sample", "mode", "batch_gradient", "freeze")
        training = self.table(data, "training", keys, ("sample",))
        rate = None
        if "learning_rate" in training:
            rate = self.number(training["learning_rate"], "training.learning_rate")
            if rate <= 0:
                raise self.fail("training.learning_rate", f"must be positive, found {show(rate)}")
        steps = self.integer(training.get("steps", 1), "training.steps", 1)
        mode = self.name(training.get("mode", "sgd"), "training.mode", MODES)
        batch = self.name(training.get("batch_gradient", "mean"), "training.batch_gradient", BATCH_GRADIENTS)
        if "batch_gradient" in training and mode != "batch":
            raise self.fail("training.batch_gradient", 'batch_gradient applies to mode = "batch" only '
                                                       f'(this spec trains in mode = "{mode}")')
        samples = self.samples(training["sample"], network)
        if rate is None and (steps > 1 or (mode == "sgd" and len(samples) > 1)):
            run = f"{count(steps, 'step')}" if steps > 1 else f"{count(len(samples), 'sample')} in sgd mode"
            raise self.fail("training.learning_rate", f"missing: a run ({run}) makes updates, so it needs "
                                                      "training.learning_rate (without it the example "
                                                      "stops at the gradients of one step)")
        return rate, steps, mode, batch, samples

    def labels(self, value: object, net: Network, key: str, count: int | None = None) -> tuple[str, ...]:
        """A list of parameter labels of `net` (w1.., b1..), each at most once; `count` of them
        if given. Also the check of the --show and --landscape options (`parameter_labels`)."""
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of parameter labels such as [\"w5\", \"b3\"], "
                                 f"found {describe(value)}")
        if count is not None and len(value) != count:
            raise self.fail(key, f"expected {count} parameter labels, found {len(value)}")
        labels = tuple(p.label for p in net.parameters)
        seen: list[str] = []
        for n, item in enumerate(value):
            where = f"{key}[{n + 1}]"
            if not isinstance(item, str):
                raise self.fail(where, f"expected a parameter label such as \"w5\", found {describe(item)}")
            if item not in labels:
                close = difflib.get_close_matches(item, labels, n=1)
                known = ", ".join(labels) if len(labels) <= 12 else ", ".join(labels[:12]) + ", …"
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise self.fail(where, f"no parameter {quote(item)} in this network ({hint}known: {known})")
            if item in seen:
                raise self.fail(where, f"{item} is listed twice")
            seen.append(item)
        return tuple(seen)

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
            ("layers", "activation", "cost", "numbering", "layer", "leaky_slope", "weights_layout", "biases"),
            ("layers", "layer"),
        )
        layers = net["layers"]
        if not isinstance(layers, list) or len(layers) < 2:
            found = f"{len(layers)} size(s)" if isinstance(layers, list) else describe(layers)
            raise self.fail("network.layers", "expected a list of at least two layer sizes (the inputs "
                                              f"and the last layer), found {found}")
        sizes = tuple(self.integer(n, f"network.layers[{i + 1}]", 1) for i, n in enumerate(layers))
        depth = len(sizes) - 1
        activations = self.activations(net.get("activation", "sigmoid"), depth)
        cost = self.name(net.get("cost", "sum_squared"), "network.cost", tuple(COSTS))
        numbering = self.name(net.get("numbering", "source-major"), "network.numbering", NUMBERINGS)
        layout = self.name(net.get("weights_layout", WEIGHTS_LAYOUTS[0]), "network.weights_layout",
                           WEIGHTS_LAYOUTS)
        first_weight = "biases" in net and bool(self.name(net["biases"], "network.biases", BIAS_PLACES))
        tables = net["layer"]
        if not isinstance(tables, list):
            raise self.fail("network.layer", "expected [[network.layer]] tables (double brackets), one "
                                             f"per non-input layer, found {describe(tables)}")
        if len(tables) != depth:
            raise self.fail(
                "network.layer",
                f"network.layers lists {depth} non-input layer(s) but {len(tables)} "
                "[[network.layer]] table(s) are given",
            )
        weights, biases, modes = [], [], []
        for n, table in enumerate(tables):
            w, b, mode = self.layer(table, n + 1, sizes, layout, first_weight)
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

    def layer(self, data: object, layer: int, sizes: tuple[int, ...], layout: str = WEIGHTS_LAYOUTS[0],
              first_weight: bool = False) -> tuple[Matrix, tuple[Fraction, ...], str]:
        """The `layer`-th [[network.layer]] table (1-based), between sizes[layer-1] and sizes[layer],
        its weights written in `layout`, its biases in the table or (`first_weight`) in the weights."""
        key, n_in, n_out = f"network.layer[{layer}]", sizes[layer - 1], sizes[layer]
        # Where the expected counts come from, so a person knows which number to fix.
        here = f"network.layers[{layer + 1}] = {n_out}"
        table = self.table(data, key, ("weights", "biases"), ("weights",))
        if first_weight and "biases" in table:
            raise self.fail(f"{key}.biases", 'the biases are the first weights (network.biases = '
                                             '"first-weight"): give them there, or drop that setting')
        weights = self.weights(table["weights"], f"{key}.weights", (layer, n_in, n_out), layout, first_weight)
        if first_weight:  # weight 0 of each neuron, on x₀ = 1, is its bias
            return tuple(row[1:] for row in weights), tuple(row[0] for row in weights), "neuron"
        if "biases" not in table:
            return weights, (), "none"
        if isinstance(table["biases"], list):
            return weights, self.vector(table["biases"], f"{key}.biases", n_out,
                                        f", one per neuron ({here})"), "neuron"
        return weights, (self.number(table["biases"], f"{key}.biases"),), "shared"

    def weights(self, rows: object, key: str, shape: tuple[int, int, int], layout: str,
                first_weight: bool) -> Matrix:
        """A layer's weights as W, one row per neuron of the layer (with weight 0 first where
        the biases are first weights), whichever way the file writes them."""
        layer, n_in, n_out = shape
        if not isinstance(rows, list):
            raise self.fail(key, f"expected a list of rows, found {describe(rows)}")
        neurons = f"one per neuron of this layer (network.layers[{layer + 1}] = {n_out})"
        inputs = f"one per neuron of the layer before (network.layers[{layer}] = {n_in})"
        extra = 1 if first_weight else 0
        if extra:
            inputs = f"the bias (weight 0) and {inputs}"
        if layout == "rows-are-inputs":  # Wᵀ: read, then transposed
            n_rows, n_cols, what_rows, what_cols = n_in + extra, n_out, inputs, neurons
        else:
            n_rows, n_cols, what_rows, what_cols = n_out, n_in + extra, neurons, inputs
        if len(rows) != n_rows:
            raise self.fail(key, f"expected {count(n_rows, 'row')}, {what_rows}, found {len(rows)}")
        read = tuple(self.vector(row, f"{key}[{r + 1}]", n_cols, f", {what_cols}")
                     for r, row in enumerate(rows))
        return tuple(zip(*read, strict=True)) if layout == "rows-are-inputs" else read

    def samples(self, data: object, net: Network) -> tuple[Sample, ...]:
        if isinstance(data, dict):
            raise self.fail("training.sample", "expected [[training.sample]] tables (double brackets), "
                                               "found a single table")
        if not isinstance(data, list) or not data:
            found = "an empty list" if isinstance(data, list) else describe(data)
            raise self.fail("training.sample", f"expected at least one [[training.sample]] table, "
                                               f"found {found}")
        out = []
        inputs = f", one per input neuron (network.layers[1] = {net.layers[0]})"
        outputs = f", one per output neuron (network.layers[{net.depth + 1}] = {net.layers[-1]})"
        for n, raw in enumerate(data):
            key = f"training.sample[{n + 1}]"
            table = self.table(raw, key, ("input", "expected"), ("input", "expected"))
            x = self.vector(table["input"], f"{key}.input", net.layers[0], inputs)
            expected = self.vector(table["expected"], f"{key}.expected", net.layers[-1], outputs)
            if COSTS[net.cost].logarithm_of:
                self.probabilities(expected, f"{key}.expected", net)
            out.append(Sample(x, expected))
        return tuple(out)

    def probabilities(self, expected: tuple[Fraction, ...], key: str, net: Network) -> None:
        """Cross-entropy compares probabilities: targets in [0, 1], outputs that are probabilities."""
        for n, e in enumerate(expected):
            if not 0 <= e <= 1:
                raise self.fail(f"{key}[{n + 1}]", f"{net.cost} needs expected values between 0 and 1, "
                                                   f"found {show(e)}")
        allowed = COSTS[net.cost].logarithm_of
        if net.activations[-1] not in allowed:
            raise self.fail("network.cost", f"{net.cost} takes the logarithm of the outputs, so the last "
                                            f"layer's activation must be {' or '.join(allowed)}, not "
                                            f"{net.activations[-1]}")
