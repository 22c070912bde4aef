"""Where everything in a network figure goes, worked out once for every renderer.

A `NetworkFigure` says what it shows: neurons by layer and position, edges with
the LaTeX of their weight labels, biases and values. `lay_out` decides the rest:

* the columns and rows: how far apart the layers stand (each pair of layers as far
  as its labels need, no further) and the neurons of a layer;
* each neuron's circle, and each edge as the visible arrow from rim to rim;
* every label, on a paper-coloured patch, where nothing else is: a weight on its
  own edge, at a point of it no other edge runs through and no other label covers;
  a bias just above or below its neuron, clear of every edge; a value left of an
  input or right of an output. `explainer.walkthrough.placement` finds such places;
* where a pair of layers has more edges than fit labelled (a 4-5 pair has twenty,
  crossing everywhere), its edges are drawn without labels and its weight matrix is
  set below the drawing instead (`FigureLayout.matrices`);
* the bounding box of it all, labels included.

The figure never grows wider than MAX_WIDTH (the text width of the LaTeX page), so
it is never scaled down and its labels keep their type size: 9 pt for a weight or a
bias, a footnote's size. The TikZ and the SVG templates only draw these numbers:
TikZ in centimetres as they are, SVG after one multiplication by its pixels per unit
and a flip of y. A label's size is estimated from its LaTeX
(`explainer.walkthrough.label_size`), since only a renderer knows it for sure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.walkthrough import label_size
from explainer.walkthrough.document import (
    Box,
    FigureEdge,
    FigureLayout,
    FigureNeuron,
    Geometry,
    Inline,
    NetworkFigure,
    PlacedEdge,
    PlacedLabel,
    PlacedNeuron,
    labels_of,
)
from explainer.walkthrough.placement import Label, place

RADIUS = 25.5 / 54  # a neuron's circle: 25.5 px in the HTML figure at 54 px per unit (9.4 mm)
SIZES = {"name": 10.0, "weight": 9.0, "bias": 9.0, "value": 10.0}  # type sizes in points
PATCH = label_size.PATCH * label_size.PT  # the paper-coloured patch around a label's text
GAP = 0.16  # between a circle's rim and a label beside it
MARGIN = 0.03  # kept free around a label's patch: from other labels and edges not its own
ROOMY = 0.15  # the margin a label is given where it can have it
CIRCLE_ROOM = 0.06  # more room kept around a circle (so that no label seems to belong to it)
HEAD = 0.3  # an arrowhead's length, kept free of labels too
BAND = 0.5  # room kept above and below every circle, for a bias label
SIDE_ROOM = 0.2  # kept free beside a circle, even with no label there

MAX_WIDTH = 15.2  # the widest a figure may be: the text width of the LaTeX page
SPACINGS = (2.5, 3.5)  # between neighbouring neurons of a layer, tried in this order
NARROWEST = 3.0  # the least distance between two layers (unlabelled edges stand this far apart)
WIDEST = 9.0  # the most room a pair of layers gets for its labels
STEP = 0.25  # how much wider a pair of layers is tried when its labels do not fit
ALONG = np.linspace(0.1, 0.9, 33)  # where on its edge a weight label may sit (0: source, 1: target)


def network_figure(neurons: Iterable[FigureNeuron], edges: Iterable[FigureEdge],
                   caption: Sequence[Inline], matrices: Sequence[tuple[str, ...]] = (),
                   geometry: Geometry | None = None) -> NetworkFigure:
    """The figure of these neurons and edges, laid out: the only way the walkthrough makes one.

    `matrices` has, for each layer after the inputs, the lines of LaTeX of its weight matrix
    and bias vector, shown for a layer whose labels do not fit; `geometry` keeps the columns and rows of
    another figure (a copy of the network that highlights something lines up with it).
    """
    neurons, edges, matrices = tuple(neurons), tuple(edges), tuple(matrices)
    return NetworkFigure(neurons, edges, tuple(caption), lay_out(neurons, edges, matrices, geometry),
                         matrices)


def lay_out(neurons: tuple[FigureNeuron, ...], edges: tuple[FigureEdge, ...],
            matrices: tuple[tuple[str, ...], ...] = (), geometry: Geometry | None = None) -> FigureLayout:
    """Circles, arrows, labels and bounding box of a figure (see the module docstring)."""
    figure = _Figure(neurons, edges)
    if geometry is not None:
        return figure.fitted(geometry, matrices)
    best: FigureLayout | None = None
    fitting: dict[int, float] = {}  # the widths that fitted at the last spacing: a good first guess
    for spacing in SPACINGS:
        layout = figure.searched(spacing, matrices, fitting)
        if best is None or len(layout.unlabelled) < len(best.unlabelled):
            best = layout
        # Taller columns help a pair of layers whose labels crowd each other or the page,
        # not one whose edges leave a label no free place at all, however wide.
        if not set(best.unlabelled) - figure.hopeless:
            break
        columns = layout.geometry.columns
        fitting = {g: columns[g] - columns[g - 1] for g in range(1, len(columns)) if g not in layout.unlabelled}
    assert best is not None
    return best


class _Figure:
    """One figure's neurons and edges, and the labels each geometry gives them.

    A layer (1 to depth) is "labelled" when an edge arriving at it or one of its neurons'
    biases has a label; a layer that gives its labels up is drawn with unlabelled edges
    and unlabelled biases, and its weight matrix (and bias vector) shown below instead.
    """

    def __init__(self, neurons: tuple[FigureNeuron, ...], edges: tuple[FigureEdge, ...]) -> None:
        self.neurons, self.edges = neurons, edges
        self.depth = max(n.layer for n in neurons)
        self.sizes = [sum(1 for n in neurons if n.layer == layer) for layer in range(self.depth + 1)]
        self.layer_of = {n.name: n.layer for n in neurons}
        self.labelled = ({self.layer_of[e.target] for e in edges if e.label}
                         | {n.layer for n in neurons if n.bias})
        self.widest = {g: max((_size(e.label, "weight")[0] for e in edges
                               if e.label and self.layer_of[e.target] == g), default=0.0)
                       for g in range(1, self.depth + 1)}
        self.hopeless: set[int] = set()  # layers some of whose labels found no free place at all

    # ------------------------------------------------------------ choosing the geometry

    def searched(self, spacing: float, matrices: tuple[tuple[str, ...], ...],
                 guesses: dict[int, float]) -> FigureLayout:
        """The narrowest columns at this spacing in which every label fits; a layer whose
        labels fit nowhere within MAX_WIDTH gives them up (its matrix is shown instead).

        Each pair of layers is first measured on its own: the least width at which its
        weights and its neurons' biases fit (a binary search), or none. Layers give up
        their labels, widest first, until the figure fits the page; then the whole figure
        is tried, and where labels of neighbouring pairs get in each other's way, the
        pairs they belong to are widened a step at a time. `guesses` are widths to try first.
        """
        dropped: set[int] = set()
        widths = {}
        for g in range(1, self.depth + 1):
            least = self._least_width(g, spacing, guesses.get(g)) if g in self.labelled else NARROWEST
            widths[g] = NARROWEST if least is None else least
            if least is None:
                dropped.add(g)
        while self._width_with(widths) > MAX_WIDTH and self.labelled - dropped:
            widest = max(self.labelled - dropped, key=lambda g: (widths[g], g))
            dropped.add(widest)
            widths[widest] = NARROWEST
        while True:
            layout, grow, culprits = self._attempt(self._geometry(widths, spacing), dropped, matrices)
            if layout is not None and layout.box.width <= MAX_WIDTH + 1e-9:
                return layout
            if layout is not None:  # every label fits, but too wide: the widest layer gives up
                grow, culprits = set(), self.labelled - dropped
                if not culprits:
                    return layout
            wider = {g: widths[g] + STEP for g in grow if widths[g] + STEP <= WIDEST}
            if wider and len(wider) == len(grow) and self._width_with(widths | wider) <= MAX_WIDTH:
                widths |= wider
                continue
            left = (culprits - dropped) or (self.labelled - dropped)
            if not left:  # nothing left to give up: the values alone do not fit (never seen)
                return self.fitted(self._geometry(widths, spacing), matrices)
            given_up = max(left, key=lambda g: (widths[g], self.sizes[g] * self.sizes[g - 1], g))
            dropped.add(given_up)
            widths[given_up] = NARROWEST

    def _least_width(self, gap: int, spacing: float, guess: float | None = None) -> float | None:
        """The least width (on the grid of STEPs up to WIDEST) at which the labels of the pair
        of layers arriving at `gap` fit, measured on that pair alone; None if none does. A
        `guess` that fits is taken as it is."""
        pair = self._pair(gap)
        room = self.widest[gap] + 2 * (RADIUS + CIRCLE_ROOM + MARGIN) + 0.4
        options = np.arange(max(NARROWEST, STEP * np.ceil(room / STEP)), WIDEST + 1e-9, STEP)
        if not len(options):
            return None

        def fits(width: float) -> bool:
            layout, stuck, _ = pair._attempt(Geometry((0.0, float(width)), spacing), set(), (), roomy=None)
            if width == options[-1] and stuck:
                self.hopeless.add(gap)
            return layout is not None

        if guess is not None and fits(guess):
            return guess
        if fits(options[0]):  # most pairs of layers fit at once
            return float(options[0])
        if len(options) == 1 or not fits(options[-1]):  # a pair too crowded for any width
            return None
        last_failed, index = 0, len(options) - 1
        low, high = last_failed + 1, index  # options[high] fits, options[low - 1] does not
        while low < high:
            middle = (low + high) // 2
            if fits(options[middle]):
                high = middle
            else:
                low = middle + 1
        return float(options[high])

    def _pair(self, gap: int) -> _Figure:
        """The two layers on either side of a gap as a figure of their own: the weights between
        them, the biases of the layer they arrive at, and the values at the figure's ends."""
        first, ends = gap - 1, ((0, 1), (self.depth, self.depth))
        neurons = tuple(dataclasses.replace(n, layer=n.layer - first, bias=n.bias if n.layer == gap else "",
                                            value=n.value if (n.layer, gap) in ends else "")
                        for n in self.neurons if n.layer in (first, gap))
        names = {n.name for n in neurons}
        return _Figure(neurons, tuple(e for e in self.edges if e.source in names and e.target in names))

    def _width_with(self, widths: dict[int, float]) -> float:
        """The figure's width with these distances between layers, its values included."""
        outer = [max((_size(n.value, "value")[0] for n in self.neurons if n.value and n.layer == layer),
                     default=0.0) for layer in (0, self.depth)]
        return sum(widths.values()) + 2 * RADIUS + sum(w + GAP for w in outer if w) + 2 * SIDE_ROOM

    def _geometry(self, widths: dict[int, float], spacing: float) -> Geometry:
        columns = [0.0]
        for g in range(1, self.depth + 1):
            columns.append(columns[-1] + widths[g])
        return Geometry(tuple(columns), spacing)

    def fitted(self, geometry: Geometry, matrices: tuple[tuple[str, ...], ...]) -> FigureLayout:
        """The layout at a given geometry; a layer whose labels do not fit there gives them up."""
        dropped: set[int] = set()
        while True:
            layout, _, culprits = self._attempt(geometry, dropped, matrices)
            if layout is not None:
                return layout
            left = (culprits - dropped) or (self.labelled - dropped)
            if not left:
                raise ValueError("a figure's values do not fit beside its neurons")
            dropped |= left

    # ------------------------------------------------------------ one geometry

    def _attempt(self, geometry: Geometry, dropped: set[int], matrices: tuple[tuple[str, ...], ...],
                 roomy: float | None = ROOMY) -> tuple[FigureLayout | None, set[int], set[int]]:
        """The layout at this geometry with these layers' labels given up; or None, the pairs
        of layers to widen and the layers to blame (whose labels have nowhere to go)."""
        circles = {n.name: self._centre(n, geometry) for n in self.neurons}
        segments = np.array([_rim_to_rim(circles[e.source], circles[e.target]) for e in self.edges]
                            ).reshape(-1, 4)
        discs = np.array([(x, y, RADIUS + CIRCLE_ROOM) for x, y in circles.values()]
                         + [_head(segment) for segment in segments]).reshape(-1, 3)
        wanted: list[tuple[tuple[str, str | int], str, _Anchors, Label]] = []  # (key, latex, anchors, label)
        for n in self.neurons:
            if n.bias and n.layer not in dropped:
                anchors = self._around(n, "bias", n.bias, circles[n.name])
                wanted.append((("bias", n.name), n.bias, anchors, _label_of(n.bias, "bias", anchors)))
            if n.value:
                anchors = self._around(n, "value", n.value, circles[n.name])
                wanted.append((("value", n.name), n.value, anchors, _label_of(n.value, "value", anchors)))
        for index, e in enumerate(self.edges):
            if e.label and self.layer_of[e.target] not in dropped:
                anchors = _along(segments[index])
                wanted.append((("weight", index), e.label, anchors,
                               _label_of(e.label, "weight", anchors, {index})))
        labels = [w[3] for w in wanted]
        placement = place(labels, segments, discs, MARGIN, roomy)
        chosen = placement.chosen
        if chosen is None:
            return None, *self._blame(wanted, placement.stuck)
        placed = {key: _placed(latex, key[0], anchors[k])
                  for (key, latex, anchors, _), k in zip(wanted, chosen, strict=True)}
        neurons = tuple(self._neuron(n, circles[n.name], placed) for n in self.neurons)
        edges = tuple(PlacedEdge(e, *(float(v) for v in segments[index]), placed.get(("weight", index)))
                      for index, e in enumerate(self.edges))
        shown = tuple(line for g in sorted(dropped & self.labelled) if g - 1 < len(matrices)
                      for line in matrices[g - 1])
        unlabelled = tuple(sorted(dropped & self.labelled))
        return FigureLayout(neurons, edges, _frame(neurons, edges), geometry, unlabelled, shown), set(), set()

    def _blame(self, wanted: list, stuck: tuple[int, ...]) -> tuple[set[int], set[int]]:
        """The pairs of layers to widen and the layers to blame: those of the labels with no
        free place at all (and if every label has one, every labelled layer, whose labels only
        crowd each other out)."""
        grow: set[int] = set()
        culprits: set[int] = set()
        for k in stuck:
            kind, owner = wanted[k][0]
            if kind == "weight":
                layer = self.layer_of[self.edges[owner].target]
                grow.add(layer)
                culprits.add(layer)
            else:  # a bias or a value sits between the pairs of layers on either side of its neuron
                layer = self.layer_of[owner]
                grow |= {g for g in (layer, layer + 1) if 1 <= g <= self.depth}
                culprits |= {layer} & self.labelled
        if grow:
            return grow, culprits
        crowded = {self.layer_of[self.edges[owner].target] if kind == "weight" else self.layer_of[owner]
                   for (kind, owner), _, _, _ in wanted if kind != "value"}
        return crowded, crowded

    def _centre(self, n: FigureNeuron, geometry: Geometry) -> tuple[float, float]:
        return geometry.columns[n.layer], ((self.sizes[n.layer] - 1) / 2 - n.index) * geometry.spacing

    def _around(self, n: FigureNeuron, kind: str, latex: str, centre: tuple[float, float]) -> _Anchors:
        """A bias's or a value's candidate anchors around its neuron, best first."""
        x, y = centre
        width, height = _size(latex, kind)
        if kind == "value" and n.layer in (0, self.depth):  # left of an input, right of an output
            side = "east" if n.layer == 0 else "west"
            return _Anchors(np.array([x + (RADIUS + GAP) * (-1 if n.layer == 0 else 1)]), np.array([y]),
                            np.zeros(1), side)
        # Above or below the circle (outwards first: above in the upper half), centred or
        # shifted to either side; a hidden neuron's value stands a band further out.
        # The last layer's labels lean inwards first, so as not to widen the figure.
        out = RADIUS + GAP + height / 2 + (BAND if kind == "value" else 0)
        sides = np.repeat((1, -1) if y >= 0 else (-1, 1), 3)
        inwards = RADIUS - width / 2
        shifts = np.tile((inwards, 0.0, -inwards) if n.layer == self.depth else (0.0, -inwards, inwards), 2)
        return _Anchors(x + shifts, y + sides * out, np.zeros(6))

    def _neuron(self, n: FigureNeuron, centre: tuple[float, float], placed: dict) -> PlacedNeuron:
        x, y = centre
        role = "input" if n.layer == 0 else "output" if n.layer == self.depth else "hidden"
        name = _placed(n.label, "name", (x, y, "center", 0.0))
        return PlacedNeuron(n, x, y, RADIUS, role, name, placed.get(("bias", n.name)),
                            placed.get(("value", n.name)))


@lru_cache(maxsize=8192)
def _size(latex: str, kind: str) -> tuple[float, float]:
    """The room a label takes, patch included: (width, height) in figure units."""
    size = SIZES[kind]
    return label_size.width(latex, size) + 2 * PATCH, label_size.height(latex, size) + 2 * PATCH


def _head(segment: np.ndarray) -> tuple[float, float, float]:
    """A disc over the arrowhead at the end of an edge, which no label may cover."""
    x1, y1, x2, y2 = segment
    length = float(np.hypot(x2 - x1, y2 - y1))
    return x2 - (x2 - x1) * HEAD / 2 / length, y2 - (y2 - y1) * HEAD / 2 / length, HEAD / 2 + MARGIN


def _rim_to_rim(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float, float, float]:
    """The visible arrow between two circles: from the rim of a to the rim of b."""
    (ax, ay), (bx, by) = a, b
    length = float(np.hypot(bx - ax, by - ay))
    ux, uy = (bx - ax) / length, (by - ay) / length
    return ax + RADIUS * ux, ay + RADIUS * uy, bx - RADIUS * ux, by - RADIUS * uy


@dataclass(frozen=True)
class _Anchors:
    """A label's candidate places, best first: where its `side` point sits (x, y) and the
    angle it is turned by (degrees, counter-clockwise)."""

    x: np.ndarray
    y: np.ndarray
    angle: np.ndarray
    side: str = "center"

    def __getitem__(self, k: int) -> tuple[float, float, str, float]:
        return float(self.x[k]), float(self.y[k]), self.side, float(self.angle[k])


_ORDER = ALONG[np.lexsort((ALONG, np.abs(ALONG - 0.5)))]  # nearest the middle of the edge first


def _along(segment: np.ndarray) -> _Anchors:
    """A weight label's candidate anchors on its edge, nearest the middle first; the label
    runs along the edge (its angle), so that the edges crossing it cover little of it."""
    x1, y1, x2, y2 = segment
    angle = np.full(len(_ORDER), np.degrees(np.arctan2(y2 - y1, x2 - x1)))
    return _Anchors(x1 + _ORDER * (x2 - x1), y1 + _ORDER * (y2 - y1), angle)


def _label_of(latex: str, kind: str, anchors: _Anchors, own: set[int] | frozenset[int] = frozenset()) -> Label:
    """The candidate boxes of a label of this LaTeX at these anchors."""
    width, height = _size(latex, kind)
    shift = {"center": 0.0, "east": -width / 2, "west": width / 2}[anchors.side]  # along the label
    turn = np.radians(anchors.angle)
    ux, uy = np.cos(turn), np.sin(turn)
    boxes = np.stack([anchors.x + shift * ux, anchors.y + shift * uy, ux, uy,
                      np.full_like(ux, width / 2), np.full_like(ux, height / 2)], axis=1)
    return Label(boxes, frozenset(own))


def _placed(latex: str, kind: str, anchor: tuple[float, float, str, float]) -> PlacedLabel:
    width, height = _size(latex, kind) if kind != "name" else (2 * RADIUS, 2 * RADIUS)
    x, y, side, angle = anchor
    return PlacedLabel(latex, kind, float(x), float(y), side, width, height, SIZES[kind], angle)


def _frame(neurons: tuple[PlacedNeuron, ...], edges: tuple[PlacedEdge, ...]) -> Box:
    """The smallest box holding every label and, around every circle, SIDE_ROOM beside it
    and a band above and below it. The bands are kept even where no bias is drawn, so that
    the chain-rule copies of the figure (which label no bias) are as tall as the figure."""
    boxes = [Box(n.x - n.radius - SIDE_ROOM, n.y - n.radius - BAND,
                 n.x + n.radius + SIDE_ROOM, n.y + n.radius + BAND) for n in neurons]
    boxes += [label.box for label in labels_of(neurons, edges) if label.kind != "name"]
    return Box(min(b.left for b in boxes), min(b.bottom for b in boxes),
               max(b.right for b in boxes), max(b.top for b in boxes))
