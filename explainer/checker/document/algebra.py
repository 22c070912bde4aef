"""Formulas in a document's symbols as SymPy expressions in the derivation's, so that a
formula can be compared with what the symbolic engine derived.

`Algebra.expression` turns a tree into an expression: a neuron's i, o and δ and the
parameters become the derivation's symbols, σ, exp, tanh and ln their SymPy functions,
and a ∂ fraction the derivative it names (∂C/∂o_{L1} the derivation's ∂C/∂o of L1,
∂i_{L1}/∂w_5 the derivative of L1's input). `Algebra.same` says whether two expressions
are equal once every output o is written as σ of its input. `Algebra.quantity` names a
left-hand side by what it equals: 2 (o_{L1} − exp_1) is ∂C/∂o of L1 for the sum of
squares, whatever the notation calls it.
"""

from __future__ import annotations

from functools import cached_property

import sympy

from explainer.checker.document import nodes as n
from explainer.checker.document.latex import parse
from explainer.checker.document.names import Names
from explainer.engines import symbolic

ETA, COST, AFTER_COST = sympy.symbols("eta C C_after", real=True)


def after_symbol(kind: str, neuron: str) -> sympy.Symbol:
    """A neuron's input or output in the forward pass after the step."""
    return sympy.Symbol(f"{kind}_after_{neuron}", real=True)


_FUNCTIONS = {"sigma": lambda x: 1 / (1 + sympy.exp(-x)), "exp": sympy.exp, "tanh": sympy.tanh,
              "ln": sympy.log, "relu": lambda x: sympy.Max(x, 0)}


class Algebra:
    """The derivation of one network, and formulas read in one notation's symbols."""

    def values(self, step: symbolic.SymbolicStep) -> dict[sympy.Symbol, sympy.Expr]:
        """Every symbol an expression can hold, with its value in `step` (the true values);
        without a learning rate, nothing of the step after the gradients (η, p⁺, the pass after)."""
        d, spec, net = self.d, self.names.spec, self.names.net
        v, a = step.values, step.after
        out: dict[sympy.Symbol, sympy.Expr] = {COST: v.cost}
        if a is not None:
            out |= {ETA: symbolic.rational(spec.learning_rate), AFTER_COST: a.cost}
        out |= {d.symbol[label]: value for label, value in step.parameters.items()}
        out |= {d.symbol[x]: symbolic.rational(value) for x, value in zip(net.neurons(0), spec.sample.input,
                                                                          strict=True)}
        out |= {d.symbol[f"exp{j + 1}"]: symbolic.rational(e) for j, e in enumerate(spec.sample.expected)}
        for layer in range(net.depth + 1):
            for m in net.neurons(layer):
                out |= {d.i[m]: v.input[m], d.o[m]: v.output[m]}
                if a is not None:
                    out |= {after_symbol("input", m): a.input[m], after_symbol("output", m): a.output[m]}
                if m in v.delta:
                    out[d.delta[m]] = v.delta[m]
        return out

    def __init__(self, names: Names, derivation: symbolic.Derivation | None = None) -> None:
        self.names = names
        self.d = derivation or symbolic.derive(names.net)

    @cached_property
    def _outputs(self) -> dict[sympy.Symbol, sympy.Expr]:
        """o of every neuron after the inputs, as σ of its own input; an input neuron's i and o
        are its value x."""
        net, d = self.names.net, self.d
        out = {d.o[m]: d.output_expr[m] for layer in range(1, net.depth + 1) for m in net.neurons(layer)}
        return out | {s[x]: d.symbol[x] for x in net.neurons(0) for s in (d.o, d.i)}

    def expression(self, node: n.Node) -> sympy.Expr | None:
        """The formula as an expression in the derivation's symbols, or None."""
        try:
            return self._expr(node)
        except (KeyError, TypeError, ValueError):
            return None

    def _expr(self, node: n.Node) -> sympy.Expr:
        d = self.d
        if isinstance(node, n.Num):
            return sympy.Rational(node.value.numerator, node.value.denominator)
        if isinstance(node, n.Sym) and node.name == "e" and not node.sub:
            return sympy.E
        if isinstance(node, n.Sym | n.Pow) and self.names.role(node) is not None:
            role, name, sign = self.names.role(node)  # type: ignore[misc]
            last = self.names.net.neurons(self.names.net.depth)
            value = {"input": lambda: d.i[name], "output": lambda: d.o[name], "delta": lambda: d.delta[name],
                     "param": lambda: d.symbol[name], "x": lambda: d.symbol[name],
                     "expected": lambda: d.symbol[f"exp{last.index(name) + 1}"],
                     "eta": lambda: ETA, "cost": lambda: COST, "after.cost": lambda: AFTER_COST,
                     "after.input": lambda: after_symbol("input", name),
                     "after.output": lambda: after_symbol("output", name)}[role]()
            return sign * value
        if isinstance(node, n.Partial):
            return self._partial(node)
        if isinstance(node, n.Sum):
            return sympy.Add(*[self._expr(term) for term in self._terms(node)])
        if isinstance(node, n.Call):
            if node.primes == 1 and node.func == "sigma":
                role = self.names.role(node.arg)
                if role is None or role[0] not in ("input", "output"):
                    raise ValueError("σ′ of something that is not a neuron's")
                return d.activation_derivative_expr[role[1]]
            if node.primes:
                raise ValueError("a derivative of a function other than σ")
            if node.func == "sigma":  # σ of a neuron's input is that neuron's activation
                role = self.names.role(node.arg)
                if role is not None and role[0] == "input" and role[1] in d.output_expr:
                    return d.output_expr[role[1]]
            return _FUNCTIONS[node.func](self._expr(node.arg))
        if isinstance(node, n.Add):
            return sympy.Add(*[sign * self._expr(term) for sign, term in node.terms])
        if isinstance(node, n.Mul) and not node.elementwise:
            return sympy.Mul(*[self._expr(f) for f in node.factors])
        if isinstance(node, n.Div):
            return self._expr(node.top) / self._expr(node.bottom)
        if isinstance(node, n.Neg):
            return -self._expr(node.value)
        if isinstance(node, n.Pow) and isinstance(node.exponent, n.Node):
            return self._expr(node.base) ** self._expr(node.exponent)
        raise ValueError(f"no expression for {type(node).__name__}")

    def _terms(self, node: n.Sum) -> list[n.Node]:
        """Σ written out: over the parameters (Σ_p, p the generic parameter) or over the
        output neurons (Σ_j, every subscript j or L_j made 1, 2, …)."""
        net, sym = self.names.net, self.names.sym
        if node.index == "p":
            def put(label: str):
                def f(s: n.Sym) -> n.Node:
                    return parse(sym.param(label)) if (s.name, s.sub) == ("p", "") else s
                return f
            # Σ_p of a gradient step runs over the parameters it moves (a frozen one stays).
            moved = [p for p in net.parameters if p.label not in self.names.spec.frozen]
            return [n.replace_symbols(node.body, put(p.label)) for p in moved]
        if len(node.index) == 1:
            def at(j: int):
                def f(s: n.Sym) -> n.Node:
                    # exp_k, o_{L_k}, and net-out's target_{o_k}: a last-layer neuron's number
                    if s.sub.lower() in (node.index, f"l{node.index}", f"o{node.index}"):
                        return n.Sym(s.name, s.sub[:-1] + str(j), s.sup, s.primes)
                    return s
                return f
            return [n.replace_symbols(node.body, at(j)) for j in range(1, net.layers[-1] + 1)]
        raise ValueError(f"a sum over {node.index}")

    def _partial(self, node: n.Partial) -> sympy.Expr:
        d, names = self.d, self.names
        named = names.named(node)
        if named is not None and len(named.keys) == 1:
            kind, _, name = named.keys[0].partition(".")
            return {"gradient": lambda: d.gradient_expr[name],
                    "cost_derivative": lambda: d.output_derivative_expr[name], "delta": lambda: d.delta[name],
                    "activation_derivative": lambda: d.activation_derivative_expr[name]}[kind]()
        top, bottom = names.role(node.top), names.role(node.bottom)
        if top is None or bottom is None or top[0] != "input":
            raise ValueError("a derivative this reader cannot name")
        return sympy.diff(d.input_expr[top[1]], self._expr(node.bottom))

    def same(self, a: sympy.Expr, b: sympy.Expr) -> bool:
        """Whether two expressions are equal, every δ written out (from the δ's after it, down
        to the cost) and every o written as σ of its input."""
        difference = self.expanded(a - b).xreplace(self._outputs)
        return sympy.simplify(difference) == 0

    def expanded(self, expr: sympy.Expr) -> sympy.Expr:
        """`expr` with every δ replaced by what it is (backpropagation undone)."""
        deltas = {self.d.delta[m]: e for m, e in self.d.delta_expr.items()}
        for _ in range(self.names.net.depth + 1):  # one layer of δ's per round
            if not expr.free_symbols & deltas.keys():
                break
            expr = expr.xreplace(deltas)
        return expr

    def quantity_expression(self, key: str) -> sympy.Expr | None:
        """The derivation's expression of a claims key (∂C/∂w5 → its chain-rule product)."""
        d = self.d
        kind, _, name = key.partition(".")
        found = {"gradient": d.gradient_expr, "cost_derivative": d.output_derivative_expr,
                 "delta": d.delta_expr, "activation_derivative": d.activation_derivative_expr,
                 "input": d.input_expr, "output": d.output_expr}.get(kind, {})
        if key == "cost":
            return d.cost_expr
        return found.get(name)

    def quantity(self, node: n.Node) -> str | None:
        """The claims key of the quantity `node` equals (of a neuron it mentions), or None."""
        mine = self.expression(node)
        if mine is None:
            return None
        d, net = self.d, self.names.net
        mentioned = {self.names.role(s)[1] for s in n.symbols(node) if self.names.role(s) is not None}
        last = net.neurons(net.depth)
        for layer in range(1, net.depth + 1):
            for name in net.neurons(layer):
                if name not in mentioned:
                    continue
                candidates = {"cost_derivative": d.output_derivative_expr[name],
                              "activation_derivative": d.activation_derivative_expr[name],
                              "input": d.input_expr[name]}
                if name in last:
                    candidates["error"] = d.o[name] - d.symbol[f"exp{last.index(name) + 1}"]
                for kind, expr in candidates.items():
                    if self.same(mine, expr):
                        return f"{kind}.{name}"
        return None
