"""The walkthrough as a document model: sections of prose, equations, tables and a figure.

This is what every renderer reads. It holds words and LaTeX math strings with the
numbers already written to the chosen digits, and the geometry of the network
figure; it knows nothing of file formats. A template turns it into LaTeX, HTML
(math converted to MathML) or Markdown, the way SymPy's printers turn one
expression tree into several notations.

Math strings are LaTeX math-mode content without delimiters, e.g.
``\\frac{\\partial C}{\\partial w_{5}}``. Prose strings are plain text; renderers
escape them for their format.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """Plain prose; `strong` sets it in bold (used sparingly, for key ideas)."""

    text: str
    strong: bool = False


@dataclass(frozen=True)
class Math:
    """Inline math: LaTeX without the $ delimiters."""

    latex: str


@dataclass(frozen=True)
class Blank:
    """An empty line to write an answer on (a problem sheet), `width` in cm."""

    width: float = 3.5


Inline = Text | Math | Blank


@dataclass(frozen=True)
class Paragraph:
    """A run of prose and inline math. A `note` is set apart as a highlighted remark.

    `tone` marks a note about a number someone claimed (see `explainer check`):
    "correct", "wrong" or "follows" (wrong only because of an earlier wrong number).
    """

    parts: tuple[Inline, ...]
    note: bool = False
    tone: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a displayed derivation: `lhs relation rhs`.

    An empty `lhs` continues the line above, aligned at the relation, as in
    LaTeX's align environment. `relation` is LaTeX: "=" or "\\approx".
    """

    lhs: str
    relation: str
    rhs: str


@dataclass(frozen=True)
class Equation:
    """A displayed derivation of one or more aligned rows.

    `keys` name the quantities it derives, as a claims file names them
    (``output.h1``, ``delta.L1``, ``gradient.w5``, ``after.cost``), so that a checked
    walkthrough can mark a person's number beside the derivation of its true value.
    """

    rows: tuple[Row, ...]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of cells, each prose or inline math. `align` has one of l, c, r per column."""

    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]
    align: str
    caption: str = ""


@dataclass(frozen=True)
class FigureNeuron:
    """A neuron drawn at (x, y) in figure units (one unit ≈ 1 cm; y grows upwards)."""

    name: str  # x1, h1, L1
    label: str  # LaTeX shown inside the circle, e.g. "h_{1}"
    layer: int
    x: float
    y: float
    bias: str = ""  # LaTeX label of the bias feeding it, e.g. "b_{1} = 0.25"; empty for inputs
    value: str = ""  # LaTeX shown beside the neuron (x's value for inputs, e.g. "x_{1} = 2")
    highlight: bool = False  # on the path the chain rule walks (see sections/figures.py)


@dataclass(frozen=True)
class FigureEdge:
    """A connection, labelled with its weight. `position` (0..1) says where along
    the edge the label sits, chosen so labels of crossing edges do not collide."""

    source: str
    target: str
    label: str  # LaTeX, e.g. "w_{5} = 0.7"; empty for an unlabelled edge
    position: float
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
    room it is given, estimated from its LaTeX, since only a renderer knows the real
    size of typeset math.
    """

    latex: str
    kind: str  # "name", "weight", "bias" or "value": which label it is, for its type size
    x: float
    y: float
    anchor: str
    width: float
    height: float

    @property
    def box(self) -> Box:
        """The room the label is given around its anchor point."""
        left = {"center": self.x - self.width / 2, "east": self.x - self.width, "west": self.x}[self.anchor]
        return Box(left, self.y - self.height / 2, left + self.width, self.y + self.height / 2)


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
    target's, and its weight label (None for an unlabelled edge)."""

    edge: FigureEdge
    x1: float
    y1: float
    x2: float
    y2: float
    label: PlacedLabel | None


@dataclass(frozen=True)
class FigureLayout:
    """Everything a renderer needs to draw a network figure, in figure units with y up.

    `box` holds every circle and every label, with the room each is given.
    """

    neurons: tuple[PlacedNeuron, ...]
    edges: tuple[PlacedEdge, ...]
    box: Box

    @property
    def labels(self) -> tuple[PlacedLabel, ...]:
        return labels_of(self.neurons, self.edges)


def labels_of(neurons: tuple[PlacedNeuron, ...], edges: tuple[PlacedEdge, ...]) -> tuple[PlacedLabel, ...]:
    """Every label, in the order they are drawn: the weights first (so no weight's
    patch covers a neuron's label), then each neuron's name, bias and value."""
    weights = tuple(e.label for e in edges if e.label)
    own = tuple(label for n in neurons for label in (n.name, n.bias, n.value) if label)
    return weights + own


@dataclass(frozen=True)
class NetworkFigure:
    """The network drawn: what it shows (`neurons`, `edges`) and where (`layout`).

    Make one with `explainer.walkthrough.layout.network_figure`, which lays it out;
    a figure whose layout is of other neurons or edges is refused.
    """

    neurons: tuple[FigureNeuron, ...]
    edges: tuple[FigureEdge, ...]
    caption: str
    layout: FigureLayout

    def __post_init__(self) -> None:
        # A copy made with dataclasses.replace(figure, edges=...) would otherwise keep
        # drawing the old labels: the layout must be of exactly these neurons and edges.
        if (tuple(n.neuron for n in self.layout.neurons) != self.neurons
                or tuple(e.edge for e in self.layout.edges) != self.edges):
            raise ValueError("the figure's layout is of other neurons or edges; lay it out again")


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


Block = Paragraph | Equation | Table | NetworkFigure | Plot


@dataclass(frozen=True)
class Section:
    """A titled part of the walkthrough; `level` 1 is a section, 2 a subsection."""

    title: str
    anchor: str  # a stable id, e.g. "forward-pass", for links and tests
    blocks: tuple[Block, ...]
    level: int = 1
    new_page: bool = False  # printed formats start it on a new page (a problem sheet's questions)


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    summary: tuple[tuple[str, str], ...] = field(default=())  # (label, value) pairs at the top
