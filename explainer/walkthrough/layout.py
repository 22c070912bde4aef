"""Where everything in a network figure goes, worked out once for every renderer.

A `NetworkFigure` says what it shows: neurons at centres in figure units (one
unit ≈ 1 cm, y up), edges with a preferred `position` for their weight labels,
and the LaTeX of each label. `lay_out` turns that into a `FigureLayout`:

* each neuron's circle (centre, radius) and its role (input, hidden, output);
* each edge as the visible arrow, from the rim of the source circle to the rim of
  the target circle;
* each label as an anchor point and which point of the label sits on it: the
  name inside its circle; the weight at `position` along the visible arrow; the
  bias just outside the circle, above a neuron in the upper half of the figure
  and below one in the lower half, where no edge runs; the value left of an
  input, right of an output, and outside a hidden neuron, beyond its bias;
* the bounding box of it all, labels included.

The TikZ and the SVG templates only draw these numbers: TikZ in centimetres as
they are, SVG after one multiplication by its pixels per unit and a flip of y.
What a renderer cannot know before it typesets, the size of a label, is
estimated here from the length of the label's LaTeX; a label that finds no room
is a problem to solve in this module, not in a template.

The sizes below were tuned by eye in the HTML figure, where one unit is 54 CSS
pixels, and are written as those fractions so the HTML keeps its numbers. The
circle's radius, 25.5 px, is the 9.5 mm circle the LaTeX figure had drawn
until it took its size from here (0.06 mm smaller now, which no eye can see).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from explainer.walkthrough.document import (
    Box,
    FigureEdge,
    FigureLayout,
    FigureNeuron,
    NetworkFigure,
    PlacedEdge,
    PlacedLabel,
    PlacedNeuron,
    labels_of,
)

_PX = 1 / 54  # one CSS pixel of the HTML figure at its natural size, in figure units

RADIUS = 25.5 * _PX  # a neuron's circle
GAP = 7 * _PX  # between a circle's rim and a value label beside it
BAND = 30 * _PX  # the height of a label, and of the room for a bias above or below a circle
CHAR = 7.5 * _PX  # estimated width per character of a label's LaTeX, braces and commands included
VALUE_PAD = 10 * _PX  # more room for a value: it is set larger than a weight or a bias
SIDE_ROOM = 11 * _PX  # kept free beside a circle, even with no label there


def network_figure(neurons: Iterable[FigureNeuron], edges: Iterable[FigureEdge],
                   caption: str) -> NetworkFigure:
    """The figure of these neurons and edges, laid out: the only way the walkthrough makes one."""
    neurons, edges = tuple(neurons), tuple(edges)
    return NetworkFigure(neurons, edges, caption, lay_out(neurons, edges))


def lay_out(neurons: tuple[FigureNeuron, ...], edges: tuple[FigureEdge, ...]) -> FigureLayout:
    """Circles, arrows, labels and bounding box of a figure (see the module docstring)."""
    ys = [n.y for n in neurons]
    middle = (min(ys) + max(ys)) / 2
    last_layer = max(n.layer for n in neurons)
    placed = tuple(_place_neuron(n, above=n.y >= middle, last_layer=last_layer) for n in neurons)
    by_name = {p.neuron.name: p for p in placed}
    arrows = tuple(_place_edge(e, by_name[e.source], by_name[e.target]) for e in edges)
    return FigureLayout(placed, arrows, _frame(placed, arrows))


def _place_neuron(n: FigureNeuron, above: bool, last_layer: int) -> PlacedNeuron:
    role = "input" if n.layer == 0 else "output" if n.layer == last_layer else "hidden"
    outward = 1 if above else -1  # the side of the circle no edge runs on
    bias = value = None
    if n.bias:
        bias = _label(n.bias, "bias", n.x, n.y + outward * (RADIUS + BAND / 2), "center")
    if n.value and role == "input":
        value = _label(n.value, "value", n.x - RADIUS - GAP, n.y, "east")
    elif n.value and role == "output":
        value = _label(n.value, "value", n.x + RADIUS + GAP, n.y, "west")
    elif n.value:  # beyond the bias, if there is one
        beyond = BAND if n.bias else 0
        value = _label(n.value, "value", n.x, n.y + outward * (RADIUS + BAND / 2 + beyond), "center")
    return PlacedNeuron(n, n.x, n.y, RADIUS, role, _label(n.label, "name", n.x, n.y, "center"),
                        bias, value)


def _place_edge(edge: FigureEdge, a: PlacedNeuron, b: PlacedNeuron) -> PlacedEdge:
    """The arrow from rim to rim, and the weight label at `position` along that visible part
    (as TikZ's ``pos=`` does on a path between two nodes)."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy)
    ux, uy = dx / length, dy / length
    label = None
    if edge.label:
        along = a.radius + edge.position * (length - a.radius - b.radius)
        label = _label(edge.label, "weight", a.x + along * ux, a.y + along * uy, "center")
    return PlacedEdge(edge, a.x + a.radius * ux, a.y + a.radius * uy,
                      b.x - b.radius * ux, b.y - b.radius * uy, label)


def _label(latex: str, kind: str, x: float, y: float, anchor: str) -> PlacedLabel:
    width = len(latex) * CHAR + (VALUE_PAD if kind == "value" else 0)
    return PlacedLabel(latex, kind, x, y, anchor, width, BAND)


def _frame(neurons: tuple[PlacedNeuron, ...], edges: tuple[PlacedEdge, ...]) -> Box:
    """The smallest box holding every label and, around every circle, SIDE_ROOM beside it
    and a band above and below it. The bands are kept even where no bias is drawn, so that
    the chain-rule copies of the figure (which label no bias) are as tall as the figure."""
    boxes = [Box(n.x - n.radius - SIDE_ROOM, n.y - n.radius - BAND,
                 n.x + n.radius + SIDE_ROOM, n.y + n.radius + BAND) for n in neurons]
    boxes += [label.box for label in labels_of(neurons, edges)]
    return Box(min(b.left for b in boxes), min(b.bottom for b in boxes),
               max(b.right for b in boxes), max(b.top for b in boxes))
