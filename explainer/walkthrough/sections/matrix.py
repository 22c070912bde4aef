"""The same step in matrix (vectorised) form: one line per layer, the shapes written out.

A layer's weights form a matrix W with one row per neuron of the layer and one
column per neuron of the layer before (weights[j][k], as in the spec), so the
forward pass is i = W o + b, the deltas are δ^L = ∇_o C ⊙ σ′(i^L) and
δ = (W_next)^T δ_next ⊙ σ′(i), the gradient of W is the outer product δ o^T,
and the update is W − η ∂C/∂W. Every number comes from the symbolic engine's
values, the same ones the scalar derivation above shows, arranged into vectors
and matrices; the symbols follow the walkthrough's notation preset.
"""

from __future__ import annotations

import sympy

from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Equation, Math, Paragraph, Row, Section, Table, Text


def sections(ctx: Context) -> list[Section]:
    blocks: list = [*_introduction(ctx), _shapes(ctx)]
    if ctx.summary:
        blocks.append(Paragraph(inline(
            "This network is large, so the matrices are not written out: the formulas and "
            "shapes below are the whole computation, and the tables above hold every value.")))
    blocks.append(Paragraph(inline(Text("Forward pass.", strong=True), " Layer by layer:")))
    blocks += [_forward(ctx, layer) for layer in range(1, ctx.net.depth + 1)]
    blocks.append(Paragraph(inline(
        Text("Backward pass.", strong=True), " The deltas of a layer, then the gradients of its "
        "weights and biases, from the last layer back to the first:")))
    for layer in range(ctx.net.depth, 0, -1):
        blocks += [_delta(ctx, layer), _gradients(ctx, layer)]
    blocks += _update(ctx) if ctx.stepped else []
    return [Section("The same step with matrices", "matrix-form", tuple(blocks))]


# ---------------------------------------------------------------- the numbers, arranged


def weight_matrix(ctx: Context, layer: int, values: dict) -> list[list]:
    """The values of a layer's weights (a dict by label) as a matrix: row j, column k holds
    the weight to neuron j from neuron k of the layer before, whatever the numbering."""
    net = ctx.net
    return [[values[net.weight(layer, j, k).label] for k in range(net.layers[layer - 1])]
            for j in range(net.layers[layer])]


def bias_vector(ctx: Context, layer: int, values: dict) -> list:
    """The values of a layer's biases (a dict by label): one per neuron, one if shared, none."""
    return [values[p.label] for p in ctx.net.parameters if p.kind == "bias" and p.layer == layer]


def neuron_vector(ctx: Context, layer: int, values: dict) -> list:
    """A per-neuron quantity (a dict by neuron name) as a column, in neuron order."""
    return [values[n] for n in ctx.net.neurons(layer)]


# ---------------------------------------------------------------- the blocks


def _introduction(ctx: Context) -> list[Paragraph]:
    sym = ctx.sym
    return [Paragraph(inline(
        "Everything above can be written a whole layer at a time. Stack the "
        f"{sym.input_word}s, {sym.output_word}s and deltas of layer ", Math("l"),
        " into column vectors ",
        Math(", ".join(sym.layer_symbol(k, "l") for k in ("i", "o", "delta"))),
        ", its weights into a matrix ", Math(sym.layer_symbol("W", "l")),
        " whose row j holds the weights arriving at neuron j (so column k holds those leaving "
        "neuron k of the layer before), and its biases into ", Math(sym.layer_symbol("b", "l")),
        ". The inputs are ", Math(f"{sym.layer_symbol('o', 0)} = {sym.input_vector}"),
        *([". A bias shared by a whole layer is one number, added to every neuron of it "
           "through a column of ones, ", Math(r"\mathbf{1}")]
          if "shared" in ctx.net.bias_modes else []),
        ". The forward pass, the deltas, the gradients" + (" and the update" if ctx.stepped else "")
        + " then become a few "
        "matrix products; ", Math(r"\odot"), " multiplies two vectors entry by entry, and ",
        Math("^{T}"), " turns rows into columns.",
    ))]


def _shapes(ctx: Context) -> Table:
    net, sym = ctx.net, ctx.sym
    rows = []
    for layer in range(1, net.depth + 1):
        n, before = net.layers[layer], net.layers[layer - 1]
        vectors = ", ".join(sym.layer_symbol(k, layer) for k in ("i", "o", "delta"))
        bias = {"neuron": f"{n} \\times 1", "shared": r"1 \times 1\ \text{(shared)}",
                "none": r"\text{none}"}[net.bias_modes[layer - 1]]
        rows.append((Math(rf"{sym.layer_symbol('W', layer)}: {n} \times {before}"),
                     Math(f"{sym.layer_symbol('b', layer)}: {bias}"), Math(rf"{vectors}: {n} \times 1")))
    return Table(header=(Text("Weights"), Text("Biases"), Text("Vectors")),
                 rows=tuple(rows), align="lll",
                 caption="The shape of every matrix and vector, layer by layer, rows × columns.")


def _forward(ctx: Context, layer: int) -> Equation:
    """i = W o_before + b, then o = σ(i), with the shapes under the symbols."""
    net, sym, values = ctx.net, ctx.sym, ctx.step.values
    n, before = net.layers[layer], net.layers[layer - 1]
    W, o_before = sym.layer_symbol("W", layer), sym.layer_symbol("o", layer - 1)
    i, o = sym.layer_symbol("i", layer), sym.layer_symbol("o", layer)
    mode = net.bias_modes[layer - 1]
    bias_term = {"neuron": rf" + {_shaped(sym.layer_symbol('b', layer), n, 1)}",
                 "shared": rf" + {sym.layer_symbol('b', layer)}\, \mathbf{{1}}", "none": ""}[mode]
    rows = [Row(i, "=", f"{_shaped(W, n, before)}\\, {_shaped(o_before, before, 1)}{bias_term}")]
    if not ctx.summary:
        params = ctx.step.parameters
        biases = bias_vector(ctx, layer, params)
        bias_numbers = {"neuron": lambda: f" + {matrix_of(ctx, [[b] for b in biases])}",
                        "shared": lambda: f" + {ctx.factor(biases[0])}\\, {_ones(n)}",
                        "none": lambda: ""}[mode]()
        weights = weight_matrix(ctx, layer, params)
        inputs = neuron_vector(ctx, layer - 1, values.output)
        used = [w for row in weights for w in row] + inputs + biases
        rows += [Row("", ctx.relation(used), f"{matrix_of(ctx, weights)}\\, {column_of(ctx, inputs)}"
                                              f"{bias_numbers}"),
                 _result(ctx, neuron_vector(ctx, layer, values.input))]
    act = net.activations[layer - 1]
    # σ names each layer's own activation; tanh and softmax are written by name, as above.
    function = {"softmax": r"\mathrm{softmax}", "tanh": r"\tanh"}.get(act, r"\sigma")
    rows.append(Row(o, "=", rf"{function}({i})"))
    if not ctx.summary:
        rows.append(_result(ctx, neuron_vector(ctx, layer, values.output)))
    return Equation(tuple(rows))


def _delta(ctx: Context, layer: int) -> Equation:
    """δ^L = ∇_o C ⊙ σ′(i^L) (softmax: J^T ∇_o C); δ = ((W_next)^T δ_next) ⊙ σ′(i)."""
    net, sym, values = ctx.net, ctx.sym, ctx.step.values
    n = net.layers[layer]
    delta, i = sym.layer_symbol("delta", layer), sym.layer_symbol("i", layer)
    gradient = rf"\nabla_{{{sym.layer_symbol('o', layer)}}} {sym.C}"
    dC_do = neuron_vector(ctx, layer, values.output_derivative)
    slope = neuron_vector(ctx, layer, values.activation_derivative)
    shaped_slope = _shaped(rf"\sigma'({i})", n, 1)
    rows: list[Row] = []
    if layer < net.depth:
        # The hidden layer's ∇_o C is the sum over the next layer: (W_next)^T δ_next.
        W_next, after = sym.layer_symbol("W", layer + 1), sym.layer_symbol("delta", layer + 1)
        m = net.layers[layer + 1]
        rows.append(Row(delta, "=", rf"\bigl({_shaped(f'({W_next})^{{T}}', n, m)}\, "
                                    rf"{_shaped(after, m, 1)}\bigr) \odot {shaped_slope}"))
        rows.append(Row(gradient, "=", rf"({W_next})^{{T}} {after}"))
        if not ctx.summary:
            W_T = [list(col) for col in zip(*weight_matrix(ctx, layer + 1, ctx.step.parameters), strict=True)]
            after_deltas = neuron_vector(ctx, layer + 1, values.delta)
            rows += [Row("", ctx.relation([w for r in W_T for w in r] + after_deltas),
                         rf"{matrix_of(ctx, W_T)}\, {column_of(ctx, after_deltas)}"),
                     _result(ctx, dC_do)]
    elif net.activations[layer - 1] == "softmax":
        # Softmax mixes the layer: each output depends on every input, through the Jacobian J.
        rows.append(Row(delta, "=", rf"{_shaped('J^{T}', n, n)}\, {_shaped(gradient, n, 1)},"
                                    rf"\quad \text{{where }} J_{{mn}} = \partial {sym.generic('o', 'm', layer)}"
                                    rf" / \partial {sym.generic('i', 'n', layer)}"))
        if not ctx.summary:
            names = net.neurons(layer)
            J_T = [[values.jacobian[col][row] for row in names] for col in names]  # row n: ∂o_m/∂i_n
            rows += [Row("", ctx.relation([v for r in J_T for v in r] + dC_do),
                         rf"{matrix_of(ctx, J_T)}\, {column_of(ctx, dC_do)}"),
                     _result(ctx, neuron_vector(ctx, layer, values.delta))]
        return Equation(tuple(rows))
    else:
        rows.append(Row(delta, "=", rf"{_shaped(gradient, n, 1)} \odot {shaped_slope}"))
    if not ctx.summary:
        rows += [Row(delta if layer < net.depth else "", ctx.relation(dC_do + slope),
                     rf"{column_of(ctx, dC_do)} \odot {column_of(ctx, slope)}"),
                 _result(ctx, neuron_vector(ctx, layer, values.delta))]
    return Equation(tuple(rows))


def _gradients(ctx: Context, layer: int) -> Equation:
    """∂C/∂W = δ (o_before)^T, an outer product; ∂C/∂b = δ, or the sum of δ if shared."""
    net, sym, values = ctx.net, ctx.sym, ctx.step.values
    n, before = net.layers[layer], net.layers[layer - 1]
    W, b = sym.layer_symbol("W", layer), sym.layer_symbol("b", layer)
    delta, o_before = sym.layer_symbol("delta", layer), sym.layer_symbol("o", layer - 1)
    dW = rf"\frac{{\partial {sym.C}}}{{\partial {W}}}"
    rows = [Row(dW, "=", rf"{_shaped(delta, n, 1)}\, {_shaped(f'({o_before})^{{T}}', 1, before)}")]
    deltas = neuron_vector(ctx, layer, values.delta)
    if not ctx.summary:
        outputs = neuron_vector(ctx, layer - 1, values.output)
        rows += [Row("", ctx.relation(deltas + outputs),
                     f"{column_of(ctx, deltas)}\\, {matrix_of(ctx, [outputs])}"),
                 _result(ctx, weight_matrix(ctx, layer, values.gradient))]
    mode = net.bias_modes[layer - 1]
    if mode != "none":
        db = rf"\frac{{\partial {sym.C}}}{{\partial {b}}}"
        rows.append(Row(db, "=", delta if mode == "neuron" else rf"\mathbf{{1}}^{{T}} {delta}"))
        if not ctx.summary:
            biases = bias_vector(ctx, layer, values.gradient)
            if mode == "shared":
                rows.append(Row("", ctx.relation(deltas), " + ".join(ctx.factor(d) for d in deltas)))
            rows.append(_result(ctx, [[g] for g in biases]))
    return Equation(tuple(rows))


def _update(ctx: Context) -> list:
    """W⁺ = W − η ∂C/∂W and b⁺ = b − η ∂C/∂b for every layer, frozen entries kept; in a batch
    step the gradient is the samples' mean or sum, (1/B) Σₛ ∂Cₛ/∂W or Σₛ ∂Cₛ/∂W."""
    net, sym, step = ctx.net, ctx.sym, ctx.step
    eta = ctx.num(ctx.learning_rate).latex
    batch = ((f" (the {ctx.spec.batch_gradient} of the {len(ctx.spec.samples)} samples' gradients, "
              "as in the update section; the gradients above are sample 1's)") if ctx.spec.batched else "")
    blocks: list = [Paragraph(inline(
        Text("Update.", strong=True), " Every matrix and vector of parameters moves against its "
        f"gradient{batch} at once" + (". The frozen parameters keep their values: their entries of the "
                                      "gradient are taken as 0 here" if ctx.spec.frozen else "") + ":"))]
    # What the step applies: the gradient, with 0 for every frozen parameter.
    applied = {label: sympy.Integer(0) if label in ctx.spec.frozen else g
               for label, g in step.gradient.items()}
    for layer in range(1, net.depth + 1):
        rows = []
        kinds = [("W", weight_matrix)] + ([("b", lambda c, ly, v: [[x] for x in bias_vector(c, ly, v)])]
                                         if net.bias_modes[layer - 1] != "none" else [])
        for kind, arrange in kinds:
            symbol = sym.layer_symbol(kind, layer)
            head = rf"\bigl({symbol}\bigr)^{{+}}"
            # Where a frozen entry's 0 stands in the matrix, the matrix is not ∂C/∂W: the row
            # with the numbers then follows W⁺ directly (the prose above says what the 0 is).
            masked = any(label in ctx.spec.frozen for row in arrange(ctx, layer, {k: k for k in applied})
                         for label in row)
            if not masked or ctx.summary:
                rows.append(Row(head, "=", rf"{symbol} - \eta\, {ctx.applied(symbol)}"))
            if ctx.summary:
                continue
            before, gradient = arrange(ctx, layer, step.parameters), arrange(ctx, layer, applied)
            flat = [v for r in before + gradient for v in r]
            rows += [Row(head if masked else "", ctx.relation([*flat, ctx.learning_rate]),
                         rf"{matrix_of(ctx, before)} - {eta} \cdot {matrix_of(ctx, gradient)}"),
                     _result(ctx, arrange(ctx, layer, step.updated))]
        blocks.append(Equation(tuple(rows)))
    return blocks


# ---------------------------------------------------------------- LaTeX pieces


def _shaped(symbol: str, rows: int, columns: int) -> str:
    """A symbol with its shape written under it."""
    return rf"\underbrace{{{symbol}}}_{{{rows} \times {columns}}}"


def matrix_of(ctx: Context, rows: list[list]) -> str:
    """Numbers as a pmatrix; a single number as a factor (in parentheses if negative)."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return ctx.factor(rows[0][0])
    return _matrix_text([[ctx.num(v).latex for v in row] for row in rows])


def column_of(ctx: Context, values: list) -> str:
    """Numbers as a column vector (a single number as it is)."""
    return matrix_of(ctx, [[v] for v in values])


def _ones(n: int) -> str:
    return _matrix_text([["1"] for _ in range(n)])


def _matrix_text(rows: list[list[str]]) -> str:
    """A pmatrix; a 1 × 1 matrix (a shared bias) is written as the number it is."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def _result(ctx: Context, values: list) -> Row:
    """The last line of a derivation: the resulting vector or matrix, "=" only if exact."""
    grid = values if values and isinstance(values[0], list) else [[v] for v in values]
    flat = [v for r in grid for v in r]
    shown = ctx.num(flat[0]).latex if len(flat) == 1 else matrix_of(ctx, grid)
    return Row("", "=" if all(ctx.num(v).exact for v in flat) else r"\approx", shown)
