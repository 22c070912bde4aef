"""The training run: every step's cost as a table and a curve (several samples or steps)."""

from __future__ import annotations

from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Math, Paragraph, Plot, Section, Table, Text, Tick
from explainer.walkthrough.formatting import show

MAX_PARAMETER_COLUMNS = 6  # wider tables list the cost only; the JSON has every parameter


def sections(ctx: Context) -> list[Section]:
    history = ctx.explanation.history
    if history is None:
        return []
    spec = ctx.spec
    labels = [p.label for p in ctx.net.parameters]
    show_params = len(labels) <= MAX_PARAMETER_COLUMNS
    rows = []
    for point in history.points:
        cells = [Text(str(point.step)), Math(ctx.num(point.cost).latex)]
        if show_params:
            cells += [Math(ctx.num(point.parameters[k]).latex) for k in labels]
        rows.append(tuple(cells))
    header = [Text("Step"), Text("Mean cost")]
    if show_params:
        header += [Math(ctx.sym.param(k)) for k in labels]
    how = ("one update per sample, in order" if spec.mode == "sgd" else
           "one update per step with the mean of the samples' gradients")
    first, last = history.points[0], history.points[-1]
    blocks = (
        Paragraph(inline(
            f"The walkthrough above worked through the first update in full. The run goes on for "
            f"{spec.steps} step(s) over {len(spec.samples)} sample(s), {how}. After every step "
            "we measure the cost averaged over the samples; step 0 is before training. The mean "
            "cost goes from ",
            Math(ctx.num(first.cost).latex), " to ", Math(ctx.num(last.cost).latex), ".",
            "" if show_params else " The JSON output lists every parameter after every step.",
        )),
        Table(header=tuple(header), rows=tuple(rows), align="r" * len(header),
              caption="The mean cost (and the parameters) after every step."),
        cost_curve(ctx),
        Paragraph(inline(
            "Both engines ran the whole loop; their costs and parameters agree to ",
            Math(show(max(history.cost_discrepancy, history.parameter_discrepancy), 2).latex),
            " (relative to the larger of 1 and the value).",
        )),
    )
    return [Section("Training run", "training-run", blocks)]


def cost_curve(ctx: Context) -> Plot:
    points = [(float(p.step), float(p.cost)) for p in ctx.explanation.history.points]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    x0, x1 = min(xs), max(max(xs), 1.0)
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    y0, y1 = lo - pad, hi + pad
    normalized = tuple(((x - x0) / (x1 - x0), (y - y0) / (y1 - y0)) for x, y in points)
    step_every = max(1, round(len(xs) / 8))
    x_ticks = tuple(Tick((x - x0) / (x1 - x0), str(int(x))) for x in xs[::step_every])
    y_ticks = tuple(Tick((v - y0) / (y1 - y0), show(v, 3).text)
                    for v in (lo, (lo + hi) / 2, hi) if hi > lo or v == lo)
    return Plot(tuple(points), normalized, x_ticks, y_ticks, "step", "mean cost",
                "The mean cost over the samples after every step.")
