"""The NumPy core on its own: a forward pass by hand, and gradients against finite differences."""

from __future__ import annotations

import math

import numpy as np

from explainer.engines import numeric
from explainer.engines.differences import finite_difference


def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def test_forward_pass_matches_a_scalar_hand_computation(seed_spec):
    step = numeric.step(seed_spec)
    # The seed's network, written out with scalars and the math module.
    h1 = _sigmoid(0.3 * 2 + -0.4 * 3 + 0.25)
    h2 = _sigmoid(0.2 * 2 + 0.6 * 3 + 0.45)
    l1 = _sigmoid(0.7 * h1 + 0.5 * h2 + 0.15)
    l2 = _sigmoid(-0.3 * h1 + -0.1 * h2 + 0.35)
    np.testing.assert_allclose(step.before.o[1], [h1, h2], rtol=1e-15)
    np.testing.assert_allclose(step.before.o[2], [l1, l2], rtol=1e-15)
    assert math.isclose(step.before.cost, (l1 - 1) ** 2 + (l2 - 0.2) ** 2, rel_tol=1e-15)


def test_backward_pass_reuses_the_next_layers_deltas(seed_spec):
    step = numeric.step(seed_spec)
    back = step.backward
    W2 = np.array([[0.7, 0.5], [-0.3, -0.1]])
    np.testing.assert_allclose(back.delta[0], back.activation_derivative[0] * (W2.T @ back.delta[1]))
    # b3, b4 feed L1, L2; w5 = h1→L1, w6 = h1→L2, w7 = h2→L1, w8 = h2→L2 (source-major)
    assert [back.gradient["b3"], back.gradient["b4"]] == list(back.delta[1])
    outer = np.outer(back.delta[1], step.before.o[1])
    for label, (j, k) in {"w5": (0, 0), "w6": (1, 0), "w7": (0, 1), "w8": (1, 1)}.items():
        assert back.gradient[label] == outer[j, k]


def test_every_gradient_matches_finite_differences(seed_spec):
    step = numeric.step(seed_spec)
    for p in seed_spec.network.parameters:
        g = step.backward.gradient[p.label]
        assert math.isclose(g, finite_difference(seed_spec, p.label), rel_tol=1e-9)


def test_the_step_lowers_the_cost(seed_spec):
    step = numeric.step(seed_spec)
    assert step.after.cost < step.before.cost
    for p in seed_spec.network.parameters:
        before = float(p.value)
        assert math.isclose(
            step.updated[p.label],
            before - 0.1 * step.backward.gradient[p.label], rel_tol=1e-15,
        )


def test_sigmoid_does_not_overflow():
    sigmoid = numeric.ACTIVATIONS["sigmoid"].numpy_form
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = sigmoid(np.array([-1000.0, 0.0, 1000.0]), 0.0)
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])
