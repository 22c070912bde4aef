"""Hypothesis strategies the tests share: random small networks with every convention."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import strategies as st

from explainer.spec import Network, Sample, Spec

small = st.integers(-150, 150).map(lambda n: Fraction(n, 100))


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
COSTS_FOR = {  # the last layer's activation, and the costs that accept its outputs
    "sigmoid": ["sum_squared", "half_sum_squared", "mean_squared", "binary_cross_entropy"],
    "softmax": ["sum_squared", "cross_entropy"],
    "tanh": ["sum_squared", "mean_squared"],
    "linear": ["half_sum_squared", "mean_squared"],
}


@st.composite
def specs(draw) -> Spec:
    layers = tuple(draw(st.lists(st.integers(1, 3), min_size=2, max_size=4)))
    depth = len(layers) - 1
    last = draw(st.sampled_from(list(COSTS_FOR)))
    if last == "softmax" and layers[-1] == 1:
        last = "sigmoid"
    activations = (*[draw(st.sampled_from(HIDDEN)) for _ in range(depth - 1)], last)
    cost = draw(st.sampled_from(COSTS_FOR[last]))
    weights = tuple(
        tuple(tuple(draw(small) for _ in range(layers[n - 1])) for _ in range(layers[n]))
        for n in range(1, len(layers))
    )
    modes = tuple(draw(st.sampled_from(["neuron", "shared", "none"])) for _ in range(depth))
    biases = tuple(
        tuple(draw(small) for _ in range(n)) if mode == "neuron" else
        (draw(small),) if mode == "shared" else ()
        for n, mode in zip(layers[1:], modes, strict=True))
    net = Network(layers, activations, cost, draw(st.sampled_from(["source-major", "target-major"])),
                  weights, biases, modes, Fraction(draw(st.integers(1, 30)), 100))
    if cost in ("cross_entropy", "binary_cross_entropy"):
        expected = tuple(Fraction(draw(st.integers(0, 100)), 100) for _ in range(layers[-1]))
    else:
        expected = tuple(draw(small) for _ in range(layers[-1]))
    sample = Sample(tuple(draw(small) * 2 for _ in range(layers[0])), expected)
    labels = [p.label for p in net.parameters]
    frozen = frozenset(draw(st.lists(st.sampled_from(labels), max_size=2))) if labels else frozenset()
    rate = Fraction(draw(st.integers(1, 100)), 100)
    return Spec("random", net, rate, 1, (sample,), "<random>", "sgd", frozen)


@st.composite
def trainings(draw) -> Spec:
    """A random network (`specs`) with the [training] options drawn too: one to three
    samples, mode sgd or batch, the batch's gradient its mean or its sum, and no learning rate
    where nothing needs one (a single step of one sample, or of a batch)."""
    spec = draw(specs())
    net, first = spec.network, spec.sample
    extra = draw(st.lists(st.tuples(st.tuples(*[small.map(lambda v: v * 2)] * net.layers[0]),
                                    st.sampled_from([first.expected, tuple(e / 2 for e in first.expected)])),
                          max_size=2))
    samples = (first, *(Sample(x, e) for x, e in extra))
    mode = draw(st.sampled_from(["sgd", "batch"]))
    batch = draw(st.sampled_from(["mean", "sum"])) if mode == "batch" else "mean"
    steps = draw(st.integers(1, 3))
    stepless = steps == 1 and (mode == "batch" or len(samples) == 1) and draw(st.booleans())
    return dataclasses.replace(spec, samples=samples, mode=mode, batch_gradient=batch, steps=steps,
                               learning_rate=None if stepless else spec.learning_rate)
