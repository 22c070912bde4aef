"""Finding room for a figure's labels: each label gets one of its candidate places, and no
two labels, and no label and a line that is not its own, touch.

This is the geometry under `explainer.walkthrough.layout`, kept apart from what a
network figure is. A box is a rectangle in figure units (cm, y up), turned by any
angle (a label runs along its edge), held as a row ``(cx, cy, ux, uy, half width,
half height)`` of a NumPy array (`oriented`), so that every candidate of every
label is tested against every line, circle and other candidate at once.

`place` solves the small constraint problem a figure poses: each label has an
ordered list of candidate boxes (best first); a candidate that touches a line it
does not belong to, a circle, or a fixed obstacle is struck off; then a depth-first
search gives each label a candidate no other chosen one overlaps, trying the label
with the fewest candidates left first and striking off, after each choice, what it
overlaps in the labels still to place (forward checking). A few dozen labels with a
few dozen candidates each are placed in milliseconds, and a problem without a
solution is almost always seen at once, when some label has no candidate left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SEARCH_BUDGET = 4000  # choices the search may make before it gives up on a problem


@dataclass(frozen=True)
class Label:
    """A label to place: its candidate boxes, best first, and the lines it may touch
    (its own edge: a weight's label sits on it, on a paper-coloured patch)."""

    candidates: np.ndarray  # (n, 6) oriented boxes, see `oriented`
    own_lines: frozenset[int] = frozenset()


def oriented(cx: float, cy: float, angle: float, width: float, height: float) -> tuple[float, ...]:
    """A box centred on (cx, cy), `width` long along the direction `angle` (radians,
    counter-clockwise from the x axis) and `height` across it, as the row
    (cx, cy, ux, uy, half width, half height) with (ux, uy) the unit vector along it."""
    return cx, cy, float(np.cos(angle)), float(np.sin(angle)), width / 2, height / 2


def corners(boxes: np.ndarray) -> np.ndarray:
    """(n, 4, 2): the corners of each oriented box."""
    cx, cy, ux, uy, hw, hh = (boxes[:, k] for k in range(6))
    signs = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)])
    along, across = signs[:, 0][None, :] * hw[:, None], signs[:, 1][None, :] * hh[:, None]
    x = cx[:, None] + along * ux[:, None] - across * uy[:, None]
    y = cy[:, None] + along * uy[:, None] + across * ux[:, None]
    return np.stack([x, y], axis=-1)


def _in_frame(boxes: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, m) in each box's own frame: along it and across it, from its centre."""
    cx, cy, ux, uy = (boxes[:, k][:, None] for k in range(4))
    dx, dy = x - cx, y - cy
    return dx * ux + dy * uy, -dx * uy + dy * ux


def boxes_hit_segments(boxes: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """(n, m) booleans: whether box i and segment j (rows x1, y1, x2, y2) have a point in
    common: the segment, seen in the box's frame, clipped to it (Liang and Barsky), for all
    pairs at once."""
    if not len(boxes) or not len(segments):
        return np.zeros((len(boxes), len(segments)), dtype=bool)
    a1, b1 = _in_frame(boxes, segments[:, 0][None, :], segments[:, 1][None, :])
    a2, b2 = _in_frame(boxes, segments[:, 2][None, :], segments[:, 3][None, :])
    hw, hh = boxes[:, 4][:, None], boxes[:, 5][:, None]
    da, db = a2 - a1, b2 - b1
    enter = np.zeros_like(a1)
    leave = np.ones_like(a1)
    outside = np.zeros(a1.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-da, a1 + hw), (da, hw - a1), (-db, b1 + hh), (db, hh - b1)):
            parallel = p == 0
            outside |= parallel & (q < 0)
            ratio = q / p
            enter = np.where(~parallel & (p < 0), np.maximum(enter, ratio), enter)
            leave = np.where(~parallel & (p > 0), np.minimum(leave, ratio), leave)
    return ~outside & (enter <= leave)


def boxes_hit_circles(boxes: np.ndarray, circles: np.ndarray) -> np.ndarray:
    """(n, m) booleans: whether box i overlaps circle j (rows x, y, radius)."""
    if not len(boxes) or not len(circles):
        return np.zeros((len(boxes), len(circles)), dtype=bool)
    a, b = _in_frame(boxes, circles[:, 0][None, :], circles[:, 1][None, :])
    hw, hh = boxes[:, 4][:, None], boxes[:, 5][:, None]
    near_a, near_b = np.clip(a, -hw, hw), np.clip(b, -hh, hh)
    return (near_a - a) ** 2 + (near_b - b) ** 2 < circles[:, 2][None, :] ** 2


def boxes_overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) booleans: whether box i of `a` and box j of `b` overlap."""
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)), dtype=bool)
    i, j = np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
    return pairs_overlap(a[i.ravel()], b[j.ravel()]).reshape(len(a), len(b))


def pairs_overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n,) booleans: whether box a[k] and box b[k] overlap: no axis of either box separates
    their shadows (the separating axis theorem)."""
    ca, cb = corners(a), corners(b)  # (n, 4, 2)
    apart = np.zeros(len(a), dtype=bool)
    for axes in (_axes(a), _axes(b)):  # (n, 2, 2)
        on_a = np.einsum("nkc,nac->nak", ca, axes)
        on_b = np.einsum("nkc,nac->nak", cb, axes)
        apart |= ((on_a.max(axis=2) <= on_b.min(axis=2)) | (on_b.max(axis=2) <= on_a.min(axis=2))).any(axis=1)
    return ~apart


def _axes(boxes: np.ndarray) -> np.ndarray:
    """(n, 2, 2): each box's two axes, along it and across it."""
    along = boxes[:, 2:4]
    return np.stack([along, np.stack([-along[:, 1], along[:, 0]], axis=1)], axis=1)


def grown(boxes: np.ndarray, margin: float) -> np.ndarray:
    """The boxes with `margin` more room on every side."""
    more = boxes.copy()
    more[:, 4:] += margin
    return more


def upright(boxes: np.ndarray) -> np.ndarray:
    """(n, 4): the axis-aligned rectangle (left, bottom, right, top) that holds each box."""
    points = corners(boxes)
    return np.concatenate([points.min(axis=1), points.max(axis=1)], axis=1)


def free(labels: Sequence[Label], segments: np.ndarray, circles: np.ndarray, margin: float) -> list[np.ndarray]:
    """For each label, the indices of its candidates that keep `margin` from every line but
    its own and from every circle (all labels' candidates tested at once)."""
    counts = [len(label.candidates) for label in labels]
    if not sum(counts):
        return [np.zeros(0, dtype=int) for _ in labels]
    room = grown(np.concatenate([label.candidates for label in labels]), margin)
    owner = np.repeat(np.arange(len(labels)), counts)
    hits = boxes_hit_segments(room, segments)
    for k, label in enumerate(labels):
        if label.own_lines:
            hits[np.ix_(owner == k, sorted(label.own_lines))] = False
    ok = ~hits.any(axis=1) & ~boxes_hit_circles(room, circles).any(axis=1)
    starts = np.cumsum([0, *counts])
    return [np.flatnonzero(ok[starts[k]:starts[k + 1]]) for k in range(len(labels))]


@dataclass(frozen=True)
class Placement:
    """What `place` found: a candidate index per label, or None; and the labels that had no
    free candidate at all (what to blame when there is no placement)."""

    chosen: list[int] | None
    stuck: tuple[int, ...]


def place(labels: Sequence[Label], segments: np.ndarray, circles: np.ndarray, margin: float,
          roomy: float | None = None) -> Placement:
    """A candidate for every label such that nothing touches (see the module docstring), if
    the search finds one within SEARCH_BUDGET choices.

    With `roomy`, a label's candidates that keep that wider margin from the lines and
    circles come first (each group in its given order): a label takes the room it can
    have, and makes do with `margin` only where it must.
    """
    domains = free(labels, segments, circles, margin)
    stuck = tuple(k for k, d in enumerate(domains) if not len(d))
    if stuck:
        return Placement(None, stuck)
    if roomy is not None:
        spacious = free(labels, segments, circles, roomy)
        domains = [_first(d, r, len(label.candidates))
                   for label, d, r in zip(labels, domains, spacious, strict=True)]
    chosen = _search(domains, _clashes(labels, domains, margin))
    if chosen is None:
        return Placement(None, ())
    return Placement([int(domains[k][chosen[k]]) for k in range(len(labels))], ())


def _first(domain: np.ndarray, preferred: np.ndarray, count: int) -> np.ndarray:
    """The indices of `domain` that are in `preferred` first, then the others, each in order."""
    mask = np.zeros(count, dtype=bool)
    mask[preferred] = True
    return np.concatenate([domain[mask[domain]], domain[~mask[domain]]])


def _clashes(labels: Sequence[Label], domains: list[np.ndarray],
             margin: float) -> dict[tuple[int, int], np.ndarray]:
    """For every two labels that can touch, which of their free candidates overlap: a boolean
    matrix, rows the first label's candidates (in domain order), columns the second's."""
    boxes = np.concatenate([grown(label.candidates[d], margin / 2)
                            for label, d in zip(labels, domains, strict=True)])
    owner = np.repeat(np.arange(len(labels)), [len(d) for d in domains])
    position = np.concatenate([np.arange(len(d)) for d in domains])
    room = upright(boxes)
    near = ((room[:, None, 0] < room[None, :, 2]) & (room[None, :, 0] < room[:, None, 2])
            & (room[:, None, 1] < room[None, :, 3]) & (room[None, :, 1] < room[:, None, 3])
            & (owner[:, None] < owner[None, :]))
    i, j = np.nonzero(near)
    hit = pairs_overlap(boxes[i], boxes[j])
    i, j = i[hit], j[hit]
    clash: dict[tuple[int, int], np.ndarray] = {}
    for a, b in set(zip(owner[i].tolist(), owner[j].tolist(), strict=True)):
        matrix = np.zeros((len(domains[a]), len(domains[b])), dtype=bool)
        pair = (owner[i] == a) & (owner[j] == b)
        matrix[position[i[pair]], position[j[pair]]] = True
        clash[a, b], clash[b, a] = matrix, matrix.T
    return clash


def _search(domains: list[np.ndarray], clash: dict[tuple[int, int], np.ndarray]) -> dict[int, int] | None:
    """Depth-first search with forward checking: for every label a position in its domain, no
    two clashing; or None."""
    count = len(domains)
    neighbours = {a: [b for b in range(count) if (a, b) in clash] for a in range(count)}
    alive = [np.ones(len(d), dtype=bool) for d in domains]
    chosen: dict[int, int] = {}
    budget = [SEARCH_BUDGET]

    def search() -> bool:
        if len(chosen) == count:
            return True
        # The label with the fewest candidates left goes first: a dead end shows soonest.
        label = min((k for k in range(count) if k not in chosen), key=lambda k: alive[k].sum())
        for option in np.flatnonzero(alive[label]):
            budget[0] -= 1
            if budget[0] < 0:
                return False
            struck = []
            for other in neighbours[label]:
                if other in chosen:
                    continue
                hit = alive[other] & clash[label, other][option]
                if hit.any():
                    struck.append((other, hit))
                    alive[other] &= ~hit
            if all(alive[other].any() for other, _ in struck):
                chosen[label] = int(option)
                if search():
                    return True
                del chosen[label]
            for other, hit in struck:
                alive[other] |= hit
        return False

    return dict(chosen) if search() else None
