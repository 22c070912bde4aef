"""Every quantity of a step by its key: the names claims files, the JSON report and the
exercise sheets share.

    values = quantities(spec, step, points)
    values["gradient.w5"], values["after.cost"], values["history.2.w1"]

Keys: ``cost``; per neuron ``input.h1`` and ``output.h1`` (an input neuron's are its
value), ``weighted_sum.h1`` (Σ w·o, before the bias is added), ``activation_derivative.h1``,
``cost_derivative.h1`` (∂C/∂o: for a hidden neuron the sum Σ w·δ sent back to it, before
σ′) and ``delta.h1`` (every neuron after the inputs); ``error.L1`` (o − exp, last layer);
for a softmax layer ``exponential.L1`` (e^i) and ``exponential_sum`` (Σ e^i); per parameter ``gradient.w5``,
``step.w5`` (η·∂C/∂p, what the update subtracts), ``change.w5`` (p⁺ − p) and
``updated.w5``; after the step ``after.input.L1``, ``after.output.L1`` and
``after.cost``; for a run ``history.N.cost`` (the mean cost over the samples after
step N, step 0 before training) and ``history.N.w1``; inside a run (`run_quantities`)
``history.N.sample.S.output.L1`` and the rest of sample S's pass in step N, and
``history.N.epoch_error``; ``history.N.output.L1`` (`outputs_after`), the first sample's
outputs after step N. Values are the symbolic
engine's: exact Rationals where a value is a number from the spec, else Floats
with 60 digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import sympy

from explainer.engines.precision import PRECISION
from explainer.engines.symbolic import Derivation, SymbolicStep, Values, evaluate, rational, update
from explainer.engines.training import Point
from explainer.functions import ACTIVATIONS
from explainer.spec import Spec


def quantities(spec: Spec, step: SymbolicStep, points: Sequence[Point] = ()) -> dict[str, sympy.Expr]:
    """Every quantity of `spec`'s `step` (and of the run's `points`, if given), by key."""
    net = step.derivation.network
    a = step.after
    out = of_pass(spec, step.values, step.parameters, spec.sample.expected)
    if a is None:  # no learning rate: nothing after the gradients
        return out
    eta = rational(spec.learning_rate)
    for p in net.parameters:  # what the update subtracts, and what it adds: −η·∂C/∂p
        frozen = p.label in spec.frozen
        out[f"step.{p.label}"] = sympy.Integer(0) if frozen else eta * step.gradient[p.label]
        out[f"change.{p.label}"] = step.updated[p.label] - step.parameters[p.label]
    for p in net.parameters:
        out[f"updated.{p.label}"] = step.updated[p.label]
    for layer in range(net.depth + 1):
        for n in net.neurons(layer):
            out[f"after.input.{n}"], out[f"after.output.{n}"] = a.input[n], a.output[n]
    out["after.cost"] = a.cost
    for point in points:
        out[f"history.{point.step}.cost"] = point.cost
        for label, value in point.parameters.items():
            out[f"history.{point.step}.{label}"] = value
    return out


def of_pass(spec: Spec, v: Values, parameters: dict[str, sympy.Expr],
            expected: Sequence[Fraction]) -> dict[str, sympy.Expr]:
    """The keys of one sample's forward and backward pass at `parameters`, in the order the
    passes compute them: ``cost``, ``weighted_sum``, ``input``, ``exponential(_sum)``,
    ``output``, ``error``, ``cost_derivative``, ``activation_derivative``, ``delta``, ``gradient``."""
    net = spec.network
    out: dict[str, sympy.Expr] = {"cost": v.cost}
    for layer in range(net.depth + 1):  # forward, as the forward pass computes them
        for j, n in enumerate(net.neurons(layer)):
            if layer:
                bias = net.bias_of(layer, j)
                out[f"weighted_sum.{n}"] = v.input[n] - (parameters[bias.label] if bias else 0)
            out[f"input.{n}"] = v.input[n]
            if layer and ACTIVATIONS[net.activations[layer - 1]].vector:
                out[f"exponential.{n}"] = exponential(v.input[n])
        if layer and ACTIVATIONS[net.activations[layer - 1]].vector:
            out["exponential_sum"] = sympy.Add(*(out[f"exponential.{n}"] for n in net.neurons(layer)))
        for n in net.neurons(layer):
            out[f"output.{n}"] = v.output[n]
    for j, n in enumerate(net.neurons(net.depth)):
        out[f"error.{n}"] = v.output[n] - rational(expected[j])
    for layer in range(net.depth, 0, -1):  # backward, as backpropagation computes them
        for n in net.neurons(layer):
            out[f"cost_derivative.{n}"] = v.output_derivative[n]
        for n in net.neurons(layer):
            out[f"activation_derivative.{n}"] = v.activation_derivative[n]
            out[f"delta.{n}"] = v.delta[n]
    for p in net.parameters:
        out[f"gradient.{p.label}"] = v.gradient[p.label]
    return out


def run_quantities(spec: Spec, d: Derivation, points: Sequence[Point],
                   steps: Iterable[int]) -> dict[str, sympy.Expr]:
    """Inside a run's `steps` (1-based): each sample's pass, keyed
    ``history.N.sample.S.<key of of_pass>``, and ``history.N.epoch_error``, the running error
    online-SGD code prints: the sum of each sample's cost taken just before its own update.

    In "sgd" mode sample S of step N is seen at the parameters after the updates of the
    samples before it in that step; in "batch" mode every sample at the parameters before
    the step. Step N starts from `points[N - 1]` (the run's state after step N − 1)."""
    out: dict[str, sympy.Expr] = {}
    one_by_one = spec.mode == "sgd"
    for n in steps:
        params = dict(points[n - 1].parameters)
        errors = []
        for s, sample in enumerate(spec.samples, 1):
            v = evaluate(d, params, sample, digits=PRECISION)
            for key, value in of_pass(spec, v, params, sample.expected).items():
                out[f"history.{n}.sample.{s}.{key}"] = value
            errors.append(v.cost)
            if one_by_one:
                params = update(spec, params, v.gradient)
        out[f"history.{n}.epoch_error"] = sympy.Add(*errors)
    return out


def outputs_after(spec: Spec, d: Derivation, points: Sequence[Point],
                  steps: Iterable[int]) -> dict[str, sympy.Expr]:
    """``history.N.output.L1``: every neuron's output for the first sample after step N of a
    run, as ``after.output`` is after the one step."""
    out: dict[str, sympy.Expr] = {}
    for n in steps:
        v = evaluate(d, dict(points[n].parameters), spec.sample, digits=PRECISION)
        out |= {f"history.{n}.output.{m}": value for m, value in v.output.items()}
    return out


def exponential(i: sympy.Expr) -> sympy.Expr:
    """e^i as a softmax computes it before normalising: exact only at i = 0."""
    if i == 0:
        return sympy.Integer(1)
    return sympy.Float(sympy.exp(i).evalf(PRECISION), PRECISION)


def section(values: dict[str, sympy.Expr], prefix: str) -> dict[str, sympy.Expr]:
    """The quantities directly under `prefix` ("gradient", "after.output", "history.2"),
    keyed by what follows it (w5, L1, cost)."""
    start = prefix + "."
    return {k[len(start):]: x for k, x in values.items() if k.startswith(start) and "." not in k[len(start):]}
