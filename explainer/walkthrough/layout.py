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

import numpy as np

from explainer.walkthrough.drawings import (
    FigureEdge,
    FigureLayout,
    FigureNeuron,
    Geometry,
    NetworkFigure,
    PlacedEdge,
    PlacedNeuron,
)
from explainer.walkthrough.placement import Label, place
from explainer.walkthrough.places import (  # noqa: F401  (the sizes a figure's readers look up here)
    BAND,
    CIRCLE_ROOM,
    GAP,
    MARGIN,
    MAX_WIDTH,
    RADIUS,
    ROOMY,
    SIDE_ROOM,
    SIZES,
    Anchors,
    along,
    frame,
    head,
    label_of,
    placed,
    rim_to_rim,
    size_of,
)
from explainer.walkthrough.prose import Inline

SPACINGS = (2.5, 3.5)  # between neighbouring neurons of a layer, tried in this order
MAX_HEIGHT = 20.0  # the tallest a figure should be (an A4 page's text is 24 cm): a tall layer packs closer
CLOSEST = 2 * RADIUS + 0.2  # but never closer than this
NARROWEST = 3.0  # the least distance between two layers (unlabelled edges stand this far apart)
WIDEST = 9.0  # the most room a pair of layers gets for its labels
STEP = 0.25  # how much wider a pair of layers is tried when its labels do not fit
BREATHE = 0.5  # given to every labelled pair of layers beyond the least width, where the page has it


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
    tallest = max(figure.sizes)
    room = (MAX_HEIGHT - 2 * (RADIUS + BAND)) / max(1, tallest - 1)
    spacings = [s for s in SPACINGS if s <= room] or [max(CLOSEST, room)]
    for spacing in spacings:
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
        self.widest = {g: max((size_of(e.label, "weight")[0] for e in edges
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
                return self._breathing(layout, widths, spacing, dropped, matrices)
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

    def _breathing(self, layout: FigureLayout, widths: dict[int, float], spacing: float, dropped: set[int],
                   matrices: tuple[tuple[str, ...], ...]) -> FigureLayout:
        """The layout with BREATHE more room in every labelled pair of layers, if the page has
        it: the least width fits the labels, a little more lets them stand clear of the circles."""
        wider = widths | {g: widths[g] + BREATHE for g in self.labelled - dropped}
        if wider == widths or self._width_with(wider) > MAX_WIDTH:
            return layout
        roomier, _, _ = self._attempt(self._geometry(wider, spacing), dropped, matrices)
        return roomier if roomier is not None and roomier.box.width <= MAX_WIDTH + 1e-9 else layout

    def _least_width(self, gap: int, spacing: float, guess: float | None = None) -> float | None:
        """The least width (on the grid of STEPs up to WIDEST) at which the labels of the pair
        of layers arriving at `gap` fit, measured on that pair alone; None if none does. A
        `guess` (the width that fitted at another spacing) narrows the search when it fits."""
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

        if fits(options[0]):  # most pairs of layers fit at once
            return float(options[0])
        # The least width that fits lies above the first: below a guess that fits, else below
        # WIDEST (a pair that does not fit even there is too crowded for any width).
        below = [k for k, width in enumerate(options) if guess is not None and width <= guess + 1e-9]
        if below and len(below) > 1 and fits(options[below[-1]]):
            last_failed, index = 0, below[-1]
        elif len(options) == 1 or not fits(options[-1]):
            return None
        else:
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
        outer = [max((size_of(n.value, "value")[0] for n in self.neurons if n.value and n.layer == layer),
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
        segments = np.array([rim_to_rim(circles[e.source], circles[e.target]) for e in self.edges]
                            ).reshape(-1, 4)
        discs = np.array([(x, y, RADIUS + CIRCLE_ROOM) for x, y in circles.values()]
                         + [head(segment) for segment in segments]).reshape(-1, 3)
        wanted: list[tuple[tuple[str, str | int], str, Anchors, Label]] = []  # (key, latex, anchors, label)
        for n in self.neurons:
            if n.bias and n.layer not in dropped:
                anchors = self._around(n, "bias", n.bias, circles[n.name])
                wanted.append((("bias", n.name), n.bias, anchors, label_of(n.bias, "bias", anchors)))
            if n.value:
                anchors = self._around(n, "value", n.value, circles[n.name])
                wanted.append((("value", n.name), n.value, anchors, label_of(n.value, "value", anchors)))
        for index, e in enumerate(self.edges):
            if e.label and self.layer_of[e.target] not in dropped:
                anchors = along(segments[index])
                wanted.append((("weight", index), e.label, anchors,
                               label_of(e.label, "weight", anchors, {index})))
        labels = [w[3] for w in wanted]
        placement = place(labels, segments, discs, MARGIN, roomy)
        chosen = placement.chosen
        if chosen is None:
            return None, *self._blame(wanted, placement.stuck)
        chosen_labels = {key: placed(latex, key[0], anchors[k])
                  for (key, latex, anchors, _), k in zip(wanted, chosen, strict=True)}
        neurons = tuple(self._neuron(n, circles[n.name], chosen_labels) for n in self.neurons)
        edges = tuple(PlacedEdge(e, *(float(v) for v in segments[index]), chosen_labels.get(("weight", index)))
                      for index, e in enumerate(self.edges))
        shown = tuple(line for g in sorted(dropped & self.labelled) if g - 1 < len(matrices)
                      for line in matrices[g - 1])
        unlabelled = tuple(sorted(dropped & self.labelled))
        return FigureLayout(neurons, edges, frame(neurons, edges), geometry, unlabelled, shown), set(), set()

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

    def _around(self, n: FigureNeuron, kind: str, latex: str, centre: tuple[float, float]) -> Anchors:
        """A bias's or a value's candidate anchors around its neuron, best first."""
        x, y = centre
        width, height = size_of(latex, kind)
        if kind == "value" and n.layer in (0, self.depth):  # left of an input, right of an output
            side = "east" if n.layer == 0 else "west"
            return Anchors(np.array([x + (RADIUS + GAP) * (-1 if n.layer == 0 else 1)]), np.array([y]),
                            np.zeros(1), side)
        # Above or below the circle (outwards first: above in the upper half), centred or
        # shifted to either side; a hidden neuron's value stands a band further out.
        # The last layer's labels lean inwards first, so as not to widen the figure.
        out = RADIUS + GAP + height / 2 + (BAND if kind == "value" else 0)
        sides = np.repeat((1, -1) if y >= 0 else (-1, 1), 3)
        inwards = RADIUS - width / 2
        shifts = np.tile((inwards, 0.0, -inwards) if n.layer == self.depth else (0.0, -inwards, inwards), 2)
        return Anchors(x + shifts, y + sides * out, np.zeros(6))

    def _neuron(self, n: FigureNeuron, centre: tuple[float, float], labels: dict) -> PlacedNeuron:
        x, y = centre
        role = "input" if n.layer == 0 else "output" if n.layer == self.depth else "hidden"
        name = placed(n.label, "name", (x, y, "center", 0.0))
        return PlacedNeuron(n, x, y, RADIUS, role, name, labels.get(("bias", n.name)),
                            labels.get(("value", n.name)))
