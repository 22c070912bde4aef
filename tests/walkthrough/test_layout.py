"""The network figure's layout: computed once in Python, drawn as it is by TikZ and by SVG.

`explainer.walkthrough.layout` places every circle, arrow and label in figure
units (cm, y up). These tests check the geometry itself (arrows from rim to rim,
weights on their own edges, biases and values beside their neurons, everything
inside the bounding box, never wider than the page) and that both templates draw
exactly those numbers: the SVG after one scale and a flip of y, the TikZ source in
cm as it is. Whether labels stay clear of each other and of foreign edges, for
every shape, is tests/walkthrough/test_figure_room.py's.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

from explainer.exercise.generate import Options, generate
from explainer.output.render import render
from explainer.pipeline import explain
from explainer.walkthrough.build import build
from explainer.walkthrough.document import Document, FigureEdge, FigureNeuron, NetworkFigure, Section, Text
from explainer.walkthrough.layout import MAX_WIDTH, SIZES, network_figure
from tests.drawing import check_svg, check_tikz, svg_figures, tikz_figures


def figures(doc: Document) -> list[NetworkFigure]:
    return [b for s in doc.sections for b in s.blocks if isinstance(b, NetworkFigure)]


@pytest.fixture(scope="module")
def documents(seed) -> list[Document]:
    """The seed walkthrough and two wider networks: a hidden layer taller than the
    others (3-4-2) and two hidden layers (2-3-3-2)."""
    wider = [build(explain(generate(Options(layers=layers, count=1, seed=3))[0].spec))
             for layers in ((3, 4, 2), (2, 3, 3, 2))]
    return [build(seed), *wider]


@pytest.fixture(scope="module")
def all_figures(documents) -> list[NetworkFigure]:
    found = [f for doc in documents for f in figures(doc)]
    assert len(found) >= 3 * 4  # per walkthrough: the network, two chain-rule paths, the update
    return found


# ---------------------------------------------------------------- the geometry


def test_every_arrow_runs_from_rim_to_rim_along_the_line_between_the_centres(all_figures):
    for fig in all_figures:
        circles = {n.neuron.name: n for n in fig.layout.neurons}
        for e in fig.layout.edges:
            a, b = circles[e.edge.source], circles[e.edge.target]
            assert math.dist((e.x1, e.y1), (a.x, a.y)) == pytest.approx(a.radius)
            assert math.dist((e.x2, e.y2), (b.x, b.y)) == pytest.approx(b.radius)
            # On the segment between the centres, pointing from source to target.
            along = math.dist((a.x, a.y), (e.x1, e.y1)) + math.dist((e.x1, e.y1), (e.x2, e.y2))
            assert along + b.radius == pytest.approx(math.dist((a.x, a.y), (b.x, b.y)))


def test_layers_stand_in_columns_and_neurons_evenly_down_them(all_figures):
    for fig in all_figures:
        geometry = fig.layout.geometry
        for n in fig.layout.neurons:
            size = sum(1 for m in fig.neurons if m.layer == n.neuron.layer)
            assert n.x == geometry.columns[n.neuron.layer]
            assert n.y == pytest.approx(((size - 1) / 2 - n.neuron.index) * geometry.spacing)


def test_a_weight_label_sits_on_its_own_edge_and_runs_along_it(all_figures):
    for fig in all_figures:
        for e in fig.layout.edges:
            if e.label is None:
                assert not e.edge.label or fig.layout.unlabelled
                continue
            t = (e.label.x - e.x1) / (e.x2 - e.x1)
            assert 0 < t < 1
            assert e.label.y == pytest.approx(e.y1 + t * (e.y2 - e.y1))
            assert e.label.angle == pytest.approx(math.degrees(math.atan2(e.y2 - e.y1, e.x2 - e.x1)))
            assert e.label.anchor == "center" and e.label.latex == e.edge.label
            assert e.label.size == SIZES["weight"] == 9  # a footnote's size in an 11 pt document


def test_biases_and_values_stand_outside_their_circles(all_figures):
    for fig in all_figures:
        for n in fig.layout.neurons:
            assert (n.name.x, n.name.y, n.name.latex) == (n.x, n.y, n.neuron.label)
            if n.bias:  # above or below its circle, clear of it
                assert abs(n.bias.y - n.y) > n.radius + n.bias.height / 2
                assert n.bias.angle == 0 and n.bias.size >= 9
            if n.value and n.role == "input":  # ends left of the circle
                assert n.value.anchor == "east" and n.value.x < n.x - n.radius and n.value.y == n.y
            elif n.value:
                assert n.role == "output" and n.value.anchor == "west" and n.value.x > n.x + n.radius
            unlabelled = n.neuron.layer in fig.layout.unlabelled
            assert bool(n.bias) == (bool(n.neuron.bias) and not unlabelled)
            assert bool(n.value) == bool(n.neuron.value)


def test_a_hidden_neurons_value_stands_a_band_further_out_than_a_bias():
    neurons = (FigureNeuron("x1", "x_{1}", 0, 0, value="x_{1} = 2"),
               FigureNeuron("x2", "x_{2}", 0, 1),
               FigureNeuron("h1", "h_{1}", 1, 0, bias="b_{1} = 1", value="o = 0.5"),
               FigureNeuron("h2", "h_{2}", 1, 1, value="o = 0.25"),
               FigureNeuron("L1", "L_{1}", 2, 0, bias="b_{3} = 0", value="y = 0.75"))
    edges = (FigureEdge("x1", "h1", "w_{1} = 1"), FigureEdge("h2", "L1", ""))
    layout = network_figure(neurons, edges, ()).layout
    placed = {n.neuron.name: n for n in layout.neurons}
    h1, h2, out = placed["h1"], placed["h2"], placed["L1"]
    assert abs(h1.value.y - h1.y) > abs(h1.bias.y - h1.y) > h1.radius
    assert abs(h2.value.y - h2.y) > h2.radius and h2.bias is None
    assert (out.role, out.value.anchor) == ("output", "west")
    assert h1.role == "hidden" and placed["x2"].value is None
    assert all(layout.box.top >= label.box.top for label in layout.labels)


def test_every_circle_and_label_lies_inside_the_bounding_box_and_the_page(all_figures):
    for fig in all_figures:
        box = fig.layout.box
        assert box.width <= MAX_WIDTH
        for n in fig.layout.neurons:
            assert box.left < n.x - n.radius and n.x + n.radius < box.right
            assert box.bottom < n.y - n.radius and n.y + n.radius < box.top
        for label in fig.layout.labels:
            room = label.box
            assert label.width > 0 and label.height > 0
            assert box.left <= room.left + 1e-9 and room.right <= box.right + 1e-9, label
            assert box.bottom <= room.bottom + 1e-9 and room.top <= box.top + 1e-9, label


def test_the_chain_rule_copies_line_up_with_the_first_figure(documents):
    for doc in documents:
        first, *copies, update = figures(doc)
        for copy in copies:
            assert copy.layout.geometry == first.layout.geometry
            assert [(n.x, n.y) for n in copy.layout.neurons] == [(n.x, n.y) for n in first.layout.neurons]
        layer_of = {n.name: n.layer for n in update.neurons}
        for e in update.layout.edges:  # every weight labelled with its value after the step
            assert e.edge.label.startswith("w^{+}")
            assert (e.label is None) == (layer_of[e.edge.target] in update.layout.unlabelled)
            assert e.label is None or e.label.latex == e.edge.label


def test_a_layer_too_crowded_to_label_shows_its_matrix_instead():
    """A 5-5-2 network's first layer pair has 25 crossing edges: no room for their labels."""
    neurons = [FigureNeuron(f"{name}{j + 1}", f"{name}_{{{j + 1}}}", layer, j,
                            bias=f"b_{{{layer}{j + 1}}} = 0.25" if layer else "")
               for layer, (name, size) in enumerate((("x", 5), ("h", 5), ("L", 2))) for j in range(size)]
    pairs = [(a, b) for a in neurons for b in neurons if b.layer == a.layer + 1]
    edges = [FigureEdge(a.name, b.name, f"w_{{{k}}} = -0.35") for k, (a, b) in enumerate(pairs, 1)]
    matrices = (("W^{(1)} = M_1",), ("W^{(2)} = M_2",))
    layout = network_figure(neurons, edges, (), matrices).layout
    assert 1 in layout.unlabelled and "W^{(1)} = M_1" in layout.matrices
    crowded = [e for e in layout.edges if e.edge.target.startswith("h")]
    assert all(e.label is None for e in crowded)
    assert all(n.bias is None for n in layout.neurons if n.neuron.layer == 1)
    assert len(layout.matrices) == len(layout.unlabelled)


def test_a_figure_refuses_a_layout_of_other_edges(documents):
    fig = figures(documents[0])[0]
    unlabelled = tuple(dataclasses.replace(e, label="") for e in fig.edges)
    with pytest.raises(ValueError, match="lay it out again"):
        dataclasses.replace(fig, edges=unlabelled)
    assert network_figure(fig.neurons, unlabelled, fig.caption).layout.edges[0].label is None


# ---------------------------------------------------------------- both templates draw it


def test_svg_and_tikz_draw_the_numbers_of_the_layout(documents):
    for doc in documents:
        svgs, tikzs = svg_figures(render(doc, "html")), tikz_figures(render(doc, "tex"))
        assert len(svgs) == len(tikzs) == len(figures(doc))
        for svg, tikz, fig in zip(svgs, tikzs, figures(doc), strict=True):
            check_svg(svg, fig)
            check_tikz(tikz, fig)


def test_the_templates_compute_no_geometry_of_their_own(documents):
    """Move a circle, an arrow and a label in the layout alone: both outputs follow it,
    which they could not if a template worked out where things go by itself."""
    fig = figures(documents[0])[0]
    layout = fig.layout
    circle = dataclasses.replace(layout.neurons[0], x=-3.25, y=7.5)
    arrow = dataclasses.replace(layout.edges[0], x1=1.0, y1=-2.0)
    label = dataclasses.replace(arrow.label, x=0.125, y=5.5, anchor="west", angle=12.5, size=11.0)
    moved = dataclasses.replace(layout, neurons=(circle, *layout.neurons[1:]),
                                edges=(dataclasses.replace(arrow, label=label), *layout.edges[1:]))
    drawn = dataclasses.replace(fig, layout=moved)
    doc = Document("Moved", "", (Section("Figure", "figure", (drawn,)),))
    (svg,) = svg_figures(render(doc, "html"))
    (tikz,) = tikz_figures(render(doc, "tex"))
    check_svg(svg, drawn)
    check_tikz(tikz, drawn)
    assert r"at (-3.250, 7.500)" in tikz and r"\draw[edge] (1.000, -2.000)" in tikz
    assert (r"\node[weight, anchor=west, rotate=12.50, font=\fontsize{11.0}{13.2}\selectfont] at (0.125, 5.500)"
            in tikz)


def test_a_caption_is_prose_with_math_in_every_format(documents):
    fig = figures(documents[0])[1]  # the path of ∂C/∂w5
    assert any(isinstance(part, Text) for part in fig.caption)
    tex, html = render(documents[0], "tex"), render(documents[0], "html")
    assert r"\caption{The path of $\partial C/\partial w_{5}$" in tex
    caption = re.search(r'<figcaption id="figure-2-caption">(.*?)</figcaption>', html, re.DOTALL).group(1)
    assert re.match(r"The path of (<span class=\"nowrap\">)?<math", caption) and "\\partial" not in caption
