"""Notation presets beyond the seed's: Nielsen's z/a/δ, the net/out of step-by-step posts,
and Mitchell's textbook convention.

The same derivation, the same numbers, different symbols. Each preset refines
`explainer.walkthrough.notation.Notation` (the seed article's i/o notation):

* "nielsen", as in Michael Nielsen's *Neural Networks and Deep Learning*:
  the weighted input z^l_j and activation a^l_j of neuron j in layer l (the
  inputs are layer 1), δ^l_j, the weight w^l_{jk} to neuron j from neuron k of
  layer l − 1, the bias b^l_j, the expected output y_j, and the four equations
  of backpropagation (BP1–BP4) named where the walkthrough uses them;
* "net-out", as in Matt Mazur's "A Step by Step Backpropagation Example":
  inputs i1, i2, hidden neurons h1, h2, outputs o1, o2, the net input
  net_{h1} and output out_{h1} of a neuron, w_1.., b_1.., the expected
  target_{o1} and the total error E_total as the cost;
* "mitchell", as in Tom Mitchell's *Machine Learning* (and Han & Kamber's *Data
  Mining*): net_j and o_j, the target t_j, the error E, biases θ_j, and the error
  term δ_j = −∂E/∂net_j, with the update w ← w + Δw, Δw = η δ_j x_ji.
"""

from __future__ import annotations

import re

from explainer.spec import NOTATIONS, Network
from explainer.walkthrough.notation import Notation


class Nielsen(Notation):
    """z^l_j, a^l_j, δ^l_j, w^l_{jk}, b^l_j, y_j: layers counted from 1 at the inputs."""

    name = "nielsen"
    in_letter, out_letter = "z", "a"
    input_word, output_word = "weighted input", "activation"
    input_vector, answer_vector, expected_vector = "x", "a^{L}", "y"
    out_text = "a"
    slope = r"\alpha"  # a is the activation here
    numbered = False
    naming_words = ("Weights and biases are named by where they sit, not numbered: the weight "
                    "to neuron j of a layer from neuron k of the layer before carries the "
                    "subscripts jk and the layer's superscript, and a bias the subscript of its "
                    "neuron (the JSON output and a claims check name the same parameters w1, w2, "
                    "…, b1, …, in the seed's numbering).")

    def __init__(self, net: Network) -> None:
        super().__init__(net)
        self._where = {name: (layer, j) for layer in range(net.depth + 1)
                       for j, name in enumerate(net.neurons(layer))}
        self.index_words = (
            "A superscript is a layer, counting the inputs as layer 1 (so the last layer, L, is "
            f"layer {net.depth + 1} here); subscripts are neurons of that layer. The weight "
            "w with superscript l and subscripts jk connects neuron k of layer l − 1 to neuron j "
            "of layer l, as in Michael Nielsen's book.")

    def _at(self, name: str) -> tuple[int, int]:
        """Nielsen's layer (inputs are 1) and the 1-based position of a neuron."""
        layer, j = self._where[name]
        return layer + 1, j + 1

    def neuron(self, name: str) -> str:
        """A neuron is known by its activation: a^{2}_{1}; an input by its value x_{1}."""
        layer, j = self._at(name)
        return f"x_{{{j}}}" if layer == 1 else f"a^{{{layer}}}_{{{j}}}"

    def i(self, name: str) -> str:
        layer, j = self._at(name)
        return f"z^{{{layer}}}_{{{j}}}"

    def o(self, name: str) -> str:
        return self.neuron(name)

    def delta(self, name: str) -> str:
        layer, j = self._at(name)
        return rf"\delta^{{{layer}}}_{{{j}}}"

    def param(self, label: str) -> str:
        """w^{l}_{jk} (to neuron j of layer l from neuron k of the layer before), b^{l}_{j};
        a bias shared by a whole layer is b^{l}."""
        p = self.net.parameter(label)
        if p.kind == "bias":
            return f"b^{{{p.layer + 1}}}" + ("" if p.target is None else f"_{{{p.target + 1}}}")
        j, k = p.target + 1, p.source + 1
        pair = f"{j}{k}" if j < 10 and k < 10 else f"{j},{k}"  # w^{2}_{12,3} stays readable
        return f"w^{{{p.layer + 1}}}_{{{pair}}}"

    def updated(self, label: str) -> str:
        return rf"\bigl({self.param(label)}\bigr)^{{+}}"

    def expected(self, j: int) -> str:
        return f"y_{{{j}}}"

    def generic(self, kind: str, index: str, layer: int | None = None) -> str:
        sup = "l" if layer is None else ("L" if layer == self.net.depth else str(layer + 1))
        return {"i": f"z^{{{sup}}}_{{{index}}}", "o": f"a^{{{sup}}}_{{{index}}}",
                "delta": rf"\delta^{{{sup}}}_{{{index}}}", "exp": f"y_{{{index}}}"}[kind]

    def answer(self, index: str) -> str:
        return f"a^{{L}}_{{{index}}}"

    def glossary(self) -> dict[str, tuple[str, str]]:
        last = self.net.depth + 1
        return {
            "x": (r"x_{k}", "the k-th input value"),
            "input": (r"z^{l}_{j}", "the weighted input of neuron j of layer l: the weighted sum "
                                    "of the activations of layer l − 1, plus the neuron's bias"),
            "output": (r"a^{l}_{j} = \sigma(z^{l}_{j})",
                       "the activation (output) of neuron j of layer l; the activations of "
                       "layer 1 are the inputs x"),
            "params": (r"w^{l}_{jk},\ b^{l}_{j}",
                       "the weight to neuron j of layer l from neuron k of layer l − 1, and the "
                       "bias of neuron j of layer l: the parameters we train"),
            "answer": (r"a^{L}_{j},\ y_{j}", f"the network's j-th output (L = {last}, the last "
                                             "layer) and the value we expected there"),
            "delta": (r"\delta^{l}_{j} = \frac{\partial C}{\partial z^{l}_{j}}",
                      "the error of neuron j of layer l: how strongly the cost reacts to its "
                      "weighted input; backpropagation computes these from the last layer "
                      "backwards"),
        }

    def layer_symbol(self, kind: str, layer: int | str) -> str:
        """w^{l}, b^{l}, z^{l}, a^{l}, δ^{l}: Nielsen's layer number, no parentheses."""
        letter = {"W": "w", "b": "b", "i": "z", "o": "a", "delta": r"\delta"}[kind]
        return f"{letter}^{{{layer if isinstance(layer, str) else layer + 1}}}"

    def backprop_equation(self, name: str) -> tuple[str, str] | None:
        return _BACKPROP[name]


_BACKPROP = {
    "BP1": ("In Nielsen's book this is the first of the four equations of backpropagation, "
            "(BP1), the error of the last layer, here for every neuron of it at once: ",
            r"\delta^{L} = \nabla_{a} C \odot \sigma'(z^{L})"),
    "BP2": ("This is the second equation of backpropagation, (BP2), the error of a layer from "
            "the error of the layer after it: ",
            r"\delta^{l} = \bigl((w^{l+1})^{T} \delta^{l+1}\bigr) \odot \sigma'(z^{l})"),
    "BP3": ("This is the third equation of backpropagation, (BP3): the rate of change of the "
            "cost with a bias is the error of its neuron, ",
            r"\frac{\partial C}{\partial b^{l}_{j}} = \delta^{l}_{j}"),
    "BP4": ("This is the fourth equation of backpropagation, (BP4): the rate of change of the "
            "cost with a weight is the activation coming in times the error going out, ",
            r"\frac{\partial C}{\partial w^{l}_{jk}} = a^{l-1}_{k}\, \delta^{l}_{j}"),
}


class NetOut(Notation):
    """net_{h1}, out_{h1}, w_1, b_1, target_{o1}, E_total: inputs i1.., outputs o1..."""

    name = "net-out"
    C = r"E_{\mathrm{total}}"
    in_letter, out_letter = r"\mathrm{net}", r"\mathrm{out}"
    input_word, output_word = "net input", "output"
    out_text, cost_words = "out", "the total error"
    input_vector, answer_vector, expected_vector = "i", r"\mathrm{out}", r"\mathrm{target}"
    index_words = ("Subscripts name the neuron (inputs i1, i2, …, hidden neurons h1, h2, …, "
                   "outputs o1, o2, …) or the parameter, as in Matt Mazur's step-by-step "
                   "example. The cost is the total error.")

    def neuron(self, name: str) -> str:
        """x1 → i1, h1 → h1, L1 → o1; h1_2 (hidden layer 1, neuron 2) → h1,2."""
        m = re.fullmatch(r"([a-zA-Z]+)(\d+)(?:_(\d+))?", name)
        if not m:
            return name
        letter, first, second = m.groups()
        letter = {"x": "i", "L": "o"}.get(letter, letter)
        return f"{letter}{first},{second}" if second else f"{letter}{first}"

    def i(self, name: str) -> str:
        return rf"\mathrm{{net}}_{{{self.neuron(name)}}}"

    def o(self, name: str) -> str:
        return self.neuron(name) if name.startswith("x") else rf"\mathrm{{out}}_{{{self.neuron(name)}}}"

    def expected(self, j: int) -> str:
        return rf"\mathrm{{target}}_{{o{j}}}"

    def generic(self, kind: str, index: str, layer: int | None = None) -> str:
        at = f"o_{{{index}}}" if layer == self.net.depth else index  # the outputs are o1, o2, …
        return {"i": rf"\mathrm{{net}}_{{{at}}}", "o": rf"\mathrm{{out}}_{{{at}}}",
                "delta": rf"\delta_{{{at}}}", "exp": rf"\mathrm{{target}}_{{{at}}}"}[kind]

    def answer(self, index: str) -> str:
        return self.generic("o", index, self.net.depth)

    def glossary(self) -> dict[str, tuple[str, str]]:
        return {
            "x": (r"i_{k}", "the k-th input value"),
            "input": (r"\mathrm{net}_{n}", "the net input of neuron n: the weighted sum of the "
                                           "outputs of the layer before, plus the neuron's bias"),
            "output": (r"\mathrm{out}_{n} = \sigma(\mathrm{net}_{n})", "the output of neuron n"),
            "params": (r"w_{k},\ b_{k}", "the weights and biases: the parameters we train"),
            "answer": (r"\mathrm{out}_{o_{j}},\ \mathrm{target}_{o_{j}}",
                       "the network's j-th output and the value we wanted there, its target"),
            "delta": (r"\delta_{n} = \frac{\partial E_{\mathrm{total}}}{\partial \mathrm{net}_{n}}",
                      "how strongly the total error reacts to the net input of neuron n; "
                      "backpropagation computes these from the last layer backwards"),
        }


class Mitchell(Notation):
    """net_j, o_j, t_j, E, the error term δ_j = −∂E/∂net_j, θ_j: Mitchell's *Machine Learning*.

    The textbook convention (also Han & Kamber's *Data Mining*): the error term of a unit
    is δ_j = −∂E/∂net_j, so for a sigmoid output unit with E = ½ Σ (t − o)² it is
    o_j (1 − o_j)(t_j − o_j); the update adds Δw_ji = η δ_j x_ji; a unit's bias is θ_j.
    The derivation is the same as every preset's: where the others write ∂E/∂net_j,
    this one writes −δ_j, so every number beside a δ is the error term itself.
    """

    name = "mitchell"
    C = "E"
    in_letter, out_letter = r"\mathrm{net}", "o"
    input_word, output_word = "net input", "output"
    out_text, cost_words = "o", "the error E"
    input_vector, answer_vector, expected_vector = "x", "o", "t"
    delta_sign = -1
    index_words = ("Subscripts name the unit or the parameter; a unit's bias is θ. As in Tom "
                   "Mitchell's Machine Learning (and Han & Kamber's Data Mining), the error term of "
                   "unit n is δ_n = −∂E/∂net_n, so where other notations write ∂E/∂net_n this "
                   "walkthrough writes −δ_n, and the update adds Δp = −η ∂E/∂p.")

    def i(self, name: str) -> str:
        return rf"\mathrm{{net}}_{{{self.neuron(name)}}}"

    def delta(self, name: str) -> str:
        """Our δ = ∂E/∂net is the negated error term: written (−δ_n)."""
        return rf"(-\delta_{{{self.neuron(name)}}})"

    def param(self, label: str) -> str:
        """w5 → w_{5}; b1 → θ_{1}, the unit's bias (Mitchell's threshold weight)."""
        letter = r"\theta" if label[0] == "b" else label[0]
        return f"{letter}_{{{label[1:]}}}"

    def updated(self, label: str) -> str:
        letter = r"\theta" if label[0] == "b" else label[0]
        return f"{letter}^{{+}}_{{{label[1:]}}}"

    def expected(self, j: int) -> str:
        return f"t_{{{j}}}"

    def layer_symbol(self, kind: str, layer: int | str) -> str:
        if kind == "delta":
            return rf"(-\delta^{{({layer})}})"
        return super().layer_symbol("b" if kind == "b" else kind, layer).replace("b^", r"\theta^")

    def generic(self, kind: str, index: str, layer: int | None = None) -> str:
        return {"i": rf"\mathrm{{net}}_{{{index}}}", "o": f"o_{{{index}}}",
                "delta": rf"(-\delta_{{{index}}})", "exp": f"t_{{{index}}}"}[kind]

    def glossary(self) -> dict[str, tuple[str, str]]:
        return {
            "x": (r"x_{k}", "the k-th input value"),
            "input": (r"\mathrm{net}_{n}", "the net input of unit n: the weighted sum of the outputs "
                                           "of the layer before, plus the unit's bias θ"),
            "output": (r"o_{n} = \sigma(\mathrm{net}_{n})", "the output of unit n"),
            "params": (r"w_{k},\ \theta_{k}", "the weights and the units' biases: the parameters we train"),
            "answer": (r"o_{L_{j}},\ t_{j}", "the network's j-th output and its target"),
            "delta": (r"\delta_{n} = -\frac{\partial E}{\partial \mathrm{net}_{n}}",
                      "the error term of unit n; the derivatives below carry it with its sign, as "
                      "−δ_n, and the update adds Δp = −η ∂E/∂p (for a weight, η δ times the "
                      "output the weight multiplies)"),
        }


PRESETS: dict[str, type[Notation]] = {"seed": Notation, "nielsen": Nielsen, "net-out": NetOut,
                                      "mitchell": Mitchell}
assert tuple(PRESETS) == NOTATIONS, "spec.NOTATIONS names the presets the spec may ask for"


def preset(name: str, net: Network) -> Notation:
    """The notation called `name` (one of `spec.NOTATIONS`), for the network `net`."""
    return PRESETS[name](net)
