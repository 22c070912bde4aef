"""What the section builders share: the explanation, its numbers, its symbols.

Each module of `explainer.walkthrough.sections` builds some sections of the
walkthrough from a `Context`: the proven explanation, the digits its numbers are
written to, whether it is summarised, and the notation preset it is written in.
It reads numbers from the engines and never computes a derivative itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy

from explainer.engines.symbolic import SymbolicStep, rational
from explainer.functions import ACTIVATIONS, COSTS, Activation, Cost
from explainer.pipeline import Explanation, worked
from explainer.spec import Network, Parameter, Spec
from explainer.walkthrough import notation
from explainer.walkthrough.document import Math, Text
from explainer.walkthrough.formatting import Shown, show
from explainer.walkthrough.notation import partial
from explainer.walkthrough.presets import preset

DEFAULT_DIGITS = 6
TABLE_ROWS = 100  # a summarised walkthrough's tables list at most this many rows


@dataclass(frozen=True)
class Context:
    """What section builders share: the explanation, how to write its numbers, and in
    which symbols (`sym`, the spec's notation preset)."""

    explanation: Explanation
    digits: int
    summary: bool = False  # a summarised walkthrough (see SUMMARY_LIMIT)
    # What a section builder worked out once and others reuse (the first figure, which the
    # chain-rule and update figures start from): computed on first use, by name.
    made: dict = field(default_factory=dict, compare=False, repr=False)

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

    def equals(self, symbol: str, value: object) -> str:
        """`symbol = value` as LaTeX, with ≈ where the value shown is rounded."""
        shown = self.num(value)
        return f"{symbol} {shown.relation} {shown.latex}"

    def factor(self, value: object) -> str:
        """A value as a factor in a product or the base of a power: negative numbers get
        parentheses, and so does scientific notation (5 \\times 10^{-9} squared would
        otherwise be a double superscript, which LaTeX and MathML refuse)."""
        shown = self.num(value)
        wrap = shown.negative or r"\times" in shown.latex
        return f"\\left({shown.latex}\\right)" if wrap else shown.latex

    @property
    def learning_rate(self) -> sympy.Rational:
        """η, exact; only for a spec that takes its step (`stepped`)."""
        return rational(self.spec.learning_rate)

    @property
    def stepped(self) -> bool:
        """Whether the walkthrough goes past the gradients: the spec gives a learning rate."""
        return self.spec.steps_taken

    def applied(self, p: str = "p") -> str:
        """The gradient the update applies to `p` (a LaTeX symbol), as a formula: ∂C/∂p, or
        for a batch step over B samples the mean (1/B) Σₛ ∂Cₛ/∂p of their gradients, or
        their sum Σₛ ∂Cₛ/∂p (the spec's `batch_gradient`)."""
        if not self.spec.batched:
            return partial(self.sym.C, p)
        count = len(self.spec.samples)
        total = rf"\sum_{{s=1}}^{{{count}}} {partial(f'{self.sym.C}_{{s}}', p)}"
        return total if self.spec.batch_gradient == "sum" else rf"\frac{{1}}{{{count}}} {total}"

    @property
    def expected(self) -> list[sympy.Rational]:
        """The expected output values of the sample, exact."""
        return [rational(e) for e in self.spec.sample.expected]

    def param_value(self, label: str) -> object:
        return self.step.parameters[label]

    def activation(self, layer: int) -> Activation:
        return ACTIVATIONS[self.net.activations[layer - 1]]

    @property
    def cost(self) -> Cost:
        return COSTS[self.net.cost]

    def cost_term(self, out: str, exp: str) -> str:
        return self.cost.latex.term(out, exp, self.net.layers[-1])

    def cost_derivative(self, out: str, exp: str) -> str:
        return self.cost.latex.derivative(out, exp, self.net.layers[-1])

    def sigma_prime(self, layer: int, out: str, inp: str) -> str:
        """σ′ of a neuron as one computes it by hand: from its output o where that works
        (o(1 − o), 1 − o²), else σ′ of its input i (ReLU's piecewise slope)."""
        act = self.activation(layer)
        return act.latex.derivative_of(out) if act.latex.derivative_of else rf"\sigma'({inp})"

    @property
    def worked(self) -> set[str] | None:
        """The labels of the parameters derived in full: those the spec's `show` names (in any
        walkthrough), a representative few (summarised), or None for all of them."""
        return set(worked(self.spec)) if self.spec.show or self.summary else None

    def shown_neurons(self, layer: int) -> list[str]:
        """The neurons of a layer whose equations are written out: all of them, or in a
        summarised walkthrough the first and those the worked parameters feed."""
        names = self.net.neurons(layer)
        if not self.summary:
            return names
        fed = {j for p in self.net.parameters if p.layer == layer and p.label in (self.worked or ())
               for j in range(len(names)) if p.feeds(j)}
        return [n for j, n in enumerate(names) if j == 0 or j in fed]

    def shown_params(self, kind: str, layer: int) -> list[Parameter]:
        """The weights or biases of a layer whose derivations are written out."""
        chosen = self.worked
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
