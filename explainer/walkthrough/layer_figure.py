"""A network too large to draw neuron by neuron, drawn layer by layer.

A summarised walkthrough's network (more than SUMMARY_LIMIT parameters) would be a
tangle of hundreds of edges, so its figure has one box per layer, with the layer's
neurons, size and activation written inside, and one arrow between neighbouring
layers, labelled with the shapes of the weight matrix and the bias vector it
carries. `layer_figure` lays it out, like `explainer.walkthrough.layout` lays out a
network figure: in a row while it fits the page, else in a column, every size in
figure units (cm, y up) and every label's room from its LaTeX.
"""

from __future__ import annotations

from collections.abc import Sequence

from explainer.walkthrough.drawings import Box, LayerArrow, LayerBox, LayerFigure, PlacedLabel
from explainer.walkthrough.places import GAP, MAX_WIDTH, SIZES, size_of
from explainer.walkthrough.prose import Inline

PADDING = 0.25  # inside a layer's box, around its lines
LEADING = 0.1  # between the lines of a layer's box
HEIGHT = 2.4  # the least height of a layer's box (in a row; a column's boxes are as tall as they need)
ARROW = 1.2  # the least length of an arrow between two boxes


def layer_figure(layers: Sequence[tuple[str, Sequence[str]]], links: Sequence[str],
                 caption: Sequence[Inline]) -> LayerFigure:
    """The figure of these layers: for each, its role and its lines of LaTeX; for each pair
    of neighbours, the LaTeX of what the arrow between them carries (lines split at \\\\)."""
    sizes = [[size_of(line, "layertext") for line in lines] for _, lines in layers]
    widths = [max(w for w, _ in lines) + 2 * PADDING for lines in sizes]
    heights = [sum(h for _, h in lines) + LEADING * (len(lines) - 1) + 2 * PADDING for lines in sizes]
    labels = [size_of(link, "carried") for link in links]
    arrows = [max(ARROW, w + 2 * GAP) for w, _ in labels]
    if sum(widths) + sum(arrows) <= MAX_WIDTH:
        return _row(layers, links, caption, widths, max(HEIGHT, *heights), arrows)
    return _column(layers, links, caption, widths, heights, labels)


def _row(layers, links, caption, widths, height, arrows) -> LayerFigure:
    """Boxes side by side, each arrow's label above it."""
    boxes, left = [], 0.0
    for (role, lines), width in zip(layers, widths, strict=True):
        boxes.append(_box(Box(left, -height / 2, left + width, height / 2), role, lines))
        left += width + (arrows[len(boxes) - 1] if len(boxes) <= len(arrows) else 0)
    arrows_drawn = []
    for link, a, b in zip(links, boxes, boxes[1:], strict=False):
        x1, x2 = a.box.right, b.box.left
        width, label_height = size_of(link, "carried")
        label = PlacedLabel(link, "carried", (x1 + x2) / 2, GAP + label_height / 2, "center", width,
                            label_height, SIZES["carried"])
        arrows_drawn.append(LayerArrow(x1, 0.0, x2, 0.0, label))
    return LayerFigure(tuple(boxes), tuple(arrows_drawn), _frame(boxes, arrows_drawn), tuple(caption))


def _column(layers, links, caption, widths, heights, labels) -> LayerFigure:
    """Boxes one under another, each arrow's label to its right."""
    boxes, top = [], 0.0
    width = max(widths)
    for index, ((role, lines), height) in enumerate(zip(layers, heights, strict=True)):
        boxes.append(_box(Box(-width / 2, top - height, width / 2, top), role, lines))
        top -= height + (max(ARROW, labels[index][1] + 2 * GAP) if index < len(labels) else 0)
    arrows_drawn = []
    for link, a, b, (label_width, label_height) in zip(links, boxes, boxes[1:], labels, strict=False):
        y1, y2 = a.box.bottom, b.box.top
        label = PlacedLabel(link, "carried", GAP, (y1 + y2) / 2, "west", label_width, label_height,
                            SIZES["carried"])
        arrows_drawn.append(LayerArrow(0.0, y1, 0.0, y2, label))
    return LayerFigure(tuple(boxes), tuple(arrows_drawn), _frame(boxes, arrows_drawn), tuple(caption))


def _box(box: Box, role: str, lines: Sequence[str]) -> LayerBox:
    """A layer's box with its lines stacked in its middle."""
    sizes = [size_of(line, "layertext") for line in lines]
    total = sum(h for _, h in sizes) + LEADING * (len(lines) - 1)
    y = (box.top + box.bottom) / 2 + total / 2
    placed = []
    for line, (width, height) in zip(lines, sizes, strict=True):
        placed.append(PlacedLabel(line, "layertext", (box.left + box.right) / 2, y - height / 2, "center",
                                  width, height, SIZES["layertext"]))
        y -= height + LEADING
    return LayerBox(box, role, tuple(placed))


def _frame(boxes: list[LayerBox], arrows: list[LayerArrow]) -> Box:
    rooms = [b.box for b in boxes] + [a.label.box for a in arrows]
    return Box(min(r.left for r in rooms) - GAP, min(r.bottom for r in rooms) - GAP,
               max(r.right for r in rooms) + GAP, max(r.top for r in rooms) + GAP)
