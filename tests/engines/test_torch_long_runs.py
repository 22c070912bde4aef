"""The classic long runs, as a new user would try them, against PyTorch autograd replaying them.

The 10,000-step run of the seed network (the best-known worked example ends "after
repeating this 10,000 times…") and XOR on a 2-2-1 sigmoid network, 4 samples, full
batch, 10,000 steps: both run within the default limits, through the whole command,
and the JSON's final cost and every parameter agree with a float64 replay in torch
written here, step by step, to 1e-9 relative. XOR once more with `batch_gradient = "sum"`,
the replay summing the samples' losses instead of averaging them.
"""

from __future__ import annotations

import dataclasses
import json
import math

from explainer import examples
from explainer.cli.command import main
from explainer.pipeline import check_run
from explainer.spec import Spec, load_spec
from tests.oracle import require_torch

torch = require_torch()

XOR = examples.xor_spec().read_text(encoding="utf-8")


def torch_replay(spec: Spec) -> tuple[float, dict[str, float]]:
    """The whole run in torch float64, autograd for every gradient: the final mean cost and
    every parameter by label. Sum of squared errors, sigmoid layers, per-neuron biases; a batch
    trains on the mean of its samples' losses, or with `batch_gradient = "sum"` on their sum."""
    f64 = torch.float64
    net = spec.network
    W = [torch.tensor([[float(v) for v in row] for row in w], dtype=f64) for w in net.weights]
    b = [torch.tensor([float(v) for v in bias], dtype=f64) for bias in net.biases]
    x = torch.tensor([[float(v) for v in s.input] for s in spec.samples], dtype=f64)
    y = torch.tensor([[float(v) for v in s.expected] for s in spec.samples], dtype=f64)
    eta = float(spec.learning_rate)

    def mean_cost(W, b, rows=slice(None), reduce="mean"):
        o = x[rows]
        for w, v in zip(W, b, strict=True):
            o = torch.sigmoid(o @ w.T + v)
        losses = ((o - y[rows]) ** 2).sum(dim=1)
        return losses.sum() if reduce == "sum" else losses.mean()

    batches = [slice(None)] if spec.mode == "batch" else [slice(k, k + 1) for k in range(len(spec.samples))]
    for _ in range(spec.steps):
        for rows in batches:
            params = [t.requires_grad_() for t in (*W, *b)]
            grads = torch.autograd.grad(mean_cost(W, b, rows, spec.batch_gradient), params)
            with torch.no_grad():
                new = [p - eta * g for p, g in zip(params, grads, strict=True)]
            W, b = new[:len(W)], new[len(W):]
    with torch.no_grad():
        final = float(mean_cost(W, b))
    values = {}
    for p in net.parameters:
        if p.kind == "weight":
            values[p.label] = float(W[p.layer - 1][p.target, p.source])
        else:
            values[p.label] = float(b[p.layer - 1][p.target])
    return final, values


def _run(tmp_path, text: str) -> tuple[Spec, dict]:
    path = tmp_path / "run.toml"
    path.write_text(text)
    spec = load_spec(path)
    check_run(spec)  # the default limits let it through
    assert main(["explain", str(path), "-o", str(tmp_path / "out"), "--format", "json"]) == 0
    return spec, json.loads((tmp_path / "out" / "run.json").read_text())


def _agrees_with_torch(spec: Spec, data: dict, steps: int = 10_000) -> None:
    final, values = torch_replay(spec)
    last = data["history"][-1]
    assert last["step"] == spec.steps == steps
    assert math.isclose(last["cost"], final, rel_tol=1e-9), (last["cost"], final)
    assert set(last["parameters"]) == set(values)
    for label, value in values.items():
        assert math.isclose(last["parameters"][label], value, rel_tol=1e-9), label
    assert data["checks"]["agrees"]
    assert data["checks"]["history_cost_difference"] <= data["checks"]["history_allowance"]


def test_ten_thousand_steps_of_the_seed_network_agree_with_torch(tmp_path):
    spec, data = _run(tmp_path, examples.seed_spec().read_text().replace("steps = 1", "steps = 10000"))
    assert len(spec.network.parameters) * spec.steps == 120_000
    _agrees_with_torch(spec, data)
    assert data["history"][-1]["cost"] < data["history"][0]["cost"] / 1000  # it plummets


def test_xor_trained_for_ten_thousand_full_batch_steps_agrees_with_torch(tmp_path):
    spec, data = _run(tmp_path, XOR)
    assert len(spec.network.parameters) * len(spec.samples) * spec.steps == 360_000
    _agrees_with_torch(spec, data)
    assert data["history"][-1]["cost"] < 0.01  # XOR is learnt


def test_xor_with_the_summed_batch_gradient_agrees_with_torch_summing_the_losses(tmp_path):
    text = XOR.replace("steps = 10000", "steps = 2000")
    text = text.replace('mode = "batch"', 'mode = "batch"\nbatch_gradient = "sum"')
    spec, data = _run(tmp_path, text.replace("learning_rate = 0.5", "learning_rate = 0.2"))
    assert spec.batch_gradient == "sum" and data["batch_gradient"] == "sum" and data["mode"] == "batch"
    _agrees_with_torch(spec, data, steps=2000)
    # the first update, as the JSON writes it, is torch's first summed step
    _, first = torch_replay(dataclasses.replace(spec, steps=1))
    for label, value in first.items():
        assert math.isclose(data["updated"][label], value, rel_tol=1e-12), label
