"""The walkthrough model and the Markdown and JSON formats (TeX and HTML have their own files)."""

from __future__ import annotations

import json
import re

from explainer.output.json_report import to_json
from explainer.output.render import render
from explainer.walkthrough.build import build
from explainer.walkthrough.document import Equation, NetworkFigure

ANCHORS = ["network", "notation", "forward-pass", "cost", "gradient-descent", "last-layer",
           "hidden-layer", "biases", "update", "sanity-check", "landscape", "matrix-form", "agreement"]
LABELS = [f"w{k}" for k in range(1, 9)] + [f"b{k}" for k in range(1, 5)]


def test_walkthrough_has_every_section_in_order(seed):
    doc = build(seed)
    assert [s.anchor for s in doc.sections] == ANCHORS


def test_every_parameter_is_derived_factor_by_factor(seed):
    doc = build(seed)
    derivations = [b for s in doc.sections if s.anchor in ("last-layer", "hidden-layer", "biases")
                   for b in s.blocks if isinstance(b, Equation) and len(b.rows) == 4]
    for label in LABELS:
        symbol = f"{label[0]}_{{{label[1:]}}}"
        mine = [b for b in derivations if b.rows[0].lhs == rf"\frac{{\partial C}}{{\partial {symbol}}}"]
        assert len(mine) == 1, label
        chain, _, numbers, result = mine[0].rows
        assert chain.rhs.count(r"\partial") >= 6 and r"\cdot" in numbers.rhs
        assert result.relation == r"\approx"


def test_hidden_layer_points_out_the_reused_deltas(seed):
    doc = build(seed)
    hidden = next(s for s in doc.sections if s.anchor == "hidden-layer")
    notes = [b for b in hidden.blocks if getattr(b, "note", False)]
    assert notes and "dynamic programming" in "".join(getattr(p, "text", "") for p in notes[0].parts)
    rows = [r.rhs for b in hidden.blocks if isinstance(b, Equation) for r in b.rows]
    assert r"w_{5}\, \delta_{L_{1}} + w_{6}\, \delta_{L_{2}}" in rows


def test_figure_labels_every_weight_and_bias(seed):
    doc = build(seed)
    fig = next(b for s in doc.sections for b in s.blocks if isinstance(b, NetworkFigure))
    assert len(fig.neurons) == 6 and len(fig.edges) == 8
    labels = [e.label for e in fig.edges] + [n.bias for n in fig.neurons if n.bias]
    for label in LABELS:
        assert any(text.startswith(f"{label[0]}_{{{label[1:]}}} = ") for text in labels), label


def test_markdown_has_github_math_and_every_section(seed):
    text = render(build(seed), "md")
    for anchor in ANCHORS:
        assert f'<a id="{anchor}"></a>' in text
    assert text.count("$$\n\\begin{aligned}") >= 25
    assert "```mermaid" in text
    assert r"\approx -0.0487559" in text  # ∂C/∂w5, as both engines and finite differences agree


def test_markdown_escapes_user_text(seed):
    import dataclasses

    hostile = dataclasses.replace(seed.spec, title="<img src=x onerror=alert(1)> $\\input{x}$ *b*")
    text = render(build(dataclasses.replace(seed, spec=hostile)), "md")
    first = text.splitlines()[0]
    assert first == r"# \<img src=x onerror=alert(1)\> \$\\input{x}\$ \*b\*"


def test_json_has_the_contract_keys(seed):
    data = json.loads(json.dumps(to_json(seed)))
    for key in ("input", "output", "cost", "cost_derivative", "activation_derivative", "delta",
                "gradient", "updated", "after", "checks"):
        assert key in data, key
    assert set(data["output"]) == {"x1", "x2", "h1", "h2", "L1", "L2"}
    assert set(data["delta"]) == {"h1", "h2", "L1", "L2"}
    assert set(data["cost_derivative"]) == set(data["weighted_sum"]) == {"h1", "h2", "L1", "L2"}
    assert set(data["error"]) == {"L1", "L2"} and "exponential" not in data  # no softmax here
    assert list(data["gradient"]) == LABELS and list(data["updated"]) == LABELS
    assert set(data["after"]) == {"output", "cost"}
    assert data["checks"]["agrees"] is True
    assert all(p["method"] == "exact" and p["holds"] for p in data["checks"]["proofs"].values())
    assert data["after"]["cost"] < data["cost"]


def test_json_numbers_are_the_symbolic_values_rounded(seed):
    data = to_json(seed)
    assert data["output"]["L1"] == float("0.712257432295741807067627925739968956")
    assert data["cost"] == float("0.193749778988119953951107525618917640")


def test_shown_numbers_are_rounded_not_truncated(seed):
    text = render(build(seed, digits=4), "md")
    # o_L1 = 0.71225743…: four digits are 0.7123, never 0.7122
    assert re.search(r"\\approx 0\.7123\b", text)
    assert "0.7122" not in text
