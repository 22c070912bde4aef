"""The delta of each neuron: ∂C/∂o, ∂o/∂i, and δ = their product.

For the last layer ∂C/∂o comes from the cost; for a hidden layer it sums over the
layer after, reusing that layer's deltas (backpropagation's dynamic programming).
Softmax mixes its layer, so its δ sums over a column of the Jacobian.
"""

from __future__ import annotations

from explainer.spec import Parameter
from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Equation, Math, Paragraph, Row, Table, Text
from explainer.walkthrough.notation import partial
from explainer.walkthrough.sections import saturation


def params_of(ctx: Context, kind: str, layer: int) -> list[Parameter]:
    """The weights or the biases of one layer, in label order."""
    return [p for p in ctx.net.parameters if p.kind == kind and p.layer == layer]


def weight_between(ctx: Context, source: str, target: str) -> str:
    """The LaTeX symbol of the weight from neuron `source` to neuron `target`."""
    return ctx.sym.param(weight_param(ctx, source, target).label)


def weight_param(ctx: Context, source: str, target: str) -> Parameter:
    net = ctx.net
    layer = next(ly for ly in range(1, net.depth + 1) if target in net.neurons(ly))
    k, j = net.neurons(layer - 1).index(source), net.neurons(layer).index(target)
    return next(p for p in params_of(ctx, "weight", layer) if p.source == k and p.target == j)


def delta_equations(ctx: Context, layer: int) -> list:
    """∂C/∂o, ∂o/∂i and δ = their product, numbers substituted, for each neuron of a layer."""
    net, values = ctx.net, ctx.step.values
    act = ctx.activation(layer)
    blocks: list = [Paragraph(inline(
        "The delta of each neuron of this layer:" if layer == net.depth else
        "The delta of each neuron of this layer, from the deltas of the layer after:",
    ))]
    for n in ctx.shown_neurons(layer):
        dC_do, do_di = values.output_derivative[n], values.activation_derivative[n]
        rows = [Row(partial(ctx.sym.C, ctx.sym.o(n)), "=", dC_do_symbols(ctx, n, layer))]
        if layer < net.depth:
            rows.append(Row("", ctx.relation(dC_do_inputs(ctx, n, layer)),
                            dC_do_numbers(ctx, n, layer)))
        else:
            j = net.neurons(layer).index(n)
            rows.append(Row("", ctx.relation([values.output[n], ctx.expected[j]]),
                            ctx.cost_derivative(ctx.factor(values.output[n]),
                                                ctx.factor(ctx.expected[j]))))
        rows.append(Row("", ctx.num(dC_do).relation, ctx.num(dC_do).latex))
        if not act.vector:
            rows += [
                Row(partial(ctx.sym.o(n), ctx.sym.i(n)), "=",
                    ctx.sigma_prime(layer, ctx.sym.o(n), ctx.sym.i(n))),
                Row("", ctx.relation([values.output[n], values.input[n]]),
                    saturation.slope_numbers(ctx, n, layer)
                    or ctx.sigma_prime(layer, ctx.factor(values.output[n]), ctx.num(values.input[n]).latex)),
                Row("", ctx.num(do_di).relation, ctx.num(do_di).latex),
            ]
        rows += delta_rows(ctx, n, layer)
        keys = (*([f"cost_derivative.{n}"] if layer == net.depth else []),
                f"activation_derivative.{n}", f"delta.{n}")
        blocks.append(Equation(tuple(rows), keys=keys))
        blocks += filter(None, [saturation.slope_note(ctx, n, layer)])
    if act.vector and net.cost == "cross_entropy":
        blocks.append(softmax_cross_entropy_note(ctx, layer))
    if ctx.summary:
        sym = ctx.sym
        rows, more = ctx.capped([
            (Math(ctx.sym.neuron(n)), Math(ctx.num(values.output_derivative[n]).latex),
             Math(ctx.num(values.activation_derivative[n]).latex), Math(ctx.num(values.delta[n]).latex))
            for n in net.neurons(layer)])
        blocks.append(Table(
            header=(Text("Neuron"), Math(rf"\partial {sym.C} / \partial {sym.out_letter}"),
                    Math(rf"\partial {sym.out_letter} / \partial {sym.in_letter}"), Math(r"\delta")),
            rows=rows, align="lrrr",
            caption="Every neuron of this layer, computed the same way as the first." + more))
    return blocks


def delta_rows(ctx: Context, n: str, layer: int) -> list[Row]:
    """δ_n = ∂o/∂i · ∂C/∂o; for softmax the sum over the Jacobian's column. A textbook
    convention whose error term is −∂C/∂i (Mitchell's) gets that number too, by its name."""
    rows = _delta_rows(ctx, n, layer)
    if ctx.sym.delta_sign < 0:
        term = ctx.num(-ctx.step.values.delta[n])
        rows.append(Row(rf"\delta_{{{ctx.sym.neuron(n)}}}", "=",
                        rf"-{partial(ctx.sym.C, ctx.sym.i(n))} {term.relation} {term.latex}"))
    return rows


def _delta_rows(ctx: Context, n: str, layer: int) -> list[Row]:
    values = ctx.step.values
    delta = ctx.num(values.delta[n])
    if not ctx.activation(layer).vector:
        do_di, dC_do = values.activation_derivative[n], values.output_derivative[n]
        return [
            Row(ctx.sym.delta(n), "=",
                rf"{partial(ctx.sym.o(n), ctx.sym.i(n))} \cdot {partial(ctx.sym.C, ctx.sym.o(n))}"),
            Row("", ctx.relation([do_di, dC_do]), rf"{ctx.factor(do_di)} \cdot {ctx.factor(dC_do)}"),
            Row("", delta.relation, delta.latex),
        ]
    names = ctx.net.neurons(layer)
    column = values.jacobian[n]
    symbols = " + ".join(rf"{partial(ctx.sym.o(m), ctx.sym.i(n))}\, {partial(ctx.sym.C, ctx.sym.o(m))}"
                         for m in names)
    by_hand = " + ".join(
        (rf"{ctx.sym.o(m)}\,(1 - {ctx.sym.o(m)})" if m == n else
         rf"\left(-{ctx.sym.o(m)}\, {ctx.sym.o(n)}\right)") + rf"\, {partial(ctx.sym.C, ctx.sym.o(m))}"
        for m in names)
    numbers = " + ".join(rf"{ctx.factor(column[m])} \cdot {ctx.factor(values.output_derivative[m])}"
                         for m in names)
    used = [column[m] for m in names] + [values.output_derivative[m] for m in names]
    return [
        Row(ctx.sym.delta(n), "=", symbols),
        Row("", "=", by_hand),
        Row("", ctx.relation(used), numbers),
        Row("", delta.relation, delta.latex),
    ]


def softmax_cross_entropy_note(ctx: Context, layer: int) -> Paragraph:
    """The famous shortcut δ = o − exp, shown only where it holds: targets adding up to 1."""
    values = ctx.step.values
    names = ctx.net.neurons(layer)
    total = sum(ctx.expected)
    delta_n, o_n, exp_n, exp_k = (ctx.sym.generic(kind, index, layer) for kind, index in
                                  (("delta", "n"), ("o", "n"), ("exp", "n"), ("exp", "k")))
    if total == 1:
        checks = r",\quad ".join(
            rf"{ctx.sym.delta(n)} {ctx.relation([values.output[n], e])} {ctx.num(values.output[n]).latex} "
            rf"- {ctx.factor(e)} {ctx.num(values.delta[n]).relation} {ctx.num(values.delta[n]).latex}"
            for n, e in zip(names, ctx.expected, strict=True))
        return Paragraph(inline(
            "Softmax with cross-entropy is the famous pair whose long chain collapses: because "
            "the expected values add up to 1, the sum over the Jacobian simplifies to ",
            Math(f"{delta_n} = {o_n} - {exp_n}"), ". With our numbers: ", Math(checks), ".",
        ), note=True)
    return Paragraph(inline(
        "Softmax with cross-entropy has a famous shortcut, ",
        Math(f"{delta_n} = {o_n} - {exp_n}"),
        ", but it needs expected values that add up to 1. Ours do not: ",
        Math(rf"\sum_{{k}} {exp_k} {ctx.num(total).relation} {ctx.num(total).latex}"),
        ", so the sum over the Jacobian gives ",
        Math(rf"{delta_n} = {o_n} \sum_{{k}} {exp_k} - {exp_n}"),
        " instead, which is what the lines above compute.",
    ), note=True)


def dC_do_symbols(ctx: Context, n: str, layer: int) -> str:
    net = ctx.net
    if layer == net.depth:
        j = net.neurons(layer).index(n) + 1
        return ctx.cost_derivative(ctx.sym.o(n), ctx.sym.expected(j))
    return " + ".join(f"{weight_between(ctx, n, m)}\\, {ctx.sym.delta(m)}"
                      for m in net.neurons(layer + 1))


def dC_do_inputs(ctx: Context, n: str, layer: int) -> list:
    """The numbers Σ_m w·δ_m substitutes: each weight and each reused delta."""
    after = ctx.net.neurons(layer + 1)
    return ([ctx.param_value(weight_param(ctx, n, m).label) for m in after]
            + [ctx.step.values.delta[m] for m in after])


def dC_do_numbers(ctx: Context, n: str, layer: int) -> str:
    values = ctx.step.values
    return " + ".join(
        rf"{ctx.factor(ctx.param_value(weight_param(ctx, n, m).label))} \cdot "
        rf"{ctx.factor(values.delta[m])}"
        for m in ctx.net.neurons(layer + 1)
    )
