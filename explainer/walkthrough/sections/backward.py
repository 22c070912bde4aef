"""The backward pass: the gradient-descent rule, then the chain rule for every parameter.

The last layer comes first, because its δ's are what every earlier layer reuses.
Each derivation is shown factor by factor: the chain rule in symbols, the same
factors written with the network's symbols, the numbers, and the result.
"""

from __future__ import annotations

from explainer.spec import Parameter
from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Equation, Math, Paragraph, Row, Section, Table, Text
from explainer.walkthrough.formatting import counted
from explainer.walkthrough.notation import as_factor, partial
from explainer.walkthrough.sections.deltas import (
    dC_do_inputs,
    dC_do_numbers,
    dC_do_symbols,
    delta_equations,
    params_of,
    weight_between,
)
from explainer.walkthrough.sections.figures import chain_rule_figure


def sections(ctx: Context) -> list[Section]:
    out = [_rule(ctx), _last_layer(ctx)]
    for layer in ctx.hidden_layers():
        out.append(_hidden_layer(ctx, layer))
    if any(p.kind == "bias" for p in ctx.net.parameters):
        out.append(_biases(ctx))
    return out


def _rule(ctx: Context) -> Section:
    params = ctx.net.parameters
    cost = ctx.sym.C
    shown = [partial(cost, ctx.sym.param(p.label)) for p in params]
    if len(shown) > 3:  # the first two, then the last
        shown = [shown[0], shown[1], r"\ldots", shown[-1]]
    blocks = (
        Paragraph(inline(
            "The gradient ",
            Math(rf"\nabla {ctx.sym.C}"),
            " collects the partial derivatives of the cost with respect to every parameter. It "
            "points in the direction in which the cost grows fastest, so a small step against "
            "it lowers the cost. Gradient descent takes that step, for every weight and bias ",
            Math("p"),
            " at once:",
        )),
        Equation((Row("p^{+}", "=", rf"p - \eta\, {partial(ctx.sym.C, 'p')}"),)),
        *(() if ctx.stepped else (Paragraph(inline(
            "Here ", Math(r"\eta"), ", the learning rate, says how far. This example gives none, so "
            "it takes no step: it stops at the gradient, the direction the step would take.")),)),
        Equation((Row(rf"\nabla {cost}", "=", r"\left(" + r",\ ".join(shown) + r"\right)"),)),
        Paragraph(inline(
            f"The network has {counted(len(params), 'parameter')}, so we need "
            f"{counted(len(params), 'partial derivative')}. The chain rule gives each of them as a "
            "product of small, local factors. We start at the last layer and work backwards.",
        )),
    )
    return Section("The gradient-descent rule", "gradient-descent", blocks)


def _last_layer(ctx: Context) -> Section:
    net = ctx.net
    example = _first(ctx, "weight", net.depth)
    chain = _softmax_chain if ctx.activation(net.depth).vector else _one_output_chain
    blocks: list = chain(ctx, example)
    blocks[2:2] = [] if ctx.summary else [chain_rule_figure(ctx, example)]  # after the chain
    blocks += delta_equations(ctx, net.depth)
    blocks += _backprop_note(ctx, "BP1")
    blocks.append(_next_words(ctx, net.depth, "the last layer"))
    blocks += [gradient_equation(ctx, p) for p in ctx.shown_params("weight", net.depth)]
    blocks += _gradient_table(ctx, "weight", net.depth)
    blocks += _backprop_note(ctx, "BP4")
    return Section("The last layer", "last-layer", tuple(blocks))


def _one_output_chain(ctx: Context, example: Parameter) -> list:
    """The last layer's chain of three factors: weight → input → output → cost."""
    net, sym = ctx.net, ctx.sym
    act = ctx.activation(net.depth)
    n = net.neuron(net.depth, example.target)
    source = net.neuron(net.depth - 1, example.source)
    w = sym.param(example.label)
    j = example.target + 1
    return [
        Paragraph(inline(
            "Take a weight of the last layer, say ", Math(w), ". It changes the cost in three "
            f"steps: it changes the {sym.input_word} ", Math(sym.i(n)), " of its neuron, that "
            f"changes the {sym.output_word} ", Math(sym.o(n)), ", and that changes the cost. The chain rule "
            "multiplies the three rates of change:",
        )),
        Equation((Row(partial(ctx.sym.C, w), "=", " \\cdot ".join(factors(ctx, example))),)),
        Paragraph(inline(
            Text("The first factor", strong=True), f" asks how the neuron's {sym.input_word} changes "
            f"with the weight. The {sym.input_word} ", Math(sym.i(n)), " is a sum in which ", Math(w),
            " multiplies ", Math(sym.o(source)), ", so the factor is ", Math(sym.o(source)),
            f": the {sym.output_word} of the neuron the weight comes from.",
        )),
        Paragraph(inline(
            Text("The second factor", strong=True), " is the slope of the activation, ",
            Math(ctx.sym.fill(act.latex.derivative)), ".",
        )),
        Paragraph(inline(
            Text("The third factor", strong=True), f" asks how the cost changes with this {sym.output_word}. "
            "Only one term of the cost contains it, so ",
            Math(rf"{partial(ctx.sym.C, ctx.sym.o(n))} = "
                 rf"{ctx.cost_derivative(ctx.sym.o(n), ctx.sym.expected(j))}"), ".",
        )),
        Paragraph(inline(
            "The last two factors belong to the neuron, not to the weight. Their product is ",
            Math(rf"{ctx.sym.delta(n)} = {partial(ctx.sym.C, ctx.sym.i(n))}"),
            ", the neuron's delta. We compute it once per neuron and use it for every weight and "
            "bias that feeds the neuron.",
        ), note=True),
    ]


def _softmax_chain(ctx: Context, example: Parameter) -> list:
    """The last layer's chain when it is a softmax: a weight changes its neuron's input, and
    that input changes every output of the layer (each divides by the sum of all e^i), so
    ∂C/∂i is a sum over the outputs, not one product."""
    net, sym = ctx.net, ctx.sym
    n = net.neuron(net.depth, example.target)
    source = net.neuron(net.depth - 1, example.source)
    w = sym.param(example.label)
    m = net.neurons(net.depth)[1] if net.neurons(net.depth)[0] == n else net.neurons(net.depth)[0]
    paths = " + ".join(rf"{partial(sym.o(k), sym.i(n))}\, {partial(sym.C, sym.o(k))}"
                       for k in net.neurons(net.depth))
    return [
        Paragraph(inline(
            "Take a weight of the last layer, say ", Math(w), f". It changes the {sym.input_word} ",
            Math(sym.i(n)), " of its neuron. With softmax that input changes every "
            f"{sym.output_word} of the layer, since each divides by the sum of all of them, and each "
            f"{sym.output_word} changes the cost. The chain rule multiplies the first rate of change "
            "by the sum over those paths:",
        )),
        Equation((
            Row(partial(sym.C, w), "=", rf"{partial(sym.i(n), w)} \cdot {partial(sym.C, sym.i(n))}"),
            Row("", "=", rf"{partial(sym.i(n), w)} \cdot \left({paths}\right)"),
        )),
        Paragraph(inline(
            Text("The first factor", strong=True), f" asks how the neuron's {sym.input_word} changes "
            f"with the weight. The {sym.input_word} ", Math(sym.i(n)), " is a sum in which ", Math(w),
            " multiplies ", Math(sym.o(source)), ", so the factor is ", Math(sym.o(source)), ".",
        )),
        Paragraph(inline(
            Text("The sum", strong=True), " walks every output: softmax's slopes are ",
            Math(rf"{partial(sym.o(n), sym.i(n))} = {sym.o(n)}\,(1 - {sym.o(n)})"),
            f" for the neuron's own {sym.output_word} and ",
            Math(rf"{partial(sym.o(m), sym.i(n))} = -{sym.o(m)}\, {sym.o(n)}"), " for every other, "
            "and each ", Math(partial(sym.C, sym.out_letter)), " is the cost's slope in that output.",
        )),
        Paragraph(inline(
            "The sum belongs to the neuron, not to the weight. It is ",
            Math(rf"{sym.delta(n)} = {partial(sym.C, sym.i(n))}"),
            ", the neuron's delta. We compute it once per neuron and use it for every weight and "
            "bias that feeds the neuron.",
        ), note=True),
    ]


def _hidden_layer(ctx: Context, layer: int) -> Section:
    net = ctx.net
    example = _first(ctx, "weight", layer)
    n = net.neuron(layer, example.target)
    w = ctx.sym.param(example.label)
    after = net.neurons(layer + 1)
    deltas = ", ".join(ctx.sym.delta(m) for m in after)
    title = "The hidden layer" if net.depth == 2 else f"Hidden layer {layer}"
    blocks: list = [
        Paragraph(inline(
            "A weight of a hidden layer, such as ", Math(w), ", reaches the cost through every "
            "neuron of the layer after: ", Math(ctx.sym.o(n)), " feeds ",
            Math(", ".join(ctx.sym.neuron(m) for m in after)),
            ". The first two factors of the chain are as before; the third, ",
            Math(partial(ctx.sym.C, ctx.sym.o(n))), ", adds up one path per neuron of the next layer:",
        )),
        Equation((
            Row(partial(ctx.sym.C, w), "=", " \\cdot ".join(factors(ctx, example))),
            Row(partial(ctx.sym.C, ctx.sym.o(n)), "=",
                " + ".join(f"{partial(ctx.sym.i(m), ctx.sym.o(n))}\\, {partial(ctx.sym.C, ctx.sym.i(m))}"
                           for m in after)),
            Row("", "=", " + ".join(f"{weight_between(ctx, n, m)}\\, {ctx.sym.delta(m)}"
                                     for m in after)),
        )),
        Paragraph(inline(
            "Each ", Math(partial(ctx.sym.generic("i", "m", layer + 1), ctx.sym.o(n))),
            " is simply the weight of the connection from ", Math(ctx.sym.neuron(n)),
            " to that neuron, and each ", Math(partial(ctx.sym.C, ctx.sym.generic("i", "m", layer + 1))),
            " is a delta we "
            "already have: ", Math(deltas), ". ",
            Text("Nothing about the cost has to be derived again.", strong=True),
            " This reuse is the heart of backpropagation, a form of dynamic programming: every "
            "delta is computed once, from the deltas of the layer after it, and then serves "
            "every parameter before it. That is why the work grows only in proportion to the "
            "number of parameters.",
        ), note=True),
    ]
    blocks[2:2] = [] if ctx.summary else [chain_rule_figure(ctx, example)]  # after the chain
    blocks += delta_equations(ctx, layer)
    blocks += _backprop_note(ctx, "BP2")
    blocks.append(_next_words(ctx, layer, "this layer"))
    blocks += [gradient_equation(ctx, p) for p in ctx.shown_params("weight", layer)]
    blocks += _gradient_table(ctx, "weight", layer)
    return Section(title, f"hidden-layer-{layer}" if net.depth > 2 else "hidden-layer",
                   tuple(blocks))


def _biases(ctx: Context) -> Section:
    biases = [p for p in ctx.net.parameters if p.kind == "bias"]
    worked = [p for p in biases if ctx.worked is None or p.label in ctx.worked]
    example = (worked or biases)[-1]
    n = ctx.net.neuron(example.layer, example.target or 0)
    b, sym = ctx.sym.param(example.label), ctx.sym
    blocks: list = [Paragraph(inline(
        "A bias follows the same chain as a weight. Only the first factor differs: the bias is "
        f"added to the neuron's {sym.input_word} on its own, ",
        Math(rf"{partial(sym.i(n), b)} = 1"),
        f", where a weight gave the {sym.output_word} it multiplies. So the gradient of a bias is its "
        "neuron's delta",
        *([", and a bias shared by a whole layer collects the delta of every neuron it feeds: ",
           Math(rf"{partial(ctx.sym.C, 'b')} = \sum_{{n}} {ctx.sym.generic('delta', 'n')}")]
          if any(p.target is None for p in biases) else
          [": ", Math(rf"{partial(ctx.sym.C, b)} = 1 \cdot {ctx.sym.delta(n)}")]),
        ".",
    )), *_backprop_note(ctx, "BP3")]
    for layer in range(ctx.net.depth, 0, -1):
        blocks += [gradient_equation(ctx, p) for p in ctx.shown_params("bias", layer)]
        blocks += _gradient_table(ctx, "bias", layer)
    return Section("Biases", "biases", tuple(blocks))


# ---------------------------------------------------------------- shared pieces


def _next_words(ctx: Context, layer: int, which: str) -> Paragraph:
    """What follows: every weight of the layer factor by factor, or those worked in full and a
    table of all of them, or the table alone."""
    shown, every = ctx.shown_params("weight", layer), params_of(ctx, "weight", layer)
    if len(shown) == len(every):
        return Paragraph(inline(f"Now every weight of {which}, factor by factor:"))
    if shown:
        return Paragraph(inline(f"Now the weights of {which} worked in full, factor by factor, and then "
                                "every one of them in a table:"))
    return Paragraph(inline(f"Every weight of {which} follows from the same factors:"))


def _backprop_note(ctx: Context, name: str) -> list[Paragraph]:
    """Where the preset's readers know a step as one of the four equations of
    backpropagation (BP1..BP4 in Nielsen's book), a note naming it; else nothing."""
    found = ctx.sym.backprop_equation(name)
    if found is None:
        return []
    words, latex = found
    return [Paragraph(inline(words, Math(latex), "."), note=True)]


def _first(ctx: Context, kind: str, layer: int) -> Parameter:
    """The parameter of a layer the text takes as its example: the first one worked in full."""
    return (ctx.shown_params(kind, layer) or params_of(ctx, kind, layer))[0]


def factors(ctx: Context, p: Parameter) -> list[str]:
    """The chain rule's factors for ∂C/∂p in symbols: ∂i/∂p, ∂o/∂i, and ∂C/∂o or its sum."""
    net = ctx.net
    n = net.neuron(p.layer, p.target)
    factors = [partial(ctx.sym.i(n), ctx.sym.param(p.label)), partial(ctx.sym.o(n), ctx.sym.i(n))]
    if p.layer == net.depth:
        factors.append(partial(ctx.sym.C, ctx.sym.o(n)))
    else:
        paths = " + ".join(f"{partial(ctx.sym.i(m), ctx.sym.o(n))}\\, {partial(ctx.sym.C, ctx.sym.i(m))}"
                           for m in net.neurons(p.layer + 1))
        factors.append(rf"\left({paths}\right)")
    return factors


def _gradient_table(ctx: Context, kind: str, layer: int) -> list:
    """Where not every weight or bias of the layer is derived in full (a summarised
    walkthrough, or one that works only the parameters --show names), all of them in a table."""
    if len(ctx.shown_params(kind, layer)) == len(params_of(ctx, kind, layer)):
        return []
    values = ctx.step.values
    rows, more = ctx.capped([(Math(ctx.sym.param(p.label)), Math(ctx.num(values.gradient[p.label]).latex))
                             for p in params_of(ctx, kind, layer)])
    return [Table(header=(Text("Parameter"), Math(rf"\partial {ctx.sym.C} / \partial p")), rows=rows,
                  align="lr",
                  caption=f"Every {kind} of this layer, derived the same way." + more)]


def gradient_equation(ctx: Context, p: Parameter) -> Equation:
    """∂C/∂p for one weight or bias: chain rule, symbols, numbers, result."""
    net, values = ctx.net, ctx.step.values
    result = ctx.num(values.gradient[p.label])
    symbol = ctx.sym.param(p.label)
    if p.target is None:
        return _shared_bias_equation(ctx, p)
    n = net.neuron(p.layer, p.target)
    if p.kind == "weight":
        source = net.neuron(p.layer - 1, p.source)
        first_sym, first_num = ctx.sym.o(source), ctx.factor(values.output[source])
        first_used = [values.output[source]]
    else:
        first_sym, first_num, first_used = "1", "1", []
    if ctx.activation(p.layer).vector:
        # Softmax: the neuron's delta already sums over the Jacobian (shown above).
        return Equation((
            Row(partial(ctx.sym.C, symbol), "=",
                rf"{partial(ctx.sym.i(n), symbol)} \cdot {partial(ctx.sym.C, ctx.sym.i(n))}"),
            Row("", "=", rf"{first_sym} \cdot {ctx.sym.delta(n)}"),
            Row("", ctx.relation([*first_used, values.delta[n]]),
                rf"{first_num} \cdot {ctx.factor(values.delta[n])}"),
            Row("", result.relation, result.latex),
        ), keys=(f"gradient.{p.label}",))
    substituted = [*first_used, values.activation_derivative[n]]
    second_sym = ctx.sigma_prime(p.layer, ctx.sym.o(n), ctx.sym.i(n))
    second_num = ctx.factor(values.activation_derivative[n])
    if p.layer == net.depth:
        third_sym = as_factor(dC_do_symbols(ctx, n, p.layer))
        third_num = ctx.factor(values.output_derivative[n])
        substituted.append(values.output_derivative[n])
    else:
        third_sym = rf"\left({dC_do_symbols(ctx, n, p.layer)}\right)"
        third_num = rf"\left({dC_do_numbers(ctx, n, p.layer)}\right)"
        substituted += dC_do_inputs(ctx, n, p.layer)
    rows = (
        Row(partial(ctx.sym.C, symbol), "=", " \\cdot ".join(factors(ctx, p))),
        Row("", "=", rf"{first_sym} \cdot {second_sym} \cdot {third_sym}"),
        Row("", ctx.relation(substituted), rf"{first_num} \cdot {second_num} \cdot {third_num}"),
        Row("", result.relation, result.latex),
    )
    return Equation(rows, keys=(f"gradient.{p.label}",))


def _shared_bias_equation(ctx: Context, p: Parameter) -> Equation:
    """A bias shared by a layer enters every neuron of it: its gradient sums their deltas."""
    values = ctx.step.values
    names = ctx.net.neurons(p.layer)
    symbol = ctx.sym.param(p.label)
    result = ctx.num(values.gradient[p.label])
    return Equation((
        Row(partial(ctx.sym.C, symbol), "=", " + ".join(
            rf"{partial(ctx.sym.i(n), symbol)}\, {partial(ctx.sym.C, ctx.sym.i(n))}" for n in names)),
        Row("", "=", " + ".join(rf"1 \cdot {ctx.sym.delta(n)}" for n in names)),
        Row("", ctx.relation([values.delta[n] for n in names]),
            " + ".join(ctx.factor(values.delta[n]) for n in names)),
        Row("", result.relation, result.latex),
    ), keys=(f"gradient.{p.label}",))
