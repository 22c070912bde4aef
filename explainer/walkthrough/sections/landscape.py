"""The cost landscape: the picture gradient descent is explained with, drawn for this step.

The cost is a function of every weight and bias; over two of them at a time, with
every other held fixed, it is a landscape of hills and valleys, and the negative
gradient points downhill. This section draws that landscape for the two parameters
the first update moved most (or the two the spec or --landscape names), the point
the step started from, the downhill direction and where the step went; a run of
several steps draws its whole path. Without a learning rate there is no step: the
landscape shows where the parameters are and the way downhill, which needs no η.
"""

from __future__ import annotations

from explainer.engines.landscape import cost_grid, slope
from explainer.engines.numeric import initial
from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.contours import landscape, window
from explainer.walkthrough.document import Landscape, Math, Paragraph, Section
from explainer.walkthrough.formatting import counted

PATH_POINTS = 200  # a run's path is drawn through this many of its steps, about
SEEN = 0.02  # a step shorter than this fraction of the landscape's width hides under its dot


def sections(ctx: Context) -> list[Section]:
    if len(ctx.net.parameters) < 2:  # a landscape needs two parameters
        return []
    p, q = chosen(ctx)
    figure = drawn(ctx, p, q)
    blocks = (*_introduction(ctx, p, q), figure, *_reading(ctx, p, q, figure))
    return [Section("The cost landscape", "landscape", blocks)]


def chosen(ctx: Context) -> tuple[str, str]:
    """The landscape's two parameters: the spec's (or --landscape's), else the two whose
    partial derivatives the first update found largest in size (trained ones first)."""
    if ctx.spec.landscape:
        p, q = ctx.spec.landscape
        return p, q
    gradient = ctx.step.gradient
    order = sorted(ctx.net.parameters,
                   key=lambda par: (par.label in ctx.spec.frozen, -abs(gradient[par.label])))
    return order[0].label, order[1].label


def path(ctx: Context, p: str, q: str) -> list[tuple[float, float]]:
    """Where p and q went: the start and the end of the step, or a run's steps (about
    PATH_POINTS of them, evenly spaced, and the last)."""
    history = ctx.explanation.history
    if history is not None:
        trace = history.trace
        columns = [trace.labels.index(p), trace.labels.index(q)]
        return [(float(a), float(b)) for a, b in trace.parameters[history.evenly(PATH_POINTS)][:, columns]]
    start, after = ctx.step.parameters, ctx.step.updated
    if after is None:  # no learning rate: no step, only where it would start
        return [(float(start[p]), float(start[q]))]
    return [(float(start[p]), float(start[q])), (float(after[p]), float(after[q]))]


def drawn(ctx: Context, p: str, q: str) -> Landscape:
    """The figure: the mean cost over the samples on a square around the path, from the
    numeric core, every parameter but p and q at its value before the step."""
    spec, sym = ctx.spec, ctx.sym
    values = initial(spec.network)
    walked = path(ctx, p, q)
    ps, qs = window(walked)
    costs = cost_grid(spec, values, p, q, ps, qs)
    dp, dq = slope(spec, values, p, q)
    cost = ("the mean cost over the samples,",) if len(spec.samples) > 1 else ("the cost ", Math(sym.C), ",")
    caption = inline(
        "The cost landscape: ", *cost, " over ", Math(sym.param(p)), " and ", Math(sym.param(q)),
        ", every other parameter held at its value before the step. Each line joins points of equal "
        "cost; the shades run from blue (low) to red (high). " + _marks_words(ctx))
    return landscape(costs, ps, qs, walked, (-dp, -dq), (sym.param(p), sym.param(q)), caption)


def _marks_words(ctx: Context) -> str:
    """What the dot, the arrow and the rings of the figure are."""
    if not ctx.stepped:
        return ("The dot is where the parameters are, and the arrow points downhill (the negative "
                "gradient), the way a step would go; with no learning rate given, none is taken.")
    return ("The dot is where the step started, the arrow points downhill (the negative gradient), "
            "and the ring is where " + ("the step" if ctx.explanation.history is None else
                                        "each step of the run") + " went.")


def _introduction(ctx: Context, p: str, q: str) -> list[Paragraph]:
    sym = ctx.sym
    count = len(ctx.net.parameters)
    why = (("the two the walkthrough was asked to draw",) if ctx.spec.landscape else
           (f"the two {'trained parameters ' if ctx.spec.frozen else ''}whose partial derivatives the "
            "first update found largest in size, ",
            # The gradient the update applied: ∂C/∂p, or a batch's mean or sum (ctx.applied).
            Math(ctx.equals(ctx.applied(sym.param(p)), ctx.step.gradient[p])), " and ",
            Math(ctx.equals(ctx.applied(sym.param(q)), ctx.step.gradient[q]))))
    return [Paragraph(inline(
        f"The cost depends on all {count} parameters at once: it is a landscape over {count} "
        "dimensions, with hills where the network answers badly and valleys where it answers well. "
        "Gradient descent stands somewhere on it and steps downhill. Two parameters at a time, "
        "with every other held still, the landscape is a surface over a plane, and we can draw it. "
        "Here are ", Math(sym.param(p)), " and ", Math(sym.param(q)), ", ", *why, ".",
    ))]


def _reading(ctx: Context, p: str, q: str, figure: Landscape) -> list[Paragraph]:
    """What the reader sees: downhill is where the step went."""
    sym, step, spec = ctx.sym, ctx.step, ctx.spec
    # Each number next to its name, as the rest of the walkthrough writes it, so that a reader
    # (or `explainer check` reading this walkthrough back) knows which quantity it is.
    start = [Math(ctx.equals(sym.param(label), step.parameters[label])) for label in (p, q)]
    if not ctx.stepped:
        return [_unstepped(ctx, p, q, start)]
    moved = [ctx.num(step.updated[label] - step.parameters[label]) for label in (p, q)]
    after = [Math(ctx.equals(sym.updated(label), step.updated[label])) for label in (p, q)]
    blocks = [Paragraph(inline(
        "The step started at the dot, where ", start[0], " and ", start[1], ". The gradient points "
        "uphill, straight across the "
        "contour lines; the arrow points the other way, ",
        Math(rf"-\left({ctx.applied(sym.param(p))}, {ctx.applied(sym.param(q))}\right)"),
        ", straight downhill. ",
        *(_along_the_arrow(ctx, p, q, moved, after) if _descends_this_surface(ctx) else
          _across_samples(ctx)),
        *_scale_words(ctx, figure),
    ))]
    if ctx.explanation.history is not None:
        history = ctx.explanation.history
        first, last, steps = history.first.cost, history.last.cost, history.steps
        blocks.append(Paragraph(inline(
            "The line follows ", Math(sym.param(p)), " and ", Math(sym.param(q)), f" through all "
            f"{counted(steps, 'step')} of the run ({counted(spec.steps, 'step')} over "
            f"{counted(len(spec.samples), 'sample')}), a ring after each step",
            " (some of them, evenly spaced)" if steps > len(figure.marked) else "",
            "; the mean cost went from ",
            Math(ctx.num(first).latex), " to ", Math(ctx.num(last).latex), ". The other parameters "
            "move too, so the landscape under the later rings is not quite the one drawn, which holds "
            "them at their starting values.",
        )))
    return blocks


def _unstepped(ctx: Context, p: str, q: str, start: list[Math]) -> Paragraph:
    """The reading of a landscape with no step on it (no learning rate): the dot and the arrow."""
    sym = ctx.sym
    return Paragraph(inline(
        "The parameters are at the dot, where ", start[0], " and ", start[1], ". The gradient points "
        "uphill, straight across the contour lines; the arrow points the other way, ",
        Math(rf"-\left({ctx.applied(sym.param(p))}, {ctx.applied(sym.param(q))}\right)"),
        ", straight downhill: a step of gradient descent would go that way, as far as a learning "
        "rate says, and this example gives none.",
    ))


def _scale_words(ctx: Context, figure: Landscape) -> tuple:
    """A single step too short to see at the landscape's scale, said so."""
    if ctx.explanation.history is not None:
        return ()
    (x0, y0), (x1, y1) = figure.path[0], figure.path[1]
    width = figure.x_range[1] - figure.x_range[0]
    if ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 >= SEEN * width:
        return ()
    return (" With a learning rate of ", Math(ctx.num(ctx.learning_rate).latex), " the step is short: the "
            "ring lies under the dot at this scale, which is wide enough to show the hills and valleys "
            "around them.")


def _descends_this_surface(ctx: Context) -> bool:
    """Whether the first update followed the gradient of the drawn cost: one sample, or the
    mean gradient of a batch step (in SGD over several samples it followed sample 1's)."""
    return len(ctx.spec.samples) == 1 or ctx.spec.mode == "batch"


def _along_the_arrow(ctx: Context, p: str, q: str, moved, after) -> tuple:
    """The step went the way the arrow points (one sample, or a batch step)."""
    history = ctx.explanation.history
    before, later = ((history.first.cost, history.point(1).cost) if history is not None else
                     (ctx.step.values.cost, ctx.step.after_cost))
    went = "fell" if later < before else "rose (the step overshot the valley)" if later > before else "stayed"
    if len(ctx.spec.samples) > 1:
        cost, values = "the mean cost", (Math(ctx.num(before).latex), " to ", Math(ctx.num(later).latex))
    else:
        C = ctx.sym.C
        cost, values = "the cost", (Math(ctx.equals(C, before)), " to ", Math(ctx.equals(f"{C}^{{+}}", later)))
    return (
        "Downhill is where the step went: ", *_moves(ctx, p, q, moved),
        ", the way the arrow points, to the ring where ", after[0], " and ", after[1],
        f". Every other parameter moved as well, downhill in its own direction, and {cost} {went} from ",
        *values, ".",
    )


def _moves(ctx: Context, p: str, q: str, moved) -> tuple:
    """How far the step moved p and q: −η ∂C/∂p each (a batch's mean or sum of them), or
    nothing for a frozen one."""
    sym, parts = ctx.sym, []
    for n, (label, change) in enumerate(zip((p, q), moved, strict=True)):
        parts += [" and "] if n else []
        if label in ctx.spec.frozen:
            parts += ["it kept ", Math(sym.param(label)), " where it was (frozen)"]
        else:
            parts += ["it moved ", Math(sym.param(label)), " by ",
                      Math(rf"-\eta\, {ctx.applied(sym.param(label))} {change.relation} {change.latex}")]
    return tuple(parts)


def _across_samples(ctx: Context) -> tuple:
    return ("The landscape drawn is the cost averaged over the samples; each update of this run "
            "follows the slope of one sample's cost instead (stochastic gradient descent), so a "
            "single update need not point straight down this landscape; the path shows where the "
            "run went.",)
