"""Helpers the figure tests share: reading back what the SVG and the TikZ draw, and measuring it.

`drawn_in_svg` and `drawn_in_tikz` read a network figure back from the page and the
LaTeX source: every circle, every edge and every label's rectangle (turned by its
angle), in the units each format draws in. `problems` measures such a drawing with
plain geometry written here, independent of the layout code: two labels that overlap,
an edge running through a label that is not its own, a label on a circle.
`check_svg` and `check_tikz` say that each format draws exactly the layout's numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pytest

from explainer.walkthrough.document import NetworkFigure

SVG_SCALE = 54  # user units per figure unit in html_figure.j2
SVG_TOLERANCE = 0.051  # the SVG rounds to 0.1
TIKZ_TOLERANCE = 0.00051  # the TikZ source rounds to 0.001

Point = tuple[float, float]


@dataclass(frozen=True)
class Drawn:
    """A figure as a format draws it: circles (x, y, r); edges (x1, y1, x2, y2, name);
    labels (the four corners of each one's rectangle, its kind, and its edge's name for a
    weight). Units and the direction of y are the format's own; `slack` is how far apart
    two things may be and still count as touching, given how the format rounds."""

    circles: list[tuple[float, float, float]]
    edges: list[tuple[float, float, float, float, str]]
    labels: list[tuple[tuple[Point, ...], str, str]]
    slack: float


# ---------------------------------------------------------------- reading a figure back


def svg_figures(html: str) -> list[str]:
    return re.findall(r'<figure class="network".*?</figure>', html, re.DOTALL)


def tikz_figures(tex: str) -> list[str]:
    return re.findall(r"\\begin\{tikzpicture\}\[x=1cm, y=1cm\](.*?)\\end\{tikzpicture\}", tex, re.DOTALL)


def attributes(element: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', element))


def _turned(corners: list[Point], angle: float, cx: float, cy: float) -> tuple[Point, ...]:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return tuple((cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c) for x, y in corners)


def drawn_in_svg(svg: str) -> Drawn:
    circles = [tuple(float(attributes(c)[k]) for k in ("cx", "cy", "r"))
               for c in re.findall(r"<circle [^>]*>", svg)]
    edges = []
    for line in re.findall(r"<line [^>]*>", svg):
        a = attributes(line)
        edges.append((*(float(a[k]) for k in ("x1", "y1", "x2", "y2")), a["data-edge"]))
    labels = []
    for element in re.findall(r"<foreignObject [^>]*>", svg):
        a = attributes(element)
        kind = a["class"].split()[1]
        if kind == "name":
            continue
        x, y, w, h = (float(a[k]) for k in ("x", "y", "width", "height"))
        angle, cx, cy = (float(v) for v in re.fullmatch(r"rotate\((\S+) (\S+) (\S+)\)",
                                                         a.get("transform", "rotate(0 0 0)")).groups())
        corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        labels.append((_turned(corners, angle, cx, cy), kind, a.get("data-edge", "")))
    return Drawn(circles, edges, labels, slack=0.15)


def drawn_in_tikz(tikz: str, fig: NetworkFigure) -> Drawn:
    """The TikZ picture read back: positions and angles from the source; a label's size,
    which TikZ only knows once it typesets, is the room the layout gave it (that the
    typeset text fits in that room is tests/walkthrough/test_label_size.py's)."""
    number = r"(-?\d+\.\d+)"
    circles = [(float(x), float(y), float(size) / 2) for size, x, y in re.findall(
        rf"\\node\[neuron[^\]]*minimum size={number}cm[^\]]*\] at \({number}, {number}\)", tikz)]
    names = [f"{e.edge.source}&gt;{e.edge.target}" for e in fig.layout.edges]
    edges = [(*map(float, a), name) for a, name in zip(
        re.findall(rf"\\draw\[edge[^\]]*\] \({number}, {number}\) -- \({number}, {number}\)", tikz),
        names, strict=True)]
    found = re.findall(rf"\\node\[(\w+), anchor=(\w+), rotate={number}, [^\]]*\] at \({number}, {number}\)",
                       tikz)
    rooms = [label for label in fig.layout.labels if label.kind != "name"]
    owners = [f"{e.edge.source}&gt;{e.edge.target}" for e in fig.layout.edges if e.label]
    labels = []
    for k, ((kind, anchor, angle, x, y), room) in enumerate(zip(found, rooms, strict=True)):
        x, y, w, h = float(x), float(y), room.width, room.height
        left = {"center": x - w / 2, "east": x - w, "west": x}[anchor]
        corners = [(left, y - h / 2), (left + w, y - h / 2), (left + w, y + h / 2), (left, y + h / 2)]
        labels.append((_turned(corners, float(angle), x, y), kind, owners[k] if kind == "weight" else ""))
    return Drawn(circles, edges, labels, slack=0.002)


# ---------------------------------------------------------------- measuring it


def _spread(poly: tuple[Point, ...]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    return min(xs), min(ys), max(xs), max(ys)


def _apart(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def _shrunk(poly: tuple[Point, ...], slack: float) -> tuple[Point, ...]:
    """The rectangle with `slack` less on every side: what must stay clear, whatever the
    rounding of the numbers the format writes."""
    (x0, y0), (x1, y1), _, (x3, y3) = poly
    along, across = math.dist(poly[0], poly[1]), math.dist(poly[0], poly[3])
    ux, uy = (x1 - x0) / along, (y1 - y0) / along
    vx, vy = (x3 - x0) / across, (y3 - y0) / across
    a, b = min(slack, along / 2), min(slack, across / 2)
    x2, y2 = poly[2]
    return ((x0 + a * ux + b * vx, y0 + a * uy + b * vy), (x1 - a * ux + b * vx, y1 - a * uy + b * vy),
            (x2 - a * ux - b * vx, y2 - a * uy - b * vy), (x3 + a * ux - b * vx, y3 + a * uy - b * vy))


def _overlap(p: tuple[Point, ...], q: tuple[Point, ...]) -> bool:
    """Whether two rectangles overlap: no side of either separates them."""
    for poly in (p, q):
        for i in range(4):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % 4]
            nx, ny = y2 - y1, x1 - x2
            on_p = [x * nx + y * ny for x, y in p]
            on_q = [x * nx + y * ny for x, y in q]
            if max(on_p) <= min(on_q) or max(on_q) <= min(on_p):
                return False
    return True


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _inside(p: Point, poly: tuple[Point, ...]) -> bool:
    signs = [(x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) > 0 for (x1, y1), (x2, y2) in _sides(poly)]
    return all(signs) or not any(signs)


def _crossing(a: Point, b: Point, c: Point, d: Point) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _sides(poly: tuple[Point, ...]) -> list[tuple[Point, Point]]:
    return [(poly[i], poly[(i + 1) % 4]) for i in range(4)]


def problems(drawn: Drawn) -> list[str]:
    """Every place where the drawing is not readable: two labels overlapping, an edge through
    a label that is not its own, a label on a circle. Each rectangle is first shrunk by the
    format's rounding (`slack`), so that only a real overlap counts."""
    found = []
    rooms = [_shrunk(poly, drawn.slack) for poly, _, _ in drawn.labels]
    spreads = [_spread(poly) for poly in rooms]
    for i, (poly, (_, kind, edge)) in enumerate(zip(rooms, drawn.labels, strict=True)):
        for j in range(i + 1, len(rooms)):
            if not _apart(spreads[i], spreads[j]) and _overlap(poly, rooms[j]):
                found.append(f"{kind} {edge} overlaps {drawn.labels[j][1]} {drawn.labels[j][2]}")
        for x1, y1, x2, y2, name in drawn.edges:
            a, b = (x1, y1), (x2, y2)
            if name == edge or _apart(spreads[i], (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))):
                continue
            if _inside(a, poly) or _inside(b, poly) or any(_crossing(a, b, *side) for side in _sides(poly)):
                found.append(f"edge {name} runs through {kind} {edge}")
        for cx, cy, r in drawn.circles:
            if _apart(spreads[i], (cx - r, cy - r, cx + r, cy + r)):
                continue
            if _inside((cx, cy), poly) or min(_segment_distance((cx, cy), *side) for side in _sides(poly)) < r:
                found.append(f"{kind} {edge} covers a circle at ({cx:.2f}, {cy:.2f})")
    return found


# ---------------------------------------------------------------- the layout's numbers, drawn


def check_svg(svg: str, fig: NetworkFigure) -> None:
    """Every number in the SVG is the layout's, scaled by SVG_SCALE with y flipped."""
    box = fig.layout.box

    def at(x: float, y: float) -> tuple[float, float]:
        return (x - box.left) * SVG_SCALE, (box.top - y) * SVG_SCALE

    near = pytest.approx
    view = attributes(re.search(r"<svg [^>]*>", svg).group())
    assert [float(v) for v in view["viewBox"].split()] == near(
        [0, 0, box.width * SVG_SCALE, box.height * SVG_SCALE], abs=SVG_TOLERANCE)
    circles = [attributes(c) for c in re.findall(r"<circle [^>]*>", svg)]
    assert len(circles) == len(fig.layout.neurons)
    for c, n in zip(circles, fig.layout.neurons, strict=True):
        assert (float(c["cx"]), float(c["cy"])) == near(at(n.x, n.y), abs=SVG_TOLERANCE)
        assert float(c["r"]) == near(n.radius * SVG_SCALE, abs=SVG_TOLERANCE)
        assert c["class"].split()[1] == n.role
    lines = [attributes(line) for line in re.findall(r"<line [^>]*>", svg)]
    assert len(lines) == len(fig.layout.edges)
    for line, e in zip(lines, fig.layout.edges, strict=True):
        drawn = [float(line[k]) for k in ("x1", "y1", "x2", "y2")]
        assert drawn == near([*at(e.x1, e.y1), *at(e.x2, e.y2)], abs=SVG_TOLERANCE)
        assert line["data-edge"] == f"{e.edge.source}&gt;{e.edge.target}"
    elements = re.findall(r"<foreignObject [^>]*>.*?</foreignObject>", svg, re.DOTALL)
    boxes = [attributes(re.match(r"<foreignObject [^>]*>", b).group()) | {"element": b} for b in elements]
    labels = [e.label for e in fig.layout.edges if e.label] + [
        label for n in fig.layout.neurons for label in (n.name, n.bias, n.value) if label]
    assert len(boxes) == len(labels) == len(fig.layout.labels)
    for b, label in zip(boxes, labels, strict=True):
        x, y, w, h = (float(b[k]) for k in ("x", "y", "width", "height"))
        assert (w, h) == near((label.width * SVG_SCALE, label.height * SVG_SCALE), abs=SVG_TOLERANCE)
        ends = {"center": x + w / 2, "east": x + w, "west": x}[label.anchor]
        assert (ends, y + h / 2) == near(at(label.x, label.y), abs=2 * SVG_TOLERANCE)
        turned = re.fullmatch(r"rotate\((\S+) (\S+) (\S+)\)", b.get("transform", "rotate(0 0 0)"))
        angle, cx, cy = map(float, turned.groups())
        assert angle == near(-label.angle, abs=0.006)  # SVG turns clockwise
        if label.angle:
            assert (cx, cy) == near(at(label.x, label.y), abs=SVG_TOLERANCE)
        assert b["class"].split()[1] == label.kind
        size = float(re.search(r"font-size: ([\d.]+)px", b["element"]).group(1))
        assert size == near(label.size * 2.54 / 72.27 * SVG_SCALE, abs=0.006)


def check_tikz(tikz: str, fig: NetworkFigure) -> None:
    """Every node and arrow of the TikZ picture is at the layout's coordinates, in cm."""
    near = pytest.approx
    number = r"(-?\d+\.\d+)"
    neurons = re.findall(rf"\\node\[neuron[^\]]*minimum size={number}cm[^\]]*\] at \({number}, {number}\)",
                         tikz)
    assert [tuple(map(float, n)) for n in neurons] == [
        near((2 * n.radius, n.x, n.y), abs=TIKZ_TOLERANCE) for n in fig.layout.neurons]
    arrows = re.findall(rf"\\draw\[edge[^\]]*\] \({number}, {number}\) -- \({number}, {number}\)", tikz)
    assert [tuple(map(float, a)) for a in arrows] == [
        near((e.x1, e.y1, e.x2, e.y2), abs=TIKZ_TOLERANCE) for e in fig.layout.edges]
    labels = re.findall(rf"\\node\[(\w+), anchor=(\w+), rotate={number}, font=\\fontsize\{{([\d.]+)\}}"
                        rf"\{{[\d.]+\}}\\selectfont\] at \({number}, {number}\) \{{(.*)\}};", tikz)
    assert [(kind, anchor, float(angle), float(size), float(x), float(y), text)
            for kind, anchor, angle, size, x, y, text in labels] == [
        (label.kind, label.anchor, near(label.angle, abs=0.006), label.size, near(label.x, abs=TIKZ_TOLERANCE),
         near(label.y, abs=TIKZ_TOLERANCE), r"\\".join(f"${line}$" for line in label.lines))
        for label in fig.layout.labels if label.kind != "name"]
