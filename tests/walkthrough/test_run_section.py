"""The run section: a long run thinned to readable rows, a log-scale curve where the cost
spans decades, and the trained network's answers against the targets."""

from __future__ import annotations

import pytest

from explainer import examples
from explainer.output.render import render
from explainer.pipeline import explain
from explainer.spec import load_spec, parse_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.document import Plot, Table
from explainer.walkthrough.sections import run
from tests.conftest import SPECS


def test_a_long_table_lists_the_first_steps_then_round_ones_then_the_last():
    shown, every = run.table_steps(10_000)
    assert every == 1_000
    assert shown == [0, 1, 2, 3, 4, 5, *range(1_000, 10_000, 1_000), 10_000]


@pytest.mark.parametrize("steps", [1, 5, 15, 16, 17, 99, 100, 101, 12_345, 999_999])
def test_a_table_never_has_more_rows_than_its_limit(steps):
    shown, every = run.table_steps(steps)
    assert len(shown) <= run.TABLE_STEPS and shown[0] == 0 and shown[-1] == steps
    assert shown == sorted(set(shown))
    assert every == 1 or all(n % every == 0 for n in shown[run.FIRST_STEPS + 1:-1])


def _section(spec):
    document = build(explain(spec))
    return next(s for s in document.sections if s.anchor == "training-run")


def _seed_run(steps: int):
    text = examples.seed_spec().read_text().replace("steps = 1", f"steps = {steps}")
    return parse_spec(text.encode(), "run.toml")


def test_a_run_that_spans_decades_is_drawn_on_a_log_scale():
    section = _section(_seed_run(2_000))
    plot = next(b for b in section.blocks if isinstance(b, Plot))
    assert plot.log_y and "logarithmic" in plot.caption
    assert len(plot.points) <= run.CURVE_POINTS + 1 and plot.points[-1][0] == 2_000
    assert [t.label for t in plot.x_ticks][:2] == ["0", "500"]
    assert all(0 <= y <= 1 for _, y in plot.normalized)
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.caption == ("The mean cost after steps 0 to 5, then after every 200th step, and after the "
                             "last (2,000). The JSON output lists every parameter after every step.")


def test_a_short_run_is_listed_step_by_step_with_its_parameters():
    spec = load_spec(SPECS / "three-samples.toml")  # 9 parameters: the cost only
    section = _section(spec)
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert len(table.rows) == spec.steps + 1
    assert table.caption == ("The mean cost after every step. "
                             "The JSON output lists every parameter after every step.")
    plot = next(b for b in section.blocks if isinstance(b, Plot))
    assert not plot.log_y
    small = _section(_seed_run(3))  # 12 parameters: too many columns as well
    assert "The JSON output lists" in next(b for b in small.blocks if isinstance(b, Table)).caption
    tiny = parse_spec(b'[network]\nlayers = [1, 1]\nactivation = "sigmoid"\ncost = "sum_squared"\n'
                      b"[[network.layer]]\nweights = [[0.5]]\nbiases = [0.1]\n[training]\nlearning_rate = 0.5\n"
                      b"steps = 3\n[[training.sample]]\ninput = [1]\nexpected = [0]\n", "tiny.toml")
    assert next(b for b in _section(tiny).blocks if isinstance(b, Table)).caption == (
        "The mean cost and the parameters after every step.")


def test_the_trained_answers_stand_beside_the_targets():
    spec = load_spec(SPECS / "three-samples.toml")
    md = render(build(explain(spec)), "md")
    assert "After the last step the network answers each sample" in md
    answers = next(b for b in _section(spec).blocks
                   if isinstance(b, Table) and b.caption.startswith("The trained network's answer"))
    assert len(answers.rows) == len(spec.samples)
    assert "Both engines ran the whole loop" in md and "the allowance grows with the step" in md
