"""The forward pass, neuron by neuron, and the cost, term by term."""

from __future__ import annotations

from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Equation, Math, Paragraph, Row, Section, Table, Text
from explainer.walkthrough.notation import vector
from explainer.walkthrough.sections import saturation


def sections(ctx: Context) -> list[Section]:
    return [_forward(ctx), _cost(ctx)]


def neuron_equation(ctx: Context, name: str, layer: int, values, params: dict, prefix: str = "") -> Equation:
    """i_n = Σ w·o + b and o_n = σ(i_n) for one neuron, numbers substituted.

    `values` holds the pass's neuron inputs and outputs and `params` the parameter
    values, so the same equation serves the forward pass before and after the step.
    """
    net = ctx.net
    j = net.neurons(layer).index(name)
    weights = net.weights_into(layer, j)
    bias = net.bias_of(layer, j)
    sources = [net.neuron(layer - 1, p.source) for p in weights]
    symbolic = " + ".join(
        [f"{ctx.sym.param(p.label)}\\, {ctx.sym.o(s)}" for p, s in zip(weights, sources, strict=True)]
        + ([ctx.sym.param(bias.label)] if bias else [])
    )
    numbers = " + ".join(
        [f"{ctx.factor(params[p.label])} \\cdot {ctx.factor(values.output[s])}"
         for p, s in zip(weights, sources, strict=True)]
        + ([ctx.factor(params[bias.label])] if bias else [])
    )
    substituted = [params[p.label] for p in [*weights, *([bias] if bias else [])]]
    i_shown = ctx.num(values.input[name])
    rows = [
        Row(ctx.sym.i(name), "=", symbolic),
        Row("", ctx.relation(substituted + [values.output[s] for s in sources]), numbers),
        Row("", i_shown.relation, i_shown.latex),
        *_output_rows(ctx, name, layer, values),
    ]
    return Equation(tuple(rows), keys=(f"{prefix}input.{name}", f"{prefix}output.{name}"))


def _output_rows(ctx: Context, name: str, layer: int, values) -> list[Row]:
    """o_n = σ(i_n): the activation's formula, the number put in, the result."""
    act_name = ctx.net.activations[layer - 1]
    i_sym, o_sym = ctx.sym.i(name), ctx.sym.o(name)
    i_val = values.input[name]
    o_shown = ctx.num(values.output[name])
    result = Row("", o_shown.relation, o_shown.latex)
    if act_name == "sigmoid":
        minus_i = ctx.num(-i_val)
        return [Row(o_sym, "=", rf"\sigma({i_sym}) = \frac{{1}}{{1 + e^{{-{i_sym}}}}}"),
                Row("", minus_i.relation, rf"\frac{{1}}{{1 + e^{{{minus_i.latex}}}}}"), result]
    if act_name == "softmax":
        names = ctx.net.neurons(layer)
        total = " + ".join(rf"e^{{{ctx.sym.i(m)}}}" for m in names)
        numbers = " + ".join(rf"e^{{{ctx.num(values.input[m]).latex}}}" for m in names)
        return [Row(o_sym, "=", rf"\frac{{e^{{{i_sym}}}}}{{{total}}}"),
                Row("", ctx.relation([values.input[m] for m in names]),
                    rf"\frac{{e^{{{ctx.num(i_val).latex}}}}}{{{numbers}}}"), result]
    formula = {"tanh": rf"\tanh({i_sym})", "relu": rf"\max(0, {i_sym})",
               "leaky_relu": rf"\sigma({i_sym})", "linear": i_sym}[act_name]
    at = {"tanh": rf"\tanh({ctx.num(i_val).latex})", "relu": rf"\max(0, {ctx.num(i_val).latex})",
          "leaky_relu": rf"\sigma({ctx.num(i_val).latex})", "linear": ctx.num(i_val).latex}[act_name]
    return [Row(o_sym, "=", formula), Row("", ctx.relation([i_val]), at), result]


def neuron_table(ctx: Context, layer: int, values) -> Table:
    """Every neuron's input and output in a layer (for summarised walkthroughs)."""
    rows, more = ctx.capped([(Math(ctx.sym.neuron(n)), Math(ctx.num(values.input[n]).latex),
                              Math(ctx.num(values.output[n]).latex)) for n in ctx.net.neurons(layer)])
    return Table(header=(Text("Neuron"), Math(ctx.sym.in_letter), Math(ctx.sym.out_letter)), rows=rows,
                 align="lrr",
                 caption="Every neuron of this layer, computed the same way as the first." + more)


def _forward(ctx: Context) -> Section:
    net, values, sym = ctx.net, ctx.step.values, ctx.sym
    blocks: list = [Paragraph(inline(
        "A neuron first adds up what arrives at it: each output of the layer before times the "
        f"weight of its connection, plus the neuron's bias. That sum is the neuron's {sym.input_word} ",
        Math(sym.in_letter),
        f". The activation turns it into the neuron's {sym.output_word} ",
        Math(rf"{sym.out_letter} = \sigma({sym.in_letter})"),
        ", which travels on to the next layer. The inputs ",
        Math(", ".join(ctx.sym.neuron(n) for n in net.neurons(0))),
        " are passed on unchanged.",
    ))]
    for layer in range(1, net.depth + 1):
        blocks.append(Paragraph(inline(_layer_intro(ctx, layer))))
        for name in ctx.shown_neurons(layer):
            blocks.append(neuron_equation(ctx, name, layer, values, ctx.step.parameters))
            blocks += filter(None, [saturation.forward_note(ctx, name, layer)])
        if ctx.summary:
            blocks.append(neuron_table(ctx, layer, values))
    outputs = [ctx.num(values.output[n]).latex for n in net.neurons(net.depth)]
    blocks.append(Paragraph(inline(
        "So the network answers ",
        Math(vector(sym.answer_vector, outputs)),
        " where we wanted ",
        Math(vector(sym.expected_vector, [ctx.num(e).latex for e in ctx.expected])),
        ".",
    )))
    return Section("Forward pass", "forward-pass", tuple(blocks))


def _layer_intro(ctx: Context, layer: int) -> str:
    if layer == ctx.net.depth:
        return "The last layer takes the hidden outputs as its inputs:"
    if layer == 1:
        return "The first hidden layer takes the input values:"
    return f"Hidden layer {layer} takes the outputs of hidden layer {layer - 1}:"


def cost_equation(ctx: Context, outputs: dict, terms: tuple, cost, prefix: str = "") -> Equation:
    """C written out term by term: symbols, numbers, each difference, each term, the sum.

    `prefix` is "after." for the cost after the step: the equation then derives the
    claims key after.cost, so a checked walkthrough marks a claimed C⁺ beside it."""
    net, function = ctx.net, ctx.cost
    last = net.neurons(net.depth)
    symbolic = " + ".join(ctx.cost_term(ctx.sym.o(n), ctx.sym.expected(j + 1))
                          for j, n in enumerate(last))
    numbers = " + ".join(
        ctx.cost_term(ctx.factor(outputs[n]), ctx.factor(e))
        for n, e in zip(last, ctx.expected, strict=True)
    )
    rows = [Row(ctx.sym.C, "=", symbolic),
            Row("", ctx.relation([outputs[n] for n in last] + ctx.expected), numbers)]
    if function.squared and function.latex.scale is not None:
        differences = [outputs[n] - e for n, e in zip(last, ctx.expected, strict=True)]
        scale = function.latex.scale(len(last))
        rows.append(Row("", ctx.relation(differences),
                        " + ".join(f"{scale}{ctx.factor(d)}^{{2}}" for d in differences)))
    rows.append(Row("", ctx.relation(terms), " + ".join(ctx.num(t).latex for t in terms)))
    rows.append(Row("", ctx.num(cost).relation, ctx.num(cost).latex))
    return Equation(tuple(rows), keys=(f"{prefix}cost",))


def _cost(ctx: Context) -> Section:
    values, cost = ctx.step.values, ctx.cost
    blocks = (
        Paragraph(inline(
            "The cost measures how far the answer is from what we wanted. We use ",
            cost.latex.words,
            ":",
        )),
        Equation((Row(ctx.sym.C, "=", ctx.sym.fill(cost.latex.body)),)),
        Paragraph(inline("With the outputs of the forward pass, term by term:")),
        cost_equation(ctx, values.output, values.cost_terms, values.cost),
        Paragraph(inline(
            "The cost depends on every weight and bias through the forward pass: it is one "
            "function ",
            Math(ctx.cost_function),
            " of all of them. Training means changing the weights and biases so that this "
            "number goes down.",
        )),
    )
    return Section("Cost", "cost", blocks)
