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
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from functools import cached_property

import gmpy2
import sympy
from sympy.printing.pycode import PythonCodePrinter

from explainer.engines.symbolic import Derivation
from explainer.functions import ACTIVATIONS
from explainer.spec import Sample


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
        reduced = self._shared([e for _, e in pairs])
        for (target, full), body in zip(pairs, reduced, strict=True):
            self.pairs.append((target, body))
            if not full.is_Symbol:
                self.known.setdefault(full, target)

    def share(self, exprs: list[sympy.Expr]) -> None:
        """Assign once what several of `exprs` have in common (e^-i and 1 + e^-i in o = σ(i) and
        in σ′(i)), without assigning the expressions themselves: those that use it later find
        it in `known`."""
        self._shared(exprs)

    def _shared(self, exprs: list[sympy.Expr]) -> list[sympy.Expr]:
        """Assign what the expressions have in common (and is not known yet) once; return
        them written with it."""
        shared, reduced = sympy.cse([e.xreplace(self.known) for e in exprs], symbols=self._fresh, order="none")
        for symbol, sub in shared:
            self.pairs.append((symbol, sub))
            self._full[symbol] = sub.xreplace(self._full)
            self.known[self._full[symbol]] = symbol
        return reduced

    def function(self, arguments: list[sympy.Symbol], result: object, upto: int | None = None) -> Callable:
        """A Python function of `arguments` that makes the first `upto` assignments (all of
        them by default) and returns `result`, compiled by SymPy's lambdify."""
        steps = self.pairs[:upto]
        return sympy.lambdify(arguments, result, modules=[_NAMESPACE], printer=_Printer,
                              cse=lambda _: (steps, result), docstring_limit=0)


class Compiled:
    """One sample's pass, and whole steps, compiled from a derivation, each when first asked for.

    `gradient(*θ, *x, *exp)` returns (C, (∂C/∂p in label order), s), `cost(*θ, *x, *exp)`
    returns C and `outputs(*θ, *x, *exp)` the last layer's outputs, where θ are the
    parameters in label order, x the sample's inputs and exp its expected values, all
    MPFR numbers; s is the largest saturation·|i| over the sigmoid, tanh and softmax
    neurons (0 without any), from which `precision.lost_digits` tells how close an
    output came to its bound. `step(batch)` compiles a whole gradient-descent step over
    `batch` samples (see `_step`). All compute at the precision of gmpy2's context in
    force when they are called.
    """

    def __init__(self, d: Derivation) -> None:
        self.derivation = d

    @cached_property
    def _one(self) -> tuple[_Program, list, sympy.Symbol, list, list]:
        program = _Program()
        return (program, *_pass(program, self.derivation))

    def _arguments(self) -> list[sympy.Symbol]:
        d = self.derivation
        return [d.symbol[p.label] for p in d.network.parameters] + self._one[1]

    def _forward(self) -> int:
        """How many of the pass's assignments the forward pass and the cost take."""
        program, _, cost, _, _ = self._one
        return next(k for k, (target, _) in enumerate(program.pairs) if target == cost) + 1

    @cached_property
    def gradient(self) -> Callable:
        program, _, cost, gradients, saturating = self._one
        return program.function(self._arguments(), (cost, tuple(gradients), _largest(saturating)))

    @cached_property
    def cost(self) -> Callable:
        program, _, cost, _, _ = self._one
        return program.function(self._arguments(), cost, self._forward())

    @cached_property
    def outputs(self) -> Callable:
        d = self.derivation
        last = tuple(d.o[n] for n in d.network.neurons(d.network.depth))
        return self._one[0].function(self._arguments(), last, self._forward())

    def step(self, samples: Sequence[Sample], fold: bool = True) -> tuple[Callable, list[Fraction]]:
        """A whole step over `samples` (see `_step`), and the numbers it takes as arguments."""
        return _step(self.derivation, samples, fold)


def compile_derivation(d: Derivation) -> Compiled:
    """The derivation's expressions, to be printed and compiled as they are asked for."""
    return Compiled(d)


def _pass(program: _Program, d: Derivation, copy: int | None = None,
          sample: Sample | None = None) -> tuple[list, sympy.Symbol, list, list]:
    """Emit one sample's forward and backward pass (with its own copy of every neuron's
    symbols when `copy` is given); return its arguments x and exp, the cost's symbol, the
    gradients' symbols (label order), and the saturation terms. The values of `sample`
    that are integers (XOR's 0s and 1s) are written into the code, where SymPy's
    arithmetic drops what they make vanish (w·0, 1·δ); they are no arguments then."""
    net = d.network

    def own(symbol: sympy.Symbol) -> sympy.Symbol:
        return symbol if copy is None else sympy.Symbol(f"{symbol.name}_{copy}")

    data = [d.symbol[f"x{j + 1}"] for j in range(net.layers[0])] + [d.symbol[f"exp{j + 1}"]
                                                                    for j in range(net.layers[-1])]
    local = {s: own(s) for s in (*d.i.values(), *d.o.values(), *d.delta.values(), *data)}
    if sample is not None:
        for s, value in zip(data, (*sample.input, *sample.expected), strict=True):
            if value.denominator == 1:
                local[s] = sympy.Integer(value.numerator)

    def here(expr: sympy.Expr) -> sympy.Expr:
        return expr.xreplace(local)

    for n in net.neurons(0):  # an input neuron passes x on: i and o are x itself
        program.known[local[d.i[n]]] = program.known[local[d.o[n]]] = local[d.symbol[n]]
    saturating = []
    for layer in range(1, net.depth + 1):
        names = net.neurons(layer)
        program.emit((local[d.i[n]], here(d.input_expr[n])) for n in names)
        # What o and σ′ share (e^-i, 1 + e^-i), once: o here, σ′ inside δ further down.
        program.share([here(d.output_expr[n]) for n in names]
                      + [here(d.activation_derivative_expr[n]) for n in names])
        program.emit((local[d.o[n]], here(d.output_expr[n])) for n in names)
        rate = ACTIVATIONS[net.activations[layer - 1]].saturation
        saturating += [rate * sympy.Abs(local[d.i[n]]) for n in names if rate]
    cost = own(sympy.Symbol("C"))
    program.emit([(cost, here(d.cost_expr))])
    for layer in range(net.depth, 0, -1):
        program.emit((local[d.delta[n]], here(d.delta_expr[n])) for n in net.neurons(layer))
    gradients = [own(sympy.Symbol(f"gradient_{p.label}")) for p in net.parameters]
    program.emit(zip(gradients, (here(d.gradient_expr[p.label]) for p in net.parameters), strict=True))
    return [local[s] for s in data if local[s].is_Symbol], cost, gradients, saturating


def _largest(terms: list[sympy.Expr]) -> sympy.Expr:
    return sympy.Max(*terms, evaluate=False) if terms else sympy.Integer(0)


def _step(d: Derivation, samples: Sequence[Sample], fold: bool) -> tuple[Callable, list[Fraction]]:
    """step(*θ, *values, *rates) → (mean cost at θ, new θ, s, outputs): one gradient-descent
    step over the samples, θ − rate · Σ ∂C/∂θ with each parameter's rate (η / B for the
    mean of a batch's B gradients, η for their sum, or 0 for a frozen one), s as in
    `Compiled`, and each sample's last-layer outputs at θ; and `values`, the samples'
    numbers it takes as arguments (all of them, or with `fold` those that are no
    integers: see `_pass`).
    One call a step instead of one a sample and then a list update: a run's time is
    these calls."""
    net = d.network
    theta = [d.symbol[p.label] for p in net.parameters]
    rates = [sympy.Symbol(f"rate_{p.label}") for p in net.parameters]
    program, data, values, costs, gradients, saturating = _Program(), [], [], [], [], []
    for k, sample in enumerate(samples):
        x, cost, g, s = _pass(program, d, k, sample if fold else None)
        numbers = (*sample.input, *sample.expected)
        values += [v for v in numbers if not fold or v.denominator != 1]
        data += x
        costs.append(cost)
        gradients.append(g)
        saturating += s
    new = [sympy.Symbol(f"new_{p.label}") for p in net.parameters]
    program.emit((n, t - r * sympy.Add(*column))
                 for n, t, r, column in zip(new, theta, rates, zip(*gradients, strict=True), strict=True))
    total = sympy.Symbol("total")
    program.emit([(total, sympy.Add(*costs))])
    last = net.neurons(net.depth)
    outputs = tuple(tuple(sympy.Symbol(f"{d.o[n].name}_{k}") for n in last) for k in range(len(samples)))
    result = (total / len(samples), tuple(new), _largest(saturating), outputs)
    return program.function([*theta, *data, *rates], result), values


def number(q: Fraction) -> gmpy2.mpfr:
    """An exact spec number, rounded once to the precision in force."""
    return gmpy2.mpfr(gmpy2.mpq(q.numerator, q.denominator))
