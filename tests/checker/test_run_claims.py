"""Claims inside a run: each sample's pass at step N ([claims.history.N.sample.S]), the running
epoch error online-SGD code prints (Σ of each sample's cost just before its own update), and
the first sample's outputs after step N ([claims.history.N] output). True values come from
the plain step of tests/checker/written_step.py, walked sample by sample here (sgd: each
sample's update before the next sample's pass; batch: every sample at the step's starting
parameters, one update with the mean gradient).
"""

from __future__ import annotations

import mpmath
import pytest

from explainer import examples
from explainer.checker.claims import load_claims
from explainer.checker.verdicts import CORRECT, WRONG
from explainer.spec import SpecError, load_spec
from tests.checker.written_step import DIGITS, EXAMPLES, Step, num
from tests.checking import claims_of, judge

SECOND = "\n[[training.sample]]\ninput = [0.2, -0.4]\nexpected = [0.9, 0.1]\n"


def two_samples(tmp_path, mode: str):
    text = examples.seed_spec().read_text(encoding="utf-8")
    text = text.replace("steps = 1", f'steps = 3\nmode = "{mode}"') + SECOND
    path = tmp_path / f"two-{mode}.toml"
    path.write_text(text, encoding="utf-8")
    return load_spec(path), path


def walked(spec, mode: str, steps: int) -> dict[str, mpmath.mpf]:
    """Every sample's pass in every step, keyed as claims are, from the plain step."""
    params, out = None, {}
    with mpmath.workdps(DIGITS):
        for n in range(1, steps + 1):
            at_start, gradients, error = params, [], 0
            for s, sample in enumerate(spec.samples, 1):
                one = Step(spec, EXAMPLES["seed"])
                if (params if mode == "sgd" else at_start) is not None:
                    one.start = dict(params if mode == "sgd" else at_start)
                one.x, one.exp = [num(v) for v in sample.input], [num(v) for v in sample.expected]
                values = one.run()
                params = params or dict(one.start)
                at_start = at_start or dict(one.start)
                for key in ("cost", "output.L1", "output.h2", "delta.h1", "cost_derivative.h2", "gradient.w5",
                            "gradient.b1"):
                    out[f"history.{n}.sample.{s}.{key}"] = values[key]
                error += values["cost"]
                gradients.append(one.gradient)
                if mode == "sgd":
                    params = {label: values[f"updated.{label}"] for label in one.start}
            if mode == "batch":
                eta = num(spec.learning_rate)
                params = {label: v - eta * sum(g[label] for g in gradients) / len(gradients)
                          for label, v in at_start.items()}
            out[f"history.{n}.epoch_error"] = error
            first = Step(spec, EXAMPLES["seed"])  # sample 1 again, after step n
            first.start = dict(params)
            after = first.run()
            for neuron in ("L1", "h2"):
                out[f"history.{n}.output.{neuron}"] = after[f"output.{neuron}"]
    return out


@pytest.mark.parametrize("mode", ["sgd", "batch"])
def test_every_sample_of_every_step_is_right_when_written_right(tmp_path, mode):
    spec, _ = two_samples(tmp_path, mode)
    true = walked(spec, mode, 3)
    result = judge(claims_of(spec, true, 10))
    assert len(result.verdicts) == len(true)
    assert all(v.verdict == CORRECT for v in result.verdicts), \
        [(v.key, v.claim.written) for v in result.verdicts if v.verdict != CORRECT]


def test_the_online_order_matters(tmp_path):
    """Sample 2's pass in SGD sees the parameters after sample 1's update: the batch-mode
    numbers (both samples at the step's start) are wrong for it, and the reverse."""
    spec, _ = two_samples(tmp_path, "sgd")
    batch_numbers = walked(two_samples(tmp_path, "batch")[0], "batch", 1)
    keys = [k for k in batch_numbers if k.startswith("history.1.sample.2.")] + ["history.1.epoch_error"]
    result = judge(claims_of(spec, {k: batch_numbers[k] for k in keys}, 10))
    assert {v.key for v in result.verdicts if v.verdict == WRONG} >= {
        "history.1.sample.2.output.L1", "history.1.sample.2.gradient.w5", "history.1.epoch_error"}
    # Sample 1 of step 1 sees the spec's parameters in both modes.
    first = {k: batch_numbers[k] for k in batch_numbers if k.startswith("history.1.sample.1.")}
    assert all(v.verdict == CORRECT for v in judge(claims_of(spec, first, 10)).verdicts)


def test_a_claims_file_names_them_as_the_readme_shows(tmp_path):
    spec, path = two_samples(tmp_path, "sgd")
    true = walked(spec, "sgd", 2)
    claims = tmp_path / "claims.toml"
    claims.write_text(f'''spec = "{path.name}"
[claims.history.2]
epoch_error = {mpmath.nstr(true["history.2.epoch_error"], 12)}
output = {{ L1 = {mpmath.nstr(true["history.2.output.L1"], 12)} }}
[claims.history.2.sample.2]
cost = {mpmath.nstr(true["history.2.sample.2.cost"], 12)}
output = {{ L1 = {mpmath.nstr(true["history.2.sample.2.output.L1"], 12)} }}
gradient = {{ w5 = {mpmath.nstr(true["history.2.sample.2.gradient.w5"], 12)} }}
''', encoding="utf-8")
    result = judge(load_claims(claims))
    assert [v.key for v in result.verdicts] and all(v.verdict == CORRECT for v in result.verdicts)


@pytest.mark.parametrize(("section", "problem"), [
    ("[claims.history.2.sample.3]\ncost = 0.1", "claims.history.2.sample"),
    ("[claims.history.4]\nepoch_error = 0.1", "claims.history"),
    ("[claims.history.2.sample.1]\nupdated = { w5 = 0.1 }", "claims.history.2.sample.1"),
    ("[claims.history.2]\nerror_sum = 0.1", "claims.history.2"),
])
def test_a_sample_or_step_that_is_not_there_is_a_one_line_error(tmp_path, section, problem):
    _, path = two_samples(tmp_path, "sgd")
    claims = tmp_path / "claims.toml"
    claims.write_text(f'spec = "{path.name}"\n{section}\n', encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_claims(claims)
    assert problem in str(err.value) and "\n" not in str(err.value)
