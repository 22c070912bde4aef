"""The opening of a walkthrough: what the network is, the figure, and the notation."""

from __future__ import annotations

import dataclasses

from explainer.functions import ACTIVATIONS, COSTS
from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import (
    FigureEdge,
    FigureNeuron,
    Inline,
    LayerFigure,
    Math,
    NetworkFigure,
    Paragraph,
    Section,
    Table,
    Text,
)
from explainer.walkthrough.formatting import counted
from explainer.walkthrough.layer_figure import layer_figure
from explainer.walkthrough.layout import network_figure
from explainer.walkthrough.notation import partial, vector
from explainer.walkthrough.sections.matrix import bias_vector, column_of, matrix_of, weight_matrix


def shape(ctx: Context) -> str:
    return "-".join(str(n) for n in ctx.net.layers)


def subtitle(ctx: Context) -> str:
    net = ctx.net
    acts = list(dict.fromkeys(net.activations))
    words = " and ".join(ACTIVATIONS[a].latex.words for a in acts)
    return (
        f"Backpropagation worked through by hand, every number computed twice: a {shape(ctx)} "
        f"network with {words} as activation, {COSTS[net.cost].latex.words} as cost, "
        + ("one gradient-descent step." if ctx.stepped else "the gradients of one gradient-descent step.")
    )


def summary(ctx: Context) -> tuple[tuple[str, str], ...]:
    step = ctx.step
    before = ctx.num(step.values.cost)
    proofs = ctx.explanation.proofs.values()
    held = sum(1 for p in proofs if p.holds)
    exact = sum(1 for p in proofs if p.method == "exact" and p.holds)
    costs = ((("Learning rate η", ctx.num(ctx.learning_rate).text), ("Cost before the step", before.text),
              ("Cost after the step", ctx.num(step.after_cost).text)) if ctx.stepped else
             (("Learning rate η", "none given: the walkthrough stops at the gradients"), ("Cost", before.text)))
    return (
        ("Network", f"{shape(ctx)}, {len(ctx.net.parameters)} parameters"),
        *costs,
        ("Engines agree", "yes" if ctx.explanation.agrees else "NO — see the agreement section"),
        ("Chain rule proven", f"{held} of {len(ctx.explanation.proofs)} derivatives "
                              f"({exact} exactly, {held - exact} by evaluation)"
                              + ("" if len(ctx.explanation.proofs) == len(ctx.net.parameters)
                                 else ", those derived in full")),
    )


def sections(ctx: Context) -> list[Section]:
    return [_network(ctx), _notation(ctx)]


def _network(ctx: Context) -> Section:
    net = ctx.net
    inputs = ", ".join(ctx.sym.neuron(n) for n in net.neurons(0))
    blocks = [
        Paragraph(inline(
            f"The network has {len(net.layers)} layers of neurons: {counted(net.layers[0], 'input')} ",
            Math(inputs), ", ", *_hidden_words(ctx),
            f" and a last layer of {counted(net.layers[-1], 'neuron')} ",
            Math(", ".join(ctx.sym.neuron(n) for n in net.neurons(net.depth))),
            ". Each neuron is connected to every neuron of the next layer. Every connection "
            f"carries a weight{_bias_words(net.bias_modes)}. ",
            *_worked_words(ctx),
        )),
        *((layers_drawn(ctx), _layer_table(ctx)) if ctx.summary else (figure(ctx),)),
        Paragraph(inline(_numbering_words(ctx))),
        Paragraph(inline(
            *_samples_words(ctx),
            Math(vector(ctx.sym.input_vector,
                        [ctx.num(ctx.step.values.input[n]).latex for n in net.neurons(0)])),
            " and the output we want is ",
            Math(vector(ctx.sym.expected_vector, [ctx.num(e).latex for e in ctx.expected])),
            *((". The learning rate is ", Math(ctx.equals(r"\eta", ctx.learning_rate)), ".")
              if ctx.stepped else
              (". No learning rate is given, so this walkthrough stops at the gradients: it computes "
               "every partial derivative of the cost, the direction a step would take, and takes no step.",)),
        )),
    ]
    return Section("The network", "network", tuple(blocks))


def _worked_words(ctx: Context) -> tuple:
    """Which derivations the walkthrough writes out, and what the figure shows."""
    chosen = ctx.spec.show
    names = (Math(", ".join(ctx.sym.param(label) for label in chosen)),) if chosen else ()
    if ctx.summary and chosen:
        return ("This network is large, so the walkthrough is summarised: each derivation is "
                "written out for the first neuron of each layer and for the parameters chosen to be "
                "worked in full, ", *names, ", and tables give every other value.")
    if ctx.summary:
        return ("This network is large, so the walkthrough is summarised: each derivation is "
                "written out for the first neuron and for one weight and one bias of each layer, "
                "and tables give every other value.",)
    if chosen:
        return ("The figure shows all of them with their starting values. The walkthrough works ",
                *names, " in full; tables give every other partial derivative.")
    return ("The figure shows all of them with their starting values.",)


def _samples_words(ctx: Context) -> tuple:
    """The sample the step works through, and how many there are."""
    count = len(ctx.spec.samples)
    if count == 1:
        return ("We train on one sample. The input is ",)
    combine = "averages" if ctx.spec.batch_gradient == "mean" else "adds up"
    first = "the first update" if ctx.stepped else "the batch's gradient"
    how = (f"{first} {combine} the gradients of all of them, and the derivation below "
           "works through the first sample" if ctx.spec.mode == "batch" else
           "each update uses one of them in turn, and the derivation below works through the first")
    return (f"We train on {count} samples: {how}. Its input is ",)


def _hidden_words(ctx: Context) -> tuple:
    hidden = ctx.net.layers[1:-1]
    if not hidden:
        return ("no hidden layer",)
    if len(hidden) == 1:
        names = ", ".join(ctx.sym.neuron(n) for n in ctx.net.neurons(1))
        return (f"a hidden layer of {counted(hidden[0], 'neuron')} ", Math(names))
    return (f"{len(hidden)} hidden layers of {', '.join(map(str, hidden))} neurons",)


def _bias_words(modes: tuple[str, ...]) -> str:
    if all(m == "neuron" for m in modes):
        return ", and every neuron after the inputs adds a bias of its own"
    if all(m == "none" for m in modes):
        return "; there are no biases"
    if all(m == "shared" for m in modes):
        return ", and each layer adds one bias, shared by all of its neurons"
    words = {"neuron": "a bias per neuron", "shared": "one bias shared by the whole layer",
             "none": "no bias"}
    return ". Biases: " + ", ".join(f"layer {n + 1} has {words[m]}" for n, m in enumerate(modes))


def _numbering_words(ctx: Context) -> str:
    net = ctx.net
    if not ctx.sym.numbered:  # the preset names every weight and bias by where it sits
        return ctx.sym.naming_words
    numbering = net.numbering
    order = ("source by source: first every weight leaving the first neuron of a layer, then "
             "every weight leaving the second, and so on" if numbering == "source-major" else
             "target by target: first every weight arriving at the first neuron of a layer, then "
             "every weight arriving at the second, and so on")
    shared = any(m == "shared" for m in net.bias_modes)
    biases = ("" if all(m == "none" for m in net.bias_modes) else
              " Biases are numbered layer by layer, top to bottom"
              + (", one per layer where a layer shares its bias." if shared else "."))
    return f"Weights are numbered {order}, layer after layer.{biases}"


def layers_drawn(ctx: Context) -> LayerFigure:
    """A large network as a figure of layers: a box per layer, an arrow per weight matrix."""
    net, sym = ctx.net, ctx.sym
    layers = []
    for layer, size in enumerate(net.layers):
        names = net.neurons(layer)
        span = sym.neuron(names[0]) + (rf", \ldots, {sym.neuron(names[-1])}" if size > 1 else "")
        role = "input" if layer == 0 else "output" if layer == net.depth else "hidden"
        what = rf"\text{{{size} {'input' if not layer else 'neuron'}{'s' if size > 1 else ''}}}"
        activation = (rf"\text{{{net.activations[layer - 1].replace('_', ' ')}}}",) if layer else ()
        layers.append((role, (span, what, *activation)))
    links = []
    for layer in range(1, net.depth + 1):
        mode = net.bias_modes[layer - 1]
        bias = {"neuron": rf"{sym.layer_symbol('b', layer)} : {net.layers[layer]}",
                "shared": rf"{sym.layer_symbol('b', layer)} : 1", "none": r"\text{no bias}"}[mode]
        links.append(rf"{sym.layer_symbol('W', layer)} : {net.layers[layer]} \times {net.layers[layer - 1]}"
                     rf"\\ {bias}")
    weights = sum(1 for p in net.parameters if p.kind == "weight")
    return layer_figure(layers, links, inline(
        f"The {shape(ctx)} network, layer by layer: too many weights ({weights:,}) to draw each one. "
        "Every arrow carries a weight matrix, rows × columns, and a bias vector; every neuron of a "
        "layer is connected to every neuron of the next."))


def _layer_table(ctx: Context) -> Table:
    """A large network as a table of layers: a figure with every weight would be unreadable."""
    net = ctx.net
    rows = []
    for layer, size in enumerate(net.layers):
        names = net.neurons(layer)
        span = ctx.sym.neuron(names[0]) + (rf", \ldots, {ctx.sym.neuron(names[-1])}" if size > 1 else "")
        weights = size * net.layers[layer - 1] if layer else 0
        biases = len(net.biases[layer - 1]) if layer else 0
        rows.append((Text(str(layer)), Math(span), Text(str(size)),
                     Text(net.activations[layer - 1] if layer else "input"),
                     Text(f"{weights} weights, {biases} biases" if layer else "")))
    return Table(header=(Text("Layer"), Text("Neurons"), Text("Size"), Text("Activation"),
                         Text("Parameters in")),
                 rows=tuple(rows), align="llrll",
                 caption=f"The {shape(ctx)} network, layer by layer (too large to draw every weight).")


def figure(ctx: Context) -> NetworkFigure:
    """The network drawn layer by layer, every weight and bias labelled with its value
    (where a layer has too many edges to label, its weights as a matrix below the drawing).
    Laid out once per walkthrough: the chain-rule and update figures start from it."""
    if "figure" not in ctx.made:
        ctx.made["figure"] = _figure(ctx)
    return ctx.made["figure"]


def _figure(ctx: Context) -> NetworkFigure:
    net = ctx.net
    neurons = []
    for layer in range(net.depth + 1):
        for j, name in enumerate(net.neurons(layer)):
            bias = value = ""
            if layer == 0:
                value = ctx.equals(ctx.sym.neuron(name), ctx.step.values.input[name])
            else:
                b = net.bias_of(layer, j)
                if b is not None:
                    bias = ctx.equals(ctx.sym.param(b.label), ctx.param_value(b.label))
            neurons.append(FigureNeuron(name, ctx.sym.neuron(name), layer, j, bias, value))
    edges = [FigureEdge(net.neuron(p.layer - 1, p.source), net.neuron(p.layer, p.target),
                        ctx.equals(ctx.sym.param(p.label), ctx.param_value(p.label)))
             for p in net.parameters if p.kind == "weight"]
    drawn = network_figure(
        neurons, edges, (),
        matrices=[(layer_matrices(ctx, layer, ctx.step.parameters),) for layer in range(1, net.depth + 1)],
    )
    modes = set(net.bias_modes)
    biases = ("" if modes == {"none"} else "; each bias is added inside its neuron" if modes == {"neuron"}
              else "; a layer's bias is added inside the neurons that take it")
    caption = inline(f"The {shape(ctx)} network before the step. Arrows carry the weights{biases}.")
    return dataclasses.replace(drawn, caption=caption + matrix_note(ctx, drawn))


def matrix_note(ctx: Context, fig: NetworkFigure) -> tuple[Inline, ...]:
    """What a figure says of the layers it could not label: where their weights are instead."""
    layers = fig.layout.unlabelled
    if not layers:
        return ()
    symbols = ", ".join(ctx.sym.layer_symbol("W", layer) for layer in layers)
    return inline(" Too many edges cross between some layers to label each one legibly, so their "
                  "weights stand below the drawing as matrices (", Math(symbols), "): row j holds "
                  "the weights arriving at neuron j of the layer, column k those leaving neuron k "
                  "of the layer before; the biases stand beside them.")


def layer_matrices(ctx: Context, layer: int, values: dict, symbol: str = "") -> str:
    """A layer's weight matrix and bias vector with these values (by label), as a figure shows
    them when the layer's edges are too many to label: W⁽ˡ⁾ = (…), b⁽ˡ⁾ = (…). `symbol`
    decorates the symbols (``^{+}`` for the values after the step)."""
    weights = weight_matrix(ctx, layer, values)
    biases = bias_vector(ctx, layer, values)
    flat = [w for row in weights for w in row]
    W, b = ctx.sym.layer_symbol("W", layer), ctx.sym.layer_symbol("b", layer)
    if symbol:
        W, b = f"{{{W}}}{symbol}", f"{{{b}}}{symbol}"
    shown = rf"{W} {ctx.relation(flat)} {matrix_of(ctx, weights)}"
    if biases:
        shown += rf",\quad {b} {ctx.relation(biases)} {column_of(ctx, biases)}"
    return shown


def _notation(ctx: Context) -> Section:
    cost, sym = ctx.cost.latex, ctx.sym
    acts = [ACTIVATIONS[a] for a in dict.fromkeys(ctx.net.activations)]
    own = {topic: (Math(latex), Text(words)) for topic, (latex, words) in sym.glossary().items()}
    rows = [
        own["x"], own["input"], own["output"],
        *[row for act in acts for row in (
            (Math(sym.fill(act.latex.formula)), Text(f"the activation, {act.latex.words}")),
            (Math(sym.fill(act.latex.derivative)), Text("its derivative" + (
                f", written with the {sym.output_word} {sym.out_text}, as one computes it by hand"
                if act.latex.derivative_of and not act.vector else ""))),
        )],
        *([(Math(ctx.equals(sym.slope, ctx.net.leaky_slope)),
            Text("the leaky ReLU's slope for negative inputs"))]
          if "leaky_relu" in ctx.net.activations else []),
        own["params"], own["answer"],
        (Math(sym.fill(cost.formula)), Text(f"the cost, {cost.words}")),
        own["delta"],
        *([(Math(r"\eta"), Text("the learning rate: how far one step moves")),
           (Math(r"p^{+}"), Text("the value of a parameter p after the step"))] if ctx.stepped else []),
    ]
    labels = {p.label for p in ctx.net.parameters}
    example = sym.param("w5" if "w5" in labels else ctx.net.parameters[0].label)
    blocks = (
        Paragraph(inline(
            f"{sym.index_words} A partial derivative such as ",
            Math(partial(sym.C, example)),
            f" reads: how much {sym.cost_words} ", Math(sym.C), " changes per small change of ",
            Math(example),
            ", with everything else held fixed.",
        )),
        Table(header=(Text("Symbol"), Text("Meaning")), rows=tuple(rows), align="ll"),
    )
    return Section("Notation", "notation", blocks)
