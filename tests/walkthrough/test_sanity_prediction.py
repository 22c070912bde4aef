"""The sanity check's first-order prediction: the cost falls by ∇C · (η × the gradient the step
applies), so frozen parameters add nothing and a batch step's own gradient (the mean or the sum)
meets the first sample's ∇C. Checked against the numeric core's gradients, sample by sample."""

from __future__ import annotations

import dataclasses

import pytest

from explainer.engines import numeric
from explainer.pipeline import explain
from explainer.spec import load_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.context import Context
from explainer.walkthrough.sections.update import predicted_decrease
from tests.conftest import SPECS


def gradient_of(spec, sample) -> dict[str, float]:
    return dict(numeric.step(dataclasses.replace(spec, samples=(sample,), mode="sgd")).backward.gradient)


@pytest.mark.parametrize("name", ["half-shared-frozen.toml", "three-samples.toml", "batch-sum.toml"])
def test_the_prediction_is_the_gradient_times_the_step(name):
    spec = load_spec(SPECS / name)
    explanation = explain(spec)
    formula, value = predicted_decrease(Context(explanation, 6))
    first = gradient_of(spec, spec.samples[0])
    if spec.mode == "batch" and len(spec.samples) > 1:
        each = [gradient_of(spec, s) for s in spec.samples]
        scale = 1 if spec.batch_gradient == "sum" else 1 / len(each)
        applied = {k: scale * sum(g[k] for g in each) for k in first}
        assert r"\sum_{s=1}" in formula
    else:
        applied = first
    eta = float(spec.learning_rate)
    expected = eta * sum(first[k] * applied[k] for k in first if k not in spec.frozen)
    assert float(value) == pytest.approx(expected, rel=1e-9)
    if spec.frozen:
        assert any(k in spec.frozen and first[k] != 0 for k in first)  # leaving them out matters
        text = " ".join(getattr(p, "text", "") for s in build(explanation).sections
                        if s.anchor == "sanity-check" for b in s.blocks for p in getattr(b, "parts", ()))
        assert "over the parameters the step moves" in text


def test_a_batch_step_that_raises_the_first_sample_s_cost_says_why():
    """In batch-sum.toml the batch's gradient points uphill for sample 1: the text says a rise
    is what calculus expects (not that η is too large), and the landscape names the summed
    gradient it moved along, not sample 1's ∂C/∂p."""
    explanation = explain(load_spec(SPECS / "batch-sum.toml"))
    _, value = predicted_decrease(Context(explanation, 6))
    assert value < 0
    doc = build(explanation)

    def words(anchor: str) -> str:
        return " ".join(getattr(p, "text", "") or getattr(p, "latex", "") for s in doc.sections
                        if s.anchor == anchor for b in s.blocks for p in getattr(b, "parts", ()))

    sanity = words("sanity-check")
    assert "calculus predicts a rise" in sanity and "points uphill for this sample" in sanity
    assert "learning rate is too large" not in sanity
    assert r"\sum_{s=1}^{2} \frac{\partial C_{s}}{\partial b_{3}}" in words("landscape")
