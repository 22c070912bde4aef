"""`explainer check`: verdicts, errors carried forward, and the slip catalogue."""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explainer import examples
from explainer.checker import paper
from explainer.checker.claims import load_claims
from explainer.checker.slips import CATALOGUE, twists
from explainer.checker.verdicts import CORRECT, FOLLOWS, WRONG
from explainer.cli.command import main
from explainer.engines import symbolic
from explainer.spec import load_spec
from tests.checking import claims_of, judge
from tests.conftest import REPO
from tests.strategies import specs

SEED_CLAIMS = examples.seed_claims()
SEED_SPEC = examples.seed_spec()
RIGHT_IN_THE_SEED = {"cost", "output.h1", "output.L1", "output.L2", "cost_derivative.L1"}


@pytest.fixture(scope="module")
def seed_check():
    return judge(load_claims(SEED_CLAIMS))


def test_the_seed_forward_pass_cost_and_cost_derivative_are_right(seed_check):
    verdicts = {v.key: v.verdict for v in seed_check.verdicts}
    assert {k for k, v in verdicts.items() if v == CORRECT} == RIGHT_IN_THE_SEED
    assert set(verdicts.values()) == {CORRECT, WRONG, FOLLOWS}


def test_every_wrong_seed_claim_is_the_derivative_at_output_slip(seed_check):
    wrong = [v for v in seed_check.verdicts if v.verdict == WRONG]
    assert {v.key for v in wrong} >= {"activation_derivative.L1", "activation_derivative.h1", "delta.L2"}
    assert all(v.diagnosis == ("activation_derivative_at_output",) for v in wrong)


def test_carried_claims_name_the_earlier_claims_they_follow_from(seed_check):
    by_key = {v.key: v for v in seed_check.verdicts}
    assert by_key["delta.L1"].verdict == FOLLOWS
    assert by_key["delta.L1"].follows_from == ("activation_derivative.L1",)
    assert by_key["gradient.w5"].follows_from == ("delta.L1",)
    assert set(by_key["gradient.w1"].follows_from) == {"activation_derivative.h1", "delta.L1", "delta.L2"}
    assert all(by_key[k].verdict != CORRECT for k in by_key if k not in RIGHT_IN_THE_SEED)


def test_the_slip_reproduces_every_printed_digit_of_the_seed():
    """Redone with σ′ at the output, the step gives each of the seed's wrong numbers to
    within one unit of its last printed digit, or, for the 17-digit ones, to within two
    float64 ulps: the seed printed float64 values, whose last digits carry its own
    rounding (even its right cost is 9 ulps from the true value)."""
    claims = load_claims(SEED_CLAIMS)
    at_output = dict(twists(claims.spec.network))["activation_derivative_at_output"]
    slipped = paper.work(claims.spec, twist=at_output)
    with mpmath.workdps(50):
        for c in claims.claims:
            if c.key in RIGHT_IN_THE_SEED:
                continue
            printed = paper.mp(c.value)
            gap = abs(slipped.value[c.key] - printed)
            ulps = mpmath.mpf(2) ** (mpmath.floor(mpmath.log(abs(printed), 2)) - 51)
            assert gap <= max(mpmath.mpf(10) ** -c.decimals, ulps), c.key
            assert c.decimals >= 14


def test_the_paper_computation_matches_the_engines_on_random_networks():
    """The paper computation is a third, independent one: checked against SymPy in `check`."""
    spec = load_spec(REPO / "tests" / "specs" / "half-shared-frozen.toml")
    on_paper = paper.work(spec)
    step = symbolic.step(spec, symbolic.derive(spec.network))
    for p in spec.network.parameters:
        assert abs(on_paper.value[f"gradient.{p.label}"] - float(step.values.gradient[p.label])) < 1e-12


ALL_KEYS_OF = ("output.", "activation_derivative.", "cost_derivative.", "delta.", "gradient.",
               "updated.", "after.output.")


def _claimable(values: dict) -> dict:
    """Every quantity a person computes (an input neuron's value is given, not computed),
    where it is a number: a slip can take a logarithm of 0 (NaN), which no one writes down."""
    return {k: v for k, v in values.items()
            if (k.startswith(ALL_KEYS_OF) or k in ("cost", "after.cost"))
            and not k.split(".")[-1].startswith("x") and mpmath.isfinite(v)}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.integers(1, 8))
def test_correct_claims_rounded_to_a_few_digits_are_never_wrong(spec, digits):
    true = _claimable(paper.work(spec).value)
    result = judge(claims_of(spec, true, digits))
    assert all(v.verdict == CORRECT for v in result.verdicts), [
        (v.key, v.claim.written, float(v.true)) for v in result.verdicts if v.verdict != CORRECT]


# Learning rates a person might use instead of the spec's (for the slip wrong_learning_rate).
RATES = [Fraction(k, 20) for k in range(1, 41)] + [Fraction(1, 100), Fraction(1, 1000)]


@pytest.mark.parametrize("slip_id", sorted(CATALOGUE))
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(spec=specs(), data=st.data())
def test_a_planted_slip_is_found_again(slip_id, spec, data):
    """Claims computed with one slip: every number it changes is called wrong (or carried)
    and diagnosed with that slip."""
    rate = data.draw(st.sampled_from([r for r in RATES if r != spec.learning_rate]))
    ways = [t for sid, t in twists(spec.network, rate) if sid == slip_id]
    assume(ways)  # the slip can happen in this network (e.g. a sigmoid or tanh for σ′(o))
    twist = data.draw(st.sampled_from(ways))
    planted = _claimable(paper.work(spec, twist=twist).value)
    true = paper.work(spec).value
    if twist.learning_rate is not None:
        # One update alone cannot tell another η from any other slip in it: the checker names
        # the rate only where two or more updates show it.
        moved = [k for k in planted if k.startswith("updated.") and abs(planted[k] - true[k]) > 1e-9]
        assume(len(moved) >= 2)
    result = judge(claims_of(spec, planted, 12))
    changed = [v for v in result.verdicts if v.verdict != CORRECT]
    if any(abs(planted[k] - true[k]) > 1e-6 * max(1, abs(true[k])) for k in planted):
        assert changed  # a slip that shows must be noticed
    assert all(slip_id in v.diagnosis for v in changed if v.verdict == WRONG), [
        (v.key, v.diagnosis) for v in changed]


@pytest.mark.parametrize("slip_id", sorted(CATALOGUE))
def test_each_slip_planted_in_a_known_network_is_named(slip_id):
    """The same, on fixed networks where every slip shows: the seed (sum of squares) and
    the ½-cost network with shared frozen biases (for missing_half)."""
    half = REPO / "tests" / "specs" / "half-shared-frozen.toml"
    spec = load_spec(half if slip_id == "missing_half" else SEED_SPEC)
    for twist in [t for sid, t in twists(spec.network, Fraction(13, 20)) if sid == slip_id]:
        planted = _claimable(paper.work(spec, twist=twist).value)
        result = judge(claims_of(spec, planted, 10))
        wrong = [v for v in result.verdicts if v.verdict == WRONG]
        assert wrong, (slip_id, twist)
        assert all(slip_id in v.diagnosis for v in wrong), [(v.key, v.diagnosis) for v in wrong]


def test_conventions_of_the_general_networks_are_checked(tmp_path):
    """½ cost, shared frozen biases, target-major numbering: right claims are right, and a
    planted ½-convention slip is found — where every number it changes shows it (here the
    cost too); with the cost written right, the slip does not fit and is dropped, saying why."""
    spec_file = tmp_path / "net.toml"
    spec_file.write_bytes((REPO / "tests" / "specs" / "half-shared-frozen.toml").read_bytes())
    spec = load_spec(spec_file)
    true = paper.work(spec).value
    slipped = paper.work(spec, twist=dict(twists(spec.network))["missing_half"]).value
    lines = ['spec = "net.toml"', "[claims]", f"cost = {mpmath.nstr(slipped['cost'], 6)}",
             "[claims.gradient]"] + [f"{p.label} = {mpmath.nstr(true['gradient.' + p.label], 6)}"
                                     for p in spec.network.parameters] + [
             "[claims.updated]", f"b1 = {mpmath.nstr(true['updated.b1'], 6)}",
             f"w1 = {mpmath.nstr(true['updated.w1'], 6)}",
             "[claims.cost_derivative]", f"L1 = {mpmath.nstr(slipped['cost_derivative.L1'], 6)}",
             "[claims.delta]", f"L2 = {mpmath.nstr(slipped['delta.L2'], 6)}"]
    claims_file = tmp_path / "claims.toml"
    claims_file.write_text("\n".join(lines) + "\n")
    result = judge(load_claims(claims_file))
    by_key = {v.key: v for v in result.verdicts}
    assert by_key["updated.b1"].verdict == CORRECT  # frozen: the update leaves it alone
    with mpmath.workdps(50):
        assert abs(by_key["updated.b1"].true - mpmath.mpf(35) / 100) < mpmath.mpf(10) ** -40
    assert all(by_key[f"gradient.{p.label}"].verdict == CORRECT for p in spec.network.parameters)
    assert by_key["cost_derivative.L1"].verdict == WRONG
    assert "missing_half" in by_key["cost_derivative.L1"].diagnosis
    assert "missing_half" in by_key["delta.L2"].diagnosis
    right_cost = "\n".join(lines).replace(f"cost = {mpmath.nstr(slipped['cost'], 6)}",
                                           f"cost = {mpmath.nstr(true['cost'], 6)}")
    claims_file.write_text(right_cost + "\n")
    ruled_out = {v.key: v for v in judge(load_claims(claims_file)).verdicts}["cost_derivative.L1"]
    assert "missing_half" not in ruled_out.diagnosis
    assert ruled_out.dropped[0][0] == "missing_half" and "it would also make cost" in ruled_out.dropped[0][1]


def test_the_command_prints_the_table_and_writes_every_format(tmp_path, capsys):
    code = main(["check", str(SEED_CLAIMS), "--format", "text,json,html,md,tex", "-o", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "activation_derivative_at_output" in out and "WRONG" in out
    data = json.loads((tmp_path / "article-claims.json").read_text())
    first = data["claims"][0]
    assert set(first) >= {"key", "claimed", "true", "verdict", "diagnosis", "follows_from"}
    assert first["key"] == "cost" and first["claimed"] == "0.19374977898811957"
    keys = {c["key"] for c in data["claims"]}
    assert {"gradient.w5", "after.output.L1", "cost"} <= keys
    html = (tmp_path / "article-claims.html").read_text()
    assert "Your numbers, checked" in html and "tone-wrong" in html and "tone-follows" in html
    assert "Carried forward" in (tmp_path / "article-claims.md").read_text()


def test_all_right_claims_exit_zero(tmp_path):
    spec = load_spec(SEED_SPEC)
    true = paper.work(spec).value
    (tmp_path / "article.toml").write_bytes((SEED_SPEC).read_bytes())
    (tmp_path / "c.toml").write_text('spec = "article.toml"\n[claims]\n'
                                     f"cost = {mpmath.nstr(true['cost'], 5)}\n"
                                     f"[claims.gradient]\nw5 = {mpmath.nstr(true['gradient.w5'], 4)}\n")
    assert main(["check", str(tmp_path / "c.toml"), "-o", str(tmp_path / "out")]) == 0
    assert not (tmp_path / "out").exists()  # text only: nothing written


def test_tolerance_options_replace_the_digits_rule(tmp_path, capsys):
    (tmp_path / "article.toml").write_bytes((SEED_SPEC).read_bytes())
    (tmp_path / "c.toml").write_text('spec = "article.toml"\n[claims.gradient]\nw5 = -0.06\n')
    assert main(["check", str(tmp_path / "c.toml")]) == 1  # −0.0488 is more than 0.01 from −0.06
    assert main(["check", str(tmp_path / "c.toml"), "--abs-tol", "0.02"]) == 0
    assert main(["check", str(tmp_path / "c.toml"), "--rel-tol", "0.01"]) == 1
    assert main(["check", str(tmp_path / "c.toml"), "--rel-tol", "-1"]) == 2
    capsys.readouterr()


def test_the_built_in_claims_are_the_seed_article_s(capsys):
    assert main(["check"]) == 1
    assert "activation_derivative_at_output" in capsys.readouterr().out


def test_a_run_of_several_steps_is_checked_and_carried_forward(tmp_path):
    """[claims.history.N]: right values are right; a wrong step 2 makes step 3 carried."""
    spec_file = tmp_path / "run.toml"
    spec_file.write_bytes((REPO / "tests" / "specs" / "three-samples.toml").read_bytes())
    spec = load_spec(spec_file)
    with mpmath.workdps(50):
        state = {p.label: paper.mp(p.value) for p in spec.network.parameters}
        states = []
        for _ in range(3):
            state = paper.run(spec, state)
            states.append(state)
        wrong_w1 = states[1]["w1"] + mpmath.mpf("0.1")  # a slip at step 2
        carried = paper.run(spec, states[1] | {"w1": wrong_w1})
    lines = ['spec = "run.toml"', "[claims.history.1]", f"w1 = {mpmath.nstr(states[0]['w1'], 8)}",
             "[claims.history.2]", f"w1 = {mpmath.nstr(wrong_w1, 8)}",
             "[claims.history.3]", f"w2 = {mpmath.nstr(carried['w2'], 8)}",
             f"cost = {mpmath.nstr(paper.dataset_cost(spec, states[2]), 8)}"]
    (tmp_path / "claims.toml").write_text("\n".join(lines) + "\n")
    by_key = {v.key: v for v in judge(load_claims(tmp_path / "claims.toml")).verdicts}
    assert by_key["history.1.w1"].verdict == CORRECT
    assert by_key["history.2.w1"].verdict == WRONG
    assert by_key["history.3.w2"].verdict == FOLLOWS
    assert by_key["history.3.w2"].follows_from == ("history.2.w1",)
    assert by_key["history.3.cost"].verdict == CORRECT


def test_a_checker_bug_is_reported_not_judged(monkeypatch, capsys):
    """If the paper recomputation ever disagreed with the engines, no verdict is given."""
    from explainer.checker import verdicts

    def disagree(paper, true):
        raise verdicts.CheckerDisagrees("cost: planted")

    monkeypatch.setattr(verdicts, "_self_check", disagree)
    assert main(["check"]) == 1
    captured = capsys.readouterr()
    assert "recomputation disagrees" in captured.err and "cost: planted" in captured.err
    assert "WRONG" not in captured.out
