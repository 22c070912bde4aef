"""The walkthrough of the two [training] options of issue 17.

A batch step with `batch_gradient = "sum"` says and shows the sum where a mean batch says
and shows the mean: the overview, the batch table, the update rule, the matrix form, the
landscape's move and the run section. Without a learning rate the walkthrough stops at the
gradients: no update, no sanity check, no η in the overview or notation, no ring on the
landscape, no update slides; the terminal summary and `explainer check` say so too.
"""

from __future__ import annotations

import dataclasses

import pytest

from explainer.checker.claims import parse_claims
from explainer.cli.command import main
from explainer.cli.explain import summary
from explainer.output.render import render
from explainer.pipeline import explain
from explainer.spec import SpecError, load_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.deck import build_deck
from tests.conftest import SPECS


@pytest.fixture(scope="module")
def summed():
    return explain(load_spec(SPECS / "batch-sum.toml"))


@pytest.fixture(scope="module")
def unstepped():
    return explain(load_spec(SPECS / "no-learning-rate.toml"))


def test_a_summed_batch_says_and_shows_the_sum(summed):
    md = render(build(summed), "md")
    anchors = [s.anchor for s in build(summed).sections]
    assert "update" in anchors and "sanity-check" in anchors
    assert "the first update adds up the gradients of all of them" in md
    assert "The update uses the sum of the 2 gradients" in md
    assert r"p^{+} = p - \eta\, \sum_{s=1}^{2} \frac{\partial C_{s}}{\partial p}" in md
    assert r"- \eta\, \sum_{s=1}^{2} \frac{\partial C_{s}}{\partial W^{(2)}}" in md  # the matrix form
    assert "the sum of the 2 samples' gradients" in md
    assert "one update per step with the sum of the samples' gradients" in md
    assert "mean of the" not in md and "averages the gradients" not in md


def test_a_mean_batch_says_and_shows_the_mean(summed):
    spec = dataclasses.replace(summed.spec, batch_gradient="mean")
    md = render(build(explain(spec)), "md")
    assert "the first update averages the gradients of all of them" in md
    assert "The update uses the mean of the 2 gradients" in md
    assert r"\frac{1}{2} \sum_{s=1}^{2} \frac{\partial C_{s}}{\partial p}" in md
    assert "one update per step with the mean of the samples' gradients" in md
    assert "sum of the 2" not in md


def test_without_a_learning_rate_the_walkthrough_stops_at_the_gradients(unstepped):
    doc = build(unstepped)
    anchors = [s.anchor for s in doc.sections]
    assert "update" not in anchors and "sanity-check" not in anchors and "training-run" not in anchors
    assert {"last-layer", "landscape", "matrix-form", "agreement"} <= set(anchors)
    md = render(doc, "md")
    assert "The learning rate is" not in md and r"\eta =" not in md
    assert "p^{+}" not in md.split("## The last")[1]  # the rule is stated once, in general
    assert "No learning rate is given, so this walkthrough stops at the gradients" in md
    assert "ring" not in md and "Update." not in md and "after the step differ" not in md
    assert dict(doc.summary)["Learning rate η"].startswith("none given")
    for fmt in ("tex", "html"):
        assert render(doc, fmt)
    titles = [frame.title for frame in build_deck(unstepped).frames]
    assert "The update" not in titles and "The sanity check" not in titles


def test_without_a_learning_rate_a_batch_gets_its_gradient_shown():
    spec = dataclasses.replace(load_spec(SPECS / "batch-sum.toml"), learning_rate=None, steps=1)
    doc = build(explain(spec))
    assert [s.title for s in doc.sections if s.anchor == "batch-gradient"] == ["The batch's gradient"]
    md = render(doc, "md")
    assert "the walkthrough stops at the batch's gradient: the sum of the 2 gradients" in md


def test_the_terminal_summary_says_the_cost_and_the_gradients_only(unstepped):
    text = summary(unstepped, [])
    assert "no learning rate" in text and "->" not in text.split("agreement")[0]
    assert "gradients  w1 " in text and "(12 in all)" in text


def test_claims_about_the_step_of_a_spec_without_a_learning_rate_are_refused(tmp_path):
    spec = (SPECS / "no-learning-rate.toml").resolve()
    for section in ("updated", "step", "change", "after", "history"):
        body = "cost = 0.1" if section == "after" else ("[claims.history.1]\ncost = 0.1" if section == "history"
                                                        else "w5 = 0.1")
        header = "" if section == "history" else f"[claims.{section}]\n"
        raw = f'spec = "{spec}"\n[claims]\ncost = 0.19\n{header}{body}\n'.encode()
        with pytest.raises(SpecError, match=f"claims.{section}: the spec has no learning rate"):
            parse_claims(raw, "c.toml", tmp_path)
    good = f'spec = "{spec}"\n[claims]\ncost = 0.19375\n[claims.gradient]\nw5 = -0.0487559\n'
    (tmp_path / "c.toml").write_text(good)
    assert main(["check", str(tmp_path / "c.toml"), "-o", str(tmp_path / "out")]) == 0
