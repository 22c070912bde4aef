"""The symbolic engine's derivation compiled once, for runs of many steps.

A run of 10,000 steps puts numbers into the same derived expressions 10,000 times.
`symbolic.evaluate` walks the expression trees with mpmath, which is right for one
step and far too slow for a run. Here the derivation's own local expressions — i and
o of every neuron, the cost, δ of every neuron (reusing the δ's of the layer after)
and every ∂C/∂p, the very expressions `symbolic.evaluate` substitutes into — are
printed once by SymPy as the straight-line body of one Python function and compiled.
A subexpression that several of them share (the e^-i of a sigmoid, which o = σ(i)
and σ′(i) both contain) is assigned once and reused, like `evaluate`'s memo.

The function computes with gmpy2's MPFR numbers at the precision in force (see
`Compiled.digits`): a few hundred nanoseconds an operation where mpmath takes
microseconds. Nothing of the numeric core is used, and no float64 arithmetic: the
spec's numbers enter as exact rationals rounded once to the working precision.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

import gmpy2
import sympy
from sympy.printing.pycode import PythonCodePrinter

from explainer.engines.symbolic import Derivation
from explainer.functions import ACTIVATIONS


class _Printer(PythonCodePrinter):
    """Python source for MPFR numbers: rationals stay exact (mpq) until they meet an MPFR
    number, and the functions are gmpy2's."""

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"mpq({expr.p}, {expr.q})"

    def _print_Float(self, expr: sympy.Float) -> str:  # no derivation holds one; exact all the same
        return f"mpfr(mpq({sympy.Rational(expr).p}, {sympy.Rational(expr).q}))"

    def _print_exp(self, expr: sympy.Expr) -> str:
        return f"exp({self._print(expr.args[0])})"

    def _print_log(self, expr: sympy.Expr) -> str:
        return f"log({self._print(expr.args[0])})"

    def _print_tanh(self, expr: sympy.Expr) -> str:
        return f"tanh({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr: sympy.Expr) -> str:
        return f"heaviside({self._print(expr.args[0])})"


def _heaviside(u: gmpy2.mpfr) -> gmpy2.mpfr | int:
    return 1 if u > 0 else 0 if u < 0 else gmpy2.mpq(1, 2)


_NAMESPACE = {"exp": gmpy2.exp, "log": gmpy2.log, "tanh": gmpy2.tanh, "mpq": gmpy2.mpq, "mpfr": gmpy2.mpfr,
              "heaviside": _heaviside}


class _Program:
    """Straight-line code: each expression assigned to a variable, each shared
    subexpression once (across all the groups emitted, not only within one)."""

    def __init__(self) -> None:
        self.pairs: list[tuple[sympy.Symbol, sympy.Expr]] = []  # what to assign, in order
        self.known: dict[sympy.Expr, sympy.Symbol] = {}  # a full expression → the variable holding it
        self._full: dict[sympy.Symbol, sympy.Expr] = {}  # a shared subexpression's variable → its full form
        self._fresh = (sympy.Symbol(f"c{k}") for k in itertools.count())

    def emit(self, pairs: Iterable[tuple[sympy.Symbol, sympy.Expr]]) -> None:
        """`symbol = expression` for each pair; the expressions may use any symbol assigned before."""
        pairs = list(pairs)
        exprs = [e.xreplace(self.known) for _, e in pairs]
        shared, reduced = sympy.cse(exprs, symbols=self._fresh, order="none")
        for symbol, sub in shared:
            self.pairs.append((symbol, sub))
            self._full[symbol] = sub.xreplace(self._full)
            self.known[self._full[symbol]] = symbol
        for (target, full), body in zip(pairs, reduced, strict=True):
            self.pairs.append((target, body))
            if not full.is_Symbol:
                self.known.setdefault(full, target)

    def function(self, arguments: list[sympy.Symbol], result: object, upto: int | None = None) -> Callable:
        """A Python function of `arguments` that makes the first `upto` assignments (all of
        them by default) and returns `result`, compiled by SymPy's lambdify."""
        steps = self.pairs[:upto]
        return sympy.lambdify(arguments, result, modules=[_NAMESPACE], printer=_Printer,
                              cse=lambda _: (steps, result), docstring_limit=0)


@dataclass(frozen=True)
class Compiled:
    """One sample's pass, compiled from a derivation.

    `gradient(*θ, *x, *exp)` returns (C, (∂C/∂p in label order), s), `cost(*θ, *x, *exp)`
    returns C and `outputs(*θ, *x, *exp)` the last layer's outputs, where θ are the
    parameters in label order, x the sample's inputs and exp its expected values, all
    MPFR numbers; s is the largest saturation·|i| over the sigmoid, tanh and softmax
    neurons (0 without any), from which `precision.lost_digits` tells how close an output
    came to its bound. All compute at the precision of gmpy2's context in force when
    they are called.
    """

    gradient: Callable
    cost: Callable
    outputs: Callable


def compile_derivation(d: Derivation) -> Compiled:
    """Print and compile the derivation's expressions (see the module docstring)."""
    net = d.network
    arguments = [d.symbol[p.label] for p in net.parameters]
    arguments += [d.symbol[f"x{j + 1}"] for j in range(net.layers[0])]
    arguments += [d.symbol[f"exp{j + 1}"] for j in range(net.layers[-1])]
    program = _Program()
    for n in net.neurons(0):  # an input neuron passes x on: i and o are x itself
        program.known[d.i[n]] = program.known[d.o[n]] = d.symbol[n]
    saturating = []
    for layer in range(1, net.depth + 1):
        names = net.neurons(layer)
        program.emit((d.i[n], d.input_expr[n]) for n in names)
        # Each e^(±i) (or tanh) that o and σ′ share, once: o here, σ′ inside δ further down.
        program.emit((sympy.Dummy(), f) for f in _transcendental(
            [d.output_expr[n] for n in names] + [d.activation_derivative_expr[n] for n in names]))
        program.emit((d.o[n], d.output_expr[n]) for n in names)
        rate = ACTIVATIONS[net.activations[layer - 1]].saturation
        saturating += [rate * sympy.Abs(d.i[n]) for n in names if rate]
    cost = sympy.Symbol("C")
    program.emit([(cost, d.cost_expr)])
    forward = len(program.pairs)
    for layer in range(net.depth, 0, -1):
        program.emit((d.delta[n], d.delta_expr[n]) for n in net.neurons(layer))
    labels = [p.label for p in net.parameters]
    gradients = [sympy.Symbol(f"gradient_{label}") for label in labels]
    program.emit(zip(gradients, (d.gradient_expr[label] for label in labels), strict=True))
    saturation = sympy.Max(*saturating, evaluate=False) if saturating else sympy.Integer(0)
    outputs = tuple(d.o[n] for n in net.neurons(net.depth))
    return Compiled(program.function(arguments, (cost, tuple(gradients), saturation)),
                    program.function(arguments, cost, forward), program.function(arguments, outputs, forward))


def _transcendental(exprs: list[sympy.Expr]) -> list[sympy.Expr]:
    """The exponentials, logarithms and hyperbolic tangents in the expressions, in a fixed order."""
    found = set().union(*(e.atoms(sympy.exp, sympy.log, sympy.tanh) for e in exprs))
    return sorted(found, key=sympy.default_sort_key)


def number(q: Fraction) -> gmpy2.mpfr:
    """An exact spec number, rounded once to the precision in force."""
    return gmpy2.mpfr(gmpy2.mpq(q.numerator, q.denominator))
