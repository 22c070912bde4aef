"""The cost landscape: the cost over two parameters, the step's start, downhill, where it went.

The costs come from the numeric core; here they are pinned against a plain
re-implementation of the seed network's forward pass, and its slope against the
symbolic engine's gradient. The contours are checked against the grid they are
traced on, and the section against what it claims: the two largest partial
derivatives by default, the step going the way the arrow points, the path of a run.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from explainer import examples
from explainer.cli.command import main
from explainer.engines.landscape import cost_grid, slope
from explainer.engines.numeric import initial
from explainer.output.render import render
from explainer.pipeline import explain
from explainer.spec import load_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.contours import MARKS, nice_steps
from explainer.walkthrough.document import Landscape
from tests.conftest import SPECS


def seed_cost(values: dict) -> float:
    """The seed network's cost, by hand: two sigmoid layers, the sum of squared errors."""
    def sigmoid(z):
        return 1 / (1 + math.exp(-z))
    x1, x2 = 2.0, 3.0
    h1 = sigmoid(values["w1"] * x1 + values["w3"] * x2 + values["b1"])
    h2 = sigmoid(values["w2"] * x1 + values["w4"] * x2 + values["b2"])
    o1 = sigmoid(values["w5"] * h1 + values["w7"] * h2 + values["b3"])
    o2 = sigmoid(values["w6"] * h1 + values["w8"] * h2 + values["b4"])
    return (o1 - 1.0) ** 2 + (o2 - 0.2) ** 2


def landscape_of(explanation) -> Landscape:
    doc = build(explanation)
    (fig,) = [b for s in doc.sections if s.anchor == "landscape" for b in s.blocks if isinstance(b, Landscape)]
    return fig


def test_the_grid_is_the_cost_at_every_point(seed_spec):
    values = initial(seed_spec.network)
    ps, qs = np.linspace(-1.5, 2.5, 5), np.linspace(-2.0, 1.0, 4)
    grid = cost_grid(seed_spec, values, "b4", "w8", ps, qs)
    for i, q in enumerate(qs):
        for j, p in enumerate(ps):
            assert grid[i, j] == pytest.approx(seed_cost({**values, "b4": p, "w8": q}), rel=1e-13)


def test_a_shared_bias_moves_every_neuron_of_its_layer():
    spec = load_spec(SPECS / "half-shared-frozen.toml")
    shared = next(p for p in spec.network.parameters if p.kind == "bias" and p.target is None)
    other = next(p.label for p in spec.network.parameters if p.label != shared.label)
    values = initial(spec.network)
    grid = cost_grid(spec, values, shared.label, other, [values[shared.label] + 0.5], [values[other]])
    from explainer.engines.numeric import dataset_cost
    assert grid[0, 0] == pytest.approx(dataset_cost(spec, {**values, shared.label: values[shared.label] + 0.5}))


def test_the_slope_is_the_gradient_the_step_follows(seed):
    values = initial(seed.spec.network)
    assert slope(seed.spec, values, "w5", "b3") == pytest.approx(
        (float(seed.symbolic.gradient["w5"]), float(seed.symbolic.gradient["b3"])), rel=1e-12)


def test_the_default_pair_is_the_two_largest_partial_derivatives(seed):
    fig = landscape_of(seed)
    gradient = seed.symbolic.gradient
    largest = sorted(gradient, key=lambda label: -abs(gradient[label]))[:2]
    assert largest == ["b4", "w8"]  # |∂C/∂b4| ≈ 0.1658, |∂C/∂w8| ≈ 0.1549
    assert (fig.x_label, fig.y_label) == ("b_{4}", "w_{8}")


def test_the_start_the_arrow_and_the_step(seed):
    fig = landscape_of(seed)
    start, after = fig.path
    assert start == (0.35, -0.1)  # b4 and w8 in the spec
    assert after == pytest.approx((float(seed.symbolic.updated["b4"]), float(seed.symbolic.updated["w8"])))
    (x0, y0), (x1, y1) = fig.arrow
    assert (x0, y0) == start
    downhill = np.array([x1 - x0, y1 - y0])
    step = np.array(after) - np.array(start)
    # One sample: the step goes exactly the way the arrow points, downhill.
    assert np.dot(downhill, step) / np.linalg.norm(downhill) / np.linalg.norm(step) == pytest.approx(1.0)
    assert fig.x_range[1] - fig.x_range[0] == pytest.approx(fig.y_range[1] - fig.y_range[0])  # square


def test_the_contours_are_traced_on_the_grid(seed):
    fig = landscape_of(seed)
    values = initial(seed.spec.network)
    levels = [c.level for c in fig.contours]
    assert levels == sorted(levels) and len(levels) >= 4
    step = levels[1] - levels[0]
    assert all(abs(round(level / step) * step - level) < 1e-9 for level in levels)  # round numbers
    for contour in fig.contours:
        for line in contour.lines:
            for x, y in line[:: max(1, len(line) // 5)]:
                # On a straight grid line between two points, the cost there is the level
                # (contourpy interpolates linearly between grid points; the cost is smooth).
                assert seed_cost({**values, "b4": x, "w8": y}) == pytest.approx(contour.level, abs=2e-3)
    low, high = fig.cost_range
    assert fig.bands[0].low <= low and fig.bands[-1].high >= high
    assert [b.shade for b in fig.bands] == sorted(b.shade for b in fig.bands)


def test_nice_steps_are_round():
    assert nice_steps(0.08, 0.52, 9) == (0.05, pytest.approx([0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]))
    step, values = nice_steps(-2.1, 1.9, 5)
    assert step == 1 and values == [-2, -1, 0, 1]


def test_the_section_says_downhill_is_where_the_step_went(seed):
    md = render(build(seed), "md")
    section = md[md.index('<a id="landscape">'):md.index('<a id="matrix-form">')]
    assert "Downhill is where the step went" in section
    assert "cost landscape" in section.lower()
    assert r"-\eta\, \frac{\partial C}{\partial b_{4}} \approx -0.0165819" in section


def test_the_spec_and_the_flag_choose_the_pair(seed, tmp_path):
    chosen = replace(seed, spec=replace(seed.spec, landscape=("w5", "w1")))
    fig = landscape_of(chosen)
    assert (fig.x_label, fig.y_label) == ("w_{5}", "w_{1}")
    assert main(["explain", "--landscape", "w1,b2", "--format", "html", "-o", str(tmp_path)]) == 0
    html = (tmp_path / "article.html").read_text(encoding="utf-8")
    assert 'class="landscape-svg"' in html and "the two the walkthrough was asked to draw" in html


def test_a_run_draws_its_path(tmp_path):
    text = examples.seed_spec().read_text(encoding="utf-8").replace("steps = 1", "steps = 60")
    spec = tmp_path / "run.toml"
    spec.write_text(text, encoding="utf-8")
    explanation = explain(load_spec(spec))
    fig = landscape_of(explanation)
    assert len(fig.path) == 61
    assert fig.path[-1] == pytest.approx((float(explanation.history.last.parameters["b4"]),
                                          float(explanation.history.last.parameters["w8"])))
    assert len(fig.marked) == MARKS and fig.marked[-1] == fig.path[-1]
    for x, y in fig.path:  # the window holds the whole path
        assert fig.x_range[0] < x < fig.x_range[1] and fig.y_range[0] < y < fig.y_range[1]


def test_stochastic_steps_are_not_said_to_follow_the_arrow(tmp_path):
    spec = tmp_path / "two.toml"
    spec.write_text(examples.seed_spec().read_text(encoding="utf-8")
                    + "\n[[training.sample]]\ninput = [1, -1]\nexpected = [0.3, 0.9]\n", encoding="utf-8")
    md = render(build(explain(load_spec(spec))), "md")
    section = md[md.index('<a id="landscape">'):md.index('<a id="matrix-form">')]
    assert "the mean cost over the samples" in section and "stochastic gradient descent" in section
    assert "the way the arrow points" not in section


def test_a_batch_step_follows_the_arrow_of_the_mean_cost():
    md = render(build(explain(load_spec(SPECS / "three-samples.toml"))), "md")
    section = md[md.index('<a id="landscape">'):md.index('<a id="matrix-form">')]
    assert "the mean cost over the samples" in section and "the way the arrow points" in section


def test_every_format_has_it(seed):
    doc = build(seed)
    assert '<svg class="landscape-svg"' in render(doc, "html")
    tex = render(doc, "tex")
    assert "\\fill[landscape0, even odd rule]" in tex or "\\fill[landscape1, even odd rule]" in tex
    assert "\\draw[downhill]" in tex and "\\section{The cost landscape}" in tex
    assert "Markdown cannot draw it" in render(doc, "md")


def test_frozen_parameters_are_drawn_as_they_are(tmp_path):
    """By default the landscape is over trained parameters; one named that is frozen stays put."""
    spec = load_spec(SPECS / "half-shared-frozen.toml")
    explanation = explain(spec)
    fig = landscape_of(explanation)
    chosen = [label for label in explanation.spec.network.parameters if label.label in spec.frozen]
    assert chosen and all(fig.x_label != f"{p.label[0]}_{{{p.label[1:]}}}" for p in chosen)
    frozen = chosen[0].label
    trained = next(p.label for p in spec.network.parameters if p.label not in spec.frozen)
    pinned = replace(explanation, spec=replace(spec, landscape=(frozen, trained)))
    md = render(build(pinned), "md")
    section = md[md.index('<a id="landscape">'):md.index('<a id="matrix-form">')]
    assert "where it was (frozen)" in section
    assert landscape_of(pinned).path[1][0] == landscape_of(pinned).path[0][0]
