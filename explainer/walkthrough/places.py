"""Where a label may stand on a network figure, and the room each piece of a figure takes.

`explainer.walkthrough.layout` chooses among these places; this module says what
they are: a weight on its own edge, at points from near its source to near its
target, running along the edge; a bias just above or below its neuron; a value left
of an input or right of an output. It also holds the sizes every figure shares:
the circle, the labels' type sizes and patches, and the room kept free around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explainer.walkthrough import label_size
from explainer.walkthrough.drawings import Box, PlacedEdge, PlacedLabel, PlacedNeuron, labels_of
from explainer.walkthrough.placement import Label

RADIUS = 25.5 / 54  # a neuron's circle: 25.5 px in the HTML figure at 54 px per unit (9.4 mm)
# Type sizes in points: a weight or a bias at 9 pt is a footnote's size in an 11 pt document.
SIZES = {"name": 10.0, "weight": 9.0, "bias": 9.0, "value": 10.0, "layertext": 10.0, "carried": 9.0}
MAX_WIDTH = 15.2  # the widest a figure may be, so that it is never scaled down: the LaTeX text width
PATCH = label_size.PATCH * label_size.PT  # the paper-coloured patch around a label's text
GAP = 0.16  # between a circle's rim and a label beside it
MARGIN = 0.03  # kept free around a label's patch: from other labels and edges not its own
ROOMY = 0.15  # the margin a label is given where it can have it
CIRCLE_ROOM = 0.06  # more room kept around a circle (so that no label seems to belong to it)
HEAD = 0.3  # an arrowhead's length, kept free of labels too
BAND = 0.5  # room kept above and below every circle, for a bias label
SIDE_ROOM = 0.2  # kept free beside a circle, even with no label there

ALONG = np.linspace(0.1, 0.9, 33)  # where on its edge a weight label may sit (0: source, 1: target)


@lru_cache(maxsize=8192)
def size_of(latex: str, kind: str) -> tuple[float, float]:
    """The room a label takes, patch included: (width, height) in figure units."""
    size = SIZES[kind]
    return label_size.width(latex, size) + 2 * PATCH, label_size.height(latex, size) + 2 * PATCH


def head(segment: np.ndarray) -> tuple[float, float, float]:
    """A disc over the arrowhead at the end of an edge, which no label may cover."""
    x1, y1, x2, y2 = segment
    length = float(np.hypot(x2 - x1, y2 - y1))
    return x2 - (x2 - x1) * HEAD / 2 / length, y2 - (y2 - y1) * HEAD / 2 / length, HEAD / 2 + MARGIN


def rim_to_rim(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float, float, float]:
    """The visible arrow between two circles: from the rim of a to the rim of b."""
    (ax, ay), (bx, by) = a, b
    length = float(np.hypot(bx - ax, by - ay))
    ux, uy = (bx - ax) / length, (by - ay) / length
    return ax + RADIUS * ux, ay + RADIUS * uy, bx - RADIUS * ux, by - RADIUS * uy


@dataclass(frozen=True)
class Anchors:
    """A label's candidate places, best first: where its `side` point sits (x, y) and the
    angle it is turned by (degrees, counter-clockwise)."""

    x: np.ndarray
    y: np.ndarray
    angle: np.ndarray
    side: str = "center"

    def __getitem__(self, k: int) -> tuple[float, float, str, float]:
        return float(self.x[k]), float(self.y[k]), self.side, float(self.angle[k])


_ORDER = ALONG[np.lexsort((ALONG, np.abs(ALONG - 0.5)))]  # nearest the middle of the edge first


def along(segment: np.ndarray) -> Anchors:
    """A weight label's candidate anchors on its edge, nearest the middle first; the label
    runs along the edge (its angle), so that the edges crossing it cover little of it."""
    x1, y1, x2, y2 = segment
    angle = np.full(len(_ORDER), np.degrees(np.arctan2(y2 - y1, x2 - x1)))
    return Anchors(x1 + _ORDER * (x2 - x1), y1 + _ORDER * (y2 - y1), angle)


def label_of(latex: str, kind: str, anchors: Anchors, own: set[int] | frozenset[int] = frozenset()) -> Label:
    """The candidate boxes of a label of this LaTeX at these anchors."""
    width, height = size_of(latex, kind)
    shift = {"center": 0.0, "east": -width / 2, "west": width / 2}[anchors.side]  # along the label
    turn = np.radians(anchors.angle)
    ux, uy = np.cos(turn), np.sin(turn)
    boxes = np.stack([anchors.x + shift * ux, anchors.y + shift * uy, ux, uy,
                      np.full_like(ux, width / 2), np.full_like(ux, height / 2)], axis=1)
    return Label(boxes, frozenset(own))


def placed(latex: str, kind: str, anchor: tuple[float, float, str, float]) -> PlacedLabel:
    width, height = size_of(latex, kind) if kind != "name" else (2 * RADIUS, 2 * RADIUS)
    x, y, side, angle = anchor
    return PlacedLabel(latex, kind, float(x), float(y), side, width, height, SIZES[kind], angle)


def frame(neurons: tuple[PlacedNeuron, ...], edges: tuple[PlacedEdge, ...]) -> Box:
    """The smallest box holding every label and, around every circle, SIDE_ROOM beside it
    and a band above and below it. The bands are kept even where no bias is drawn, so that
    the chain-rule copies of the figure (which label no bias) are as tall as the figure."""
    boxes = [Box(n.x - n.radius - SIDE_ROOM, n.y - n.radius - BAND,
                 n.x + n.radius + SIDE_ROOM, n.y + n.radius + BAND) for n in neurons]
    boxes += [label.box for label in labels_of(neurons, edges) if label.kind != "name"]
    return Box(min(b.left for b in boxes), min(b.bottom for b in boxes),
               max(b.right for b in boxes), max(b.top for b in boxes))
