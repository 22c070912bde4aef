"""The update of every parameter, and the sanity check: the forward pass again."""

from __future__ import annotations

import sympy

from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Equation, Math, Paragraph, Row, Section, Table, Text
from explainer.walkthrough.formatting import show
from explainer.walkthrough.notation import partial
from explainer.walkthrough.sections.figures import update_figure
from explainer.walkthrough.sections.forward import cost_equation, neuron_equation, neuron_table

TINY_PERCENT = 0.001  # a change of the cost below this share of it is said as "less than"


def sections(ctx: Context) -> list[Section]:
    """The update and the sanity check; without a learning rate there is no step, and a
    batch's gradient gets a section of its own (the walkthrough stops there)."""
    if not ctx.stepped:
        batch = _batch_gradient(ctx)
        return [Section("The batch's gradient", "batch-gradient", tuple(batch))] if batch else []
    return [_update(ctx), _sanity_check(ctx)]


def _update(ctx: Context) -> Section:
    step, eta = ctx.step, ctx.learning_rate
    rows = []
    table_rows = []
    shown = {q.label for kind in ("weight", "bias") for layer in range(1, ctx.net.depth + 1)
             for q in ctx.shown_params(kind, layer)}
    for p in ctx.net.parameters:
        before, gradient = step.parameters[p.label], step.gradient[p.label]
        shown_after = ctx.num(step.updated[p.label])
        # One row per parameter shown: the rule was written out in general just above.
        if p.label in shown:
            rows.append(_update_row(ctx, p.label, before, gradient, shown_after))
        table_rows.append((
            Math(ctx.sym.param(p.label)),
            Math(ctx.num(before).latex),
            Math(ctx.num(gradient).latex),
            Math(shown_after.latex),
        ))
    blocks = (
        *_batch_gradient(ctx),
        Paragraph(inline(
            "With every partial derivative known, each parameter moves against its own "
            "derivative, scaled by the learning rate ", Math(ctx.equals(r"\eta", eta)), ": ",
            Math(_rule(ctx)), ".",
        )),
        *([Paragraph(inline(
            "Frozen parameters keep their values: ",
            Math(", ".join(ctx.sym.param(p.label) for p in ctx.net.parameters
                           if p.label in ctx.spec.frozen)),
            ". Their derivatives are still computed (they are part of the chain), but the step "
            "does not apply them.",
        ))] if ctx.spec.frozen else []),
        Equation(tuple(rows), keys=tuple(f"updated.{p.label}" for p in ctx.net.parameters if p.label in shown)),
        Paragraph(inline("The whole step at a glance:")),
        *([] if ctx.summary else [update_figure(ctx)]),
        Table(
            header=(Text("Parameter"), Text("Before"),
                    Math(ctx.applied() if ctx.spec.batched else rf"\partial {ctx.sym.C} / \partial p"),
                    Text("After")),
            rows=ctx.capped(table_rows)[0],
            align="lrrr",
            caption="Every parameter before and after one gradient-descent step."
                    + ctx.capped(table_rows)[1],
        ),
    )
    return Section("The update", "update", blocks)


def _update_row(ctx: Context, label: str, before, gradient, shown_after) -> Row:
    """p⁺ with its numbers, or the frozen parameter's unchanged value."""
    if label in ctx.spec.frozen:
        return Row(ctx.sym.updated(label), "=", rf"{ctx.sym.param(label)} = {shown_after.latex}"
                                                 r"\quad\text{(frozen: not trained)}")
    eta = ctx.learning_rate
    if ctx.sym.delta_sign < 0:  # the textbook adds Δp = −η ∂E/∂p (η δ times what p multiplies)
        return Row(
            ctx.sym.updated(label), ctx.relation([before, eta, gradient]),
            rf"{ctx.num(before).latex} + {ctx.num(eta).latex} \cdot {ctx.factor(-gradient)} "
            rf"{shown_after.relation} {shown_after.latex}",
        )
    return Row(
        ctx.sym.updated(label), ctx.relation([before, eta, gradient]),
        rf"{ctx.num(before).latex} - {ctx.num(eta).latex} \cdot {ctx.factor(gradient)} "
        rf"{shown_after.relation} {shown_after.latex}",
    )


def _rule(ctx: Context) -> str:
    """The gradient-descent rule as the notation writes it."""
    if ctx.sym.delta_sign < 0:
        return (rf"\Delta p = -\eta\, {partial(ctx.sym.C, 'p')},\quad p \leftarrow p + \Delta p"
                r"\quad(\Delta w = \eta\, \delta\, x \text{ for a weight})")
    return rf"p^{{+}} = p - \eta\, {ctx.applied()}"  # a batch's gradient as the table above writes it


def _batch_gradient(ctx: Context) -> list:
    """In batch mode the update uses the mean (or the sum) of the samples' gradients: show
    each sample's, and what they make together."""
    step = ctx.step
    if not ctx.spec.batched:
        return []
    n = len(step.sample_gradients)
    total = ctx.spec.batch_gradient  # "mean" or "sum"
    rows = tuple(
        (Math(ctx.sym.param(p.label)),
         *[Math(ctx.num(g[p.label]).latex) for g in step.sample_gradients],
         Math(ctx.num(step.gradient[p.label]).latex))
        for p in ctx.net.parameters)
    uses = ("The update uses the" if ctx.stepped else
            "No learning rate is given, so the walkthrough stops at the batch's gradient: the")
    return [
        Paragraph(inline(
            "This is a batch step: the derivation above is for sample 1, and "
            + ("sample 2 goes" if n == 2 else f"samples 2 to {n} go")
            + f" through the same chain with their own numbers. {uses} {total} of the {n} gradients, ",
            Math(ctx.applied()), ":",
        )),
        Table(header=(Text("Parameter"), *[Text(f"Sample {k + 1}") for k in range(n)],
                      Text(total.capitalize())),
              rows=rows, align="l" + "r" * (n + 1),
              caption=f"Each sample's gradient and their {total}, the gradient "
                      + ("the update applies." if ctx.stepped else "of the batch.")),
    ]


def _sanity_check(ctx: Context) -> Section:
    net, step = ctx.net, ctx.step
    after = step.after
    blocks: list = [Paragraph(inline(
        "Did the step help? We feed the same input through the network again, now with the "
        "updated parameters:",
    ))]
    for layer in range(1, net.depth + 1):
        for name in ctx.shown_neurons(layer):
            blocks.append(neuron_equation(ctx, name, layer, after, step.updated, prefix="after."))
        if ctx.summary:
            blocks.append(neuron_table(ctx, layer, after))
    blocks.append(Paragraph(inline("The cost with the new outputs:")))
    blocks.append(cost_equation(ctx, after.output, after.cost_terms, after.cost, prefix="after."))
    rows = []
    for j, n in enumerate(net.neurons(net.depth)):
        target = ctx.expected[j]
        gap_before, gap_after = abs(step.values.output[n] - target), abs(after.output[n] - target)
        rows.append((
            Math(ctx.sym.o(n)),
            Math(ctx.num(target).latex),
            Math(ctx.num(step.values.output[n]).latex),
            Math(ctx.num(after.output[n]).latex),
            Text("closer" if gap_after < gap_before else "further away"),
        ))
    blocks.append(Table(
        header=(Text("Output"), Text("Expected"), Text("Before"), Text("After"), Text("Moved")),
        rows=tuple(rows), align="lrrrl",
        caption="Each output before and after the step, against the value we wanted.",
    ))
    before_c, after_c = step.values.cost, after.cost
    decrease = before_c - after_c
    formula, predicted = predicted_decrease(ctx)
    change = ctx.num(decrease)
    blocks.append(Equation((
        Row(rf"{ctx.sym.C} - {ctx.sym.C}^{{+}}", ctx.relation([before_c, after_c]),
            rf"{ctx.num(before_c).latex} - {ctx.num(after_c).latex}"),
        Row("", change.relation, change.latex),
    )))
    # A cost of 0 before the step (possible in batch mode, where the other samples
    # move the parameters) has no percentage.
    percent = abs(decrease) / before_c * 100 if before_c else None
    if percent is None:
        share = ". "
    elif percent < TINY_PERCENT:  # 1.15e−6 % reads as noise; say how small it is instead
        share = f" (less than {TINY_PERCENT} % of its value). "
    else:
        share = f" ({show(percent, 3).text} % of its value). "
    C = ctx.sym.C
    if decrease > 0:
        opening = ("The cost went down: ", Math(rf"{C} - {C}^{{+}} {change.relation} {change.latex}"), share)
    elif decrease < 0:
        rise = ctx.num(-decrease)
        opening = ("The cost went up: ", Math(rf"{C}^{{+}} - {C} {rise.relation} {rise.latex}"), share)
    else:
        opening = ("The cost did not change (", Math(change.latex), "). ")
    blocks.append(Paragraph(inline(
        *opening,
        "For a small step, calculus predicts a decrease of about " if predicted >= 0 else
        "For a small step, calculus predicts a rise: the decrease it predicts is ",
        Math(ctx.equals(formula, predicted)),
        " (over the parameters the step moves)" if ctx.spec.frozen else "",
        (": the step moves against the batch's gradient, and this sample's cost changes by the step "
         "times its own slope. " if ctx.spec.batched else
         ": the step moves against the gradient, and the cost falls by the step length times the slope. ")
        + _verdict(decrease, predicted),
    ), note=True))
    return Section("Sanity check", "sanity-check", tuple(blocks))


def predicted_decrease(ctx: Context) -> tuple[str, sympy.Expr]:
    """The first-order prediction of the cost's decrease, as a formula and its value. The cost
    changes by ∇C · Δp, and Δp = −η × the gradient the step applies (the batch's mean or sum;
    0 for a frozen parameter), so it falls by η Σ_p ∂C/∂p · that: η Σ_p (∂C/∂p)² for one sample."""
    step, C = ctx.step, ctx.sym.C
    moved = [p.label for p in ctx.net.parameters if p.label not in ctx.spec.frozen]
    value = ctx.learning_rate * sum(step.values.gradient[p] * step.gradient[p] for p in moved)
    if ctx.spec.batched:
        return rf"\eta \sum_{{p}} {partial(C, 'p')}\, {ctx.applied('p')}", value
    return rf"\eta \sum_{{p}} \left({partial(C, 'p')}\right)^{{2}}", value


def _verdict(decrease, predicted) -> str:
    """Compare the real decrease with the first-order prediction, in words."""
    if decrease == 0 and predicted == 0:
        return "Every gradient is 0 here, so the step changes nothing."
    if predicted < 0:  # a batch step: the batch's gradient points uphill for this sample
        close = abs(decrease - predicted) <= abs(predicted) / 5
        return ("The step follows the gradient of the whole batch, which points uphill for this "
                "sample, so a rise is what calculus expects"
                + (", and the two are close." if close else "; the cost curves enough that they differ."))
    if decrease <= 0:
        return ("Here the cost rose instead: the learning rate is too large for this step, "
                "and the straight-line prediction does not hold so far from the start.")
    if abs(decrease - predicted) <= predicted / 5:
        return "The two are close, as they should be for a small step."
    return ("The two differ noticeably: the cost curves enough over this step that the "
            "straight-line prediction is only rough.")
