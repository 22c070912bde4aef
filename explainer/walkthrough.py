"""Build the walkthrough `Document` from a derivation, its numbers and the agreement checks.

This is the last step before the templates: it decides what a reader sees, in
what order, and in which words, and writes every number to the chosen digits.
It reads numbers from the engines and never computes a derivative itself.

    document = build(explanation, digits=6)

The sections, in order, follow the seed article's path through one step: the
network, the notation, the forward pass, the cost, the gradient-descent rule, the
last layer, the hidden layer(s), the biases, the update, the sanity check, and
the agreement of the independent computations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy

from explainer import notation
from explainer.agreement import Agreement
from explainer.document import Document, Math, Section, Text
from explainer.formatting import Shown, show
from explainer.history import History
from explainer.numeric import Step
from explainer.presets import preset
from explainer.spec import Network, Parameter, Spec
from explainer.symbolic import SymbolicStep, rational

DEFAULT_DIGITS = 6
# Above this many parameters a walkthrough is summarised unless asked otherwise: every
# derivation is shown for one representative weight and bias per layer (and the first
# neuron of each layer), and tables list the rest, up to TABLE_ROWS rows each.
SUMMARY_LIMIT = 60
TABLE_ROWS = 100


# Networks with more than one hidden layer and more parameters than this are not proven:
# `sympy.diff` of the part of the full cost a first-layer weight touches grows fast with
# the width of the layers after it (16-32-32-10, 1,930 parameters: 12.6 s for its 6 shown
# proofs; see bench/README.md). Their gradients are still checked against NumPy and
# finite differences.
PROOF_LIMIT = 2000


def provable(net: Network) -> bool:
    """Whether proving the shown products against the full cost finishes in reasonable time."""
    return net.depth < 3 or len(net.parameters) <= PROOF_LIMIT


def representative(net: Network) -> list[str]:
    """The parameters a summarised walkthrough derives in full: per layer, the weight
    from the first neuron before to the first neuron, and the bias of that neuron."""
    labels = []
    for layer in range(net.depth, 0, -1):
        labels.append(net.weight(layer, 0, 0).label)
        bias = net.bias_of(layer, 0)
        if bias is not None:
            labels.append(bias.label)
    return labels


def summarised(net: Network, full: bool | None = None) -> bool:
    """Whether a walkthrough of `net` is summarised: `full` decides when given."""
    return not full if full is not None else len(net.parameters) > SUMMARY_LIMIT


@dataclass(frozen=True)
class Explanation:
    """Everything computed about one step: the spec, both engines and their agreement."""

    spec: Spec
    symbolic: SymbolicStep
    numeric: Step
    agreement: Agreement
    history: History | None = None  # several samples or steps: the whole run

    @property
    def agrees(self) -> bool:
        """Whether every comparison of the independent computations passed."""
        return self.agreement.agrees and (self.history is None or self.history.agrees)


@dataclass(frozen=True)
class Context:
    """What section builders share: the explanation, how to write its numbers, and in
    which symbols (`sym`, the spec's notation preset)."""

    explanation: Explanation
    digits: int
    summary: bool = False  # a summarised walkthrough (see SUMMARY_LIMIT)

    @property
    def spec(self) -> Spec:
        return self.explanation.spec

    @property
    def net(self) -> Network:
        return self.explanation.spec.network

    @cached_property
    def sym(self) -> notation.Notation:
        """The notation preset the walkthrough is written in: the spec's `notation`."""
        return preset(self.spec.notation, self.net)

    @property
    def cost_function(self) -> str:
        """The cost as one function of everything it depends on: C(W, b, x, exp)."""
        sym = self.sym
        return rf"{sym.C}(W, b, {sym.input_vector}, {sym.expected_vector})"

    @property
    def step(self) -> SymbolicStep:
        return self.explanation.symbolic

    def num(self, value: object) -> Shown:
        """A value written to the walkthrough's digits."""
        return show(value, self.digits)

    def relation(self, values) -> str:
        """"=" when every value substitutes exactly, "≈" when any of them is rounded."""
        return "=" if all(self.num(v).exact for v in values) else r"\approx"

    def factor(self, value: object) -> str:
        """A value as a factor in a product or the base of a power: negative numbers get
        parentheses, and so does scientific notation (5 \\times 10^{-9} squared would
        otherwise be a double superscript, which LaTeX and MathML refuse)."""
        shown = self.num(value)
        wrap = shown.negative or r"\times" in shown.latex
        return f"\\left({shown.latex}\\right)" if wrap else shown.latex

    @property
    def learning_rate(self) -> sympy.Rational:
        return rational(self.spec.learning_rate)

    @property
    def expected(self) -> list[sympy.Rational]:
        """The expected output values of the sample, exact."""
        return [rational(e) for e in self.spec.sample.expected]

    def param_value(self, label: str) -> object:
        return self.step.parameters[label]

    def activation(self, layer: int) -> notation.ActivationNotation:
        return notation.ACTIVATIONS[self.net.activations[layer - 1]]

    @property
    def cost_notation(self) -> notation.CostNotation:
        return notation.COSTS[self.net.cost]

    def cost_term(self, out: str, exp: str) -> str:
        return self.cost_notation.term(out, exp, self.net.layers[-1])

    def cost_derivative(self, out: str, exp: str) -> str:
        return self.cost_notation.derivative(out, exp, self.net.layers[-1])

    def sigma_prime(self, layer: int, out: str, inp: str) -> str:
        """σ′ of a neuron as one computes it by hand: from its output o where that works
        (o(1 − o), 1 − o²), else σ′ of its input i (ReLU's piecewise slope)."""
        act = self.activation(layer)
        return act.derivative_of(out) if act.derivative_of else rf"\sigma'({inp})"

    def shown_neurons(self, layer: int) -> list[str]:
        """The neurons of a layer whose equations are written out."""
        names = self.net.neurons(layer)
        return names[:1] if self.summary else names

    def shown_params(self, kind: str, layer: int) -> list[Parameter]:
        """The weights or biases of a layer whose derivations are written out."""
        chosen = set(representative(self.net)) if self.summary else None
        return [p for p in self.net.parameters if p.kind == kind and p.layer == layer
                and (chosen is None or p.label in chosen)]

    def capped(self, rows: list) -> tuple[tuple, str]:
        """At most TABLE_ROWS rows of a table, and a caption remark if some were left out."""
        if len(rows) <= TABLE_ROWS:
            return tuple(rows), ""
        return tuple(rows[:TABLE_ROWS]), (f" The first {TABLE_ROWS} of {len(rows)} rows; "
                                          "the JSON output has every value.")

    def hidden_layers(self) -> range:
        return range(self.net.depth - 1, 0, -1)


def inline(*parts: str | Math | Text) -> tuple[Text | Math, ...]:
    """Prose with math: plain strings become Text; Math and Text pass through."""
    return tuple(Text(p) if isinstance(p, str) else p for p in parts)


def build(explanation: Explanation, digits: int = DEFAULT_DIGITS, full: bool | None = None) -> Document:
    """The walkthrough of one gradient-descent step, numbers to `digits` significant digits;
    summarised above SUMMARY_LIMIT parameters unless `full` says otherwise."""
    # Imported here: the section modules import Context and inline from this module.
    from explainer.sections import backward, checks, forward, matrix, overview, run, update

    ctx = Context(explanation, digits, summarised(explanation.spec.network, full))
    sections: list[Section] = []
    for part in (overview, forward, backward, update, matrix, run, checks):
        sections.extend(part.sections(ctx))
    return Document(
        title=explanation.spec.title,
        subtitle=overview.subtitle(ctx),
        sections=tuple(sections),
        summary=overview.summary(ctx),
    )
