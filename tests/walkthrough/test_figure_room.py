"""Every network figure is readable: no label on another, no edge through a label not its own.

For every shape with up to 5 neurons per layer and up to 4 layers (775 shapes), the
figure before the step and the figure after it are laid out, drawn as SVG and as
TikZ, read back from what each format draws (tests/drawing.py), and measured with
geometry written for the test: two labels that overlap, an edge that runs through a
label that is not its own, a label on a circle. There must be none. The labels are
the walkthrough's own kind — the seed notation's symbols, with values of one or two
decimals before the step and of six digits after it — from a fixed random draw.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction

from explainer.output.render import render
from explainer.spec import Network
from explainer.walkthrough.document import Document, FigureEdge, FigureNeuron, NetworkFigure, Section
from explainer.walkthrough.formatting import show
from explainer.walkthrough.layout import MAX_WIDTH, network_figure
from explainer.walkthrough.notation import Notation
from tests.drawing import (
    check_svg,
    check_tikz,
    drawn_in_svg,
    drawn_in_tikz,
    problems,
    svg_figures,
    tikz_figures,
)

SHAPES = [shape for depth in (2, 3, 4) for shape in itertools.product(range(1, 6), repeat=depth)]


def network(shape: tuple[int, ...], rng: random.Random) -> Network:
    """A network of this shape with nice weights and biases (one or two decimals)."""
    def nice() -> Fraction:
        return Fraction(rng.choice([-1, 1]) * rng.randint(1, 99), rng.choice([10, 100, 100]))
    weights = tuple(tuple(tuple(nice() for _ in range(shape[layer - 1])) for _ in range(shape[layer]))
                    for layer in range(1, len(shape)))
    biases = tuple(tuple(nice() for _ in range(size)) for size in shape[1:])
    return Network(shape, ("sigmoid",) * (len(shape) - 1), "sum_squared", "source-major", weights, biases)


def figure(shape: tuple[int, ...], after: bool) -> NetworkFigure:
    """The figure the walkthrough draws of such a network, before or after the step: every
    weight and bias labelled as the walkthrough labels them (w_{5} = 0.7; w^{+}_{5} ≈ 0.704876)."""
    rng = random.Random(f"{shape}")
    net = network(shape, rng)
    sym = Notation(net)
    values = {p.label: p.value for p in net.parameters}
    if after:  # a step moves every parameter a little; six digits of the new value are shown
        values = {label: float(v) + rng.uniform(-0.03, 0.03) for label, v in values.items()}

    def label(name: str) -> str:
        shown = show(values[name], 6)
        return (rf"{sym.updated(name)} {shown.relation} {shown.latex}" if after
                else f"{sym.param(name)} = {shown.latex}")

    neurons = []
    for layer in range(net.depth + 1):
        for j, name in enumerate(net.neurons(layer)):
            bias = label(net.bias_of(layer, j).label) if layer else ""
            value = "" if layer else f"{sym.neuron(name)} = {show(Fraction(rng.randint(-30, 30), 10), 6).latex}"
            neurons.append(FigureNeuron(name, sym.neuron(name), layer, j, bias, value))
    edges = [FigureEdge(net.neuron(p.layer - 1, p.source), net.neuron(p.layer, p.target), label(p.label))
             for p in net.parameters if p.kind == "weight"]
    matrices = [(f"W^{{({layer})}} = M",) for layer in range(1, net.depth + 1)]
    return network_figure(neurons, edges, (), matrices)


def measured(shape: tuple[int, ...]) -> tuple[list[str], int, int]:
    """Everything unreadable in the figures of this shape, before and after the step, in both
    formats; and how many of their layers kept their labels, of how many."""
    found, kept, layers = [], 0, 0
    for after in (False, True):
        fig = figure(shape, after)
        doc = Document("Figure", "", (Section("Figure", "figure", (fig,)),))
        (svg,), (tikz,) = svg_figures(render(doc, "html")), tikz_figures(render(doc, "tex"))
        check_svg(svg, fig)
        check_tikz(tikz, fig)
        when = "after" if after else "before"
        for fmt, drawn in (("svg", drawn_in_svg(svg)), ("tikz", drawn_in_tikz(tikz, fig))):
            found += [f"{'-'.join(map(str, shape))} {when}, {fmt}: {p}" for p in problems(drawn)]
        if fig.layout.box.width > MAX_WIDTH:
            found.append(f"{shape} {when}: {fig.layout.box.width:.2f} cm wide")
        kept += len(shape) - 1 - len(fig.layout.unlabelled)
        layers += len(shape) - 1
    return found, kept, layers


def test_no_label_overlaps_a_label_an_edge_or_a_circle_in_any_shape():
    with ProcessPoolExecutor() as pool:
        results = list(pool.map(measured, SHAPES, chunksize=16))
    found = [p for problems_found, _, _ in results for p in problems_found]
    assert found == [], f"{len(found)} problems, e.g. {found[:5]}"
    kept = sum(k for _, k, _ in results)
    layers = sum(n for _, _, n in results)
    assert kept > layers / 3  # the test measures labels, not only matrices


def test_small_networks_keep_every_label():
    for shape in ((1, 1), (2, 2), (2, 2, 2), (2, 1, 2), (3, 2), (1, 2, 1), (1, 1, 1, 1)):
        for after in (False, True):
            assert figure(shape, after).layout.unlabelled == (), (shape, after)


def test_the_measure_sees_an_overlap_and_an_edge_through_a_label():
    """Move one label onto another, and one onto a crossing edge: both formats show it."""
    fig = figure((2, 2, 2), after=False)
    layout = fig.layout
    first, second = (e for e in layout.edges if e.label and e.edge.source == "x1")
    crossing = next(e for e in layout.edges if (e.edge.source, e.edge.target) == ("x2", "h1"))
    onto_label = dataclasses.replace(second.label, x=first.label.x, y=first.label.y, angle=first.label.angle)
    middle = ((crossing.x1 + crossing.x2) / 2, (crossing.y1 + crossing.y2) / 2)
    onto_edge = dataclasses.replace(first.label, x=middle[0], y=middle[1])
    for moved, expected in ((dataclasses.replace(second, label=onto_label), "overlaps"),
                            (dataclasses.replace(first, label=onto_edge), "runs through")):
        edges = tuple(moved if e.edge == moved.edge else e for e in layout.edges)
        drawn = dataclasses.replace(fig, layout=dataclasses.replace(layout, edges=edges))
        doc = Document("Figure", "", (Section("Figure", "figure", (drawn,)),))
        (svg,), (tikz,) = svg_figures(render(doc, "html")), tikz_figures(render(doc, "tex"))
        assert any(expected in p for p in problems(drawn_in_svg(svg)))
        assert any(expected in p for p in problems(drawn_in_tikz(tikz, drawn)))
    doc = Document("Figure", "", (Section("Figure", "figure", (fig,)),))
    assert problems(drawn_in_svg(svg_figures(render(doc, "html"))[0])) == []
