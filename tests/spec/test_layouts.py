"""How a spec may write its weights and biases: W with one row per neuron of the layer (the
default), Wᵀ with one row per neuron of the layer before (`weights_layout = "rows-are-inputs"`,
the row-vector form i = o·W), and each neuron's bias as its weight 0 on an input x₀ = 1
(`biases = "first-weight"`). However written, a network is the same network. And its
[training]: samples, mode, the batch's gradient (`batch_gradient`, mean or sum) and a learning
rate that may be left out, read back as written."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from explainer import examples
from explainer.spec import Spec, load_spec, parse_spec
from tests.conftest import SPECS
from tests.fuzzing import toml_document
from tests.strategies import specs, trainings


def _number(q) -> str:
    return f"{q.numerator}/{q.denominator}"  # exact, as the spec grammar reads fractions


def written(spec: Spec, layout: str, first_weight: bool) -> bytes:
    """`spec` as a TOML file, its weights in `layout`, its biases as first weights or not."""
    net = spec.network
    layers = []
    for W, b in zip(net.weights, net.biases, strict=True):
        rows = [[*([bj] if first_weight else []), *row] for row, bj in zip(W, b, strict=True)]
        if layout == "rows-are-inputs":
            rows = [list(column) for column in zip(*rows, strict=True)]
        table: dict = {"weights": [[_number(v) for v in row] for row in rows]}
        if not first_weight:
            table["biases"] = [_number(v) for v in b]
        layers.append(table)
    network = {"layers": list(net.layers), "activation": list(net.activations), "cost": net.cost,
               "numbering": net.numbering, "leaky_slope": _number(net.leaky_slope),
               "weights_layout": layout, "layer": layers}
    if first_weight:
        network["biases"] = "first-weight"
    samples = [{"input": [_number(v) for v in sample.input], "expected": [_number(v) for v in sample.expected]}
               for sample in spec.samples]
    training: dict = {"steps": spec.steps, "mode": spec.mode, "sample": samples}
    if spec.learning_rate is not None:
        training["learning_rate"] = _number(spec.learning_rate)
    if spec.mode == "batch":
        training["batch_gradient"] = spec.batch_gradient
    return toml_document({"title": spec.title, "network": network, "training": training})


def with_every_bias(spec: Spec) -> Spec:
    """First weights give every neuron a bias of its own: the random network, so."""
    net = spec.network
    biases = tuple(b if mode == "neuron" else (b[0],) * n if mode == "shared" else (Fraction(0),) * n
                   for b, mode, n in zip(net.biases, net.bias_modes, net.layers[1:], strict=True))
    net = dataclasses.replace(net, biases=biases, bias_modes=("neuron",) * net.depth)
    return dataclasses.replace(spec, network=net, frozen=frozenset())


@settings(max_examples=60, deadline=None)
@given(specs(), st.sampled_from(["rows-are-neurons", "rows-are-inputs"]), st.booleans())
def test_every_way_of_writing_a_network_reads_as_the_same_network(spec, layout, first_weight):
    spec = with_every_bias(spec)
    default = parse_spec(written(spec, "rows-are-neurons", False), "a.toml")
    other = parse_spec(written(spec, layout, first_weight), "a.toml")
    assert other.network == default.network == spec.network


@settings(max_examples=60, deadline=None)
@given(trainings(), st.sampled_from(["rows-are-neurons", "rows-are-inputs"]))
def test_every_training_option_reads_back_as_written(spec, layout):
    spec = with_every_bias(spec)
    read = parse_spec(written(spec, layout, False), "a.toml")
    assert (read.learning_rate, read.steps, read.mode, read.batch_gradient, read.samples) == \
        (spec.learning_rate, spec.steps, spec.mode, spec.batch_gradient, spec.samples)
    assert read.steps_taken == (spec.learning_rate is not None)


def test_the_seed_written_row_vector_with_first_weights_is_the_seed():
    seed, other = load_spec(examples.seed_spec()), load_spec(SPECS / "seed-rows-are-inputs-first-weight.toml")
    assert other.network == seed.network
    assert [(p.label, p.value) for p in other.network.parameters] == \
        [(p.label, p.value) for p in seed.network.parameters]
    assert other.network.weights[0] == ((Fraction(3, 10), Fraction(-2, 5)), (Fraction(1, 5), Fraction(3, 5)))
    assert other.network.biases[1] == (Fraction(3, 20), Fraction(7, 20))
