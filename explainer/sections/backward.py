"""The backward pass: the gradient-descent rule, then the chain rule for every parameter.

The last layer comes first, because its δ's are what every earlier layer reuses.
Each derivation is shown factor by factor: the chain rule in symbols, the same
factors written with the network's symbols, the numbers, and the result.
"""

from __future__ import annotations

from explainer import notation
from explainer.document import Equation, Math, Paragraph, Row, Section, Text
from explainer.notation import partial
from explainer.spec import Parameter
from explainer.walkthrough import Context, inline


def sections(ctx: Context) -> list[Section]:
    out = [_rule(ctx), _last_layer(ctx)]
    for layer in ctx.hidden_layers():
        out.append(_hidden_layer(ctx, layer))
    out.append(_biases(ctx))
    return out


def _rule(ctx: Context) -> Section:
    params = ctx.net.parameters
    first, second, last = (notation.param(p.label) for p in (params[0], params[1], params[-1]))
    blocks = (
        Paragraph(inline(
            "The gradient ",
            Math(r"\nabla C"),
            " collects the partial derivatives of the cost with respect to every parameter. It "
            "points in the direction in which the cost grows fastest, so a small step against "
            "it lowers the cost. Gradient descent takes that step, for every weight and bias ",
            Math("p"),
            " at once:",
        )),
        Equation((Row("p^{+}", "=", r"p - \eta\, \frac{\partial C}{\partial p}"),)),
        Equation((Row(r"\nabla C", "=", rf"\left({partial('C', first)},\ {partial('C', second)},"
                                         rf"\ \ldots,\ {partial('C', last)}\right)"),)),
        Paragraph(inline(
            f"The network has {len(params)} parameters, so we need {len(params)} partial "
            "derivatives. The chain rule gives each of them as a product of small, local "
            "factors. We start at the last layer and work backwards.",
        )),
    )
    return Section("The gradient-descent rule", "gradient-descent", blocks)


def _last_layer(ctx: Context) -> Section:
    net = ctx.net
    act = ctx.activation(net.depth)
    example = _first(ctx, "weight", net.depth)
    n = net.neuron(net.depth, example.target)
    source = net.neuron(net.depth - 1, example.source)
    w, cn = notation.param(example.label), ctx.cost_notation
    j = example.target + 1
    blocks: list = [
        Paragraph(inline(
            "Take a weight of the last layer, say ", Math(w), ". It changes the cost in three "
            "steps: it changes the input ", Math(notation.i(n)), " of its neuron, that changes "
            "the output ", Math(notation.o(n)), ", and that changes the cost. The chain rule "
            "multiplies the three rates of change:",
        )),
        Equation((Row(partial("C", w), "=", " \\cdot ".join(_factors(ctx, example))),)),
        Paragraph(inline(
            Text("The first factor", strong=True), " asks how the neuron's input changes with the "
            "weight. The input ", Math(notation.i(n)), " is a sum in which ", Math(w),
            " multiplies ", Math(notation.o(source)), ", so the factor is ", Math(notation.o(source)),
            ": the output of the neuron the weight comes from.",
        )),
        Paragraph(inline(
            Text("The second factor", strong=True), " is the slope of the activation, ",
            Math(act.derivative), ".",
        )),
        Paragraph(inline(
            Text("The third factor", strong=True), " asks how the cost changes with this output. "
            "Only one term of the cost contains it, so ",
            Math(rf"{partial('C', notation.o(n))} = "
                 rf"{cn.derivative(notation.o(n), notation.expected(j))}"), ".",
        )),
        Paragraph(inline(
            "The last two factors belong to the neuron, not to the weight. Their product is ",
            Math(rf"{notation.delta(n)} = {partial('C', notation.i(n))}"),
            ", the neuron's delta. We compute it once per neuron and use it for every weight and "
            "bias that feeds the neuron.",
        ), note=True),
    ]
    blocks += _delta_equations(ctx, net.depth)
    blocks.append(Paragraph(inline("Now every weight of the last layer, factor by factor:")))
    blocks += [gradient_equation(ctx, p) for p in _params(ctx, "weight", net.depth)]
    return Section("The last layer", "last-layer", tuple(blocks))


def _hidden_layer(ctx: Context, layer: int) -> Section:
    net = ctx.net
    example = _first(ctx, "weight", layer)
    n = net.neuron(layer, example.target)
    w = notation.param(example.label)
    after = net.neurons(layer + 1)
    deltas = ", ".join(notation.delta(m) for m in after)
    title = "The hidden layer" if net.depth == 2 else f"Hidden layer {layer}"
    blocks: list = [
        Paragraph(inline(
            "A weight of a hidden layer, such as ", Math(w), ", reaches the cost through every "
            "neuron of the layer after: ", Math(notation.o(n)), " feeds ",
            Math(", ".join(notation.neuron(m) for m in after)),
            ". The first two factors of the chain are as before; the third, ",
            Math(partial("C", notation.o(n))), ", adds up one path per neuron of the next layer:",
        )),
        Equation((
            Row(partial("C", w), "=", " \\cdot ".join(_factors(ctx, example))),
            Row(partial("C", notation.o(n)), "=",
                " + ".join(f"{partial(notation.i(m), notation.o(n))}\\, {partial('C', notation.i(m))}"
                           for m in after)),
            Row("", "=", " + ".join(f"{_weight_between(ctx, n, m)}\\, {notation.delta(m)}"
                                     for m in after)),
        )),
        Paragraph(inline(
            "Each ", Math(partial(notation.i("m"), notation.o(n))),
            " is simply the weight of the connection from ", Math(notation.neuron(n)),
            " to that neuron, and each ", Math(partial("C", notation.i("m"))), " is a delta we "
            "already have: ", Math(deltas), ". ",
            Text("Nothing about the cost has to be derived again.", strong=True),
            " This reuse is the heart of backpropagation, a form of dynamic programming: every "
            "delta is computed once, from the deltas of the layer after it, and then serves "
            "every parameter before it. That is why the work grows only in proportion to the "
            "number of parameters.",
        ), note=True),
    ]
    blocks += _delta_equations(ctx, layer)
    blocks.append(Paragraph(inline("Now every weight of this layer, factor by factor:")))
    blocks += [gradient_equation(ctx, p) for p in _params(ctx, "weight", layer)]
    return Section(title, f"hidden-layer-{layer}" if net.depth > 2 else "hidden-layer",
                   tuple(blocks))


def _biases(ctx: Context) -> Section:
    example = ctx.net.parameters[-1]
    n = ctx.net.neuron(example.layer, example.target)
    b = notation.param(example.label)
    blocks: list = [Paragraph(inline(
        "A bias follows the same chain as a weight. Only the first factor differs: the bias is "
        "added to the neuron's input on its own, ",
        Math(rf"{partial(notation.i(n), b)} = 1"),
        ", where a weight gave the output it multiplies. So the gradient of a bias is its "
        "neuron's delta: ",
        Math(rf"{partial('C', b)} = 1 \cdot {notation.delta(n)}"), ".",
    ))]
    for layer in range(ctx.net.depth, 0, -1):
        blocks += [gradient_equation(ctx, p) for p in _params(ctx, "bias", layer)]
    return Section("Biases", "biases", tuple(blocks))


# ---------------------------------------------------------------- shared pieces


def _params(ctx: Context, kind: str, layer: int) -> list[Parameter]:
    return [p for p in ctx.net.parameters if p.kind == kind and p.layer == layer]


def _first(ctx: Context, kind: str, layer: int) -> Parameter:
    return _params(ctx, kind, layer)[0]


def _weight_between(ctx: Context, source: str, target: str) -> str:
    """The LaTeX symbol of the weight from neuron `source` to neuron `target`."""
    return notation.param(_weight_param(ctx, source, target).label)


def _weight_param(ctx: Context, source: str, target: str) -> Parameter:
    net = ctx.net
    layer = next(ly for ly in range(1, net.depth + 1) if target in net.neurons(ly))
    k, j = net.neurons(layer - 1).index(source), net.neurons(layer).index(target)
    return next(p for p in _params(ctx, "weight", layer) if p.source == k and p.target == j)


def _factors(ctx: Context, p: Parameter) -> list[str]:
    """The chain rule's factors for ∂C/∂p in symbols: ∂i/∂p, ∂o/∂i, and ∂C/∂o or its sum."""
    net = ctx.net
    n = net.neuron(p.layer, p.target)
    factors = [partial(notation.i(n), notation.param(p.label)), partial(notation.o(n), notation.i(n))]
    if p.layer == net.depth:
        factors.append(partial("C", notation.o(n)))
    else:
        paths = " + ".join(f"{partial(notation.i(m), notation.o(n))}\\, {partial('C', notation.i(m))}"
                           for m in net.neurons(p.layer + 1))
        factors.append(rf"\left({paths}\right)")
    return factors


def _delta_equations(ctx: Context, layer: int) -> list:
    """∂C/∂o, ∂o/∂i and δ = their product, numbers substituted, for each neuron of a layer."""
    net, values = ctx.net, ctx.step.values
    act = ctx.activation(layer)
    blocks: list = [Paragraph(inline(
        "The delta of each neuron of this layer:" if layer == net.depth else
        "The delta of each neuron of this layer, from the deltas of the layer after:",
    ))]
    for n in net.neurons(layer):
        dC_do, do_di, delta = (values.output_derivative[n], values.activation_derivative[n],
                               values.delta[n])
        rows = [Row(partial("C", notation.o(n)), "=", _dC_do_symbols(ctx, n, layer))]
        if layer < net.depth:
            rows.append(Row("", ctx.relation(_dC_do_inputs(ctx, n, layer)),
                            _dC_do_numbers(ctx, n, layer)))
        else:
            j = net.neurons(layer).index(n)
            rows.append(Row("", ctx.relation([values.output[n], ctx.expected[j]]),
                            ctx.cost_notation.derivative(
                ctx.num(values.output[n]).latex, ctx.factor(ctx.expected[j]))))
        rows += [
            Row("", ctx.num(dC_do).relation, ctx.num(dC_do).latex),
            Row(partial(notation.o(n), notation.i(n)), "=", act.derivative_of(notation.o(n))),
            Row("", ctx.relation([values.output[n]]),
                act.derivative_of(ctx.num(values.output[n]).latex)),
            Row("", ctx.num(do_di).relation, ctx.num(do_di).latex),
            Row(notation.delta(n), "=",
                rf"{partial(notation.o(n), notation.i(n))} \cdot {partial('C', notation.o(n))}"),
            Row("", ctx.relation([do_di, dC_do]), rf"{ctx.factor(do_di)} \cdot {ctx.factor(dC_do)}"),
            Row("", ctx.num(delta).relation, ctx.num(delta).latex),
        ]
        blocks.append(Equation(tuple(rows)))
    return blocks


def _dC_do_symbols(ctx: Context, n: str, layer: int) -> str:
    net = ctx.net
    if layer == net.depth:
        j = net.neurons(layer).index(n) + 1
        return ctx.cost_notation.derivative(notation.o(n), notation.expected(j))
    return " + ".join(f"{_weight_between(ctx, n, m)}\\, {notation.delta(m)}"
                      for m in net.neurons(layer + 1))


def _dC_do_inputs(ctx: Context, n: str, layer: int) -> list:
    """The numbers Σ_m w·δ_m substitutes: each weight and each reused delta."""
    after = ctx.net.neurons(layer + 1)
    return ([ctx.param_value(_weight_param(ctx, n, m).label) for m in after]
            + [ctx.step.values.delta[m] for m in after])


def _dC_do_numbers(ctx: Context, n: str, layer: int) -> str:
    values = ctx.step.values
    return " + ".join(
        rf"{ctx.factor(ctx.param_value(_weight_param(ctx, n, m).label))} \cdot "
        rf"{ctx.factor(values.delta[m])}"
        for m in ctx.net.neurons(layer + 1)
    )


def gradient_equation(ctx: Context, p: Parameter) -> Equation:
    """∂C/∂p for one weight or bias: chain rule, symbols, numbers, result."""
    net, values = ctx.net, ctx.step.values
    n = net.neuron(p.layer, p.target)
    act = ctx.activation(p.layer)
    substituted = [values.activation_derivative[n]]
    if p.kind == "weight":
        source = net.neuron(p.layer - 1, p.source)
        first_sym, first_num = notation.o(source), ctx.factor(values.output[source])
        substituted.append(values.output[source])
    else:
        first_sym, first_num = "1", "1"
    second_sym = act.derivative_of(notation.o(n))
    second_num = ctx.factor(values.activation_derivative[n])
    if p.layer == net.depth:
        third_sym = _dC_do_symbols(ctx, n, p.layer)
        third_num = ctx.factor(values.output_derivative[n])
        substituted.append(values.output_derivative[n])
    else:
        third_sym = rf"\left({_dC_do_symbols(ctx, n, p.layer)}\right)"
        third_num = rf"\left({_dC_do_numbers(ctx, n, p.layer)}\right)"
        substituted += _dC_do_inputs(ctx, n, p.layer)
    result = ctx.num(values.gradient[p.label])
    symbol = notation.param(p.label)
    rows = (
        Row(partial("C", symbol), "=", " \\cdot ".join(_factors(ctx, p))),
        Row("", "=", rf"{first_sym} \cdot {second_sym} \cdot {third_sym}"),
        Row("", ctx.relation(substituted), rf"{first_num} \cdot {second_num} \cdot {third_num}"),
        Row("", result.relation, result.latex),
    )
    return Equation(rows)
