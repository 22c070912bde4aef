"""Copies of the network figure that point something out.

* `chain_rule_figure(ctx, p)`: the path the chain rule walks for ∂C/∂p. A
  parameter changes the cost only through the neuron it feeds and, from there,
  through every connection leading on to the last layer; those edges and neurons
  are highlighted, and only their weights are labelled, since they are exactly
  the weights that appear in the derivative.
* `update_figure(ctx)`: every weight and bias labelled with its value after the step.

Both start from the walkthrough's figure (`overview.figure`) and change only
labels and highlights. The chain-rule copies keep its columns and rows, so they
line up with it; the update figure is laid out afresh (`layout.network_figure`),
as its labels are twice as long. What is on the path is decided here, in the
model; the templates only draw a highlighted edge or neuron differently.
"""

from __future__ import annotations

import dataclasses

from explainer.functions import ACTIVATIONS
from explainer.spec import Network, Parameter
from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import FigureEdge, Inline, Math, NetworkFigure
from explainer.walkthrough.layout import network_figure
from explainer.walkthrough.notation import slashed
from explainer.walkthrough.sections.overview import figure, layer_matrices, matrix_note


def chain_rule_path(net: Network, p: Parameter) -> tuple[set[str], set[tuple[str, str]]]:
    """The neurons and edges (source, target) through which parameter p reaches the cost.

    p feeds the neuron(s) of its layer it enters; every neuron after that is reached
    through every edge leaving a neuron already on the path, layer by layer.
    """
    neurons = {net.neuron(p.layer, j) for j in range(net.layers[p.layer]) if p.feeds(j)}
    edges: set[tuple[str, str]] = set()
    if p.kind == "weight":
        edges.add((net.neuron(p.layer - 1, p.source), net.neuron(p.layer, p.target)))
    for layer in range(p.layer + 1, net.depth + 1):
        for source in net.neurons(layer - 1):
            if source in neurons:
                for target in net.neurons(layer):
                    edges.add((source, target))
        neurons |= {target for _, target in edges if target in net.neurons(layer)}
    if ACTIVATIONS[net.activations[-1]].vector:  # softmax: every output depends on every input
        neurons |= set(net.neurons(net.depth))
    return neurons, edges


def _parameter_of(net: Network, edge: FigureEdge) -> Parameter:
    layer = next(n for n in range(1, net.depth + 1) if edge.target in net.neurons(n))
    return net.weight(layer, net.neurons(layer).index(edge.target),
                      net.neurons(layer - 1).index(edge.source))


def chain_rule_figure(ctx: Context, p: Parameter) -> NetworkFigure:
    """The network with the path of ∂C/∂p highlighted and only the path's weights labelled,
    drawn on the columns and rows of the walkthrough's first figure."""
    net = ctx.net
    on_path, path_edges = chain_rule_path(net, p)
    base = figure(ctx)
    neurons = tuple(dataclasses.replace(n, highlight=n.name in on_path, bias="",
                                        value="" if n.layer else n.value)
                    for n in base.neurons)
    edges = tuple(dataclasses.replace(e, highlight=(e.source, e.target) in path_edges,
                                      label=e.label if (e.source, e.target) in path_edges else "")
                  for e in base.edges)
    drawn = network_figure(neurons, edges, (), base.matrices, geometry=base.layout.geometry)
    caption = _path_caption(ctx, p, on_path, path_edges, labelled=not drawn.layout.unlabelled)
    return dataclasses.replace(drawn, caption=caption + matrix_note(ctx, drawn))


def _path_caption(ctx: Context, p: Parameter, on_path: set[str], edges: set[tuple[str, str]],
                  labelled: bool) -> tuple[Inline, ...]:
    """Say what is highlighted and why, in the order the chain rule walks it, in the
    walkthrough's notation."""
    net, sym = ctx.net, ctx.sym
    first = sorted(n for n in on_path if n in net.neurons(p.layer))
    later = [n for layer in range(p.layer + 1, net.depth + 1) for n in net.neurons(layer)
             if n in on_path]
    onward = _natural([_label_of(net, e) for e in edges if e[1] not in first])
    param, cost = sym.param(p.label), sym.C
    neurons = ", ".join(sym.neuron(n) for n in first)
    start: tuple = (("the edge of ", Math(param), " and the neuron ", Math(neurons), " it feeds")
                    if p.kind == "weight" else
                    (f"the neuron{'s' if len(first) > 1 else ''} ", Math(neurons), " that ", Math(param),
                     " enters"))
    mixing = (" Softmax mixes the last layer: every output depends on the input of every neuron "
              "there, so all of them are on the path." if ACTIVATIONS[net.activations[-1]].vector
              else "")
    if not later and mixing:
        n = net.neuron(p.layer, p.target) if p.target is not None else first[0]
        fed = (("the edge of ", Math(param), " and the neuron ", Math(sym.neuron(n)), " it feeds")
               if p.kind == "weight" else start)
        return inline(
            "The path of ", Math(slashed(cost, param)), ": ", *fed, ", then every output of the "
            "last layer. ", Math(param), f" changes only the {sym.input_word} of ", Math(sym.neuron(n)),
            f", but softmax makes every {sym.output_word} of the layer depend on it, so the chain rule "
            "multiplies ", Math(slashed(sym.i(n), param)), " by a sum with one term per output, ",
            Math(slashed(sym.o(n), sym.i(n)) + r"\," + slashed(cost, sym.o(n))), " and its like.")
    if not later:
        n = first[0]
        return inline(
            "The path of ", Math(slashed(cost, param)), ": ", *start, ". ", Math(param),
            f" changes the cost only through the {sym.input_word} and {sym.output_word} of ",
            Math(sym.neuron(n)), ", so the chain rule has three factors: ",
            Math(slashed(sym.i(n), param)), ", ", Math(slashed(sym.o(n), sym.i(n))), " and ",
            Math(slashed(cost, sym.o(n))), "." + mixing)
    source = first[0]
    return inline(
        "The path of ", Math(slashed(cost, param)), ": ", *start, ", then every connection on to "
        "the last layer (", Math(", ".join(sym.param(label) for label in onward)), ") and the neurons ",
        Math(", ".join(sym.neuron(n) for n in later)), ". Every way from ", Math(neurons),
        " to the cost runs along these edges: the sum in ", Math(slashed(cost, sym.o(source))),
        " has one term per edge leaving ", Math(neurons), ", and the deltas of the layers after "
        "carry the rest." + (" Only the path's weights are labelled: they are the weights the "
                             "derivative uses." if labelled else "") + mixing)


def _label_of(net: Network, edge: tuple[str, str]) -> str:
    source, target = edge
    return _parameter_of(net, FigureEdge(source, target, "")).label


def _natural(labels: list[str]) -> list[str]:
    """w5, w6, w10 in the order of their numbers, not of their letters."""
    return sorted(labels, key=lambda label: (label[0], int(label[1:])))


def update_figure(ctx: Context) -> NetworkFigure:
    """The network after the step, every weight and bias labelled with its new value, laid out
    afresh (its labels are longer than the first figure's)."""
    net = ctx.net
    base = figure(ctx)
    edges = tuple(dataclasses.replace(e, label=_after(ctx, _parameter_of(net, e).label))
                  for e in base.edges)
    neurons = []
    for n in base.neurons:
        if n.layer == 0:
            neurons.append(n)
            continue
        bias = net.bias_of(n.layer, net.neurons(n.layer).index(n.name))
        neurons.append(dataclasses.replace(n, bias=_after(ctx, bias.label) if bias else ""))
    matrices = [(layer_matrices(ctx, layer, ctx.step.updated, "^{+}"),) for layer in range(1, net.depth + 1)]
    drawn = network_figure(neurons, edges, (), matrices)
    caption = inline(f"The {'-'.join(map(str, net.layers))} network after the step: every weight and "
                     "bias with its new value (≈ where it is rounded). The table below has each "
                     "one before and after.")
    return dataclasses.replace(drawn, caption=caption + matrix_note(ctx, drawn))


def _after(ctx: Context, label: str) -> str:
    """A parameter's value after the step: "w⁺5 ≈ 0.704876" (= where the value is exact)."""
    after = ctx.num(ctx.step.updated[label])
    return rf"{ctx.sym.updated(label)} {after.relation} {after.latex}"
