"""The SymPy engine on its own: chain-rule structure, proofs and high-precision values."""

from __future__ import annotations

import mpmath
import sympy

from explainer.engines import proof, symbolic
from explainer.engines.mpeval import mp_evaluate
from explainer.spec import parse_spec
from tests.conftest import SPECS


def test_hidden_deltas_reuse_the_next_layers_delta_symbols(seed):
    d = seed.symbolic.derivation
    # δ_h1 is written with δ_L1 and δ_L2 as symbols, not re-derived from the cost.
    assert d.delta["L1"] in d.delta_expr["h1"].free_symbols
    assert d.delta["L2"] in d.delta_expr["h1"].free_symbols
    assert d.o["L1"] not in d.delta_expr["h1"].free_symbols
    # ∂C/∂w1 = ∂i_h1/∂w1 · δ_h1, with ∂i_h1/∂w1 = o_x1 (the input x1, passed on).
    assert d.gradient_expr["w1"] == d.o["x1"] * d.delta["h1"]
    assert d.gradient_expr["b3"] == d.delta["L1"]


def test_every_chain_rule_product_is_proven_exactly(seed):
    proofs = seed.proofs
    assert len(proofs) == 12
    assert all(p.holds and p.method == proof.EXACT for p in proofs.values())


def test_a_wrong_product_is_not_proven():
    x, y = sympy.symbols("x y")
    assert proof.is_identically_zero(sympy.exp(x) * (1 + y) - sympy.exp(x) - y * sympy.exp(x))
    assert not proof.is_identically_zero(sympy.exp(-x) / (1 + sympy.exp(-x)) - 1)


def test_the_evaluation_proof_tells_right_from_wrong():
    x, y = sympy.symbols("x y")
    sigmoid = 1 / (1 + sympy.exp(-x * y))
    right = proof.prove_by_evaluation(sigmoid * (1 - sigmoid) * y, sympy.diff(sigmoid, x), "t")
    assert right.method == proof.EVALUATED and right.holds
    # σ(o)(1 − σ(o)) in place of o(1 − o): close, but not the derivative.
    slipped = 1 / (1 + sympy.exp(-sigmoid))
    wrong = proof.prove_by_evaluation(slipped * (1 - slipped) * y, sympy.diff(sigmoid, x), "t")
    assert not wrong.holds


def _mp_seed_forward(params: dict[str, mpmath.mpf]) -> tuple[list, mpmath.mpf]:
    """The seed network with mpmath at 50 digits, written out by hand."""
    s = lambda v: 1 / (1 + mpmath.exp(-v))  # noqa: E731
    h1 = s(params["w1"] * 2 + params["w3"] * 3 + params["b1"])
    h2 = s(params["w2"] * 2 + params["w4"] * 3 + params["b2"])
    l1 = s(params["w5"] * h1 + params["w7"] * h2 + params["b3"])
    l2 = s(params["w6"] * h1 + params["w8"] * h2 + params["b4"])
    return [h1, h2, l1, l2], (l1 - 1) ** 2 + (l2 - mpmath.mpf("0.2")) ** 2


def test_values_are_right_to_at_least_30_digits(seed):
    values = seed.symbolic.values
    with mpmath.workdps(50):
        params = {k: mpmath.mpf(v.numerator) / v.denominator for k, v in
                  {p.label: p.value for p in seed.spec.network.parameters}.items()}
        outputs, cost = _mp_seed_forward(params)
        for name, mp in zip(["h1", "h2", "L1", "L2"], outputs, strict=True):
            assert abs(mpmath.mpf(str(values.output[name])) - mp) < mpmath.mpf(10) ** -30
        assert abs(mpmath.mpf(str(values.cost)) - cost) < mpmath.mpf(10) ** -30
        # Gradients: mpmath's own numerical differentiation at 50 digits.
        for label, g in values.gradient.items():
            def c(t, label=label):
                return _mp_seed_forward({**params, label: t})[1]
            slope = mpmath.diff(c, params[label])
            assert abs(mpmath.mpf(str(g)) - slope) < mpmath.mpf(10) ** -30 * max(1, abs(slope))


def test_the_known_true_gradient_of_w5(seed):
    # The seed prints -0.052525710835624; the derivative of its cost is -0.0487559046914…
    assert str(seed.symbolic.values.gradient["w5"]).startswith("-0.0487559046914")


def test_deeper_networks_are_derived_and_proven():
    spec = parse_spec((SPECS / "three-layer.toml").read_bytes(), "deep.toml")
    step = symbolic.step(spec)
    d = step.derivation
    assert d.delta["h2_1"] in d.delta_expr["h1_1"].free_symbols
    proofs = proof.prove(d, [p.label for p in spec.network.parameters])
    assert len(proofs) == len(spec.network.parameters) and all(p.holds for p in proofs.values())
    assert step.after.cost < step.values.cost


def test_naming_constant_subtrees_keeps_the_derivative():
    """diff of the cost with p-free subtrees named, substituted back, is diff of the cost."""
    spec = parse_spec((SPECS / "three-layer.toml").read_bytes(), "deep.toml")
    d = symbolic.derive(spec.network)
    cost = proof._full_cost(d)
    point = {s: mpmath.mpf(k % 7 - 3) / 5 for k, s in enumerate(sorted(cost.free_symbols, key=str))}
    with mpmath.workdps(60):
        for p in spec.network.parameters:
            s = d.symbol[p.label]
            reduced, named = proof.constants_named(cost, s)
            assert len(named) > 0 and s in reduced.free_symbols
            memo: dict = {}
            values = point | {k: mp_evaluate(e, point, memo) for k, e in named.items()}
            fast = mp_evaluate(sympy.diff(reduced, s), values, {})
            slow = mp_evaluate(sympy.diff(cost, s), point, {})
            assert abs(fast - slow) <= mpmath.mpf(10) ** -50 * max(1, abs(slow)), p.label


def test_the_large_route_tells_a_wrong_chain_value(monkeypatch):
    spec = parse_spec((SPECS / "three-layer.toml").read_bytes(), "deep.toml")
    d = symbolic.derive(spec.network)
    right = {label: proof._evaluation_task(d)(label) for label in ("w1", "b1")}
    assert all(p.holds and p.method == proof.EVALUATED for p in right.values())
    honest = symbolic.evaluate

    def slipped(*args, **kwargs):
        values = honest(*args, **kwargs)
        values.gradient["w1"] *= sympy.Rational(1001, 1000)  # a slip in the fourth digit
        return values

    monkeypatch.setattr(symbolic, "evaluate", slipped)
    task = proof._evaluation_task(d)
    wrong = {label: task(label) for label in ("w1", "b1")}
    assert not wrong["w1"].holds and wrong["b1"].holds


RELU_NET = b'''title = "ReLU all the way"
[network]
layers = [2, 2, 2, 2]
activation = ["leaky_relu", "relu", "sigmoid"]
cost = "sum_squared"
[[network.layer]]
weights = [[-0.5, 0.1], [-0.2, 0.2]]
biases = [0.4, 0.1]
[[network.layer]]
weights = [[-0.9, 0.6], [-0.4, -0.5]]
biases = [0.5, 0.3]
[[network.layer]]
weights = [[0.6, 0.3], [0.3, -0.6]]
biases = [0.4, 0.4]
[training]
learning_rate = 0.1
[[training.sample]]
input = [1, 2]
expected = [0.2, 0.9]
'''


def test_relu_networks_are_proven_by_evaluation_and_a_slip_is_caught(monkeypatch):
    """ReLU's Piecewise: the direct side differentiates max(0, i) instead (the same
    function), so deep ReLU networks prove in seconds rather than minutes."""
    spec = parse_spec(RELU_NET, "relu.toml")
    d = symbolic.derive(spec.network)
    proofs = proof.prove(d, [p.label for p in spec.network.parameters])
    assert all(p.holds and p.method == proof.EVALUATED for p in proofs.values())
    honest = symbolic.evaluate

    def slipped(*args, **kwargs):
        values = honest(*args, **kwargs)
        values.gradient["w1"] *= sympy.Rational(1001, 1000)
        return values

    monkeypatch.setattr(symbolic, "evaluate", slipped)
    wrong = proof.prove(symbolic.derive(spec.network), ["w1", "w9"])
    assert not wrong["w1"].holds and wrong["w9"].holds


def test_each_activation_is_differentiated_once_and_renamed_exactly():
    """σ′ in a stand-in symbol, renamed to i_n, is the very expression diff(σ(i_n), i_n) gives."""
    from explainer.functions import ACTIVATIONS

    i = sympy.Symbol("i_h1", real=True)
    for name, sigma in ACTIVATIONS.items():
        if sigma.vector:
            continue  # softmax: a Jacobian, differentiated input by input
        for slope in (sympy.Rational(1, 100), sympy.Rational(3, 2)):
            o = sigma.sympy_form(i, slope)
            d = symbolic.Derivation(parse_spec((SPECS / "three-layer.toml").read_bytes(), "deep.toml").network)
            d.i["h1"], d.output_expr["h1"] = i, o
            memo: dict = {}
            assert symbolic._derivative_in_own_input(d, "h1", memo) == sympy.diff(o, i), name
            assert symbolic._derivative_in_own_input(d, "h1", memo) == sympy.diff(o, i), name
            assert len(memo) == 1
