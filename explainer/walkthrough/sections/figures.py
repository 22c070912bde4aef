"""Copies of the network figure that point something out.

* `chain_rule_figure(ctx, p)`: the path the chain rule walks for ∂C/∂p. A
  parameter changes the cost only through the neuron it feeds and, from there,
  through every connection leading on to the last layer; those edges and neurons
  are highlighted, and only their weights are labelled, since they are exactly
  the weights that appear in the derivative.
* `update_figure(ctx)`: every weight and bias labelled before → after the step.

Both start from the walkthrough's figure (`overview.figure`) and change only
labels and highlights (and the update figure its spacing), so they line up with
it; each is laid out afresh (`layout.network_figure`), as its labels differ. What is on the path is decided
here, in the model; the templates only draw a highlighted edge or neuron
differently.
"""

from __future__ import annotations

import dataclasses

from explainer.functions import ACTIVATIONS
from explainer.spec import Network, Parameter
from explainer.walkthrough.context import Context
from explainer.walkthrough.document import FigureEdge, NetworkFigure
from explainer.walkthrough.layout import network_figure
from explainer.walkthrough.sections.overview import figure

STRETCH_X, STRETCH_Y = 1.6, 1.25  # the before → after figure's spacing, against the overview's


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
    """The network with the path of ∂C/∂p highlighted and only the path's weights labelled."""
    net = ctx.net
    on_path, path_edges = chain_rule_path(net, p)
    base = figure(ctx)
    neurons = tuple(dataclasses.replace(n, highlight=n.name in on_path, bias="",
                                        value="" if n.layer else n.value)
                    for n in base.neurons)
    edges = tuple(dataclasses.replace(e, highlight=(e.source, e.target) in path_edges,
                                      label=e.label if (e.source, e.target) in path_edges else "")
                  for e in base.edges)
    return network_figure(neurons, edges, _path_caption(net, p, on_path, path_edges))


def _path_caption(net: Network, p: Parameter, on_path: set[str], edges: set[tuple[str, str]]) -> str:
    """Say what is highlighted and why, in the order the chain rule walks it."""
    first = sorted(n for n in on_path if n in net.neurons(p.layer))
    later = [n for layer in range(p.layer + 1, net.depth + 1) for n in net.neurons(layer)
             if n in on_path]
    onward = sorted(_label_of(net, e) for e in edges if e[1] not in first)
    start = (f"the edge of {p.label} and the neuron {first[0]} it feeds" if p.kind == "weight"
             else f"the neuron{'s' if len(first) > 1 else ''} {', '.join(first)} that {p.label} "
                  "enters")
    mixing = (" Softmax mixes the last layer: every output depends on the input of every neuron "
              "there, so all of them are on the path." if ACTIVATIONS[net.activations[-1]].vector
              else "")
    if not later:
        return (f"The path of ∂C/∂{p.label}: {start}. {p.label} changes the cost only through "
                f"the input and output of {first[0]}, so the chain rule has three factors: "
                f"∂i/∂{p.label}, σ′ and ∂C/∂o of {first[0]}." + mixing)
    return (f"The path of ∂C/∂{p.label}: {start}, then every connection on to the last layer "
            f"({', '.join(_natural(onward))}) and the neurons {', '.join(later)}. Every way from "
            f"{', '.join(first)} to the cost runs along these edges: the sum in ∂C/∂o has one term "
            f"per edge leaving {', '.join(first)}, and the δ's of the layers after carry the rest. "
            "Only the path's weights are labelled: they are the weights the derivative uses."
            + mixing)


def _label_of(net: Network, edge: tuple[str, str]) -> str:
    source, target = edge
    return _parameter_of(net, FigureEdge(source, target, "", 0.5)).label


def _natural(labels: list[str]) -> list[str]:
    """w5, w6, w10 in the order of their numbers, not of their letters."""
    return sorted(labels, key=lambda label: (label[0], int(label[1:])))


def update_figure(ctx: Context) -> NetworkFigure:
    """The network with every weight and bias labelled "before → after" the step."""
    net = ctx.net
    base = figure(ctx)
    edges = tuple(dataclasses.replace(e, label=_before_after(ctx, _parameter_of(net, e).label))
                  for e in base.edges)
    neurons = []
    for n in base.neurons:
        if n.layer == 0:
            neurons.append(n)
            continue
        bias = net.bias_of(n.layer, net.neurons(n.layer).index(n.name))
        neurons.append(dataclasses.replace(n, bias=_before_after(ctx, bias.label) if bias else ""))
    # Room for the longer labels: the layers move apart, the neurons of a layer a little.
    neurons = [dataclasses.replace(n, x=n.x * STRETCH_X, y=n.y * STRETCH_Y) for n in neurons]
    return network_figure(
        neurons, edges,
        caption=f"The {'-'.join(map(str, net.layers))} network after the step: every weight and "
                "bias as before → after (≈ where the new value is rounded).")


def _before_after(ctx: Context, label: str) -> str:
    before = ctx.num(ctx.param_value(label))
    after = ctx.num(ctx.step.updated[label])
    approx = "" if after.exact else r"\, \approx"  # → and ≈ are both relations: space them
    return rf"{ctx.sym.param(label)} = {before.latex} \to{approx} {after.latex}"
