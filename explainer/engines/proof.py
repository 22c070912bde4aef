"""Proving each chain-rule product equal to direct differentiation of the whole cost.

The symbolic engine derives ∂C/∂p as a product of local factors with the δ's of
the layer after reused. Here each product is checked against `sympy.diff` of the
full cost expression C(W, b, x, exp), a computation that shares nothing with the
chain rule but the forward expressions:

* exactly, where SymPy can reduce the difference to 0 (small networks: the
  products are expanded into full expressions and compared symbol by symbol);
* otherwise by evaluation with PRECISION digits at PROOF_POINTS random points:
  the chain-rule side by the derivation's own layer-by-layer evaluation (its
  local factors, δ's reused), the direct side by evaluating `sympy.diff` of the
  full cost. Large networks take this route: expanding every δ into one
  expression would cost more than the proof is worth.

Every proof says which route it took.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import mpmath
import sympy
from sympy.core.parameters import evaluate

from explainer.engines import symbolic, workers
from explainer.engines.mpeval import mp_evaluate, to_mp
from explainer.engines.precision import PRECISION
from explainer.engines.symbolic import Derivation
from explainer.spec import Network, Parameter, Sample

PROOF_POINTS = 3  # random points for the evaluation proof
EXACT_PROOF_NODES = 3200  # above this many nodes in a difference's tree, evaluate instead
EXACT_PROOF_PARAMETERS = 60  # larger networks go straight to the evaluation proof
PIECEWISE = ("relu", "leaky_relu")  # networks with these go to the evaluation proof too

EXACT = "exact"
EVALUATED = "evaluated"
# How the evaluation route computed the chain-rule side (see `prove`):
EXPANDED = "expanded"  # the product with every δ written out in w, b, x, exp
LAYERED = "layered"  # the derivation's own evaluation, layer by layer, δ's reused
# The two sides agree when their relative difference is below this: 15 of the
# PRECISION digits are allowed for rounding in evaluating either side.
AGREEMENT = mpmath.mpf(10) ** (-(PRECISION - 15))


@dataclass(frozen=True)
class Proof:
    """How a chain-rule product was shown equal to direct differentiation.

    EXACT: SymPy reduced the difference to 0. EVALUATED: both sides were evaluated at
    `points` random points with `digits` digits, the chain-rule side as `chain` says,
    and `worst` is their largest relative difference. What the JSON report writes
    about a proof is the output's business (`explainer.output.json_report`).
    """

    method: str
    holds: bool
    worst: mpmath.mpf | None = None
    chain: str = ""
    points: int = PROOF_POINTS
    digits: int = PRECISION

    @property
    def outcome(self) -> tuple[str, bool]:
        """What a walkthrough shows of the proof: its route and whether it held."""
        return self.method, self.holds


@dataclass
class _Full:
    """Expressions written out down to w, b, x, exp (no intermediate symbols)."""

    i: dict[str, sympy.Expr]
    o: dict[str, sympy.Expr]
    delta: dict[str, sympy.Expr]
    cost: sympy.Expr


def _full_expressions(d: Derivation) -> _Full:
    net = d.network
    full_i: dict[str, sympy.Expr] = {}
    full_o: dict[str, sympy.Expr] = {}
    for layer in range(net.depth + 1):
        names = net.neurons(layer)
        below = {d.o[m]: full_o[m] for m in net.neurons(layer - 1)} if layer else {}
        for n in names:
            full_i[n] = d.input_expr[n].xreplace(below)
        inputs = {d.i[n]: full_i[n] for n in names}  # softmax outputs use every input
        for n in names:
            full_o[n] = d.output_expr[n].xreplace(inputs)
    subs_o = {d.o[n]: full_o[n] for n in full_o}
    subs_i = {d.i[n]: full_i[n] for n in full_i}
    full_delta: dict[str, sympy.Expr] = {}
    for layer in range(net.depth, 0, -1):
        after = {d.delta[m]: full_delta[m] for m in net.neurons(layer + 1)} if layer < net.depth else {}
        for n in net.neurons(layer):
            full_delta[n] = d.delta_expr[n].xreplace(after).xreplace(subs_i).xreplace(subs_o)
    return _Full(full_i, full_o, full_delta, d.cost_expr.xreplace(subs_o))


def _prove(d: Derivation, p: Parameter, full: _Full, atomise: Atomiser) -> Proof:
    """Show Σ ∂i/∂p · δ (δ expanded) equals sympy.diff(C, p) of the full cost."""
    net = d.network
    subs_o = {d.o[m]: full.o[m] for m in full.o}
    chain = d.gradient_expr[p.label].xreplace(
        {d.delta[n]: full.delta[n] for n in net.neurons(p.layer)}).xreplace(subs_o)
    direct = sympy.diff(full.cost, d.symbol[p.label])
    difference = chain - direct
    # A node count, not sympy.count_ops: as good a measure of size, at a fifth of the cost.
    small = sum(1 for _ in sympy.preorder_traversal(difference)) <= EXACT_PROOF_NODES
    if small and is_identically_zero(difference, atomise):
        return Proof(EXACT, True)
    return prove_by_evaluation(chain, direct, p.label)


class Atomiser:
    """Replaces each function application (exp, tanh, log, …) by a fresh symbol,
    the same symbol wherever the same application occurs.

    One bottom-up walk, memoised on subexpressions: the differences proven for one
    network share most of their subtrees, so an `Atomiser` kept across them visits
    each shared subtree once.
    """

    def __init__(self) -> None:
        self._memo: dict[object, sympy.Expr] = {}

    def __call__(self, expr: sympy.Expr) -> sympy.Expr:
        done = self._memo.get(expr)
        if done is not None:
            return done
        if not expr.args:
            out = expr
        else:
            args = [self(a) for a in expr.args]
            unchanged = all(a is b for a, b in zip(args, expr.args, strict=True))
            if isinstance(expr, sympy.Function):
                # Keyed by the application with atomised arguments, so that
                # applications equal after their inner atoms are named share a symbol.
                application = expr if unchanged else expr.func(*args)
                out = self._memo.setdefault(("applied", application), sympy.Dummy())
            else:
                out = expr if unchanged else expr.func(*args)
        self._memo[expr] = out
        return out


def is_identically_zero(expr: sympy.Expr, atomise: Atomiser | None = None) -> bool:
    """Exact test: with each function application replaced by a fresh symbol (see
    `Atomiser`), the difference is a rational function; it is zero when its
    numerator expands to 0.

    The test is sound: if the difference vanishes for independent symbols it
    vanishes for any value they stand for. It can miss an identity that needs a
    function's own rules (then the evaluation proof is used): d/di e^u = e^u du/di
    keeps both sides rational in the e^u atoms, which covers sigmoid and softmax.
    """
    try:
        numerator, _ = sympy.fraction(sympy.together((atomise or Atomiser())(expr)))
        return sympy.expand(numerator) == 0
    except (sympy.PolynomialError, TypeError, ValueError):
        return False


def prove_by_evaluation(chain: sympy.Expr, direct: sympy.Expr, label: str) -> Proof:
    """Evaluate both sides at random points with PRECISION digits and compare.

    The expressions are compiled to mpmath code with common subexpressions shared
    (SymPy's lambdify with cse): evaluating the tree node by node with evalf would
    take minutes for a three-layer network. This stays inside the symbolic engine.
    """
    rng = random.Random(f"proof:{label}")  # fixed per parameter, so a run is repeatable
    free = sorted(chain.free_symbols | direct.free_symbols, key=str)
    both = sympy.lambdify(free, [chain, direct], modules="mpmath", cse=True)
    worst = mpmath.mpf(0)
    with mpmath.workdps(PRECISION):
        for _ in range(PROOF_POINTS):
            point = [mpmath.mpf(rng.randint(-2000, 2000)) / 1000 for _ in free]
            a, b = both(*point)
            worst = max(worst, abs(a - b) / max(1, abs(b)))
    return Proof(EVALUATED, bool(worst < AGREEMENT), worst, EXPANDED)


def _exact_route(net: Network) -> bool:
    """Whether the network's proofs try the exact zero test first (see `prove`)."""
    # ReLU's Piecewise defeats the exact zero test anyway, and writing whole layers
    # into it makes SymPy fold its conditions at every step (minutes for 2-3-3-2).
    piecewise = any(a in PIECEWISE for a in net.activations)
    return len(net.parameters) <= EXACT_PROOF_PARAMETERS and not piecewise


def start(d: Derivation, labels: list[str], behind: bool = False) -> workers.Running[Proof]:
    """Begin a proof for each labelled parameter, by the cheapest route that is sound, on
    the machine's cores, and return at once (`behind`: see `workers.start`)."""
    net = d.network
    if _exact_route(net):
        # What the proofs share is built once per worker process, on its first proof.
        shared = cache(lambda: (_full_expressions(d), Atomiser()))
        return workers.start(lambda label: _prove(d, net.parameter(label), *shared()), labels, behind)
    return workers.start(_evaluation_task(d), labels, behind)


def prove(d: Derivation, labels: list[str]) -> dict[str, Proof]:
    """A proof for each labelled parameter (see `start`), waiting for all of them."""
    with start(d, labels) as running:
        return running.results()


def expected(d: Derivation, labels: list[str]) -> dict[str, Proof]:
    """The proofs `start` is expected to return: each holds, by its network's route.

    A walkthrough shows only a proof's `outcome`, so one built with these while the
    proofs run is the one the proofs will confirm, or, if any comes out otherwise,
    the one to build again (see `pipeline.explain_and_present`).
    """
    method = EXACT if _exact_route(d.network) else EVALUATED
    return {label: Proof(method, True) for label in labels}


def _full_cost(d: Derivation) -> sympy.Expr:
    """C(W, b, x, exp) as one expression: the forward expressions substituted layer by layer.

    Built with SymPy's automatic evaluation off: substituting a whole layer into
    exp(−i) would otherwise make SymPy query assumptions of every growing argument,
    which costs more than the proofs. The unevaluated tree has the same value and the
    same derivative; `sympy.diff` works on it as on any other.
    """
    net = d.network
    full_o: dict[str, sympy.Expr] = {}
    with evaluate(False):
        for layer in range(net.depth + 1):
            names = net.neurons(layer)
            below = {d.o[m]: full_o[m] for m in net.neurons(layer - 1)} if layer else {}
            inputs = {d.i[n]: d.input_expr[n].xreplace(below) for n in names}
            for n in names:
                full_o[n] = _output_as_max(d, layer, n).xreplace(inputs)
        return d.cost_expr.xreplace({d.o[n]: full_o[n] for n in full_o})


def _output_as_max(d: Derivation, layer: int, n: str) -> sympy.Expr:
    """A neuron's output for the direct side: ReLU and leaky ReLU written with Max.

    The engine writes them as Piecewise; SymPy cannot build a Piecewise of a
    Piecewise unevaluated, and evaluated it folds the conditions at every layer.
    max(0, i) and max(i, a·i) (min for a slope above 1) are the same functions,
    and `sympy.diff` differentiates them independently of the engine's forms (away
    from the kink, where the random proof points lie).
    """
    net = d.network
    activation = net.activations[layer - 1] if layer else None
    i = d.i[n]
    if activation == "relu":
        return sympy.Max(0, i)
    if activation == "leaky_relu":
        slope = sympy.Rational(net.leaky_slope.numerator, net.leaky_slope.denominator)
        return (sympy.Max if slope <= 1 else sympy.Min)(i, slope * i)
    return d.output_expr[n]


def constants_named(expr: sympy.Expr, p: sympy.Symbol) -> tuple[sympy.Expr, dict[sympy.Symbol, sympy.Expr]]:
    """`expr` with every largest subtree free of `p` replaced by a fresh symbol, and
    what each symbol stands for.

    d/dp leaves those subtrees alone, so differentiating the reduced expression and
    substituting back gives exactly `sympy.diff(expr, p)`. SymPy's diff checks the
    free symbols of every node it visits, which makes the whole cost of a deep network
    quadratic to differentiate; most of that cost does not depend on p (for a
    first-layer weight, every hidden neuron but one), so the reduced expression is far
    smaller. The same subtree gets the same symbol wherever it occurs.
    """
    memo: dict[sympy.Expr, tuple[sympy.Expr, bool]] = {}
    named: dict[sympy.Symbol, sympy.Expr] = {}

    def walk(e: sympy.Expr) -> tuple[sympy.Expr, bool]:
        done = memo.get(e)
        if done is not None:
            return done
        if not e.args:
            out = (e, e == p)
        else:
            parts = [walk(a) for a in e.args]
            if any(depends for _, depends in parts) or not isinstance(e, sympy.Expr):
                unchanged = all(new is old for (new, _), old in zip(parts, e.args, strict=True))
                out = (e if unchanged else e.func(*(new for new, _ in parts)), True)
            else:
                name = sympy.Dummy()
                named[name] = e
                out = (name, False)
        memo[e] = out
        return out

    return walk(expr)[0], named


def _evaluation_task(d: Derivation) -> Callable[[str], Proof]:
    """The evaluation route: chain rule by the derivation's own evaluation, against
    `sympy.diff` of the full cost evaluated at the same random points. Returns the
    proof of one label; what all of them share is built once per process, on the
    first proof."""
    net = d.network

    @cache
    def shared() -> tuple[sympy.Expr, list[tuple[dict[str, sympy.Float], dict]]]:
        rng = random.Random("proof-points")
        points = []
        for _ in range(PROOF_POINTS):
            params = {p.label: sympy.Rational(rng.randint(-1000, 1000), 1000) for p in net.parameters}
            sample = Sample(tuple(Fraction(rng.randint(0, 1000), 1000) for _ in range(net.layers[0])),
                            tuple(Fraction(rng.randint(1, 999), 1000) for _ in range(net.layers[-1])))
            chain = symbolic.evaluate(d, params, sample).gradient
            values = {d.symbol[k]: v for k, v in params.items()}
            values.update({d.symbol[f"x{j + 1}"]: sympy.Rational(q.numerator, q.denominator)
                           for j, q in enumerate(sample.input)})
            values.update({d.symbol[f"exp{j + 1}"]: sympy.Rational(q.numerator, q.denominator)
                           for j, q in enumerate(sample.expected)})
            points.append((chain, {s: to_mp(v) for s, v in values.items()}))
        return _full_cost(d), points

    def one(label: str) -> Proof:
        cost, points = shared()
        symbol = d.symbol[label]
        reduced, named = constants_named(cost, symbol)
        direct = sympy.diff(reduced, symbol)
        worst = mpmath.mpf(0)
        with mpmath.workdps(PRECISION):
            for chain, values in points:
                memo: dict = {}
                values = values | {k: mp_evaluate(e, values, memo) for k, e in named.items()}
                b = mp_evaluate(direct, values, {})
                worst = max(worst, abs(to_mp(chain[label]) - b) / max(1, abs(b)))
        return Proof(EVALUATED, bool(worst < AGREEMENT), worst, LAYERED)

    return one


