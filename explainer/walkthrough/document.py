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


@dataclass(frozen=True)
class NetworkFigure:
    neurons: tuple[FigureNeuron, ...]
    edges: tuple[FigureEdge, ...]
    width: float
    height: float
    caption: str


@dataclass(frozen=True)
class Tick:
    """An axis tick: where it sits along the axis (0..1) and its label (plain text)."""

    at: float
    label: str


@dataclass(frozen=True)
class Plot:
    """A line chart, such as the cost after every step.

    `points` are in data units (for renderers that draw axes themselves, like
    pgfplots); `normalized` are the same points scaled into the unit square, with
    `x_ticks` and `y_ticks` placed the same way, for renderers that draw by hand.
    """

    points: tuple[tuple[float, float], ...]
    normalized: tuple[tuple[float, float], ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    x_label: str
    y_label: str
    caption: str


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
