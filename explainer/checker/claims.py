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

Sections keyed by neuron: ``input``, ``output``, ``activation_derivative``,
``cost_derivative`` (last layer only), ``delta``; by parameter: ``gradient``,
``updated``. Any subset may be present. Every number is kept exactly as written
(a TOML number or a decimal string), because how many decimals it has decides how
close it must be (see `explainer.checker.verdicts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from explainer.spec import Network, Spec, SpecError, load_spec
from explainer.spec.numbers import NotANumber, describe, exact
from explainer.spec.reader import Checker, read_file, read_toml

NEURON_SECTIONS = ("input", "output", "activation_derivative", "cost_derivative", "delta")
PARAMETER_SECTIONS = ("gradient", "updated")
SECTIONS = ("cost", *NEURON_SECTIONS, *PARAMETER_SECTIONS, "after", "history")


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


@dataclass(frozen=True)
class Claims:
    source: str
    spec: Spec
    claims: tuple[Claim, ...]


def load_claims(path: str | Path) -> Claims:
    """Read and check a claims file and the spec it names; SpecError on any problem."""
    raw, source = read_file(path)
    return parse_claims(raw, source, Path(path).parent)


def parse_claims(raw: bytes, source: str, folder: Path) -> Claims:
    """Check a claims file given as bytes; its spec is read relative to `folder`."""
    data = read_toml(raw, source)
    reader = _Reader(source)
    reader.table(data, "", ("spec", "claims"), ("spec", "claims"), what="key")
    if not isinstance(data["spec"], str) or not data["spec"].strip() or "\0" in data["spec"]:
        raise reader.fail("spec", f"expected the path of a spec file, found {describe(data['spec'])}")
    spec_path = folder / data["spec"]
    if not spec_path.is_file():
        raise reader.fail("spec", f"spec file not found: {spec_path}")
    try:
        spec = load_spec(spec_path)
    except SpecError as err:  # the problem is in the spec: say which claims file named it
        raise reader.fail("spec", f"the spec it names is broken: {err}") from None
    claims = reader.claims(data["claims"], spec)
    if not claims:
        raise reader.fail("claims", "no claims to check (add e.g. [claims.gradient] w1 = 0.05)")
    return Claims(source, spec, tuple(claims))


class _Reader(Checker):
    """Checks the claims tables; messages name neurons and parameters by what they are."""

    def number(self, value: object, key: str) -> Claim:
        """The claim about quantity `key` (errors name its place in the file, claims.<key>)."""
        where = f"claims.{key}"
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
        return Claim(key, text, exact_value, int(decimals))

    def claims(self, data: object, spec: Spec) -> list[Claim]:
        net = spec.network
        table = self.table(data, "claims", SECTIONS, (), what="section")
        out: list[Claim] = []
        if "cost" in table:
            out.append(self.number(table["cost"], "cost"))
        for section in NEURON_SECTIONS:
            if section in table:
                out += self.section(table[section], section, _neurons_for(section, net), "neuron")
        for section in PARAMETER_SECTIONS:
            if section in table:
                out += self.section(table[section], section, [p.label for p in net.parameters], "parameter")
        if "after" in table:
            after = self.table(table["after"], "claims.after", ("cost", "input", "output"), (), what="key")
            if "cost" in after:
                out.append(self.number(after["cost"], "after.cost"))
            for section in ("input", "output"):
                if section in after:
                    neurons = _neurons_for(section, net)
                    out += self.section(after[section], f"after.{section}", neurons, "neuron")
        if "history" in table:
            out += self.history(table["history"], spec)
        return out

    def section(self, data: object, key: str, allowed: list[str], what: str) -> list[Claim]:
        table = self.table(data, f"claims.{key}", allowed, (), what=what)
        return [self.number(v, f"{key}.{name}") for name, v in table.items()]

    def history(self, data: object, spec: Spec) -> list[Claim]:
        steps = [str(n) for n in range(1, spec.steps + 1)]
        table = self.table(data, "claims.history", steps, (), what="step")
        out = []
        labels = [p.label for p in spec.network.parameters]
        for step, entry in table.items():
            entry = self.table(entry, f"claims.history.{step}", ["cost", *labels], (), what="cost or parameter")
            out += [self.number(v, f"history.{step}.{name}") for name, v in entry.items()]
        return out


def _neurons_for(section: str, net: Network) -> list[str]:
    if section == "cost_derivative":
        return net.neurons(net.depth)
    first = 0 if section in ("input", "output") else 1
    return [n for layer in range(first, net.depth + 1) for n in net.neurons(layer)]
