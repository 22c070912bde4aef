"""Saturated neurons, marked where their forward and backward equations are written.

A sigmoid, tanh or softmax neuron is saturated when its output has come within
SATURATED of the bound it approaches (0 or 1; −1 or 1 for tanh). Its slope σ′ is
then tiny, and every gradient that passes through the neuron is multiplied by it:
gradient descent barely moves the weights before it. That is a lesson, not an error
— it is why a network with large inputs or weights learns slowly — so the walkthrough
says so beside the numbers, and writes 1 − o as the number it is where o, written to
the walkthrough's digits, would show only 1.00000.
"""

from __future__ import annotations

import sympy

from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Math, Paragraph, Text
from explainer.walkthrough.notation import partial

SATURATED = sympy.Rational(1, 1000)  # an output this close to its bound marks the neuron


def gap(ctx: Context, name: str, layer: int) -> tuple[sympy.Expr, int] | None:
    """(|o − bound|, bound) for a saturated neuron of the walkthrough's forward pass, else None."""
    if not ctx.activation(layer).saturation:
        return None
    o = ctx.step.values.output[name]
    if ctx.net.activations[layer - 1] == "tanh":
        bound = 1 if o > 0 else -1
    else:
        bound = 1 if o > sympy.Rational(1, 2) else 0
    distance = abs(bound - o)
    return (distance, bound) if distance < SATURATED else None


def forward_note(ctx: Context, name: str, layer: int) -> Paragraph | None:
    """Beside o = σ(i): how close the output is to its bound, and why that matters."""
    found = gap(ctx, name, layer)
    if found is None:
        return None
    distance, bound = found
    sym, values = ctx.sym, ctx.step.values
    shown, i, d = ctx.num(values.output[name]), ctx.num(values.input[name]), ctx.num(distance)
    # Every number beside its name, so that a reader knows which quantity it is.
    if bound:
        gap_math = Math(rf"{'1 -' if bound > 0 else '1 +'} {sym.o(name)} {d.relation} {d.latex}")
        hidden = (f" Written to {ctx.digits} digits, ", Math(rf"{sym.o(name)} {shown.relation} {shown.latex}"),
                  ", but it is not ", Math(str(bound)), ": the backward pass is made of exactly that "
                  "difference.")
    else:
        gap_math = Math(rf"{sym.o(name)} {d.relation} {d.latex}")
        hidden = (" Its output is that small number itself, and so is its slope.",)
    return Paragraph(inline(
        Text("Saturated.", strong=True), " ", Math(sym.neuron(name)), " has the input ",
        Math(rf"{sym.i(name)} {i.relation} {i.latex}"), ", so far out that its output is within a "
        "hair of ", Math(str(bound)), ": ", gap_math, ".", *hidden,
    ), note=True)


def slope_numbers(ctx: Context, name: str, layer: int) -> str | None:
    """The σ′ row of a neuron near ±1, with 1 − |o| written as its own number (o(1 − o) would
    show 1.00000 · (1 − 1.00000), which reads as 0); None where the usual row is right."""
    found = gap(ctx, name, layer)
    if found is None or not found[1]:
        return None
    distance = ctx.factor(found[0])
    o = ctx.step.values.output[name]
    if ctx.net.activations[layer - 1] == "tanh":  # 1 − o² = (1 − |o|)(1 + |o|)
        return rf"{distance} \cdot {ctx.factor(1 + abs(o))}"
    return rf"{ctx.factor(o)} \cdot {distance}"  # o (1 − o)


def slope_note(ctx: Context, name: str, layer: int) -> Paragraph | None:
    """After δ: what the tiny slope does to the gradients that pass through the neuron."""
    found = gap(ctx, name, layer)
    if found is None:
        return None
    net, sym, values = ctx.net, ctx.sym, ctx.step.values
    j = net.neurons(layer).index(name)
    feeding = [p.label for p in net.weights_into(layer, j)]
    bias = net.bias_of(layer, j)
    if bias is not None:
        feeding.append(bias.label)
    slope = ctx.num(values.activation_derivative[name])
    return Paragraph(inline(
        Text("What saturation does.", strong=True), " The slope of the saturated neuron is ",
        Math(rf"{partial(sym.o(name), sym.i(name))} {slope.relation} {slope.latex}"),
        ", and every gradient that passes through ", Math(sym.neuron(name)), " is multiplied by it: those of ",
        Math(", ".join(sym.param(label) for label in feeding)),
        " below" + (", and of everything before them" if layer > 1 else ""),
        ". Gradient descent barely moves them: this is why a saturated neuron learns slowly, and why "
        "networks start with small weights and inputs.",
        *(() if not found[1] else (
            " The engines compute the slope from the input (for a sigmoid ", Math(r"\sigma(i)\,\sigma(-i)"),
            "): from an output rounded to 16 digits, ", Math("o\\,(1 - o)"),
            " would come out as 0, although the true slope is an ordinary number.")),
    ), note=True)
