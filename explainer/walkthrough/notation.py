"""The symbols a walkthrough writes, as LaTeX: a notation preset and the formulas.

A `Notation` is a preset: it says how the input and output of a neuron, its δ,
a weight, a bias, the cost and the expected values are written. This module
holds the seed article's i/o notation, which every other preset refines
(`explainer.presets` has Nielsen's z/a and the net/out of step-by-step posts):
neuron h1 has input i_{h_1} and output o_{h_1}; weights and biases are w_{5},
b_{3}; the expected value for output neuron L_j is exp_j. The derivation and the
numbers are the same in every preset; only the symbols change.

The formulas for each activation and cost (σ′ as the reader computes it by
hand, ∂C/∂o) live here too, as text to display with the preset's symbols put
in: the numbers always come from the engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from string import Template

from explainer.spec import Network


def partial(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def vector(name: str, entries: list[str]) -> str:
    """A named column vector, e.g. x = (2, 3) written as a pmatrix."""
    rows = r" \\ ".join(entries)
    return rf"{name} = \begin{{pmatrix}} {rows} \end{{pmatrix}}"


class Notation:
    """The seed article's notation: i and o of a neuron, w_{5}, b_{1}, δ, exp, C.

    A preset is bound to its network, because some presets (Nielsen's w^l_{jk})
    write a parameter by where it sits rather than by its label. Methods take
    the names the rest of the project uses (neurons x1, h1, L1; labels w5, b1)
    and return LaTeX.
    """

    name = "seed"
    C = "C"  # the cost
    in_letter, out_letter = "i", "o"  # a neuron's input and output, without index
    input_word, output_word = "input", "output"  # the same in prose
    input_vector, answer_vector, expected_vector = "x", "y", r"\mathrm{exp}"
    out_text = "o"  # the output's letter in prose
    cost_words = "the cost C"  # the cost by name and letter, in prose
    slope = "a"  # the leaky ReLU's slope
    index_words = "Subscripts only say which neuron or parameter a symbol belongs to."

    def __init__(self, net: Network | None = None) -> None:
        # The seed's symbols follow from a neuron's name or a parameter's label alone,
        # so they need no network (a claims check names its quantities this way).
        self.net = net

    # ------------------------------------------------------------ one neuron or parameter

    def neuron(self, name: str) -> str:
        """h1 → h_{1}; h1_2 (layer 1, neuron 2 of several hidden layers) → h_{1,2}."""
        m = re.fullmatch(r"([a-zA-Z]+)(\d+)(?:_(\d+))?", name)
        if not m:
            return name
        letter, first, second = m.groups()
        return f"{letter}_{{{first},{second}}}" if second else f"{letter}_{{{first}}}"

    def i(self, name: str) -> str:
        """The input of a neuron, i_{h_1}."""
        return f"i_{{{self.neuron(name)}}}"

    def o(self, name: str) -> str:
        """The output of a neuron, o_{h_1}; an input neuron's output is its value x_1."""
        return self.neuron(name) if name.startswith("x") else f"o_{{{self.neuron(name)}}}"

    def delta(self, name: str) -> str:
        return rf"\delta_{{{self.neuron(name)}}}"

    def param(self, label: str) -> str:
        """w5 → w_{5}."""
        return f"{label[0]}_{{{label[1:]}}}"

    def updated(self, label: str) -> str:
        """w5 → w^{+}_{5}, the value after the step."""
        return f"{label[0]}^{{+}}_{{{label[1:]}}}"

    def expected(self, j: int) -> str:
        """The expected value for output neuron j (1-based): exp_{1}."""
        return rf"\mathrm{{exp}}_{{{j}}}"

    # ------------------------------------------------------------ any neuron

    def generic(self, kind: str, index: str, layer: int | None = None) -> str:
        """A symbol of any neuron `index` ("n", "j"): kind is "i", "o", "delta" or "exp".

        `layer` is where the neuron sits when a preset writes the layer (Nielsen's);
        None means any layer. The seed's symbols do not show the layer.
        """
        return {"i": f"i_{{{index}}}", "o": f"o_{{{index}}}", "delta": rf"\delta_{{{index}}}",
                "exp": rf"\mathrm{{exp}}_{{{index}}}"}[kind]

    def fill(self, template: str) -> str:
        """A formula of ACTIVATIONS or COSTS with this preset's symbols put in."""
        last = self.net.depth if self.net is not None else None
        return Template(template).substitute(
            C=self.C, i=self.in_letter, o=self.out_letter, slope=self.slope,
            ij=self.generic("i", "j", last), ik=self.generic("i", "k", last),
            oj=self.generic("o", "j", last), ok=self.generic("o", "k", last),
            yj=self.answer("j"), expj=self.generic("exp", "j", last))

    def answer(self, index: str) -> str:
        """The network's output number `index`: y_{j} here (o of the last layer)."""
        return f"y_{{{index}}}"

    def glossary(self) -> dict[str, tuple[str, str]]:
        """The notation table's preset-specific rows: symbol and meaning, by topic."""
        return {
            "x": (r"x_{k}", "the k-th input value"),
            "input": (r"i_{n}", "the input of neuron n: the weighted sum of the outputs of the "
                                "layer before, plus the neuron's bias"),
            "output": (r"o_{n} = \sigma(i_{n})", "the output of neuron n"),
            "params": (r"w_{k},\ b_{k}", "the weights and biases: the parameters we train"),
            "answer": (r"y_{j} = o_{L_{j}},\ \mathrm{exp}_{j}",
                       "the network's j-th output and the value we expected there"),
            "delta": (r"\delta_{n} = \frac{\partial C}{\partial i_{n}}",
                      "how strongly the cost reacts to the input of neuron n; backpropagation "
                      "computes these from the last layer backwards"),
        }

    # ------------------------------------------------------------ a whole layer (matrix form)

    def layer_symbol(self, kind: str, layer: int | str) -> str:
        """The vector or matrix of a whole layer: kind "W", "b", "i", "o" or "delta".

        Layers count from 0 (the inputs), written as a superscript in parentheses
        so it is not read as a power: W^{(2)}, o^{(1)}; o^{(0)} is the input x.
        A letter ("l") gives the symbol of any layer.
        """
        letter = {"W": "W", "b": "b", "i": self.in_letter, "o": self.out_letter,
                  "delta": r"\delta"}[kind]
        return f"{letter}^{{({layer})}}"

    def backprop_equation(self, name: str) -> tuple[str, str] | None:
        """Words and LaTeX naming one of the four equations of backpropagation where a
        preset's readers know them by name (BP1..BP4 in Nielsen's); None otherwise."""
        return None


def squared(symbol: str) -> str:
    """symbol², in parentheses when it already has a superscript (a^{3}_{1})."""
    return rf"\bigl({symbol}\bigr)^{{2}}" if "^" in symbol else f"{symbol}^{{2}}"


@dataclass(frozen=True)
class ActivationNotation:
    """How an activation is written: its name, σ(i), and σ′.

    `formula` and `derivative` are templates for `Notation.fill`: ${i} and ${o}
    stand for the preset's input and output symbols (i and o in the seed's).
    `derivative_of(o)` writes σ′ with the neuron's output o (given as LaTeX, a
    symbol or a number), the way one computes it by hand; None where σ′ is a
    piecewise choice that o alone does not show (ReLU), or a Jacobian (softmax).
    """

    words: str
    formula: str  # σ(i) = …, with i as the variable
    derivative: str  # σ′(i) = …
    derivative_of: Callable[[str], str] | None
    vector: bool = False


ACTIVATIONS = {
    "sigmoid": ActivationNotation(
        words="the sigmoid (logistic) function",
        formula=r"\sigma(${i}) = \frac{1}{1 + e^{-${i}}}",
        derivative=r"\sigma'(${i}) = \sigma(${i})\bigl(1 - \sigma(${i})\bigr) = ${o}\,(1 - ${o})",
        derivative_of=lambda out: rf"{out} \cdot (1 - {out})",
    ),
    "tanh": ActivationNotation(
        words="the hyperbolic tangent",
        formula=r"\sigma(${i}) = \tanh(${i}) = \frac{e^{${i}} - e^{-${i}}}{e^{${i}} + e^{-${i}}}",
        derivative=r"\sigma'(${i}) = 1 - \tanh^{2}(${i}) = 1 - ${o}^{2}",
        # In parentheses: it is one factor of a product (x · (1 − o²) · …).
        derivative_of=lambda out: rf"\bigl(1 - {squared(out)}\bigr)",
    ),
    "relu": ActivationNotation(
        words="the rectified linear unit (ReLU)",
        formula=r"\sigma(${i}) = \max(0, ${i})",
        derivative=r"\sigma'(${i}) = 1 \text{ for } ${i} > 0,\ 0 \text{ otherwise (we take } 0 "
                   r"\text{ at } ${i} = 0)",
        derivative_of=None,
    ),
    "leaky_relu": ActivationNotation(
        words="the leaky ReLU",
        formula=r"\sigma(${i}) = ${i} \text{ for } ${i} > 0,\ ${slope}\, ${i} \text{ otherwise}",
        derivative=r"\sigma'(${i}) = 1 \text{ for } ${i} > 0,\ ${slope} \text{ otherwise (we take } "
                   r"${slope} \text{ at } ${i} = 0)",
        derivative_of=None,
    ),
    "linear": ActivationNotation(
        words="the identity (a linear neuron)",
        formula=r"\sigma(${i}) = ${i}",
        derivative=r"\sigma'(${i}) = 1",
        derivative_of=lambda out: "1",
    ),
    "softmax": ActivationNotation(
        words="softmax, which turns the layer's inputs into probabilities",
        formula=r"${oj} = \frac{e^{${ij}}}{\sum_{k} e^{${ik}}}",
        derivative=r"\frac{\partial ${ok}}{\partial ${ij}} = ${ok}\,\bigl([k = j] - ${oj}\bigr)",
        derivative_of=lambda out: rf"{out} \cdot (1 - {out})",  # the diagonal, k = j
        vector=True,
    ),
}


@dataclass(frozen=True)
class CostNotation:
    """How a cost is written: the sum, one term, and ∂C/∂o_j of a last-layer neuron.

    `formula` is a template for `Notation.fill` (${C} the cost, ${yj} the j-th output,
    ${expj} its expected value). `term` and `derivative` take the output and the
    expected value as LaTeX, and n, the number of output neurons (only the mean
    squared error uses it).
    """

    words: str
    formula: str  # C = …, with y_j and exp_j
    term: Callable[[str, str, int], str]
    derivative: Callable[[str, str, int], str]
    squared: bool = False  # a sum of squared differences (the walkthrough shows the differences)

    @property
    def body(self) -> str:
        """The formula without its "${C} = ": the right-hand side alone."""
        return self.formula.removeprefix("${C} = ")


COSTS = {
    "sum_squared": CostNotation(
        words="the sum of squared errors",
        formula=r"${C} = \sum_{j} \bigl(${yj} - ${expj}\bigr)^{2}",
        term=lambda out, exp, n: rf"\bigl({out} - {exp}\bigr)^{{2}}",
        derivative=lambda out, exp, n: rf"2\,\bigl({out} - {exp}\bigr)",
        squared=True,
    ),
    "half_sum_squared": CostNotation(
        words="half the sum of squared errors",
        formula=r"${C} = \frac{1}{2} \sum_{j} \bigl(${yj} - ${expj}\bigr)^{2}",
        term=lambda out, exp, n: rf"\tfrac{{1}}{{2}}\bigl({out} - {exp}\bigr)^{{2}}",
        derivative=lambda out, exp, n: rf"{out} - {exp}",
        squared=True,
    ),
    "mean_squared": CostNotation(
        words="the mean squared error over the output neurons",
        formula=r"${C} = \frac{1}{n} \sum_{j} \bigl(${yj} - ${expj}\bigr)^{2}",
        term=lambda out, exp, n: rf"\tfrac{{1}}{{{n}}}\bigl({out} - {exp}\bigr)^{{2}}",
        derivative=lambda out, exp, n: rf"\tfrac{{2}}{{{n}}}\bigl({out} - {exp}\bigr)",
        squared=True,
    ),
    "cross_entropy": CostNotation(
        words="the cross-entropy",
        formula=r"${C} = -\sum_{j} ${expj} \ln ${yj}",
        term=lambda out, exp, n: rf"-{exp} \ln {out}",
        derivative=lambda out, exp, n: rf"-\frac{{{exp}}}{{{out}}}",
    ),
    "binary_cross_entropy": CostNotation(
        words="the binary cross-entropy",
        formula=r"${C} = -\sum_{j} \bigl[${expj} \ln ${yj} + (1 - ${expj}) "
                r"\ln (1 - ${yj})\bigr]",
        term=lambda out, exp, n: rf"-\bigl[{exp} \ln {out} + (1 - {exp}) \ln (1 - {out})\bigr]",
        derivative=lambda out, exp, n: rf"\frac{{{out} - {exp}}}{{{out} \cdot (1 - {out})}}",
    ),
}
