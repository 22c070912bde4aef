"""The benchmark's networks: the seed example and specs generated from `random.Random(SEED)`,
and what the derivation table needs of them (the labels shown, the full cost, the spec's values)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import sympy

from explainer import examples
from explainer.engines import symbolic
from explainer.pipeline import to_prove
from explainer.spec import Spec, load_spec, parse_spec

SEED = 2024
SEED_EXAMPLE = "2-2-2"
MAIN = ("2-2-2", "4-8-8-3", "16-32-32-10", "64-32-10")
LARGE = ("16-32-32-10", "64-32-10")  # left out by --quick
SCALING = ("3-4-2", "4-6-3", "6-8-4", "8-12-6")  # small extras for table 1, full runs only


def layers_of(name: str) -> tuple[int, ...]:
    return tuple(int(n) for n in name.split("-"))


def _number(rng: random.Random, low: float, high: float) -> str:
    return repr(round(rng.uniform(low, high), 2) + 0.0)  # + 0.0 turns -0.0 into 0.0


def spec_text(layers: Sequence[int], seed: int = SEED) -> str:
    """A sigmoid / sum_squared spec in TOML with random 2-decimal weights, biases and sample."""
    rng = random.Random(seed)
    name = "-".join(map(str, layers))
    lines = [f'title = "Benchmark network {name}"', "", "[network]", f"layers = {list(layers)}",
             'activation = "sigmoid"', 'cost = "sum_squared"', ""]
    for n_in, n_out in itertools.pairwise(layers):
        rows = [", ".join(_number(rng, -0.5, 0.5) for _ in range(n_in)) for _ in range(n_out)]
        biases = ", ".join(_number(rng, -0.5, 0.5) for _ in range(n_out))
        lines += ["[[network.layer]]", "weights = [", *(f"  [{row}]," for row in rows), "]",
                  f"biases = [{biases}]", ""]
    x = ", ".join(_number(rng, 0, 1) for _ in range(layers[0]))
    expected = ", ".join(_number(rng, 0, 1) for _ in range(layers[-1]))
    lines += ["[training]", "learning_rate = 0.1", "steps = 1", "", "[[training.sample]]",
              f"input = [{x}]", f"expected = [{expected}]"]
    return "\n".join(lines) + "\n"


def load_network(name: str) -> Spec:
    """The seed example for 2-2-2, a generated spec for any other layer sizes."""
    if name == SEED_EXAMPLE:
        return load_spec(examples.seed_spec())
    return parse_spec(spec_text(layers_of(name)).encode(), "<bench>")


def shown_labels(spec: Spec) -> list[str]:
    """What `explainer explain` proves by default: every parameter of a full walkthrough,
    the worked ones of a summarised one (`pipeline.to_prove`)."""
    return to_prove(spec, None, rendering=True)


def full_cost(d: symbolic.Derivation) -> sympy.Expr:
    """C(W, b, x, exp) as one expression: each layer's forward expressions substituted into
    the next, from the derivation's public fields (the engine's own helper for this has
    moved between modules while this benchmark was written)."""
    net = d.network
    full_o: dict[str, sympy.Expr] = {}
    for layer in range(net.depth + 1):
        below = {d.o[m]: full_o[m] for m in net.neurons(layer - 1)} if layer else {}
        inputs = {d.i[n]: d.input_expr[n].xreplace(below) for n in net.neurons(layer)}
        for n in net.neurons(layer):
            full_o[n] = d.output_expr[n].xreplace(inputs)
    return d.cost_expr.xreplace({d.o[n]: full_o[n] for n in full_o})


def spec_values(d: symbolic.Derivation, spec: Spec) -> dict[sympy.Symbol, sympy.Rational]:
    """Every symbol of the full cost at the spec's exact values."""
    known = {d.symbol[p.label]: symbolic.rational(p.value) for p in spec.network.parameters}
    for j, x in enumerate(spec.sample.input):
        known[d.symbol[f"x{j + 1}"]] = symbolic.rational(x)
    for j, e in enumerate(spec.sample.expected):
        known[d.symbol[f"exp{j + 1}"]] = symbolic.rational(e)
    return known
