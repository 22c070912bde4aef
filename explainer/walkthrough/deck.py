"""The step as slides: a deck a teacher shows in a lecture, one stage of the step per frame.

    deck = build_deck(explanation, digits=6)

The same explanation and the same symbols as the walkthrough, cut down to what a
lecture hall can read from the back: few numbers per frame (at most SLIDE_DIGITS
significant digits), and each chain rule built up one factor at a time — every
`Reveal` shows its rows one by one, a click each (Beamer's overlays). The frames
follow the step: the network, the forward pass (a frame per layer), the cost, the
last layer, each hidden layer, the biases, the update, the sanity check and the
cost landscape. Like the walkthrough, the deck is a model that knows no file
format; templates/slides.tex.j2 writes it as Beamer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from explainer.pipeline import Explanation, summarised
from explainer.spec import Parameter
from explainer.walkthrough.context import DEFAULT_DIGITS, Context, inline
from explainer.walkthrough.document import Equation, Landscape, Math, NetworkFigure, Paragraph, Row
from explainer.walkthrough.notation import partial, vector
from explainer.walkthrough.sections import landscape, overview
from explainer.walkthrough.sections.backward import factors
from explainer.walkthrough.sections.deltas import dC_do_inputs, dC_do_numbers, dC_do_symbols, params_of
from explainer.walkthrough.sections.forward import cost_equation, neuron_equation
from explainer.walkthrough.sections.update import predicted_decrease

SLIDE_DIGITS = 4  # significant digits on a slide, at most: big numbers, few of them


@dataclass(frozen=True)
class Reveal:
    """Rows of a derivation shown one at a time, a click each."""

    rows: tuple[Row, ...]


Item = Paragraph | Equation | Reveal | NetworkFigure | Landscape


@dataclass(frozen=True)
class Frame:
    """One slide: its title and what it shows, top to bottom."""

    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Deck:
    title: str
    subtitle: str
    frames: tuple[Frame, ...]


def build_deck(explanation: Explanation, digits: int = DEFAULT_DIGITS, full: bool | None = None) -> Deck:
    """The slides of one gradient-descent step (numbers to at most SLIDE_DIGITS digits)."""
    ctx = Context(explanation, min(digits, SLIDE_DIGITS), summarised(explanation.spec.network, full))
    frames = [_network(ctx), *_forward(ctx), _cost(ctx), _chain(ctx, ctx.net.depth, "The last layer")]
    for layer in ctx.hidden_layers():
        title = "The hidden layer" if ctx.net.depth == 2 else f"Hidden layer {layer}"
        frames.append(_chain(ctx, layer, title))
    if any(p.kind == "bias" for p in ctx.net.parameters):
        frames.append(_bias(ctx))
    frames += [_update(ctx), _sanity(ctx)] if ctx.stepped else []  # no learning rate: no step
    if len(ctx.net.parameters) >= 2:
        frames.append(_landscape(ctx))
    return Deck(explanation.spec.title, overview.subtitle(ctx), tuple(frames))


def _network(ctx: Context) -> Frame:
    net, sym = ctx.net, ctx.sym
    drawing = overview.layers_drawn(ctx) if ctx.summary else overview.figure(ctx)
    return Frame("The network", (
        replace(drawing, caption=()),
        Paragraph(inline(
            Math(vector(sym.input_vector, [ctx.num(ctx.step.values.input[n]).latex for n in net.neurons(0)])),
            ", ", Math(vector(sym.expected_vector, [ctx.num(e).latex for e in ctx.expected])),
            *((", ", Math(ctx.equals(r"\eta", ctx.learning_rate))) if ctx.stepped else
              (", no learning rate: the gradients only",)))),
    ))


def _forward(ctx: Context) -> list[Frame]:
    """A frame per layer: its first neuron's input and output, a click per line."""
    net, values = ctx.net, ctx.step.values
    frames = []
    for layer in range(1, net.depth + 1):
        first, *others = net.neurons(layer)
        equation = neuron_equation(ctx, first, layer, values, ctx.step.parameters)
        shown = [(n, ctx.num(values.output[n])) for n in others[:4]]
        rest = ", ".join(rf"{ctx.sym.o(n)} {value.relation} {value.latex}" for n, value in shown)
        which = ("the last layer" if layer == net.depth else
                 f"hidden layer {layer}" if net.depth > 2 else "the hidden layer")
        more = [Paragraph(inline("The same way: ", Math(rest), "…" if len(others) > 4 else ""))] if rest else []
        frames.append(Frame(f"The forward pass: {which}", (Reveal(equation.rows), *more)))
    return frames


def _cost(ctx: Context) -> Frame:
    values = ctx.step.values
    return Frame("The cost", (Reveal(cost_equation(ctx, values.output, values.cost_terms, values.cost).rows),))


def _chain(ctx: Context, layer: int, title: str) -> Frame:
    """The chain rule for the layer's worked weight, one factor per click, then the product."""
    p = (ctx.shown_params("weight", layer) or params_of(ctx, "weight", layer))[0]
    net, sym, values = ctx.net, ctx.sym, ctx.step.values
    n = net.neuron(layer, p.target)
    source = net.neuron(layer - 1, p.source)
    w = sym.param(p.label)
    result = ctx.num(values.gradient[p.label])
    first = ctx.num(values.output[source])
    rows = [Row(partial(sym.C, w), "=", r" \cdot ".join(factors(ctx, p))),
            Row(partial(sym.i(n), w), "=", rf"{sym.o(source)} {first.relation} {first.latex}")]
    if ctx.activation(layer).vector:  # softmax: the neuron's delta sums over the Jacobian
        delta = ctx.num(values.delta[n])
        rows += [Row(sym.delta(n), delta.relation, delta.latex),
                 Row(partial(sym.C, w), result.relation,
                     rf"{ctx.factor(values.output[source])} \cdot {ctx.factor(values.delta[n])} "
                     rf"{result.relation} {result.latex}")]
        return Frame(title, (Reveal(tuple(rows)),))
    slope = ctx.num(values.activation_derivative[n])
    rows.append(Row(partial(sym.o(n), sym.i(n)), "=",
                    rf"{ctx.sigma_prime(layer, sym.o(n), sym.i(n))} {slope.relation} {slope.latex}"))
    dC_do = ctx.num(values.output_derivative[n])
    if layer == net.depth:
        rows.append(Row(partial(sym.C, sym.o(n)), "=",
                        rf"{dC_do_symbols(ctx, n, layer)} {dC_do.relation} {dC_do.latex}"))
    else:  # the sum over the layer after, reusing its deltas
        rows += [Row(partial(sym.C, sym.o(n)), "=", dC_do_symbols(ctx, n, layer)),
                 Row("", ctx.relation(dC_do_inputs(ctx, n, layer)),
                     rf"{dC_do_numbers(ctx, n, layer)} {dC_do.relation} {dC_do.latex}")]
    rows.append(Row(partial(sym.C, w), result.relation,
                    rf"{ctx.factor(values.output[source])} \cdot {ctx.factor(values.activation_derivative[n])} "
                    rf"\cdot {ctx.factor(values.output_derivative[n])} {result.relation} {result.latex}"))
    reuse = () if layer == net.depth else (Paragraph(inline(
        "The deltas of the layer after are reused, not derived again: backpropagation.")),)
    return Frame(title, (Reveal(tuple(rows)), *reuse))


def _bias(ctx: Context) -> Frame:
    """A bias: its first factor is 1, so its gradient is its neuron's delta."""
    biases = [p for p in ctx.net.parameters if p.kind == "bias"]
    worked = [p for p in biases if ctx.worked is None or p.label in ctx.worked]
    p: Parameter = (worked or biases)[-1]
    sym, values = ctx.sym, ctx.step.values
    b = sym.param(p.label)
    result = ctx.num(values.gradient[p.label])
    if p.target is None:  # shared by the layer: the sum of its deltas
        names = ctx.net.neurons(p.layer)
        rows = (Row(partial(sym.C, b), "=", " + ".join(sym.delta(n) for n in names)),
                Row("", result.relation, result.latex))
    else:
        n = ctx.net.neuron(p.layer, p.target)
        rows = (Row(partial(sym.C, b), "=", rf"{partial(sym.i(n), b)} \cdot {partial(sym.C, sym.i(n))}"),
                Row("", "=", rf"1 \cdot {sym.delta(n)}"),
                Row("", result.relation, result.latex))
    return Frame("The biases", (Reveal(rows),))


def _update(ctx: Context) -> Frame:
    """p⁺ = p − η ∂C/∂p for the parameters worked in full, a click each."""
    step, eta = ctx.step, ctx.learning_rate
    labels = [p.label for layer in range(ctx.net.depth, 0, -1) for kind in ("weight", "bias")
              for p in (ctx.shown_params(kind, layer) or params_of(ctx, kind, layer))[:1]]
    rows = [Row("p^{+}", "=", rf"p - \eta\, {ctx.applied()}")]
    for label in labels:
        before, gradient, after = step.parameters[label], step.gradient[label], ctx.num(step.updated[label])
        rows.append(Row(ctx.sym.updated(label), ctx.relation([before, eta, gradient]),
                        rf"{ctx.num(before).latex} - {ctx.num(eta).latex} \cdot {ctx.factor(gradient)} "
                        rf"{after.relation} {after.latex}"))
    return Frame("The update", (Reveal(tuple(rows)),))


def _sanity(ctx: Context) -> Frame:
    step = ctx.step
    before, after = ctx.num(step.values.cost), ctx.num(step.after_cost)
    change = ctx.num(step.values.cost - step.after_cost)
    formula, value = predicted_decrease(ctx)
    predicted = ctx.num(value)
    sym = ctx.sym
    return Frame("The sanity check", (Reveal((
        Row(sym.C, before.relation, before.latex),
        Row(rf"{sym.C}^{{+}}", after.relation, after.latex),
        Row(rf"{sym.C} - {sym.C}^{{+}}", change.relation, change.latex),
        Row(formula, predicted.relation, predicted.latex),
    )), Paragraph(inline("The forward pass again, with the new parameters: the cost went "
                         + ("down" if step.after_cost < step.values.cost else "up")
                         + "; the last line is the decrease the slope predicts for a small step."))))


def _landscape(ctx: Context) -> Frame:
    p, q = landscape.chosen(ctx)
    return Frame("The cost landscape", (replace(landscape.drawn(ctx, p, q), caption=()),
                                        Paragraph(inline("Downhill is where the step went." if ctx.stepped else
                                                         "Downhill is where a step would go."))))
