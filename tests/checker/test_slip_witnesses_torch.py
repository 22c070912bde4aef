"""The slips that are another function differentiated or another update, made a third time
by PyTorch autograd: the cost conventions, σ′ at the output (as a custom autograd function)
and the update rule. Its numbers are float64, so they agree with the paper engine to ~1e-12.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from fractions import Fraction

import pytest

from explainer.checker import paper
from explainer.checker.slips import Twist, twists
from tests.checker.written_step import EXAMPLES, Step, half_squares, spec_of, squares
from tests.oracle import require_torch


@dataclass(frozen=True)
class TorchSlip:
    """A slip made with autograd: the cost whose gradient is taken, the cost written
    down, whether σ′ is taken at the output, and the update (None: the right one)."""

    slip: str
    twist: Twist
    example: str
    differentiate: Callable | None = None
    cost: Callable | None = None
    derivative_at_output: bool = False
    update: Callable | None = None


TORCH_SLIPS = [
    TorchSlip("activation_derivative_at_output", Twist(derivative_at_output=True), "seed",
              derivative_at_output=True),
    # ½ Σ (o − exp)² is the cost whose derivative is o − exp
    TorchSlip("missing_factor_two", Twist(cost_derivative_scale=Fraction(1, 2)), "seed",
              differentiate=half_squares),
    TorchSlip("extra_half", Twist(cost_scale=Fraction(1, 2), cost_derivative_scale=Fraction(1, 2)), "seed",
              differentiate=half_squares, cost=half_squares),
    TorchSlip("missing_half", Twist(cost_scale=Fraction(2), cost_derivative_scale=Fraction(2)), "half",
              differentiate=squares, cost=squares),
    # exp − o in ∂C/∂o is the derivative of −C
    TorchSlip("sign_flip", Twist(cost_derivative_scale=Fraction(-1)), "seed",
              differentiate=lambda y, e: -squares(y, e)),
    TorchSlip("sign_flip", Twist(update_sign=1), "seed", update=lambda p, g, eta: p + eta * g),
    TorchSlip("learning_rate_misapplied", Twist(eta_power=0), "seed", update=lambda p, g, eta: p - g),
    TorchSlip("learning_rate_misapplied", Twist(eta_power=2), "seed",
              update=lambda p, g, eta: p - eta ** 2 * g),
    TorchSlip("wrong_learning_rate", Twist(learning_rate=Fraction(13, 20)), "seed",
              update=lambda p, g, eta: p - 0.65 * g),
]


@pytest.fixture(scope="module")
def torch():
    return require_torch()


def sigmoid_derivative_at_output(torch) -> Callable:
    """σ, whose backward multiplies by σ(o) (1 − σ(o)) instead of o (1 − o)."""

    class AtOutput(torch.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            o = torch.sigmoid(i)
            ctx.save_for_backward(o)
            return o

        @staticmethod
        def backward(ctx, grad):
            (o,) = ctx.saved_tensors
            return grad * torch.sigmoid(o) * (1 - torch.sigmoid(o))

    return AtOutput.apply


def torch_step(torch, how: TorchSlip) -> dict[str, float]:
    """The step in torch float64 with the slip `how` made: cost, ∂C/∂o, gradient,
    updated parameters and the cost after, keyed as claims are."""
    spec, example = spec_of(how.example), EXAMPLES[how.example]
    f64 = torch.float64
    right_cost = half_squares if spec.network.cost == "half_sum_squared" else squares
    written, differentiate = how.cost or right_cost, how.differentiate or right_cost
    activation = sigmoid_derivative_at_output(torch) if how.derivative_at_output else torch.sigmoid
    update = how.update or (lambda p, g, eta: p - eta * g)
    x = torch.tensor([float(v) for v in spec.samples[0].input], dtype=f64)
    exp = torch.tensor([float(v) for v in spec.samples[0].expected], dtype=f64)

    def tensors(values: dict[str, float], grad: bool) -> tuple[list, list]:
        W = [torch.tensor([[values[label] for label in row] for row in rows], dtype=f64, requires_grad=grad)
             for rows in example.weights]
        b = [torch.tensor([values[label] for label in labels], dtype=f64, requires_grad=grad)
             for labels in example.biases]  # a shared bias is one number, broadcast over its layer
        return W, b

    def forward(W, b):
        o = x
        for w, bias in zip(W, b, strict=True):
            o = activation(w @ o + bias)
        return o

    start = {label: float(v) for label, v in Step(spec, example).start.items()}
    W, b = tensors(start, grad=True)
    o = forward(W, b)
    o.retain_grad()
    differentiate(o, exp).backward()
    gradient = {}
    for w, rows in zip(W, example.weights, strict=True):
        gradient |= {label: w.grad[j, k].item() for j, row in enumerate(rows) for k, label in enumerate(row)}
    for bias, labels in zip(b, example.biases, strict=True):
        gradient |= {label: bias.grad[n].item() for n, label in enumerate(labels)}
    eta = float(spec.learning_rate)
    updated = {label: v if label in spec.frozen else update(v, gradient[label], eta)
               for label, v in start.items()}
    with torch.no_grad():
        after = forward(*tensors(updated, grad=False))
    out = {"cost": written(o, exp).item(), "after.cost": written(after, exp).item()}
    out |= {f"cost_derivative.L{j + 1}": g.item() for j, g in enumerate(o.grad)}
    out |= {f"gradient.{label}": g for label, g in gradient.items()}
    return out | {f"updated.{label}": v for label, v in updated.items()}


def settings(twist: Twist) -> str:
    """A twist's settings that differ from the right computation's, for a test id."""
    return ",".join(f"{f.name}={getattr(twist, f.name)}" for f in fields(twist)
                    if getattr(twist, f.name) != f.default)


@pytest.mark.parametrize("how", TORCH_SLIPS, ids=lambda h: f"{h.slip}-{settings(h.twist)}")
def test_torch_autograd_makes_the_slip_the_paper_engine_makes(torch, how):
    spec = spec_of(how.example)
    assert (how.slip, how.twist) in twists(spec.network, how.twist.learning_rate)
    theirs = paper.work(spec, twist=how.twist).value
    for key, value in torch_step(torch, how).items():
        assert math.isclose(value, theirs[key], rel_tol=1e-12, abs_tol=1e-15), key


def test_torch_autograd_done_right_is_the_paper_step(torch):
    """The same torch step without a slip (the seed): the slips above are its only change."""
    right_step = torch_step(torch, TorchSlip("", Twist(), "seed"))
    theirs = paper.work(spec_of("seed")).value
    for key, value in right_step.items():
        assert math.isclose(value, theirs[key], rel_tol=1e-12, abs_tol=1e-15), key
