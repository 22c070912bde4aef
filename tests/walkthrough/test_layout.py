"""The network figure's layout: computed once in Python, drawn as it is by TikZ and by SVG.

`explainer.walkthrough.layout` places every circle, arrow and label in figure
units (cm, y up). These tests check the geometry itself (arrows from rim to rim,
labels where the walkthrough says and inside the bounding box) and that both
templates draw exactly those numbers: the SVG after one scale and a flip of y,
the TikZ source in cm as they are.
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
from explainer.walkthrough.document import Document, FigureEdge, FigureNeuron, NetworkFigure, Section
from explainer.walkthrough.layout import network_figure

SVG_SCALE = 54  # user units per figure unit in html_figure.j2
SVG_TOLERANCE = 0.051  # the SVG rounds to 0.1
TIKZ_TOLERANCE = 0.00051  # the TikZ source rounds to 0.001


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


def test_a_weight_label_sits_at_its_position_along_the_visible_arrow(all_figures):
    for fig in all_figures:
        for e in fig.layout.edges:
            if not e.edge.label:
                assert e.label is None
                continue
            t = e.edge.position
            assert (e.label.x, e.label.y) == pytest.approx((e.x1 + t * (e.x2 - e.x1),
                                                            e.y1 + t * (e.y2 - e.y1)))
            assert e.label.anchor == "center" and e.label.latex == e.edge.label


def test_biases_and_values_stand_outside_their_circles(all_figures):
    for fig in all_figures:
        ys = [n.y for n in fig.neurons]
        middle = (min(ys) + max(ys)) / 2
        for n in fig.layout.neurons:
            assert (n.name.x, n.name.y, n.name.latex) == (n.x, n.y, n.neuron.label)
            if n.bias:  # above the upper half's circles and below the lower half's
                outward = n.bias.y - n.y
                assert abs(outward) > n.radius and (outward > 0) == (n.y >= middle)
                assert n.bias.x == n.x
            if n.value and n.role == "input":  # ends left of the circle
                assert n.value.anchor == "east" and n.value.x < n.x - n.radius and n.value.y == n.y
            elif n.value:
                assert n.role == "output" and n.value.anchor == "west" and n.value.x > n.x + n.radius
            assert bool(n.bias) == bool(n.neuron.bias) and bool(n.value) == bool(n.neuron.value)


def test_a_hidden_neurons_value_stands_beyond_its_bias():
    neurons = (FigureNeuron("x1", "x_{1}", 0, 0.0, 1.0, value="x_{1} = 2"),
               FigureNeuron("x2", "x_{2}", 0, 0.0, -1.0),
               FigureNeuron("h1", "h_{1}", 1, 4.0, 1.0, bias="b_{1} = 1", value="o = 0.5"),
               FigureNeuron("h2", "h_{2}", 1, 4.0, -1.0, value="o = 0.25"),
               FigureNeuron("L1", "L_{1}", 2, 8.0, 0.0, bias="b_{3} = 0", value="y = 0.75"))
    edges = (FigureEdge("x1", "h1", "w_{1} = 1", 0.5), FigureEdge("h2", "L1", "", 0.5))
    placed = {n.neuron.name: n for n in network_figure(neurons, edges, "").layout.neurons}
    h1, h2, out = placed["h1"], placed["h2"], placed["L1"]
    assert h1.value.y > h1.bias.y > h1.y + h1.radius  # upper half: value above the bias above
    assert h2.value.y < h2.y - h2.radius and h2.bias is None  # lower half, no bias to go beyond
    assert h1.value.anchor == h2.value.anchor == "center"
    assert (out.role, out.value.anchor) == ("output", "west")
    assert h1.role == "hidden" and placed["x2"].value is None
    layout = network_figure(neurons, edges, "").layout
    assert all(layout.box.top >= label.box.top for label in layout.labels)
    assert layout.box.top == pytest.approx(h1.value.box.top)


def test_every_circle_and_label_lies_inside_the_bounding_box(all_figures):
    for fig in all_figures:
        box = fig.layout.box
        for n in fig.layout.neurons:
            assert box.left < n.x - n.radius and n.x + n.radius < box.right
            assert box.bottom < n.y - n.radius and n.y + n.radius < box.top
        for label in fig.layout.labels:
            room = label.box
            assert label.width > 0 and label.height > 0
            assert box.left <= room.left and room.right <= box.right, label
            assert box.bottom <= room.bottom and room.top <= box.top, label


def test_the_update_figure_is_laid_out_for_its_own_longer_labels(documents):
    doc = documents[0]
    (overview,) = [b for s in doc.sections if s.anchor == "network" for b in s.blocks
                   if isinstance(b, NetworkFigure)]
    update = figures(doc)[-1]
    assert update.layout.box.width > overview.layout.box.width
    assert [label.latex for label in update.layout.labels if label.kind == "weight"] == [
        e.label for e in update.edges]


def test_a_figure_refuses_a_layout_of_other_edges(documents):
    fig = figures(documents[0])[0]
    unlabelled = tuple(dataclasses.replace(e, label="") for e in fig.edges)
    with pytest.raises(ValueError, match="lay it out again"):
        dataclasses.replace(fig, edges=unlabelled)
    assert not network_figure(fig.neurons, unlabelled, fig.caption).layout.edges[0].label


# ---------------------------------------------------------------- both templates draw it


def svg_figures(html: str) -> list[str]:
    return re.findall(r'<figure class="network".*?</figure>', html, re.DOTALL)


def tikz_figures(tex: str) -> list[str]:
    return re.findall(r"\\begin\{tikzpicture\}\[x=1cm, y=1cm\](.*?)\\end\{tikzpicture\}", tex, re.DOTALL)


def attributes(element: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', element))


def check_svg(svg: str, fig: NetworkFigure) -> None:
    """Every number in the SVG is the layout's, scaled by SVG_SCALE with y flipped."""
    box = fig.layout.box

    def at(x: float, y: float) -> tuple[float, float]:
        return (x - box.left) * SVG_SCALE, (box.top - y) * SVG_SCALE

    near = pytest.approx
    view = attributes(re.search(r"<svg [^>]*>", svg).group())
    assert [float(v) for v in view["viewBox"].split()] == near(
        [0, 0, box.width * SVG_SCALE, box.height * SVG_SCALE], abs=SVG_TOLERANCE)
    circles = [attributes(c) for c in re.findall(r"<circle [^>]*>", svg)]
    assert len(circles) == len(fig.layout.neurons)
    for c, n in zip(circles, fig.layout.neurons, strict=True):
        assert (float(c["cx"]), float(c["cy"])) == near(at(n.x, n.y), abs=SVG_TOLERANCE)
        assert float(c["r"]) == near(n.radius * SVG_SCALE, abs=SVG_TOLERANCE)
        assert c["class"].split()[1] == n.role
    lines = [attributes(line) for line in re.findall(r"<line [^>]*>", svg)]
    assert len(lines) == len(fig.layout.edges)
    for line, e in zip(lines, fig.layout.edges, strict=True):
        drawn = [float(line[k]) for k in ("x1", "y1", "x2", "y2")]
        assert drawn == near([*at(e.x1, e.y1), *at(e.x2, e.y2)], abs=SVG_TOLERANCE)
    boxes = [attributes(b) for b in re.findall(r"<foreignObject [^>]*>", svg)]
    assert len(boxes) == len(fig.layout.labels)
    for b, label in zip(boxes, fig.layout.labels, strict=True):
        x, y, w, h = (float(b[k]) for k in ("x", "y", "width", "height"))
        ends = {"center": x + w / 2, "east": x + w, "west": x}[label.anchor]
        assert (ends, y + h / 2) == near(at(label.x, label.y), abs=SVG_TOLERANCE)
        assert b["class"].split()[1] == label.kind


def check_tikz(tikz: str, fig: NetworkFigure) -> None:
    """Every node and arrow of the TikZ picture is at the layout's coordinates, in cm."""
    near = pytest.approx
    number = r"(-?\d+\.\d+)"
    neurons = re.findall(rf"\\node\[neuron[^\]]*minimum size={number}cm\] at \({number}, {number}\)",
                         tikz)
    assert [tuple(map(float, n)) for n in neurons] == [
        near((2 * n.radius, n.x, n.y), abs=TIKZ_TOLERANCE) for n in fig.layout.neurons]
    arrows = re.findall(rf"\\draw\[edge[^\]]*\] \({number}, {number}\) -- \({number}, {number}\)", tikz)
    assert [tuple(map(float, a)) for a in arrows] == [
        near((e.x1, e.y1, e.x2, e.y2), abs=TIKZ_TOLERANCE) for e in fig.layout.edges]
    labels = re.findall(rf"\\node\[(\w+), anchor=(\w+)\] at \({number}, {number}\) \{{\$(.*)\$\}};", tikz)
    assert [(kind, anchor, float(x), float(y), latex) for kind, anchor, x, y, latex in labels] == [
        (label.kind, label.anchor, near(label.x, abs=TIKZ_TOLERANCE), near(label.y, abs=TIKZ_TOLERANCE),
         label.latex)
        for label in fig.layout.labels if label.kind != "name"]


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
    label = dataclasses.replace(arrow.label, x=0.125, y=5.5, anchor="west")
    moved = dataclasses.replace(layout, neurons=(circle, *layout.neurons[1:]),
                                edges=(dataclasses.replace(arrow, label=label), *layout.edges[1:]))
    doc = Document("Moved", "", (Section("Figure", "figure", (dataclasses.replace(fig, layout=moved),)),))
    (svg,) = svg_figures(render(doc, "html"))
    (tikz,) = tikz_figures(render(doc, "tex"))
    drawn = dataclasses.replace(fig, layout=moved)
    check_svg(svg, drawn)
    check_tikz(tikz, drawn)
    assert r"at (-3.250, 7.500)" in tikz and r"\draw[edge] (1.000, -2.000)" in tikz
    assert r"\node[weight, anchor=west] at (0.125, 5.500)" in tikz
