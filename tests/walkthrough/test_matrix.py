"""The matrix form of the step: its matrices hold the scalar derivation's numbers, in place."""

from __future__ import annotations

import dataclasses

import pytest
import sympy

from explainer.engines.symbolic import rational
from explainer.output.render import render
from explainer.pipeline import explain
from explainer.spec import load_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.context import Context
from explainer.walkthrough.sections.matrix import bias_vector, neuron_vector, weight_matrix
from tests.conftest import SPECS


@pytest.fixture(scope="module")
def target_major():
    """Shared frozen biases and target-major numbering (w2 is x2 → h1)."""
    return explain(load_spec(SPECS / "half-shared-frozen.toml"))


def close(a, b) -> bool:
    return abs(a - b) <= sympy.Float("1e-40", 60) * max(1, abs(b))


@pytest.mark.parametrize("which", ["seed", "target_major"])
def test_matrices_hold_the_scalar_values_in_place(which, request):
    explanation = request.getfixturevalue(which)
    ctx = Context(explanation, 6)
    net, values = ctx.net, ctx.step.values
    for layer in range(1, net.depth + 1):
        # Row j, column k is the spec's weights[j][k], however the labels are numbered.
        W = weight_matrix(ctx, layer, ctx.step.parameters)
        assert [[rational(w) for w in row] for row in net.weights[layer - 1]] == W
        grad = weight_matrix(ctx, layer, values.gradient)
        deltas = neuron_vector(ctx, layer, values.delta)
        outputs = neuron_vector(ctx, layer - 1, values.output)
        for j, row in enumerate(grad):
            for k, g in enumerate(row):
                assert g == values.gradient[net.weight(layer, j, k).label]
                assert close(deltas[j] * outputs[k], g)  # the outer product δ oᵀ
        b_grad = bias_vector(ctx, layer, values.gradient)
        mode = net.bias_modes[layer - 1]
        if mode == "shared":
            assert len(b_grad) == 1 and close(sum(deltas), b_grad[0])
        elif mode == "neuron":
            assert all(close(d, g) for d, g in zip(deltas, b_grad, strict=True))
        # W⁺ = W − η ∂C/∂W, except what is frozen.
        updated = weight_matrix(ctx, layer, ctx.step.updated)
        for j, row in enumerate(updated):
            for k, u in enumerate(row):
                frozen = net.weight(layer, j, k).label in explanation.spec.frozen
                expected = W[j][k] if frozen else W[j][k] - ctx.learning_rate * grad[j][k]
                assert close(u, expected)


def shown_matrix(ctx: Context, labels: list[list[str]]) -> str:
    rows = r" \\ ".join(" & ".join(ctx.num(ctx.step.values.gradient[p]).latex for p in row)
                        for row in labels)
    return rf"\begin{{pmatrix}} {rows} \end{{pmatrix}}"


@pytest.mark.parametrize("which, layout", [
    # source-major: w5 h1→L1, w6 h1→L2, w7 h2→L1, w8 h2→L2 (the README's numbering)
    ("seed", [["w5", "w7"], ["w6", "w8"]]),
    # target-major: w5 h1→L1, w6 h2→L1, w7 h1→L2, w8 h2→L2
    ("target_major", [["w5", "w6"], ["w7", "w8"]]),
])
def test_the_walkthrough_shows_the_gradient_matrix_of_the_last_layer(which, layout, request):
    explanation = request.getfixturevalue(which)
    ctx = Context(explanation, 6)
    doc = build(explanation)
    matrix = next(s for s in doc.sections if s.anchor == "matrix-form")
    text = render(dataclasses.replace(doc, sections=(matrix,)), "md")
    assert shown_matrix(ctx, layout) in text
    assert r"\underbrace{W^{(2)}}_{2 \times 2}" in text
    if which == "target_major":
        assert r"b^{(1)}\, \mathbf{1}" in text and "frozen parameters" in text
        # A frozen entry's 0 is not ∂C/∂b: the numbers follow b⁺ without that formula.
        assert r"b^{(1)} - \eta\, \frac{\partial C}{\partial b^{(1)}}" not in text
        assert r"\bigl(b^{(1)}\bigr)^{+} &\approx" in text or r"\bigl(b^{(1)}\bigr)^{+} &=" in text


def test_a_summarised_network_shows_shapes_not_numbers():
    layers = [8, 8, 2]
    weights = [[[round(0.01 * (j - k), 2) for k in range(layers[n])] for j in range(layers[n + 1])]
               for n in range(2)]
    toml = "[network]\nlayers = [8, 8, 2]\nactivation = \"sigmoid\"\ncost = \"half_sum_squared\"\n"
    for w in weights:
        toml += f"[[network.layer]]\nweights = {w}\nbiases = {[0.1] * len(w)}\n"
    toml += "[training]\nlearning_rate = 0.5\n[[training.sample]]\n"
    toml += f"input = {[0.1] * 8}\nexpected = [0.2, 0.8]\n"
    from explainer.spec import parse_spec

    explanation = explain(parse_spec(toml.encode(), "wide.toml"))
    doc = build(explanation)
    matrix = next(s for s in doc.sections if s.anchor == "matrix-form")
    text = render(dataclasses.replace(doc, sections=(matrix,)), "md")
    assert r"\underbrace{W^{(1)}}_{8 \times 8}" in text
    assert "pmatrix" not in text


def test_softmax_shared_and_missing_biases_in_matrix_form():
    """Softmax's δ is Jᵀ ∇C; a shared bias enters through a column of ones and its
    gradient is 1ᵀδ; a layer without bias has no b term."""
    from explainer.spec import parse_spec

    explanation = explain(parse_spec((SPECS / "softmax-no-bias.toml").read_bytes(), "softmax.toml"))
    ctx = Context(explanation, 6)
    doc = build(explanation)
    matrix = next(s for s in doc.sections if s.anchor == "matrix-form")
    text = render(dataclasses.replace(doc, sections=(matrix,)), "md")
    assert r"\underbrace{J^{T}}_{3 \times 3}" in text
    assert r"+ b^{(2)}\, \mathbf{1}" in text and r"\mathbf{1}^{T} \delta^{(2)}" in text
    assert "b^{(1)}" not in text.split("Forward pass")[1]  # layer 1 has no bias
    values = ctx.step.values
    names = ctx.net.neurons(2)
    for n in names:  # δ_n = Σ_m ∂o_m/∂i_n · ∂C/∂o_m: row n of Jᵀ times ∇C
        assert close(sum(values.jacobian[n][m] * values.output_derivative[m] for m in names),
                     values.delta[n])
    shown = " & ".join(ctx.num(values.jacobian[names[0]][m]).latex for m in names)
    assert shown in text
