"""Every activation, cost, bias mode and numbering end to end, against PyTorch autograd.

Each case is a small spec written as TOML, explained by the `explainer` command
into JSON, and checked against an independent float64 computation with torch.
Torch is a test-only dependency; these tests skip where it is absent, and fail there
when REQUIRE_ORACLE is set, as in CI (`tests.oracle`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from explainer.cli.command import main
from explainer.spec import load_spec, parse_spec
from tests.conftest import SPECS
from tests.oracle import require_torch

torch = require_torch()



def toml(layers=(2, 3, 2), activation="sigmoid", cost="sum_squared", biases=("[0.1, -0.2, 0.3]",
         "[0.05, -0.15]"), numbering="source-major", expected="[0.7, 0.2]", extra="") -> str:
    weights = (["[0.3, -0.5]", "[0.8, 0.1]", "[-0.6, 0.4]"], ["[0.7, -0.2, 0.5]", "[-0.4, 0.9, 0.3]"])
    lines = [f"[network]\nlayers = {list(layers)}\nactivation = {json.dumps(activation)}",
             f'cost = "{cost}"\nnumbering = "{numbering}"{extra}']
    for rows, bias in zip(weights, biases, strict=True):
        lines.append(f"[[network.layer]]\nweights = [{', '.join(rows)}]")
        if bias is not None:
            lines.append(f"biases = {bias}")
    lines.append(f"[training]\nlearning_rate = 0.25\n[[training.sample]]\ninput = [0.9, -1.2]\n"
                 f"expected = {expected}")
    return "\n".join(lines) + "\n"


CASES = {
    "sigmoid": toml(),
    "tanh": toml(activation="tanh"),
    "relu": toml(activation=["relu", "sigmoid"]),
    "leaky_relu": toml(activation=["leaky_relu", "linear"], extra="\nleaky_slope = 0.1"),
    "linear": toml(activation="linear"),
    "softmax_cross_entropy": toml(activation=["tanh", "softmax"], cost="cross_entropy",
                                  expected="[0.75, 0.25]"),
    "softmax_soft_targets": toml(activation=["tanh", "softmax"], cost="cross_entropy"),
    "half_sum_squared": toml(cost="half_sum_squared"),
    "mean_squared": toml(cost="mean_squared"),
    "binary_cross_entropy": toml(cost="binary_cross_entropy"),
    "shared_biases": toml(biases=("0.1", "-0.3")),
    "no_biases": toml(biases=(None, None)),
    "target_major": toml(numbering="target-major"),
}


def torch_step(spec) -> dict:
    """Forward, autograd backward, update and forward again, all in torch float64."""
    net = spec.network
    f64 = torch.float64
    W = [torch.tensor([[float(v) for v in row] for row in w], dtype=f64, requires_grad=True)
         for w in net.weights]
    b = [torch.tensor([float(v) for v in bias], dtype=f64, requires_grad=True) for bias in net.biases]
    x = torch.tensor([float(v) for v in spec.sample.input], dtype=f64)
    exp = torch.tensor([float(v) for v in spec.sample.expected], dtype=f64)
    slope = float(net.leaky_slope)
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda t: t,
           "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, slope),
           "softmax": lambda t: torch.softmax(t, dim=0)}
    cost_of = {
        "sum_squared": lambda y: torch.sum((y - exp) ** 2),
        "half_sum_squared": lambda y: 0.5 * torch.sum((y - exp) ** 2),
        "mean_squared": lambda y: torch.mean((y - exp) ** 2),
        "cross_entropy": lambda y: -torch.sum(exp * torch.log(y)),
        "binary_cross_entropy": lambda y: -torch.sum(exp * torch.log(y) + (1 - exp) * torch.log(1 - y)),
    }[net.cost]

    def forward(W, b):
        o = x
        for n, (w, name) in enumerate(zip(W, net.activations, strict=True)):
            i = w @ o
            if net.bias_modes[n] != "none":
                i = i + b[n]  # a shared bias is a one-element tensor, broadcast over the layer
            o = act[name](i)
        return cost_of(o)

    cost = forward(W, b)
    cost.backward()
    eta = float(spec.learning_rate)
    grads, updated = {}, {}
    for p in net.parameters:
        tensor = W[p.layer - 1] if p.kind == "weight" else b[p.layer - 1]
        index = (p.target, p.source) if p.kind == "weight" else (p.target or 0,)
        grads[p.label] = tensor.grad[index].item()
        updated[p.label] = (tensor[index] - (0 if p.label in spec.frozen else eta) * tensor.grad[index]).item()
    with torch.no_grad():
        W2 = [w - eta * w.grad for w in W]
        b2 = [v if all(p.label in spec.frozen for p in net.parameters
                       if p.kind == "bias" and p.layer == n + 1) else v - eta * v.grad
              for n, v in enumerate(b)]
        after = forward(W2, b2)
    return {"cost": cost.item(), "gradient": grads, "updated": updated, "after": after.item()}


def check_against_torch(spec_path: Path, out: Path) -> dict:
    assert main(["explain", str(spec_path), "-o", str(out), "--format", "json"]) == 0
    data = json.loads((out / f"{spec_path.stem}.json").read_text())
    oracle = torch_step(load_spec(spec_path))
    assert math.isclose(data["cost"], oracle["cost"], rel_tol=1e-9)
    assert math.isclose(data["after"]["cost"], oracle["after"], rel_tol=1e-9)
    assert list(data["gradient"]) == list(oracle["gradient"])
    for label, g in oracle["gradient"].items():
        assert math.isclose(data["gradient"][label], g, rel_tol=1e-9, abs_tol=1e-15), label
        assert math.isclose(data["updated"][label], oracle["updated"][label], rel_tol=1e-9), label
    return data


@pytest.mark.parametrize("case", CASES)
def test_convention_agrees_with_torch(case, tmp_path):
    spec_path = tmp_path / f"{case}.toml"
    spec_path.write_text(CASES[case])
    data = check_against_torch(spec_path, tmp_path)
    assert data["checks"]["agrees"]
    assert all(p["holds"] for p in data["checks"]["proofs"].values())


def test_half_cost_shared_frozen_biases_target_major(tmp_path):
    data = check_against_torch(SPECS / "half-shared-frozen.toml", tmp_path)
    assert list(data["parameters"]) == [f"w{k}" for k in range(1, 9)] + ["b1", "b2"]
    assert data["updated"]["b1"] == 0.35 and data["updated"]["b2"] == 0.6  # frozen
    spec = load_spec(SPECS / "half-shared-frozen.toml")
    assert spec.network.parameter("w2").source == 1 and spec.network.parameter("w2").target == 0


def test_shared_bias_gradient_sums_the_layers_deltas(tmp_path):
    spec = parse_spec(CASES["shared_biases"].encode(), "shared.toml")
    from explainer.pipeline import explain

    e = explain(spec)
    deltas = e.symbolic.values.delta
    assert e.symbolic.values.gradient["b2"] == deltas["L1"] + deltas["L2"]


@pytest.mark.parametrize("case", CASES)
def test_convention_renders_in_every_format(case, tmp_path):
    spec_path = tmp_path / f"{case}.toml"
    spec_path.write_text(CASES[case])
    assert main(["explain", str(spec_path), "-o", str(tmp_path), "--format", "tex,html,md"]) == 0
    md = (tmp_path / f"{case}.md").read_text()
    assert "sanity-check" in md and "agreement" in md
    assert "\\sigma'" in md or "tanh" in md or "softmax" in md.lower()


def test_softmax_cross_entropy_shortcut_is_shown_only_where_it_holds(tmp_path):
    from explainer.output.render import render
    from explainer.pipeline import explain
    from explainer.walkthrough.build import build

    for case, holds in (("softmax_cross_entropy", True), ("softmax_soft_targets", False)):
        e = explain(parse_spec(CASES[case].encode(), f"{case}.toml"))
        md = render(build(e), "md")
        assert ("because the expected values add up to 1" in md) is holds
        values = e.symbolic.values
        if holds:  # δ = o − exp exactly, as the note says
            for n, exp in zip(["L1", "L2"], ["0.75", "0.25"], strict=True):
                assert abs(values.delta[n] - (values.output[n] - float(exp))) < 1e-40


def torch_run(spec) -> list[float]:
    """The mean cost over the samples after every step (step 0 first), in torch float64."""
    net = spec.network
    f64 = torch.float64
    W = [torch.tensor([[float(v) for v in row] for row in w], dtype=f64) for w in net.weights]
    b = [torch.tensor([float(v) for v in bias], dtype=f64) for bias in net.biases]
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}
    samples = [(torch.tensor([float(v) for v in s.input], dtype=f64),
                torch.tensor([float(v) for v in s.expected], dtype=f64)) for s in spec.samples]
    eta = float(spec.learning_rate)

    def cost(W, b, x, e):
        o = x
        for n, (w, name) in enumerate(zip(W, net.activations, strict=True)):
            o = act[name](w @ o + b[n])
        return -torch.sum(e * torch.log(o) + (1 - e) * torch.log(1 - o))

    def grads(W, b, batch):
        W = [w.clone().requires_grad_() for w in W]
        b = [v.clone().requires_grad_() for v in b]
        total = sum(cost(W, b, x, e) for x, e in batch) / len(batch)
        total.backward()
        return [w.grad for w in W], [v.grad for v in b]

    def mean_cost(W, b):
        return float(sum(cost(W, b, x, e) for x, e in samples) / len(samples))

    costs = [mean_cost(W, b)]
    for _ in range(spec.steps):
        batches = [samples] if spec.mode == "batch" else [[s] for s in samples]
        for batch in batches:
            gW, gb = grads(W, b, batch)
            W = [w - eta * g for w, g in zip(W, gW, strict=True)]
            b = [v - eta * g for v, g in zip(b, gb, strict=True)]
        costs.append(mean_cost(W, b))
    return costs


@pytest.mark.parametrize("mode", ["sgd", "batch"])
def test_several_samples_and_steps_agree_with_torch(mode, tmp_path):
    text = (SPECS / "three-samples.toml").read_text().replace('mode = "batch"', f'mode = "{mode}"')
    spec_path = tmp_path / "run.toml"
    spec_path.write_text(text)
    assert main(["explain", str(spec_path), "-o", str(tmp_path), "--format", "json,md"]) == 0
    data = json.loads((tmp_path / "run.json").read_text())
    oracle = torch_run(load_spec(spec_path))
    assert [h["step"] for h in data["history"]] == list(range(6))
    for point, cost in zip(data["history"], oracle, strict=True):
        assert math.isclose(point["cost"], cost, rel_tol=1e-9)
    assert data["history"][-1]["cost"] < data["history"][0]["cost"]
    assert data["checks"]["history_cost_difference"] < 1e-12
    md = (tmp_path / "run.md").read_text()
    assert "Training run" in md and "xychart-beta" in md
    assert ("This is a batch step" in md) is (mode == "batch")
