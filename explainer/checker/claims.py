"""A claims file: the numbers a person computed by hand, to be checked.

    spec = "article.toml"            # the network, relative to this file
    [claims]
    cost = 0.19374977898811957
    [claims.output]                  # o of a neuron, keyed by neuron name
    h1 = 0.41338242108267
    [claims.gradient]                # ∂C/∂p, keyed by parameter label
    w5 = -0.052525710835624
    [claims.after]                   # the forward pass again after the update
    cost = 0.1839862418540884
    [claims.after.output]
    L1 = 0.719269360605435
    [claims.history.2]               # a run of several steps: after step 2
    cost = 0.171                     # the mean cost over the samples
    w1 = 0.298                       # any parameter
    epoch_error = 0.36               # Σ of each sample's cost just before its update in step 2
    output = { L1 = 0.71 }           # the first sample's outputs after step 2
    [claims.history.2.sample.1]      # sample 1's pass inside step 2
    output = { L1 = 0.72 }

Top-level numbers: ``cost`` and, for a softmax layer, ``exponential_sum`` (Σ e^i).
Sections keyed by neuron: ``weighted_sum`` (Σ w·o before the bias), ``input``,
``exponential`` (a softmax neuron's e^i), ``output``, ``error`` (o − exp, last layer),
``activation_derivative``, ``cost_derivative`` (∂C/∂o: for a hidden neuron the Σ w·δ sent
back to it), ``delta``; by parameter: ``gradient``,
``step`` (η·∂C/∂p, what the update subtracts), ``change`` (p⁺ − p) and ``updated``.
Any subset may be present. Every number is kept exactly as written (a TOML number
or a decimal string), because how many decimals it has decides how close it must
be (see `explainer.checker.verdicts`).

``precision = "program"`` (at the top of the file, in a section, or in a claim's own
table ``w5 = { value = 0.9, precision = "program" }``) says the numbers were printed
in full by a program rather than rounded by hand; ``"exact"`` that they are exact by
nature. ``notation = "mitchell"`` at the top says the numbers follow the textbook
convention in which δ is −∂E/∂net (see `explainer.walkthrough.presets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from explainer.functions import ACTIVATIONS
from explainer.spec import NOTATIONS, Network, Spec, SpecError, load_spec
from explainer.spec.numbers import NotANumber, describe, exact, quote
from explainer.spec.reader import Checker, read_file, read_toml

NEURON_SECTIONS = ("weighted_sum", "input", "exponential", "output", "error", "activation_derivative",
                   "cost_derivative", "delta")
PARAMETER_SECTIONS = ("gradient", "step", "change", "updated")
SECTIONS = ("cost", "exponential_sum", *NEURON_SECTIONS, *PARAMETER_SECTIONS, "after", "history")
# One sample's pass inside a run ([claims.history.N.sample.S]).
SAMPLE_SECTIONS = (*(s for s in NEURON_SECTIONS if s != "exponential"), "gradient")
SOFTMAX_ONLY = ("exponential", "exponential_sum")  # a softmax layer's e^i and their sum
# The sections about the step after the gradients: a spec without a learning rate has none.
STEP_SECTIONS = ("step", "change", "updated", "after", "history")
# How a number was written: rounded by hand to its digits (the default), printed in full by a
# program (float64 output: right to about 10 significant digits), or exact by nature.
PRECISIONS = ("written", "program", "exact")
PRECISION_KEY = "precision"  # at the top of the file, in a section, or in a claim's own table
EXACT_KEY = "exact"  # exact = true: the same as precision = "exact"


@dataclass(frozen=True)
class Claim:
    """One number a person wrote, with where it sits in the step.

    `key` names the quantity as the JSON report does: ``cost``, ``delta.L1``,
    ``gradient.w5``, ``after.output.L1``, ``history.2.w1``. `written` is the text as
    the person wrote it, `value` the exact number it denotes, `decimals` how many
    digits it has after the point (negative for a number like 12e3).
    """

    key: str
    written: str
    value: Fraction
    decimals: int
    precision: str = "written"  # one of PRECISIONS


@dataclass(frozen=True)
class Claims:
    source: str
    spec: Spec
    claims: tuple[Claim, ...]
    notation: str = "seed"  # the convention the numbers are written in (`notation = "mitchell"`)


def load_claims(path: str | Path) -> Claims:
    """Read and check a claims file and the spec it names; SpecError on any problem."""
    raw, source = read_file(path)
    return parse_claims(raw, source, Path(path).parent)


def parse_claims(raw: bytes, source: str, folder: Path) -> Claims:
    """Check a claims file given as bytes; its spec is read relative to `folder`."""
    data = read_toml(raw, source)
    reader = _Reader(source)
    reader.table(data, "", ("spec", "notation", PRECISION_KEY, EXACT_KEY, "claims"), ("spec", "claims"),
                 what="key")
    if not isinstance(data["spec"], str) or not data["spec"].strip() or "\0" in data["spec"]:
        raise reader.fail("spec", f"expected the path of a spec file, found {describe(data['spec'])}")
    spec_path = folder / data["spec"]
    if not spec_path.is_file():
        raise reader.fail("spec", f"spec file not found: {spec_path}")
    try:
        spec = load_spec(spec_path)
    except SpecError as err:  # the problem is in the spec: say which claims file named it
        raise reader.fail("spec", f"the spec it names is broken: {err}") from None
    notation = reader.choice(data.get("notation", spec.notation), "notation", NOTATIONS)
    precision = reader.precision_in(data, "", "written")
    claims = reader.claims(data["claims"], spec, precision)
    if not claims:
        raise reader.fail("claims", "no claims to check (add e.g. [claims.gradient] w1 = 0.05)")
    return Claims(source, spec, tuple(claims), notation)


class _Reader(Checker):
    """Checks the claims tables; messages name neurons and parameters by what they are."""

    def choice(self, value: object, key: str, allowed: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in allowed:
            shown = quote(value) if isinstance(value, str) else describe(value)
            raise self.fail(key, f"expected one of {', '.join(allowed)}, found {shown}")
        return value

    def precision_in(self, table: dict, where: str, inherited: str) -> str:
        """The precision a table sets for the claims in it (`precision = "program"`, or
        `exact = true`), else the one it inherits from the section or file around it."""
        if EXACT_KEY in table:
            key = f"{where}.{EXACT_KEY}" if where else EXACT_KEY
            if not isinstance(table[EXACT_KEY], bool):
                raise self.fail(key, f"expected true or false, found {describe(table[EXACT_KEY])}")
            if table[EXACT_KEY]:
                return "exact"
        key = f"{where}.{PRECISION_KEY}" if where else PRECISION_KEY
        return self.choice(table.get(PRECISION_KEY, inherited), key, PRECISIONS)

    def number(self, value: object, key: str, precision: str) -> Claim:
        """The claim about quantity `key` (errors name its place in the file, claims.<key>).

        A claim is a number, or a table ``{ value = 0.9, precision = "program" }`` giving
        its own precision."""
        where = f"claims.{key}"
        if isinstance(value, dict):
            table = self.table(value, where, ("value", PRECISION_KEY, EXACT_KEY), ("value",))
            precision = self.precision_in(table, where, precision)
            value, where = table["value"], f"{where}.value"
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise self.fail(where, f"expected a number, found {describe(value)}")
        text = str(value).strip()
        try:
            exact_value = exact(value)
            if isinstance(value, str) and "/" in text:
                raise NotANumber(f"{value!r}: write a claim as a decimal number, as you computed it")
            decimals = -Decimal(text).as_tuple().exponent
        except NotANumber as err:
            raise self.fail(where, str(err)) from None
        except (InvalidOperation, TypeError):
            raise self.fail(where, f"{value!r} is not a number") from None
        return Claim(key, text, exact_value, int(decimals), precision)

    def claims(self, data: object, spec: Spec, precision: str) -> list[Claim]:
        net = spec.network
        table = self.table(data, "claims", (*SECTIONS, PRECISION_KEY, EXACT_KEY), (), what="section")
        precision = self.precision_in(table, "claims", precision)
        out: list[Claim] = []
        for section in STEP_SECTIONS:
            if section in table and not spec.steps_taken:
                raise self.fail(f"claims.{section}", "the spec has no learning rate (training.learning_rate), "
                                                     "so the step after the gradients is not defined")
        for section in SOFTMAX_ONLY:
            if section in table and not any(ACTIVATIONS[a].vector for a in net.activations):
                raise self.fail(f"claims.{section}", "the network has no softmax layer, so no e^i to claim")
        for scalar in ("cost", "exponential_sum"):
            if scalar in table:
                out.append(self.number(table[scalar], scalar, precision))
        for section in NEURON_SECTIONS:
            if section in table:
                out += self.section(table[section], section, _neurons_for(section, net), "neuron", precision)
        labels = [p.label for p in net.parameters]
        for section in PARAMETER_SECTIONS:
            if section in table:
                out += self.section(table[section], section, labels, "parameter", precision)
        if "after" in table:
            after = self.table(table["after"], "claims.after",
                               ("cost", "input", "output", PRECISION_KEY, EXACT_KEY), (), what="key")
            inner = self.precision_in(after, "claims.after", precision)
            if "cost" in after:
                out.append(self.number(after["cost"], "after.cost", inner))
            for section in ("input", "output"):
                if section in after:
                    neurons = _neurons_for(section, net)
                    out += self.section(after[section], f"after.{section}", neurons, "neuron", inner)
        if "history" in table:
            out += self.history(table["history"], spec, precision)
        return out

    def section(self, data: object, key: str, allowed: list[str], what: str, precision: str) -> list[Claim]:
        table = self.table(data, f"claims.{key}", [*allowed, PRECISION_KEY, EXACT_KEY], (), what=what)
        precision = self.precision_in(table, f"claims.{key}", precision)
        return [self.number(v, f"{key}.{name}", precision) for name, v in table.items()
                if name not in (PRECISION_KEY, EXACT_KEY)]

    def history(self, data: object, spec: Spec, precision: str) -> list[Claim]:
        """[claims.history.N]: after step N the mean cost and the parameters; inside step N
        the running epoch error and, in [claims.history.N.sample.S], sample S's pass."""
        steps = [str(n) for n in range(1, spec.steps + 1)]
        table = self.table(data, "claims.history", steps, (), what="step")
        out = []
        labels = [p.label for p in spec.network.parameters]
        for step, entry in table.items():
            where = f"history.{step}"
            inner = self.table(entry, f"claims.{where}", ["cost", "epoch_error", "sample", "output", *labels,
                                                          PRECISION_KEY, EXACT_KEY], (),
                               what="cost, epoch_error, output, sample or parameter")
            inner_precision = self.precision_in(inner, f"claims.{where}", precision)
            for name, value in inner.items():
                if name == "sample":
                    out += self.samples(value, spec, where, inner_precision)
                elif name == "output":  # the first sample's outputs after step N
                    out += self.section(value, f"{where}.output", _neurons_for("output", spec.network),
                                        "neuron", inner_precision)
                elif name not in (PRECISION_KEY, EXACT_KEY):
                    out.append(self.number(value, f"{where}.{name}", inner_precision))
        return out

    def samples(self, data: object, spec: Spec, where: str, precision: str) -> list[Claim]:
        """[claims.history.N.sample.S]: the cost and the sections of one sample's pass."""
        net = spec.network
        numbers = [str(s) for s in range(1, len(spec.samples) + 1)]
        table = self.table(data, f"claims.{where}.sample", numbers, (), what="sample")
        out = []
        for s, entry in table.items():
            key = f"{where}.sample.{s}"
            inner = self.table(entry, f"claims.{key}", ("cost", *SAMPLE_SECTIONS, PRECISION_KEY, EXACT_KEY),
                               (), what="key")
            inner_precision = self.precision_in(inner, f"claims.{key}", precision)
            if "cost" in inner:
                out.append(self.number(inner["cost"], f"{key}.cost", inner_precision))
            for section in SAMPLE_SECTIONS:
                if section in inner:
                    allowed = ([p.label for p in net.parameters] if section == "gradient"
                               else _neurons_for(section, net))
                    out += self.section(inner[section], f"{key}.{section}", allowed,
                                        "parameter" if section == "gradient" else "neuron", inner_precision)
        return out


def _neurons_for(section: str, net: Network) -> list[str]:
    if section == "error":
        return net.neurons(net.depth)
    if section == "exponential":
        return [n for layer in range(1, net.depth + 1) if ACTIVATIONS[net.activations[layer - 1]].vector
                for n in net.neurons(layer)]
    first = 0 if section in ("input", "output") else 1
    return [n for layer in range(first, net.depth + 1) for n in net.neurons(layer)]
