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

from explainer.walkthrough.drawings import (  # noqa: F401  (the model's figures, for its readers)
    Band,
    Box,
    Contour,
    FigureEdge,
    FigureLayout,
    FigureNeuron,
    Geometry,
    Landscape,
    LayerArrow,
    LayerBox,
    LayerFigure,
    NetworkFigure,
    PlacedEdge,
    PlacedLabel,
    PlacedNeuron,
    Plot,
    Tick,
    labels_of,
)
from explainer.walkthrough.prose import Blank, Inline, Math, Text  # noqa: F401


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


Block = Paragraph | Equation | Table | NetworkFigure | LayerFigure | Landscape | Plot


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
