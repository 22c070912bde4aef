"""The symbolic engine: the chain rule with SymPy, proven against direct differentiation.

For every neuron n the engine writes its input and output as expressions,

    i_n = Σ_k w_nk · o_k + b_n        o_n = σ(i_n),

and the whole cost C(W, b, x, exp) as one expression in the weights, biases,
inputs and expected values. Then it derives every ∂C/∂p the way the seed article
does by hand, as a product of chain-rule factors:

    last layer     ∂C/∂p = ∂i_n/∂p · ∂o_n/∂i_n · ∂C/∂o_n
    hidden layer   ∂C/∂p = ∂i_n/∂p · ∂o_n/∂i_n · Σ_m ∂i_m/∂o_n · ∂C/∂i_m

The last two factors of the first line are δ_n = ∂C/∂i_n. In the second line
∂C/∂i_m is δ_m of a neuron m in the layer after, already derived: the engine
refers to it by the symbol δ_m instead of deriving it again. That reuse is
backpropagation's dynamic programming, and why the work grows with the number of
parameters rather than with the size of the full cost expression.

Each chain-rule product can then be proven equal to `sympy.diff` of the full cost
expression (see `explainer.engines.proof`).

Values are computed from the spec's exact numbers with `PRECISION` digits, or
more where a saturated neuron's 1 − o needs them (`explainer.engines.precision`):
the engine measures that from its own neuron inputs and evaluates again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy

from explainer.engines.mpeval import mp_evaluate, to_mp
from explainer.engines.precision import PRECISION, lost_digits, working_digits
from explainer.functions import ACTIVATIONS, COSTS
from explainer.spec import Network, Sample, Spec


@dataclass
class Derivation:
    """The symbols, expressions, proofs and values of one gradient-descent step.

    Dictionaries are keyed by neuron name (x1, h1, L1, …) or parameter label
    (w1, b1, …).
    """

    network: Network
    symbol: dict[str, sympy.Symbol] = field(default_factory=dict)  # w1, b1, x1, exp1
    i: dict[str, sympy.Symbol] = field(default_factory=dict)  # i_n as a symbol
    o: dict[str, sympy.Symbol] = field(default_factory=dict)  # o_n as a symbol
    delta: dict[str, sympy.Symbol] = field(default_factory=dict)  # δ_n as a symbol
    # Local expressions: each in terms of the symbols of the step before it.
    input_expr: dict[str, sympy.Expr] = field(default_factory=dict)  # i_n from o's of the layer before
    output_expr: dict[str, sympy.Expr] = field(default_factory=dict)  # o_n = σ(i_n)
    cost_terms: list[sympy.Expr] = field(default_factory=list)  # C's terms, one per output
    cost_expr: sympy.Expr = sympy.S.Zero  # C from the last layer's o's
    # ∂C/∂o_n: from the cost for the last layer, Σ_m ∂i_m/∂o_n · δ_m for hidden layers.
    output_derivative_expr: dict[str, sympy.Expr] = field(default_factory=dict)
    activation_derivative_expr: dict[str, sympy.Expr] = field(default_factory=dict)  # ∂o_n/∂i_n
    # softmax only: jacobian_expr[n][m] = ∂o_m/∂i_n, the column δ_n sums over
    jacobian_expr: dict[str, dict[str, sympy.Expr]] = field(default_factory=dict)
    delta_expr: dict[str, sympy.Expr] = field(default_factory=dict)  # δ_n, reusing δ's after
    gradient_expr: dict[str, sympy.Expr] = field(default_factory=dict)  # ∂i_n/∂p · δ_n
    input_terms: dict[str, dict[sympy.Symbol, sympy.Expr]] = field(default_factory=dict)


@dataclass(frozen=True)
class Values:
    """Numbers of one forward and backward pass, from the symbolic expressions: SymPy
    Floats with the pass's working digits (exact Rationals where the value is a number
    from the spec)."""

    input: dict[str, sympy.Float]  # i per neuron (x for input neurons)
    output: dict[str, sympy.Float]  # o per neuron
    cost: sympy.Float
    cost_terms: tuple[sympy.Float, ...]  # one per output neuron, adding up to the cost
    output_derivative: dict[str, sympy.Float]  # ∂C/∂o per non-input neuron
    activation_derivative: dict[str, sympy.Float]
    delta: dict[str, sympy.Float]
    gradient: dict[str, sympy.Float]  # per parameter label
    jacobian: dict[str, dict[str, sympy.Float]]  # softmax: jacobian[n][m] = ∂o_m/∂i_n

    def cost_derivative(self, net: Network) -> dict[str, sympy.Float]:
        """∂C/∂o of the last layer's neurons: where the backward pass starts."""
        return {n: self.output_derivative[n] for n in net.neurons(net.depth)}


@dataclass(frozen=True)
class SymbolicStep:
    """The derivation and its numbers: before, the update, and after.

    A spec without a learning rate stops at the gradients: `updated` and `after` are None.
    """

    derivation: Derivation
    values: Values  # the first sample's forward and backward pass
    parameters: dict[str, sympy.Rational]  # the spec's values, exact
    updated: dict[str, sympy.Float] | None  # None without a learning rate
    after: Values | None  # the forward pass again, with the updated parameters
    gradient: dict[str, sympy.Float]  # what the update applies: values.gradient, or the batch's mean or sum
    sample_gradients: tuple[dict[str, sympy.Float], ...]  # per sample, in batch mode
    digits: int = PRECISION  # the working digits (more than PRECISION where a neuron saturates)

    @property
    def after_cost(self) -> sympy.Float | None:
        """The cost after the step (None when there is no step: no learning rate)."""
        return None if self.after is None else self.after.cost


# ---------------------------------------------------------------- derivation


def derive(net: Network) -> Derivation:
    """Build every expression and chain-rule product of `net`'s step.

    Deriving with reused δ's grows with the number of parameters. Proving the
    products against direct differentiation is the pipeline's decision and
    `explainer.engines.proof`'s job.
    """
    d = Derivation(net)
    _make_symbols(d)
    _forward_expressions(d)
    _backward_expressions(d, {})  # σ′ once per activation, see _derivative
    return d


def _make_symbols(d: Derivation) -> None:
    net = d.network
    for p in net.parameters:
        d.symbol[p.label] = sympy.Symbol(p.label, real=True)
    for j in range(net.layers[0]):
        d.symbol[f"x{j + 1}"] = sympy.Symbol(f"x{j + 1}", real=True)
    for j in range(net.layers[-1]):
        d.symbol[f"exp{j + 1}"] = sympy.Symbol(f"exp{j + 1}", real=True)
    for layer in range(net.depth + 1):
        for n in net.neurons(layer):
            d.i[n] = sympy.Symbol(f"i_{n}", real=True)
            d.o[n] = sympy.Symbol(f"o_{n}", real=True)
            d.delta[n] = sympy.Symbol(f"delta_{n}", real=True)


def _forward_expressions(d: Derivation) -> None:
    net = d.network
    slope = rational(net.leaky_slope)
    for n in net.neurons(0):
        d.input_expr[n] = d.symbol[n]  # an input neuron passes x on unchanged
        d.output_expr[n] = d.symbol[n]
    for layer in range(1, net.depth + 1):
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        names = net.neurons(layer)
        for j, n in enumerate(names):
            terms = [d.symbol[w.label] * d.o[net.neuron(layer - 1, w.source)]
                     for w in net.weights_into(layer, j)]
            bias = net.bias_of(layer, j)
            d.input_expr[n] = sympy.Add(*terms, *([d.symbol[bias.label]] if bias else []))
        if sigma.vector:  # softmax: each output depends on every input of the layer
            outputs = sigma.sympy_vector_form([d.i[n] for n in names])
            d.output_expr.update(zip(names, outputs, strict=True))
        else:
            for n in names:
                d.output_expr[n] = sigma.sympy_form(d.i[n], slope)
    y = [d.o[n] for n in net.neurons(net.depth)]
    expected = [d.symbol[f"exp{j + 1}"] for j in range(net.layers[-1])]
    d.cost_terms = COSTS[net.cost].sympy_terms(y, expected)
    d.cost_expr = sympy.Add(*d.cost_terms)


def _backward_expressions(d: Derivation, derivatives: dict[sympy.Expr, sympy.Expr]) -> None:
    net = d.network
    last = net.depth
    for layer in range(last, 0, -1):
        sigma = ACTIVATIONS[net.activations[layer - 1]]
        names = net.neurons(layer)
        for n in names:
            if layer == last:
                dC_do = sympy.diff(d.cost_expr, d.o[n])
            else:
                # Σ_m ∂i_m/∂o_n · δ_m over the layer after: δ_m is reused, not re-derived.
                dC_do = sympy.Add(*[
                    _term_diff(d, m, d.o[n]) * d.delta[m] for m in net.neurons(layer + 1)
                ])
            d.output_derivative_expr[n] = dC_do
        for n in names:
            # ∂o/∂i with o written in its own layer's inputs: one number per neuron, or
            # for softmax a Jacobian, whose column n the δ of neuron n sums over.
            column = ({m: sympy.diff(d.output_expr[m], d.i[n]) for m in names} if sigma.vector else
                      {n: _derivative_in_own_input(d, n, derivatives)})
            d.activation_derivative_expr[n] = column[n]
            if sigma.vector:
                d.jacobian_expr[n] = column
            d.delta_expr[n] = sympy.Add(*[column[m] * d.output_derivative_expr[m] for m in column])
    for p in net.parameters:
        fed = [net.neuron(p.layer, j) for j in range(net.layers[p.layer]) if p.feeds(j)]
        # A bias shared by a layer enters every neuron of it: one term per neuron.
        d.gradient_expr[p.label] = sympy.Add(*[
            _term_diff(d, n, d.symbol[p.label]) * d.delta[n] for n in fed])


_STAND_IN = sympy.Dummy("i", real=True)  # any neuron's input, as the i symbols are real


def _derivative_in_own_input(d: Derivation, n: str, derivatives: dict[sympy.Expr, sympy.Expr]) -> sympy.Expr:
    """∂o_n/∂i_n for an activation applied neuron by neuron.

    Every neuron of a layer has the same o = σ(i) in its own symbol, so σ is
    differentiated once, in a stand-in symbol, and the result written in i_n:
    renaming a variable commutes with differentiating by it, and SymPy's
    differentiation is the slow part (about 15 ms for a sigmoid, every time).
    """
    form = d.output_expr[n].xreplace({d.i[n]: _STAND_IN})
    return _derivative(form, derivatives).xreplace({_STAND_IN: d.i[n]})


def _derivative(form: sympy.Expr, derivatives: dict[sympy.Expr, sympy.Expr]) -> sympy.Expr:
    """d form / d _STAND_IN, differentiated once per derivation and activation."""
    if form not in derivatives:
        derivatives[form] = sympy.diff(form, _STAND_IN)
    return derivatives[form]


def _term_diff(d: Derivation, n: str, symbol: sympy.Symbol) -> sympy.Expr:
    """∂i_n/∂symbol. A neuron's input is a sum, so the derivative is that of the one
    term holding the symbol (a weight times an output, or a bias): differentiating
    the term instead of the whole sum gives the same result without scanning the
    other terms, which matters when a layer has thousands of weights."""
    terms = d.input_terms.get(n)
    if terms is None:
        terms = d.input_terms[n] = {}
        for term in sympy.Add.make_args(d.input_expr[n]):
            for s in term.free_symbols:
                terms[s] = terms.get(s, 0) + term
    return sympy.diff(terms.get(symbol, sympy.S.Zero), symbol)


# ---------------------------------------------------------------- values


def evaluate(d: Derivation, params: dict[str, sympy.Expr], sample: Sample,
             backward: bool = True, digits: int = PRECISION) -> Values:
    """Put numbers into the local expressions, layer by layer, reusing each result.

    Forward: i and o of every neuron from the layer before. Backward: δ of every
    neuron from the δ's of the layer after. Nothing is evaluated twice. `digits`
    are the working digits (see `needed_digits`).
    """
    net = d.network
    known = _Known(digits)
    for k, v in params.items():
        known[d.symbol[k]] = v
    for j, x in enumerate(sample.input):
        known[d.symbol[f"x{j + 1}"]] = rational(x)
    for j, e in enumerate(sample.expected):
        known[d.symbol[f"exp{j + 1}"]] = rational(e)
    value = known.value

    inputs, outputs = {}, {}
    for layer in range(net.depth + 1):
        for n in net.neurons(layer):
            inputs[n] = known[d.i[n]] = value(d.input_expr[n])
        for n in net.neurons(layer):  # after all inputs: a softmax output uses each of them
            outputs[n] = known[d.o[n]] = value(d.output_expr[n])
    cost = value(d.cost_expr)
    terms = tuple(value(t) for t in d.cost_terms)
    output_derivative, activation_derivative, delta = {}, {}, {}
    if not backward:  # the forward pass and the cost are all a caller asked for
        return Values(inputs, outputs, cost, terms, {}, {}, {}, {}, {})
    for layer in range(net.depth, 0, -1):
        for n in net.neurons(layer):
            activation_derivative[n] = value(d.activation_derivative_expr[n])
            output_derivative[n] = value(d.output_derivative_expr[n])
        for n in net.neurons(layer):
            delta[n] = known[d.delta[n]] = value(d.delta_expr[n])
    jacobian = {n: {m: value(e) for m, e in column.items()} for n, column in d.jacobian_expr.items()}
    gradient = {p.label: value(d.gradient_expr[p.label]) for p in net.parameters}
    return Values(inputs, outputs, cost, terms, output_derivative, activation_derivative, delta,
                  gradient, jacobian)


class _Known(dict):
    """The numbers known so far in one evaluation, exact where they can be.

    An expression whose inputs are all exact (the spec's numbers, and sums and
    products of them) keeps an exact value, so a walkthrough can write "=" for it;
    anything else is evaluated with mpmath at `digits` digits, each shared
    subexpression once.
    """

    def __init__(self, digits: int) -> None:
        super().__init__()
        self.digits = digits
        self.mp: dict[sympy.Symbol, object] = {}
        self.memo: dict[sympy.Expr, object] = {}

    def __setitem__(self, symbol: sympy.Symbol, number: sympy.Expr) -> None:
        super().__setitem__(symbol, number)
        self.mp[symbol] = to_mp(number, self.digits)

    def value(self, expr: sympy.Expr) -> sympy.Expr:
        if all(self[s].is_Rational for s in expr.free_symbols):
            result = expr.xreplace(self)
            if result.is_Rational:
                return result
            return sympy.Float(result.evalf(self.digits), self.digits)
        with mpmath.workdps(self.digits):
            return sympy.Float(mp_evaluate(expr, self.mp, self.memo), self.digits)


def needed_digits(net: Network, passes: Sequence[Values]) -> int:
    """The working digits these passes need: more than PRECISION where a sigmoid, tanh or
    softmax output comes so close to its bound that 1 − o would keep fewer than
    CORRECT_DIGITS (see `explainer.engines.precision`), measured from the neurons' inputs."""
    lost = 0.0
    for values in passes:
        for layer in range(1, net.depth + 1):
            rate = ACTIVATIONS[net.activations[layer - 1]].saturation
            if rate:
                lost = max(lost, *(lost_digits(rate, float(values.input[n])) for n in net.neurons(layer)))
    return working_digits(lost)


def rational(q: Fraction) -> sympy.Rational:
    """An exact spec number as a SymPy Rational (no floats, no strings on the way)."""
    return sympy.Rational(q.numerator, q.denominator)


def step(spec: Spec, derivation: Derivation | None = None) -> SymbolicStep:
    """Evaluate the derivation (derived here unless given), update every parameter and
    check the cost again, with PRECISION digits, or again with more if a neuron turns
    out to saturate (`needed_digits`)."""
    d = derivation or derive(spec.network)
    digits = PRECISION
    while True:
        result, passes = _step(spec, d, digits)
        needed = needed_digits(spec.network, passes)
        if result is not None and needed <= digits:
            return result
        digits = needed


def _step(spec: Spec, d: Derivation, digits: int) -> tuple[SymbolicStep | None, list[Values]]:
    """The step with `digits` working digits, and every pass it made; None for the step as
    soon as a forward pass shows it needs more digits. The backward pass of a neuron closer to
    its bound than `digits` can tell would divide by 1 − o = 0 (cross-entropy's o (1 − o)),
    so each pass's forward half is measured before its backward half is computed."""
    params = {p.label: rational(p.value) for p in spec.network.parameters}
    samples = spec.samples if spec.mode == "batch" else spec.samples[:1]
    passes = []
    for s in samples:
        forward = evaluate(d, params, s, backward=False, digits=digits)
        if needed_digits(spec.network, [forward]) > digits:
            return None, [forward]
        passes.append(evaluate(d, params, s, digits=digits))
    per_sample = tuple(v.gradient for v in passes)
    gradient = combined(per_sample, spec.batch_gradient, digits)
    if not spec.steps_taken:  # no learning rate: the example stops at the gradients
        return SymbolicStep(d, passes[0], params, None, None, gradient, per_sample, digits), passes
    updated = update(spec, params, gradient, digits)
    after = evaluate(d, updated, spec.sample, backward=False, digits=digits)  # only o and C after the step
    return SymbolicStep(d, passes[0], params, updated, after, gradient, per_sample, digits), [*passes, after]


def combined(gradients: Sequence[dict[str, sympy.Expr]], how: str = "mean",
             digits: int = PRECISION) -> dict[str, sympy.Expr]:
    """The batch's gradient: the "mean" or the "sum" of the samples' gradients (the one
    gradient itself when there is one sample, for which both are the same)."""
    if len(gradients) == 1:
        return dict(gradients[0])
    divisor = len(gradients) if how == "mean" else 1
    return {k: sympy.Float(sum(g[k] for g in gradients) / divisor, digits) for k in gradients[0]}


def update(spec: Spec, params: dict[str, sympy.Expr], gradient: dict[str, sympy.Expr],
           digits: int = PRECISION) -> dict:
    """p⁺ = p − η ∂C/∂p with `digits` digits; frozen parameters keep their values."""
    eta = rational(spec.learning_rate)
    return {
        label: v if label in spec.frozen else
        sympy.Float((v - eta * gradient[label]).evalf(digits), digits)
        for label, v in params.items()
    }
