"""The training run: how the cost fell, step by step, and what the network answers at the end.

A run of a few steps is listed step by step. A long one (the 10,000 steps of the
classic demonstrations) is thinned to rows a reader can take in: the first steps one
by one, then every k-th step with k a round number, then the last. Its cost curve
samples about CURVE_POINTS steps evenly, and its cost axis turns logarithmic when the
cost spans LOG_SPAN or more, so that the slow end of a run shows as well as its fast
start. Every number comes from the symbolic engine's run (`explainer.engines.training`).
"""

from __future__ import annotations

import math

from explainer.engines.training import History
from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Math, Paragraph, Plot, Section, Table, Text, Tick
from explainer.walkthrough.formatting import counted, scientific, show

MAX_PARAMETER_COLUMNS = 6  # wider tables list the cost only; the JSON has every parameter
TABLE_STEPS = 16  # rows of the run's table, at most
FIRST_STEPS = 5  # steps listed one by one at the start of a thinned table
CURVE_POINTS = 100  # steps drawn on the cost curve, about
LOG_SPAN = 100  # the largest cost over the smallest from which the cost axis is logarithmic
_ROUND = (1, 2, 5)  # a thinned table lists every k-th step, k one of these times a power of 10


def sections(ctx: Context) -> list[Section]:
    history = ctx.explanation.history
    if history is None:
        return []
    spec, trace = ctx.spec, history.trace
    labels = list(trace.labels)
    show_params = len(labels) <= MAX_PARAMETER_COLUMNS
    shown, every = table_steps(trace.steps)
    rows = []
    for n in shown:
        point = trace.point(n)
        cells = [Text(f"{n:,}"), Math(ctx.num(point.cost).latex)]
        if show_params:
            cells += [Math(ctx.num(point.parameters[k]).latex) for k in labels]
        rows.append(tuple(cells))
    header = [Text("Step"), Text("Mean cost")]
    if show_params:
        header += [Math(ctx.sym.param(k)) for k in labels]
    how = ("one update per sample, in order" if spec.mode == "sgd" else
           f"one update per step with the {spec.batch_gradient} of the samples' gradients")
    first, last = history.first, history.last
    blocks = (
        Paragraph(inline(
            "The walkthrough above worked through the first update in full. The run goes on for "
            f"{counted(spec.steps, 'step')} over {counted(len(spec.samples), 'sample')}, {how}. "
            "After every step "
            "we measure the cost averaged over the samples; step 0 is before training. The mean "
            "cost goes from ",
            Math(ctx.num(first.cost).latex), " to ", Math(ctx.num(last.cost).latex), ".",
        )),
        Table(header=tuple(header), rows=tuple(rows), align="r" * len(header),
              caption=_caption(trace.steps, shown, every, show_params)),
        cost_curve(history),
        *_answers(ctx, history),
        Paragraph(inline(*_agreement(history))),
    )
    return [Section("Training run", "training-run", blocks)]


def table_steps(steps: int) -> tuple[list[int], int]:
    """The steps the table lists, and k: all of a short run (k = 1); of a long one,
    0 to FIRST_STEPS, then every k-th step with k the smallest round number that keeps
    the table within TABLE_STEPS rows, then the last step."""
    if steps < TABLE_STEPS:
        return list(range(steps + 1)), 1
    room = TABLE_STEPS - (FIRST_STEPS + 1) - 1
    every = next(k for k in (m * 10 ** e for e in range(20) for m in _ROUND)
                 if (steps - 1) // k - FIRST_STEPS // k <= room)
    middle = [n for n in range((FIRST_STEPS // every + 1) * every, steps, every)]
    return [*range(FIRST_STEPS + 1), *middle, steps], every


def _ordinal(k: int) -> str:
    return f"{k:,}{'nd' if k % 10 == 2 and k % 100 != 12 else 'th'}"


def _caption(steps: int, shown: list[int], every: int, parameters: bool) -> str:
    what = "The mean cost and the parameters" if parameters else "The mean cost"
    if every == 1:
        where = "after every step."
    else:
        where = (f"after steps 0 to {FIRST_STEPS}, then after every {_ordinal(every)} step, and after "
                 f"the last ({steps:,}).")
    rest = "" if parameters and every == 1 else " The JSON output lists every parameter after every step."
    return f"{what} {where}{rest}"


def _answers(ctx: Context, history: History) -> list:
    """What the trained network answers for each sample, beside what was wanted."""
    net = ctx.net
    sym = ctx.sym

    def entries(values) -> str:
        shown = [ctx.num(v).latex for v in values]
        return shown[0] if len(shown) == 1 else rf"\left({', '.join(shown)}\right)"

    rows, more = ctx.capped([
        (Text(str(k + 1)), Math(entries(sample.input)), Math(entries(outputs)), Math(entries(sample.expected)))
        for k, (sample, outputs) in enumerate(zip(ctx.spec.samples, history.trace.outputs, strict=True))])
    answer = sym.o(net.neuron(net.depth, 0)) if net.layers[-1] == 1 else sym.answer_vector
    wanted = sym.expected(1) if net.layers[-1] == 1 else sym.expected_vector
    return [
        Paragraph(inline("After the last step the network answers each sample of the run like this "
                         "(the forward pass with the trained weights and biases):")),
        Table(header=(Text("Sample"), Math(sym.input_vector), Math(answer), Math(wanted)), rows=rows,
              align="rrrr",
              caption="The trained network's answer to every sample, and the answer wanted." + more),
    ]


def _agreement(history: History) -> list:
    gap = max(history.cost_discrepancy, history.parameter_discrepancy)
    verdict = ("Both engines ran the whole loop; their costs and parameters agree to " if history.agrees else
               "DISAGREEMENT: the engines' costs and parameters differ by as much as ")
    return [verdict, Math(scientific(gap)),
            " at worst (relative to the larger of 1 and the value). Float64 rounds every update, and "
            "a step inherits the rounding of the steps before, so the allowance grows with the "
            "step: at the last it is ", Math(scientific(history.allowance)), "."]


def cost_curve(history: History) -> Plot:
    """The mean cost after about CURVE_POINTS evenly spaced steps (and the last)."""
    steps = history.steps
    chosen = history.evenly(CURVE_POINTS)
    costs = [float(c) for c in history.trace.costs[chosen]]
    points = tuple((float(n), c) for n, c in zip(chosen, costs, strict=True))
    lo, hi = min(costs), max(costs)
    log_y = lo > 0 and hi / lo >= LOG_SPAN
    if log_y:
        y0, y1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        height = [(math.log10(c) - y0) / (y1 - y0) for c in costs]
        decades = range(y0, y1 + 1, max(1, math.ceil((y1 - y0) / 6)))
        y_ticks = tuple(Tick((e - y0) / (y1 - y0), _power_of_ten(e), 10.0 ** e) for e in decades)
    else:
        pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
        y0, y1 = lo - pad, hi + pad
        height = [(c - y0) / (y1 - y0) for c in costs]
        y_ticks = tuple(Tick((v - y0) / (y1 - y0), show(v, 3).text, v)
                        for v in (lo, (lo + hi) / 2, hi) if hi > lo or v == lo)
    span = max(steps, 1)
    normalized = tuple((n / span, y) for n, y in zip(chosen, height, strict=True))
    return Plot(points, normalized, _step_ticks(steps), y_ticks, "step", "mean cost",
                "The mean cost over the samples after every step" + (" (logarithmic scale)." if log_y else "."),
                log_y=log_y, chart_y=tuple(math.log10(c) for c in costs) if log_y else tuple(costs),
                chart_y_label="log10 of the mean cost" if log_y else "mean cost")


def _step_ticks(steps: int) -> tuple[Tick, ...]:
    """Ticks at multiples of a round number, about five to ten of them."""
    every = next(m * 10 ** e for e in range(20) for m in _ROUND if steps // (m * 10 ** e) <= 8)
    span = max(steps, 1)
    return tuple(Tick(n / span, f"{n:,}", float(n)) for n in range(0, steps + 1, every))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(e: int) -> str:
    return "1" if e == 0 else f"10{str(e).translate(_SUPERSCRIPT)}"
