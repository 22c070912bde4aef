"""What the walkthrough draws: the network figure, a line chart and the cost landscape.

Each figure says what it shows (neurons and edges with their labels; points; a
grid of costs) and, laid out, where every piece of it goes, in figure units (one
unit = 1 cm, y up): `explainer.walkthrough.layout` and its companions work that
out, once, in Python, and every renderer draws those numbers. Nothing here knows
a file format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from explainer.walkthrough import label_size
from explainer.walkthrough.prose import Inline


@dataclass(frozen=True)
class FigureNeuron:
    """A neuron of a network figure: neuron `index` (from 0, top first) of layer `layer`.
    Where it is drawn is the layout's to decide (`explainer.walkthrough.layout`)."""

    name: str  # x1, h1, L1
    label: str  # LaTeX shown inside the circle, e.g. "h_{1}"
    layer: int
    index: int
    bias: str = ""  # LaTeX label of the bias feeding it, e.g. "b_{1} = 0.25"; empty for inputs
    value: str = ""  # LaTeX shown beside the neuron (x's value for inputs, e.g. "x_{1} = 2")
    highlight: bool = False  # on the path the chain rule walks (see sections/figures.py)


@dataclass(frozen=True)
class FigureEdge:
    """A connection, labelled with its weight (LaTeX; empty for an unlabelled edge)."""

    source: str
    target: str
    label: str  # LaTeX, e.g. "w_{5} = 0.7"
    highlight: bool = False  # on the path the chain rule walks (see sections/figures.py)


# ------------------------------------------------------------ the figure laid out
#
# What a figure shows (the neurons and edges above) and where each piece of it is
# drawn are kept apart: `explainer.walkthrough.layout` works out the second from the
# first, once, and every renderer draws from its numbers, in figure units with y up.


@dataclass(frozen=True)
class Box:
    """A rectangle in figure units, y up: x from `left` to `right`, y from `bottom` to `top`."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(frozen=True)
class PlacedLabel:
    """A label where it is drawn: the point (x, y) and which point of the label sits on it.

    `anchor` is "center", "east" (the label's right end is at the point: it stands to
    the point's left) or "west" (its left end is there). `width` and `height` are the
    room it is given, its paper-coloured patch included, worked out from its LaTeX
    (`explainer.walkthrough.label_size`), since only a renderer knows the real size of
    typeset math; `size` is its type size in points, which every renderer sets.
    """

    latex: str
    kind: str  # "name", "weight", "bias" or "value": which label it is
    x: float
    y: float
    anchor: str
    width: float
    height: float
    size: float
    angle: float = 0.0  # degrees, counter-clockwise: a weight runs along its edge

    @property
    def corners(self) -> tuple[tuple[float, float], ...]:
        """The four corners of the room the label is given, turned by its angle about its anchor."""
        left = {"center": -self.width / 2, "east": -self.width, "west": 0.0}[self.anchor]
        turn = math.radians(self.angle)
        c, s = math.cos(turn), math.sin(turn)
        return tuple((self.x + a * c - b * s, self.y + a * s + b * c)
                     for a, b in ((left, -self.height / 2), (left + self.width, -self.height / 2),
                                  (left + self.width, self.height / 2), (left, self.height / 2)))

    @property
    def lines(self) -> tuple[str, ...]:
        """The label's lines of LaTeX, set one under another."""
        return label_size.lines(self.latex)

    @property
    def box(self) -> Box:
        """The upright rectangle that holds the room the label is given."""
        xs, ys = zip(*self.corners, strict=True)
        return Box(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class PlacedNeuron:
    """A neuron's circle and the labels around it. `role` is "input", "hidden" or "output"."""

    neuron: FigureNeuron
    x: float
    y: float
    radius: float
    role: str
    name: PlacedLabel  # inside the circle
    bias: PlacedLabel | None
    value: PlacedLabel | None


@dataclass(frozen=True)
class PlacedEdge:
    """An edge as drawn: the arrow from (x1, y1) on the source's rim to (x2, y2) on the
    target's, and its weight label (None for an unlabelled edge, or one whose layer's
    weights are shown as a matrix instead)."""

    edge: FigureEdge
    x1: float
    y1: float
    x2: float
    y2: float
    label: PlacedLabel | None


@dataclass(frozen=True)
class Geometry:
    """Where a network figure's neurons stand: the x of each layer's column, and the
    distance between neighbouring neurons of a layer (each layer centred on y = 0)."""

    columns: tuple[float, ...]
    spacing: float


@dataclass(frozen=True)
class FigureLayout:
    """Everything a renderer needs to draw a network figure, in figure units with y up.

    `box` holds every circle and every label, with the room each is given.
    `unlabelled` are the layers whose labels would not fit: their edges and biases are
    drawn without labels, and `matrices` (lines of LaTeX) give their weight matrices
    and bias vectors instead, set below the drawing.
    """

    neurons: tuple[PlacedNeuron, ...]
    edges: tuple[PlacedEdge, ...]
    box: Box
    geometry: Geometry
    unlabelled: tuple[int, ...] = ()
    matrices: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[PlacedLabel, ...]:
        return labels_of(self.neurons, self.edges)


def labels_of(neurons: tuple[PlacedNeuron, ...], edges: tuple[PlacedEdge, ...]) -> tuple[PlacedLabel, ...]:
    """Every label, in the order they are drawn: the weights first, then each neuron's
    name, bias and value."""
    weights = tuple(e.label for e in edges if e.label)
    own = tuple(label for n in neurons for label in (n.name, n.bias, n.value) if label)
    return weights + own


@dataclass(frozen=True)
class NetworkFigure:
    """The network drawn: what it shows (`neurons`, `edges`, and for each layer after the
    inputs the LaTeX of its weight matrix, in `matrices`, to show should its edges be too
    crowded to label) and where (`layout`). The caption is prose with math.

    Make one with `explainer.walkthrough.layout.network_figure`, which lays it out;
    a figure whose layout is of other neurons or edges is refused.
    """

    neurons: tuple[FigureNeuron, ...]
    edges: tuple[FigureEdge, ...]
    caption: tuple[Inline, ...]
    layout: FigureLayout
    matrices: tuple[tuple[str, ...], ...] = ()  # per layer after the inputs: its lines of LaTeX

    def __post_init__(self) -> None:
        # A copy made with dataclasses.replace(figure, edges=...) would otherwise keep
        # drawing the old labels: the layout must be of exactly these neurons and edges.
        if (tuple(n.neuron for n in self.layout.neurons) != self.neurons
                or tuple(e.edge for e in self.layout.edges) != self.edges):
            raise ValueError("the figure's layout is of other neurons or edges; lay it out again")


@dataclass(frozen=True)
class LayerBox:
    """One layer of a figure of layers: its rectangle, its `role` ("input", "hidden" or
    "output") and its lines of text, each a label at its place."""

    box: Box
    role: str
    lines: tuple[PlacedLabel, ...]


@dataclass(frozen=True)
class LayerArrow:
    """The connection from one layer to the next: an arrow from (x1, y1) to (x2, y2) and the
    label that says what it carries (the shapes of the weight matrix and the bias vector)."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: PlacedLabel


@dataclass(frozen=True)
class LayerFigure:
    """A network too large to draw neuron by neuron, drawn layer by layer: a box per layer and
    an arrow between neighbouring layers, laid out by `explainer.walkthrough.layer_figure`.
    `box` holds all of it."""

    layers: tuple[LayerBox, ...]
    arrows: tuple[LayerArrow, ...]
    box: Box
    caption: tuple[Inline, ...]


Point = tuple[float, float]


@dataclass(frozen=True)
class Band:
    """The part of a landscape where the cost lies between `low` and `high`: rings of points
    in data units (outer rims and holes alike, to fill by the even-odd rule), and its colour,
    `shade`, from 0 (the lowest band) to SHADES − 1 (`explainer.walkthrough.contours`)."""

    shade: int
    low: float
    high: float
    rings: tuple[tuple[Point, ...], ...]


@dataclass(frozen=True)
class Contour:
    """A contour line: where the cost equals `level` (written `label`), as polylines."""

    level: float
    label: str
    lines: tuple[tuple[Point, ...], ...]


@dataclass(frozen=True)
class Landscape:
    """The cost over two parameters, every other held fixed (`explainer.walkthrough.contours`).

    Everything is in data units: the parameters along the axes (`x_label`, `y_label`, LaTeX),
    the shaded bands and the contour lines, the `path` the parameters took (the first point
    is where the step started), and the `arrow` from the start along the negative gradient.
    `unit` scales a point into the unit square, for renderers that draw by hand; the ticks
    are placed that way already, and `scale` marks the contour levels along the colour bar.
    """

    x_label: str
    y_label: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    bands: tuple[Band, ...]
    contours: tuple[Contour, ...]
    path: tuple[Point, ...]
    marked: tuple[Point, ...]  # the points of the path after the start drawn as rings (at most MARKS)
    arrow: tuple[Point, Point]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    scale: tuple[Tick, ...]
    cost_range: tuple[float, float]
    caption: tuple[Inline, ...]

    def unit(self, point: Point) -> Point:
        """The point scaled into the unit square of the window (y up)."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return (point[0] - x0) / (x1 - x0), (point[1] - y0) / (y1 - y0)

    def shade_at(self, fraction: float) -> int:
        """The shade of the band at this fraction of the way from the lowest cost to the highest."""
        low, high = self.cost_range
        value = low + fraction * (high - low)
        return next((b.shade for b in self.bands if b.low <= value <= b.high), self.bands[-1].shade)


@dataclass(frozen=True)
class Tick:
    """An axis tick: where it sits along the axis (0..1), its label (plain text), and
    the value it marks in data units (for renderers that place ticks themselves)."""

    at: float
    label: str
    value: float = 0.0


@dataclass(frozen=True)
class Plot:
    """A line chart, such as the cost after every step.

    `points` are in data units (for renderers that draw axes themselves, like
    pgfplots); `normalized` are the same points scaled into the unit square, with
    `x_ticks` and `y_ticks` placed the same way, for renderers that draw by hand.
    `log_y`: the y axis is logarithmic (the values span decades), and `normalized`
    and `y_ticks` are placed on it so. A chart that has no logarithmic axis (Mermaid)
    plots `chart_y`, named `chart_y_label`: log₁₀ of y where `log_y`, else y itself.
    """

    points: tuple[tuple[float, float], ...]
    normalized: tuple[tuple[float, float], ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    x_label: str
    y_label: str
    caption: str
    log_y: bool = False
    chart_y: tuple[float, ...] = ()
    chart_y_label: str = ""
