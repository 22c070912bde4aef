"""Reading a spec from TOML and checking every key, so that a mistake is one clear line.

`load` reads a file and `parse` its bytes; both return an `explainer.spec.Spec` or
raise `SpecError` naming the file, the key path and the problem, e.g.

    my-net.toml: network.layer[2].weights[1]: expected 2 numbers, one per neuron of
    the layer before (network.layers[2] = 2), found 3

(one line). Nothing the file holds is ever evaluated: numbers go through the strict
grammar of `explainer.spec.numbers`, names must be one of a fixed list.

`read_toml` and `Checker` are the parts any input file needs (the claims file
reuses them): bytes to a TOML table with every failure a SpecError, and checks of
tables, numbers, lists and names that remember where they are.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec.model import DEFAULT_LEAKY_SLOPE, NOTATIONS, Network, Sample, Spec, SpecError
from explainer.spec.numbers import NotANumber, describe, exact, quote

NUMBERINGS = ("source-major", "target-major")
MODES = ("sgd", "batch")
# How a [[network.layer]]'s weights are written: one row per neuron of the layer (W, as in
# i = W·o; the default) or one row per neuron of the layer before (Wᵀ, as in the row-vector
# form i = o·W of many notebooks).
WEIGHTS_LAYOUTS = ("rows-are-neurons", "rows-are-inputs")
# network.biases = "first-weight": every neuron's bias is its weight 0 (on an input x₀ = 1),
# written first in its row (rows-are-neurons) or as the first row (rows-are-inputs).
BIAS_PLACES = ("first-weight",)
# Layer sizes and step counts above this are refused outright: no file can hold the
# weights of such a layer, and the message stays readable. The limits a person may
# lift (--no-limits) are far below; see explainer.spec.limits.
MAX_COUNT = 10**9
# Anything but a tab or a space below U+0020, DEL, and the C1 controls and line
# separators: none belongs in a title, and some would break a LaTeX or Markdown line.
_CONTROL = re.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u2028\\u2029]")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
Matrix = tuple[tuple[Fraction, ...], ...]


def read_file(path: str | Path) -> tuple[bytes, str]:
    """The bytes of an input file and the name messages use for it."""
    source = str(path)
    try:
        return Path(path).read_bytes(), source
    except FileNotFoundError:
        raise SpecError(source, "", "file not found") from None
    except OSError as err:
        raise SpecError(source, "", f"cannot read the file ({err.strerror or err})") from None
    except ValueError:  # a NUL byte in the name: no such file can exist
        raise SpecError(source, "", "cannot read the file (its name holds a NUL byte)") from None


def read_toml(raw: bytes, source: str) -> dict:
    """Bytes to the top-level TOML table; every way this can fail is a SpecError."""
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as err:
        raise SpecError(source, "", f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset "
                                    f"{err.start}); save the file as UTF-8") from None
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(source, "", f"not valid TOML ({err})") from None
    except ValueError:  # tomllib passes int()'s refusal of more than 4,300 digits through
        raise SpecError(source, "", "not valid TOML (a whole number of more than 4,300 digits)") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise SpecError(source, "", "not valid TOML (arrays or tables nested too deeply)") from None
    if not data:
        raise SpecError(source, "", "the file is empty (it holds no keys or tables)")
    return data


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


def join(prefix: str, name: str) -> str:
    """The key path of `name` inside `prefix`; an odd key is quoted, as TOML would."""
    if not _BARE_KEY.fullmatch(name):
        name = json.dumps(name if len(name) <= 40 else name[:39] + "…")
    return f"{prefix}.{name}" if prefix else name


def count(n: int, noun: str) -> str:
    """"1 row", "3 rows"."""
    return f"{n} {noun}{'s' * (n != 1)}"


def show(value: Fraction) -> str:
    """An exact number, short: as an integer or as a decimal."""
    return str(value) if value.denominator == 1 else f"{float(value):.6g}"


class Checker:
    """Checks of TOML values that know the file and key path to blame."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> SpecError:
        return SpecError(self.source, key, problem)

    def table(self, data: object, key: str, allowed: tuple[str, ...] | list[str], required: tuple[str, ...],
              what: str = "") -> dict:
        """`data` as a table with only `allowed` keys and every `required` one. A key that
        names something (`what`: "neuron", "parameter") is refused as "no neuron 'h9' here"."""
        if not isinstance(data, dict):
            raise self.fail(key or "(top level)", f"expected a table, found {describe(data)}")
        for name in data:
            if name not in allowed:
                close = difflib.get_close_matches(name, list(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"{'known' if what else 'allowed'}: " \
                                                                   f"{', '.join(allowed)}"
                problem = f"no {what} {quote(name)} here ({hint})" if what else f"unknown key ({hint})"
                raise self.fail(join(key, name), problem)
        for name in required:
            if name not in data:
                raise self.fail(join(key, name), "missing")
        return data

    def number(self, value: object, key: str) -> Fraction:
        try:
            return exact(value)
        except NotANumber as err:
            raise self.fail(key, str(err)) from None

    def vector(self, value: object, key: str, length: int | None = None,
               what: str = "") -> tuple[Fraction, ...]:
        """A list of numbers; `what` says what each number is for, when the length is wrong."""
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of numbers, found {describe(value)}")
        if length is not None and len(value) != length:
            raise self.fail(key, f"expected {count(length, 'number')}{what}, found {len(value)}")
        return tuple(self.number(v, f"{key}[{n + 1}]") for n, v in enumerate(value))

    def name(self, value: object, key: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a name, found {describe(value)}")
        if value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            known = ", ".join(choices) if len(choices) <= 12 else ", ".join(choices[:12]) + ", …"
            raise self.fail(key, f"unknown name {quote(value)} ({hint}known: {known})")
        return value

    def integer(self, value: object, key: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, found {describe(value)}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, found {value}")
        if value > MAX_COUNT:
            raise self.fail(key, f"must be at most {MAX_COUNT:,}, found {describe(value)}")
        return value

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected text, found {describe(value)}")
        bad = _CONTROL.search(value)
        if bad:
            raise self.fail(key, f"must be one line of text without control characters (found "
                                 f"U+{ord(bad.group()):04X} at position {bad.start() + 1})")
        return value


class _SpecReader(Checker):
    """Walks the tables of a spec, top to bottom, checking each key where it is."""

    def spec(self, data: dict) -> Spec:
        self.table(data, "", ("title", "notation", "network", "training", "walkthrough"),
                   ("network", "training"))
        title = self.text(data.get("title", "A gradient-descent step"), "title")
        network = self.network(data["network"])
        training = self.table(
            data["training"], "training", ("learning_rate", "steps", "sample", "mode", "freeze"),
            ("learning_rate", "sample"),
        )
        rate = self.number(training["learning_rate"], "training.learning_rate")
        if rate <= 0:
            raise self.fail("training.learning_rate", f"must be positive, found {show(rate)}")
        steps = self.integer(training.get("steps", 1), "training.steps", 1)
        mode = self.name(training.get("mode", "sgd"), "training.mode", MODES)
        samples = self.samples(training["sample"], network)
        frozen = self.freeze(training.get("freeze", []), network)
        symbols = self.name(data.get("notation", "seed"), "notation", NOTATIONS)
        settings = self.table(data.get("walkthrough", {}), "walkthrough", ("show", "landscape"), ())
        worked = self.labels(settings.get("show", []), network, "walkthrough.show")
        landscape = self.labels(settings.get("landscape", []), network, "walkthrough.landscape",
                                count=2) if "landscape" in settings else ()
        return Spec(title, network, rate, steps, samples, self.source, mode, frozen, symbols, worked, landscape)

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
