"""What a formula's left-hand side names: a quantity of the step, a number the spec gives,
or a whole layer of either.

The symbols come from the walkthrough's notation presets (`explainer.walkthrough.presets`),
so a document in the seed's i/o, Nielsen's z/a, the net/out of step-by-step posts or
Mitchell's net/θ is read in its own symbols, and the spellings documents use beside ours
are accepted too: capitals (O_{h1}, I_{L1}), flat or nested subscripts (o_{h1}, o_{h_{1}}),
the + of an updated parameter before or after the subscript (w^+_5, w_5^{+}), the expected
value of an output neuron by number or by neuron (exp_1, exp_{L1}), and the share of the
cost routed through one output neuron (∂C_{oL1}/∂i_{L1}, which is δ of L1).

`Named.keys` are claims keys in our convention (δ = ∂C/∂i): a Mitchell δ_n is read with
`sign` −1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from explainer.checker.document import nodes as n
from explainer.checker.document.arithmetic import Unknown
from explainer.checker.document.latex import ParseError, parse
from explainer.functions import ACTIVATIONS
from explainer.spec import Spec
from explainer.walkthrough.presets import PRESETS, preset

Canon = tuple[str, str, str, int]  # name, subscript, superscript, primes


@dataclass(frozen=True)
class Named:
    """What a left-hand side names: claims `keys` (one, or one per entry of a vector or
    matrix, row by row, with its `shape`), or, for numbers the spec gives, their `given`
    values. The number written is `sign` times the quantity (−1 for Mitchell's δ)."""

    keys: tuple[str, ...]
    shape: tuple[int, int] = (1, 1)
    given: tuple[Fraction, ...] | None = None
    sign: int = 1


def canon(sym: n.Sym) -> Canon:
    """A symbol as compared: subscripts in lower case without commas or braces."""
    return sym.name, re.sub(r"[,{}()]", "", sym.sub).lower(), sym.sup.replace("{", "").replace("}", ""), \
        sym.primes


def _symbol(latex: str) -> n.Node:
    try:
        return parse(latex)
    except ParseError as err:  # a preset writes only what the grammar reads
        raise AssertionError(f"the notation writes {latex!r}, which its reader cannot read") from err


class Names:
    """The symbols of one notation preset for one spec's network, and what each names."""

    def __init__(self, spec: Spec, notation: str) -> None:
        self.spec, self.notation = spec, notation
        net = self.net = spec.network
        sym = self.sym = preset(notation, net)
        self.scalar: dict[Canon, tuple[str, str, int]] = {}  # canon -> (role, name or label, sign)
        self.layers: dict[Canon, tuple[str, int]] = {}  # canon -> (kind, layer) for W^{(l)}, o^{(l)}, …
        self.cost_names: set[str] = set()
        self.cost_sub = ""  # E_{total}: the cost's own subscript, part of its name
        for layer in range(net.depth + 1):
            for name in net.neurons(layer):
                if layer:
                    self._add(sym.i(name), ("input", name, 1))
                    self._add(sym.o(name), ("output", name, 1))
                    delta = _symbol(sym.delta(name))
                    if isinstance(delta, n.Neg):  # Mitchell's (−δ_n): δ_n itself is the error term
                        self._add_node(delta.value, ("delta", name, -1))
                    else:
                        self._add_node(delta, ("delta", name, 1))
                else:
                    self._add(sym.o(name), ("x", name, 1))
        for j, name in enumerate(net.neurons(net.depth), start=1):
            self._add(sym.answer(str(j)), ("output", name, 1))
            self._add(sym.expected(j), ("expected", name, 1))
            # exp_{L1}: the expected value named by its neuron, as the seed article writes it
            self._alias_sub(sym.expected(j), name)
        for p in net.parameters:
            self._add(sym.param(p.label), ("param", p.label, 1))
            self._add(sym.updated(p.label), ("updated", p.label, 1))
        cost = _symbol(sym.C)
        assert isinstance(cost, n.Sym)
        self.cost_names.add(cost.name)
        self.cost_sub = canon(cost)[1]
        self._add(sym.C, ("cost", "", 1))
        self._add(r"\eta", ("eta", "", 1))
        for layer in range(net.depth + 1):
            for kind in ("W", "b", "i", "o", "delta"):
                if kind in ("W", "b") and layer == 0:
                    continue
                node = _symbol(sym.layer_symbol(kind, layer))
                sign = 1
                if isinstance(node, n.Neg):
                    node, sign = node.value, -1
                if isinstance(node, n.Sym):
                    self.layers[canon(node)] = (kind, layer * sign)
        # the whole answer, input and target as vectors: y = (…), x = (…), exp = (…)
        self.vectors: dict[Canon, str] = {}
        for kind, latex in (("output", sym.answer_vector), ("x", sym.input_vector),
                            ("expected", sym.expected_vector)):
            node = _symbol(latex)
            if isinstance(node, n.Sym):
                self.vectors.setdefault(canon(node), kind)
        self._capitals()

    # ------------------------------------------------------------ building the table

    def _add(self, latex: str, role: tuple[str, str, int]) -> None:
        self._add_node(_symbol(latex), role)

    def _add_node(self, node: n.Node, role: tuple[str, str, int]) -> None:
        if isinstance(node, n.Pow) and node.exponent == "+" and isinstance(node.base, n.Sym):
            base = node.base  # Nielsen's (w^{2}_{11})^{+}
            node = n.Sym(base.name, base.sub, (base.sup + "+"), base.primes)
        if isinstance(node, n.Sym):
            self.scalar.setdefault(canon(node), role)

    def _alias_sub(self, latex: str, neuron: str) -> None:
        node = _symbol(latex)
        if isinstance(node, n.Sym):
            role = self.scalar[canon(node)]
            self.scalar.setdefault((node.name, neuron.lower(), node.sup, node.primes), role)

    def _capitals(self) -> None:
        """O_{h1} and I_{L1} for o and i: documents capitalise the seed's letters."""
        for (name, sub, sup, primes), role in list(self.scalar.items()):
            if len(name) == 1 and name.islower():
                self.scalar.setdefault((name.upper(), sub, sup, primes), role)

    # ------------------------------------------------------------ reading a left-hand side

    def role(self, node: n.Node) -> tuple[str, str, int] | None:
        """What a single symbol names: (role, neuron or label, sign), or None."""
        if isinstance(node, n.Pow) and node.exponent == "+" and isinstance(node.base, n.Sym):
            base = node.base
            node = n.Sym(base.name, base.sub, base.sup + "+", base.primes)
        if isinstance(node, n.Sym):
            found = self.scalar.get(canon(node))
            if found is None and node.sup.endswith("+"):  # o^{+}_{L1}, C^{+}: after the step
                before = self.scalar.get(canon(n.Sym(node.name, node.sub, node.sup[:-1], node.primes)))
                if before is not None and before[0] in ("input", "output", "cost"):
                    return (f"after.{before[0]}", before[1], before[2])
            return found
        return None

    def sigma(self, head: n.Node | None) -> Callable[[mpmath.mpf], mpmath.mpf] | None:
        """What σ means in an equation about `head`: the activation of the neuron it names
        (o_{h1} = σ(i_{h1}) = σ(0.37) = … in a tanh layer is tanh), or None where it names no
        neuron (σ is then the logistic function, as most worked examples use it)."""
        named = self.named(head) if head is not None else None
        if named is None or len(named.keys) != 1:
            return None
        neuron, net = named.keys[0].rpartition(".")[2], self.net
        layer = next((k for k in range(1, net.depth + 1) if neuron in net.neurons(k)), None)
        if layer is None:
            return None
        act = ACTIVATIONS[net.activations[layer - 1]]
        slope = mpmath.mpf(net.leaky_slope.numerator) / net.leaky_slope.denominator
        if act.vector or act.mpmath_form is None:
            return _no_elementwise_sigma
        form = act.mpmath_form
        return lambda x: form(x, slope)

    def is_cost(self, node: n.Node) -> bool:
        """C, or a share of it: C_{oL1} (the part routed through L1)."""
        return isinstance(node, n.Sym) and node.name in self.cost_names and not node.sup and not node.primes

    def named(self, node: n.Node) -> Named | None:
        """What the left-hand side `node` names, or None."""
        sign = 1
        if isinstance(node, n.Neg):
            inner = self.named(node.value)
            return None if inner is None else Named(inner.keys, inner.shape, inner.given, -inner.sign)
        role = self.role(node)
        if role is not None:
            return self._scalar(role)
        if isinstance(node, n.Partial):
            return self._partial(node.top, node.bottom)
        if isinstance(node, n.Call) and node.func == "sigma" and node.primes == 1:
            arg = self.role(node.arg)
            if arg is not None and arg[0] in ("input", "output"):
                return Named((f"activation_derivative.{arg[1]}",))
            return self._layer_vector(node.arg, "activation_derivative")
        if isinstance(node, n.Mul) and len(node.factors) == 2:
            return self._product(*node.factors)
        if isinstance(node, n.Pow) and isinstance(node.base, n.Sym) and node.base.name == "e" \
                and isinstance(node.exponent, n.Node):
            arg = self.role(node.exponent)
            if arg is not None and arg[0] == "input":
                return Named((f"exponential.{arg[1]}",))
        if isinstance(node, n.Add) and len(node.terms) == 2:
            (s1, a), (s2, b) = node.terms
            ra, rb = self.role(a), self.role(b)
            if s1 == 1 and s2 == -1 and ra and rb and ra[0] == "output" and rb[0] == "expected" \
                    and ra[1] == rb[1]:
                return Named((f"error.{ra[1]}",))
        if isinstance(node, n.Pow) and node.exponent == "+" and self._layer_of(node.base) is not None:
            kind, layer = self._layer_of(node.base)  # (W^{(1)})^{+}: the layer's updated weights
            return self._layer_named(kind, layer, "updated") if kind in ("W", "b") else None
        if isinstance(node, n.Gradient) and self.is_cost(node.of):
            return self._layer_vector(_subscript_node(node.sub), "cost_derivative")
        return self._layer(node, sign)

    def _scalar(self, role: tuple[str, str, int]) -> Named | None:
        kind, name, sign = role
        spec, net = self.spec, self.net
        if kind in ("input", "output", "delta"):
            return Named((f"{kind}.{name}",), sign=sign)
        if kind == "updated":
            return Named((f"updated.{name}",))
        if kind == "cost":
            return Named(("cost",))
        if kind == "after.cost":
            return Named(("after.cost",))
        if kind in ("after.input", "after.output"):
            return Named((f"{kind}.{name}",))
        if kind == "param":
            return Named((f"param.{name}",), given=(net.parameter(name).value,))
        if kind == "x":
            j = net.neurons(0).index(name)
            return Named((f"input.{name}",), given=(spec.sample.input[j],))
        if kind == "expected":
            j = net.neurons(net.depth).index(name)
            return Named((f"expected.{name}",), given=(spec.sample.expected[j],))
        if kind == "eta":  # a spec without a learning rate gives no η to read
            return Named(("learning_rate",), given=(spec.learning_rate,)) if spec.steps_taken else None
        return None

    def _partial(self, top: n.Node, bottom: n.Node) -> Named | None:
        low = self.role(bottom)
        if self.is_cost(top):
            if low is None:
                layer = self._layer_of(bottom)
                if layer is None:
                    return None
                kind, at = layer
                keys = {"W": "gradient", "b": "gradient", "o": "cost_derivative", "i": "delta"}.get(kind)
                return None if keys is None else self._layer_named(kind, at, keys)
            kind, name, _ = low
            share = canon(top)[1] not in ("", self.cost_sub)  # C_{oL1}: the part through L1
            if share and not (kind == "input" and name.lower() in top.sub.lower()):
                return None  # a share of the cost through one neuron is δ only at that neuron
            return {"param": Named((f"gradient.{name}",)), "output": Named((f"cost_derivative.{name}",)),
                    "input": Named((f"delta.{name}",))}.get(kind)
        up = self.role(top)
        if up and low and up[0] == "output" and low[0] == "input" and up[1] == low[1]:
            return Named((f"activation_derivative.{up[1]}",))
        return None

    def _product(self, a: n.Node, b: n.Node) -> Named | None:
        """η ∂C/∂p (the step) and Δp (the change)."""
        if self.role(a) == ("eta", "", 1) and isinstance(b, n.Partial) and self.is_cost(b.top):
            low = self.role(b.bottom)
            if low and low[0] == "param":
                return Named((f"step.{low[1]}",))
        if isinstance(a, n.Sym) and a.name == "Delta" and not a.sub:
            low = self.role(b)
            if low and low[0] == "param":
                return Named((f"change.{low[1]}",))
        return None

    # ------------------------------------------------------------ whole layers (matrix form)

    def _layer_of(self, node: n.Node) -> tuple[str, int] | None:
        if isinstance(node, n.Sym):
            return self.layers.get(canon(node))
        return None

    def _vector(self, node: n.Node) -> Named | None:
        """y, x or exp as a whole: the last layer's outputs, the inputs, the targets."""
        kind = self.vectors.get(canon(node)) if isinstance(node, n.Sym) else None
        net, spec = self.net, self.spec
        if kind == "output":
            return Named(tuple(f"output.{m}" for m in net.neurons(net.depth)), (net.layers[-1], 1))
        if kind == "x":
            return Named(tuple(f"input.{m}" for m in net.neurons(0)), (net.layers[0], 1),
                         tuple(spec.sample.input))
        if kind == "expected":
            return Named(tuple(f"expected.{m}" for m in net.neurons(net.depth)), (net.layers[-1], 1),
                         tuple(spec.sample.expected))
        return None

    def _layer(self, node: n.Node, sign: int) -> Named | None:
        found = self._layer_of(node)
        if found is None:
            return self._vector(node)
        kind, layer = found
        if layer < 0:  # Mitchell's (−δ^{(l)}): δ^{(l)} is the error terms
            kind, layer, sign = kind, -layer, -sign
        key = {"W": "param", "b": "param", "i": "input", "o": "output", "delta": "delta"}[kind]
        named = self._layer_named(kind, layer, key)
        return None if named is None else Named(named.keys, named.shape, named.given, sign)

    def _layer_vector(self, node: n.Node, key: str) -> Named | None:
        found = self._layer_of(node)
        if found is None or found[0] not in ("i", "o"):
            return None
        return self._layer_named(found[0], abs(found[1]), key)

    def _layer_named(self, kind: str, layer: int, key: str) -> Named | None:
        net, spec = self.net, self.spec
        if kind in ("W", "b"):
            if kind == "W":
                rows = [[f"{key}.{w.label}" for w in net.weights_into(layer, j)]
                        for j in range(net.layers[layer])]
            else:
                biases = [net.bias_of(layer, j) for j in range(net.layers[layer])]
                if any(b is None for b in biases):
                    return None
                labels = list(dict.fromkeys(b.label for b in biases))  # a shared bias is one number
                rows = [[f"{key}.{label}"] for label in labels]
            keys = tuple(k for row in rows for k in row)
            given = tuple(net.parameter(k.split(".")[1]).value for k in keys) if key == "param" else None
            return Named(keys, (len(rows), len(rows[0])), given)
        names = net.neurons(layer)
        if layer == 0:
            return Named(tuple(f"input.{m}" for m in names), (len(names), 1), tuple(spec.sample.input))
        return Named(tuple(f"{key}.{m}" for m in names), (len(names), 1))


def _no_elementwise_sigma(x: mpmath.mpf) -> mpmath.mpf:
    raise Unknown("σ of one input of a softmax layer (it needs the whole layer)")


def _subscript_node(sub: str) -> n.Node:
    """∇_{o^{(2)}}: the flat subscript o^(2) as the symbol it was."""
    m = re.fullmatch(r"([A-Za-z]+)\^(.*)", sub)
    return n.Sym(m.group(1), "", m.group(2)) if m else n.Sym(sub)


def detect(spec: Spec, heads: list[n.Node]) -> str:
    """The preset whose symbols name most of the left-hand sides `heads` (the seed's on a tie)."""
    scores = {}
    for name in PRESETS:
        names = Names(spec, name)
        scores[name] = sum(1 for h in heads if names.named(h) is not None)
    return max(PRESETS, key=lambda name: (scores[name], name == "seed"))
