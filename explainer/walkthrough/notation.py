"""The symbols a walkthrough writes, as LaTeX: a notation preset and the formulas.

A `Notation` is a preset: it says how the input and output of a neuron, its δ,
a weight, a bias, the cost and the expected values are written. This module
holds the seed article's i/o notation, which every other preset refines
(`explainer.walkthrough.presets` has Nielsen's z/a and the net/out of step-by-step posts):
neuron h1 has input i_{h_1} and output o_{h_1}; weights and biases are w_{5},
b_{3}; the expected value for output neuron L_j is exp_j. The derivation and the
numbers are the same in every preset; only the symbols change.

The formulas of each activation and cost live with the function itself
(`explainer.functions`), as templates `Notation.fill` puts the preset's symbols
into: the numbers always come from the engines.
"""

from __future__ import annotations

import re
from string import Template

from explainer.spec import Network


def partial(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def as_factor(latex: str) -> str:
    """`latex` as a factor of a product: in parentheses where it is a sum or difference at
    its top level (o − exp) or starts with a sign (−exp/o), so that "a · o − exp" is never
    written for a · (o − exp). Braces and parentheses already group what is inside them."""
    depth = 0
    for ch in latex:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif depth == 0 and ch in "+-":
            return rf"\left({latex}\right)"
    return latex


def slashed(top: str, bottom: str) -> str:
    """∂top/∂bottom on one line, as a caption or a sentence writes it."""
    return rf"\partial {top}/\partial {bottom}"


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
    cost_words = "the cost"  # the cost by name, in prose (its symbol, C, follows as math)
    slope = "a"  # the leaky ReLU's slope
    # +1: our δ = ∂C/∂i and the update p⁺ = p − η ∂C/∂p. −1: a textbook's error term
    # δ = −∂C/∂i (Mitchell's), where the update adds: Δp = η δ o, p⁺ = p + Δp.
    delta_sign = 1
    index_words = "Subscripts only say which neuron or parameter a symbol belongs to."
    numbered = True  # weights and biases are written by their labels, w1.. b1.. (not by place)
    naming_words = ""  # how a preset that does not number them names them instead

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
        """A formula of an activation or a cost (`explainer.functions`) with this preset's symbols put in."""
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
