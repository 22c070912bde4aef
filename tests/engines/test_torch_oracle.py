"""An independent oracle: PyTorch autograd in float64 against our JSON output.

Torch is a test-only dependency (see the README); these tests skip where it is absent,
and fail there when REQUIRE_ORACLE is set, as in CI (`tests.oracle`).
"""

from __future__ import annotations

import json
import math

import pytest

from explainer import examples
from explainer.cli.command import main
from explainer.spec import Network, Spec, load_spec
from tests.conftest import SPECS
from tests.oracle import require_torch

torch = require_torch()


def torch_step(spec: Spec) -> dict:
    """Forward, autograd backward, update and forward again, all in torch float64."""
    net: Network = spec.network
    W = [torch.tensor([[float(v) for v in row] for row in w], dtype=torch.float64,
                      requires_grad=True) for w in net.weights]
    b = [torch.tensor([float(v) for v in bias], dtype=torch.float64, requires_grad=True)
         for bias in net.biases]
    x = torch.tensor([float(v) for v in spec.sample.input], dtype=torch.float64)
    expected = torch.tensor([float(v) for v in spec.sample.expected], dtype=torch.float64)

    def forward(W, b):
        o = x
        for w, bias in zip(W, b, strict=True):
            o = torch.sigmoid(w @ o + bias)
        return o, torch.sum((o - expected) ** 2)

    _, cost = forward(W, b)
    cost.backward()
    eta = float(spec.learning_rate or 0)  # without one, torch's "update" changes nothing
    with torch.no_grad():
        W_new = [w - eta * w.grad for w in W]
        b_new = [v - eta * v.grad for v in b]
        _, cost_after = forward(W_new, b_new)
    gradient, updated = {}, {}
    for p in net.parameters:
        if p.kind == "weight":
            gradient[p.label] = W[p.layer - 1].grad[p.target, p.source].item()
            updated[p.label] = W_new[p.layer - 1][p.target, p.source].item()
        else:
            gradient[p.label] = b[p.layer - 1].grad[p.target].item()
            updated[p.label] = b_new[p.layer - 1][p.target].item()
    return {"cost": cost.item(), "gradient": gradient, "updated": updated,
            "after_cost": cost_after.item()}


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("json")
    assert main(["explain", str(examples.seed_spec()), "-o", str(out), "--format", "json"]) == 0
    return json.loads(next(out.glob("*.json")).read_text())


def test_json_agrees_with_torch_autograd(seed_spec, seed_json):
    oracle = torch_step(seed_spec)
    assert math.isclose(seed_json["cost"], oracle["cost"], rel_tol=1e-9)
    assert math.isclose(seed_json["after"]["cost"], oracle["after_cost"], rel_tol=1e-9)
    assert set(seed_json["gradient"]) == set(oracle["gradient"]) == {
        *(f"w{k}" for k in range(1, 9)), *(f"b{k}" for k in range(1, 5))}
    for label, g in oracle["gradient"].items():
        assert math.isclose(seed_json["gradient"][label], g, rel_tol=1e-9), label
        assert math.isclose(seed_json["updated"][label], oracle["updated"][label], rel_tol=1e-9)


def test_without_a_learning_rate_the_json_holds_torch_gradients_and_no_step(tmp_path):
    path = SPECS / "no-learning-rate.toml"
    assert main(["explain", str(path), "-o", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(next(tmp_path.glob("*.json")).read_text())
    oracle = torch_step(load_spec(path))
    assert data["learning_rate"] is None and "updated" not in data and "after" not in data
    assert math.isclose(data["cost"], oracle["cost"], rel_tol=1e-9)
    for label, g in oracle["gradient"].items():
        assert math.isclose(data["gradient"][label], g, rel_tol=1e-9), label
