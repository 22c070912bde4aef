"""One gradient-descent step computed the way a person does it on paper.

Neuron by neuron, in high precision (mpmath), with two departures a checker needs:

* `claimed`: numbers the person wrote down. Each is what the person carries
  into the rest of their calculation, so downstream values are recomputed from
  them ("error carried forward"). Every value also records which claims it was
  computed from (`sources`): the nearest claimed quantities upstream of it.
* `twist`: a classic slip (see `explainer.checker.slips`) applied everywhere it can happen.

Quantities are keyed as in a claims file: ``input.h1``, ``output.L1``,
``activation_derivative.h1``, ``cost_derivative.L1``, ``delta.L2``, ``cost``,
``gradient.w5``, ``step.w5`` (η·∂C/∂p), ``change.w5`` (p⁺ − p), ``updated.w5``,
``after.input.L1``, ``after.output.L1``, ``after.cost``. With no claims and no
twist this is a third, independent computation of the step (the checker compares
it with the symbolic engine before trusting it). The passes themselves are in
`explainer.checker.passes`.
"""

from __future__ import annotations

from collections.abc import Mapping

import mpmath

from explainer.checker.passes import Paper, Worker, backward, forward, mp
from explainer.checker.slips import Twist
from explainer.spec import Sample, Spec

PRECISION = 50  # digits: far more than anyone writes down (more where the caller works with more)


def _eta(w: Worker) -> mpmath.mpf:
    """The learning rate as the person applies it: theirs if it is another, used 0, 1 or 2 times."""
    return mp(w.twist.learning_rate or w.spec.learning_rate) ** w.twist.eta_power


def _update_rule(w: Worker):
    """The person's p⁺ for a value and its gradient (with their slip in η or the sign); only
    called where there is a step (a spec with a learning rate)."""

    def updated(label: str, value: mpmath.mpf, gradient: mpmath.mpf) -> mpmath.mpf:
        return value + w.twist.update_sign * _eta(w) * gradient

    return updated


def _update(w: Worker, params: Mapping[str, mpmath.mpf], gradient: Mapping[str, mpmath.mpf]) -> dict:
    """step = η·∂C/∂p, change = p⁺ − p (−step, or +step with the sign slipped), p⁺ = p + change:
    each as the person computes it from the one before, carrying their claims."""
    net, spec, twist = w.net, w.spec, w.twist
    eta = _eta(w)
    after = {}
    for p in net.parameters:
        label = p.label
        if label in spec.frozen:
            for key in (f"step.{label}", f"change.{label}"):
                w.put(key, mpmath.mpf(0), [])
            w.put(f"updated.{label}", params[label], [])
        else:
            w.put(f"step.{label}", eta * gradient[label], [f"gradient.{label}"])
            w.put(f"change.{label}", twist.update_sign * w.used(f"step.{label}"), [f"step.{label}"])
            w.put(f"updated.{label}", params[label] + w.used(f"change.{label}"), [f"change.{label}"])
        after[label] = w.used(f"updated.{label}")
    return after


def digits() -> int:
    """PRECISION, or the caller's working digits where they are more: a neuron a hair from its
    bound (1 − o ≈ 10⁻⁴⁷) needs the digits the engines needed for it (`check` works with them)."""
    return max(PRECISION, mpmath.mp.dps)


def work(spec: Spec, claimed: Mapping[str, mpmath.mpf] | None = None, twist: Twist | None = None,
         parameters: Mapping[str, mpmath.mpf] | None = None) -> Paper:
    """The first update of `spec` on paper: the first sample's forward and backward
    pass (for a batch, the other samples' gradients too, computed correctly with the
    same twist, for their mean or sum), the update, and the forward pass again on the
    first sample. A spec without a learning rate stops at the gradients.

    `parameters` start the step from other values than the spec's (a later step of a
    run); `claimed` and `twist` as in the module docstring.
    """
    claimed = claimed or {}
    twist = twist or Twist()
    net = spec.network
    with mpmath.workdps(digits()):
        params = dict(parameters) if parameters is not None else {p.label: mp(p.value) for p in net.parameters}
        w = Worker(spec, claimed, twist)
        forward(w, params, {}, spec.samples[0], "")
        gradient = backward(w, params, spec.samples[0], _update_rule(w))
        if spec.mode == "batch" and len(spec.samples) > 1:
            others = [_plain_gradient(spec, params, s, twist) for s in spec.samples[1:]]
            gradient = {k: mpmath.fsum([gradient[k], *(g[k] for g in others)]) / spec.batch_divisor
                        for k in gradient}
        if not spec.steps_taken:
            return w.paper
        after = _update(w, params, gradient)
        forward(w, after, {p.label: f"updated.{p.label}" for p in net.parameters}, spec.samples[0], "after.")
        return w.paper


def _plain_gradient(spec: Spec, params: Mapping[str, mpmath.mpf], sample: Sample,
                    twist: Twist) -> dict[str, mpmath.mpf]:
    w = Worker(spec, {}, twist)
    forward(w, params, {}, sample, "")
    return backward(w, params, sample, _update_rule(w))


def run(spec: Spec, start: Mapping[str, mpmath.mpf]) -> dict[str, mpmath.mpf]:
    """One whole step of a run from `start` (sgd: one update per sample in order;
    batch: one update with the mean or the sum of the gradients), done correctly."""
    net = spec.network
    params = dict(start)
    with mpmath.workdps(digits()):
        if spec.mode == "batch":
            grads = [_plain_gradient(spec, params, s, Twist()) for s in spec.samples]
            batch = {k: mpmath.fsum(g[k] for g in grads) / spec.batch_divisor for k in params}
            return {k: v if k in spec.frozen else v - mp(spec.learning_rate) * batch[k]
                    for k, v in params.items()}
        for s in spec.samples:
            g = _plain_gradient(spec, params, s, Twist())
            params = {p.label: params[p.label] if p.label in spec.frozen
                      else params[p.label] - mp(spec.learning_rate) * g[p.label] for p in net.parameters}
        return params


def dataset_cost(spec: Spec, params: Mapping[str, mpmath.mpf]) -> mpmath.mpf:
    """The mean cost over every sample (the cost a run's table shows)."""
    with mpmath.workdps(digits()):
        costs = []
        for s in spec.samples:
            w = Worker(spec, {}, Twist())
            forward(w, params, {}, s, "")
            costs.append(w.paper.value["cost"])
        return mpmath.fsum(costs) / len(costs)
