"""The cost landscape's geometry: the window, the contour levels, the shaded bands and lines.

The numbers (the cost at every point of a grid over two parameters) come from
`explainer.engines.landscape`; the contours are traced by contourpy, the library
behind Matplotlib's contour plots, and everything is handed to the renderers in
data units (for pgfplots, which draws its own axes) and scaled into the unit
square (for the SVG, which draws by hand), as `Plot` does.

The window is square around the path the parameters took, so that the two axes
share one scale and the negative gradient, drawn as an arrow, crosses the contour
lines at a right angle, as it does on the page of any calculus book.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from explainer.walkthrough.drawings import Band, Contour, Landscape, Tick
from explainer.walkthrough.prose import Inline

GRID = 21  # points along each axis: contourpy interpolates linearly between them
LEAST_HALF_WIDTH = 2.0  # the window reaches at least this far from its middle on either side
ROOM = 1.25  # and this much beyond the path
SHADES = 10  # colours from the lowest band to the highest (the templates define them)
ARROW = 0.22  # the downhill arrow's length, as a fraction of the window's width
MARKS = 25  # the most points of a path drawn as rings (a long run's are spread evenly, the last always)

Point = tuple[float, float]


def window(path: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
    """The grid over which to compute the cost: a square around the path (at least
    LEAST_HALF_WIDTH on either side of its middle), GRID points along each side."""
    xs, ys = [x for x, _ in path], [y for _, y in path]
    middle = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    half = max(LEAST_HALF_WIDTH, ROOM * (max(xs) - min(xs)) / 2, ROOM * (max(ys) - min(ys)) / 2)
    return (np.linspace(middle[0] - half, middle[0] + half, GRID),
            np.linspace(middle[1] - half, middle[1] + half, GRID))


def nice_steps(low: float, high: float, count: int) -> tuple[float, list[float]]:
    """About `count` round numbers (1, 2, 2.5 or 5 times a power of ten apart) strictly
    between `low` and `high`, and their spacing."""
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) + 1
    values = [k * step for k in range(first, math.ceil(high / step))]
    return step, [v for v in values if low < v < high]


def _label(value: float, step: float) -> str:
    """A round number to as many decimals as its spacing needs (plain text, − for minus)."""
    decimals = max(0, -int(Decimal(repr(round(step, 12))).normalize().as_tuple().exponent))
    text = f"{value:.{decimals}f}"
    return ("0" if float(text) == 0 else text).replace("-", "−")


def _marked(path: Sequence[Point]) -> tuple[Point, ...]:
    """The points after the start to draw as rings: every one, or MARKS of them spread evenly."""
    rest = list(path[1:])
    if len(rest) <= MARKS:
        return tuple(rest)
    return tuple(rest[int(k)] for k in np.round(np.linspace(0, len(rest) - 1, MARKS)))


def landscape(costs: np.ndarray, ps: np.ndarray, qs: np.ndarray, path: Sequence[Point], downhill: Point,
              labels: tuple[str, str], caption: Sequence[Inline]) -> Landscape:
    """The landscape figure of `costs` (rows along qs, columns along ps): shaded bands between
    round contour levels, the contour lines, the `path` the parameters took (its first point
    the start), and an arrow from the start along `downhill` (the negative gradient)."""
    import contourpy  # only a walkthrough with a landscape pays for the import

    finite = costs[np.isfinite(costs)]
    low, high = float(finite.min()), float(finite.max())
    if high <= low:
        high = low + 1.0  # a flat landscape: one band
    step, levels = nice_steps(low, high, 9)
    generator = contourpy.contour_generator(ps, qs, np.ma.masked_invalid(costs), name="serial",
                                            fill_type=contourpy.FillType.OuterOffset,
                                            line_type=contourpy.LineType.Separate)
    edges = [low - 1e-12 * max(1.0, abs(low)), *levels, high]
    bands = []
    for k, (lower, upper) in enumerate(itertools.pairwise(edges)):
        points, offsets = generator.filled(lower, upper)
        rings = tuple(tuple(map(tuple, polygon[start:end]))
                      for polygon, cuts in zip(points, offsets, strict=True)
                      for start, end in itertools.pairwise(cuts))
        shade = round(k * (SHADES - 1) / max(1, len(edges) - 2))
        bands.append(Band(shade, lower, upper, rings))
    contours = tuple(Contour(level, _label(level, step), tuple(tuple(map(tuple, line))
                                                                for line in generator.lines(level)))
                     for level in levels)
    (x0, x1), (y0, y1) = (float(ps[0]), float(ps[-1])), (float(qs[0]), float(qs[-1]))
    length = math.hypot(*downhill)
    start = path[0]
    reach = ARROW * (x1 - x0)
    tip = ((start[0] + reach * downhill[0] / length, start[1] + reach * downhill[1] / length)
           if length else start)
    x_step, x_values = nice_steps(x0, x1, 5)
    y_step, y_values = nice_steps(y0, y1, 5)
    return Landscape(
        x_label=labels[0], y_label=labels[1], x_range=(x0, x1), y_range=(y0, y1),
        bands=tuple(bands), contours=contours, path=tuple(path), marked=_marked(path), arrow=(start, tip),
        x_ticks=tuple(Tick((v - x0) / (x1 - x0), _label(v, x_step)) for v in x_values),
        y_ticks=tuple(Tick((v - y0) / (y1 - y0), _label(v, y_step)) for v in y_values),
        scale=tuple(Tick((v - low) / (high - low), _label(v, step)) for v in levels),
        cost_range=(low, high), caption=tuple(caption))
