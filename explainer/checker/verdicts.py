"""Checking numbers computed by hand: right, wrong, or wrong only because of an earlier slip.

For every claimed number:

1. **correct** when it is within its tolerance of the true value (from the symbolic
   engine, proven and checked against NumPy and finite differences), or of the value
   that follows from the person's own earlier claims when those are all correct
   (their rounded intermediate values are theirs to carry);
2. **follows_from_earlier** when it is wrong, but it is what follows from the
   person's own earlier claims, some of which are wrong — the examiner's "error
   carried forward"; `follows_from` lists those earlier claims;
3. **wrong** otherwise.

Tolerance (`Tolerance`): a number written with k decimals is right within half a unit of
its last written digit, ½·10⁻ᵏ, its own rounding, plus the rounding that propagates into it
from the person's earlier claims it is computed from (`_spread`: each claim moved by its own
half unit, the step redone; against the true value only claims judged right count), plus
10⁻¹² times max(1, |value|) for numbers printed from floating-point arithmetic. Numbers
exact by nature (a piecewise-linear activation's slope, an exact zero) get no carried rounding.
``precision = "program"`` claims must agree to ten significant digits; ``--abs-tol`` and
``--rel-tol`` replace all this with max(abs_tol, rel_tol·|true value|).

Every claim that is not correct is diagnosed: the whole step is recomputed under each
way each slip of the catalogue (`explainer.checker.slips`) can happen — once from the
network alone, once carrying the person's claims — and every slip that reproduces
the claimed number within its tolerance is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from explainer.checker import paper
from explainer.checker.claims import Claim, Claims
from explainer.checker.diagnosis import Diagnoser, Finding, parts
from explainer.checker.paper import mp
from explainer.checker.passes import Paper
from explainer.engines import symbolic, training
from explainer.engines.mpeval import to_mp
from explainer.engines.quantities import outputs_after, quantities, run_quantities
from explainer.functions import ACTIVATIONS
from explainer.spec import Spec

CORRECT, WRONG, FOLLOWS = "correct", "wrong", "follows_from_earlier"
FLOAT_ALLOWANCE = mpmath.mpf("1e-12")  # × max(1, |value|): what floating point leaves in the last digits
PROGRAM_RELATIVE = mpmath.mpf("1e-10")  # a number a program printed in full: right to 10 digits
EXACT_ALLOWANCE = mpmath.mpf("1e-30")  # × max(1, |value|): the engines' own precision, for "exact"
SELF_CHECK = mpmath.mpf("1e-30")  # the paper computation must match the engines this closely
# Conventions in which a claims file may write a quantity with the other sign: Mitchell's
# error term δ = −∂E/∂net, where ours is δ = ∂C/∂i.
NEGATED = {"mitchell": ("delta.",)}

# A key inside a run's step: history.N.sample.S.<key of one pass>, or history.N.epoch_error.
_INSIDE = re.compile(r"^history\.\d+\.(?:sample\.\d+\.|(?=epoch_error$))")
_AFTER = re.compile(r"^history\.\d+\.output\.")  # the first sample's outputs after step N


class CheckerDisagrees(RuntimeError):
    """The paper recomputation and the engines differ: a bug, never the person's fault."""


@dataclass(frozen=True)
class Tolerance:
    """How close a claim must be, by how it was written, or by the options.

    By hand: half a unit of its last written digit (its own rounding), plus the rounding
    that propagates into it from the person's other claims it depends on (`spread`,
    worked out along the step), plus 10⁻¹² × max(1, |value|) for the last digits of
    numbers printed from floating-point arithmetic. A program's full output: ten
    significant digits. Marked exact: no rounding at all. Exact by nature (a ReLU's slope,
    a zero that follows from a zero factor): its own digits' rounding only, since no
    rounding upstream can move it by a little (a slope is 1 or 0, never 0.9).
    """

    absolute: float | None = None
    relative: float | None = None

    def of(self, claim: Claim, true: mpmath.mpf, spread: mpmath.mpf | int = 0,
           exact: bool = False) -> mpmath.mpf:
        if self.absolute is not None or self.relative is not None:
            return max(mpmath.mpf(self.absolute or 0), mpmath.mpf(self.relative or 0) * abs(true))
        if claim.precision == "exact":
            return EXACT_ALLOWANCE * max(1, abs(true))
        if exact:  # nothing upstream can excuse it: exact to the digits written
            spread = 0
        if claim.precision == "program":
            return PROGRAM_RELATIVE * abs(true) + FLOAT_ALLOWANCE + spread
        return rounding(claim, true) + FLOAT_ALLOWANCE * max(1, abs(true)) + spread


def rounding(claim: Claim, value: mpmath.mpf, exact: bool = False) -> mpmath.mpf:
    """How far the number a person wrote may be from the one they computed (as it moves what
    follows from it): half a unit of its last digit by hand, float64's rounding from a
    program, nothing when exact (a slope of 1 written "1" is 1)."""
    if claim.precision == "exact" or exact:
        return mpmath.mpf(0)
    if claim.precision == "program":
        return abs(value) * mpmath.mpf(2) ** -53
    return mpmath.mpf(10) ** (-claim.decimals) / 2


@dataclass(frozen=True)
class Verdict:
    """What the checker says about one claim (`true` and `carried` in the claim's own convention)."""

    claim: Claim
    true: mpmath.mpf
    verdict: str
    tolerance: mpmath.mpf
    carried: mpmath.mpf | None  # what follows from the person's own earlier claims
    follows_from: tuple[str, ...]
    diagnosis: tuple[str, ...]  # catalogue slip ids (or pairs "a+b") reproducing the claimed number
    slipped: Mapping[str, mpmath.mpf]  # per diagnosed slip: the value it gives
    dropped: tuple[tuple[str, str], ...] = ()  # slips that reproduce it but that another claim rules out

    @property
    def key(self) -> str:
        return self.claim.key

    @property
    def ok(self) -> bool:
        return self.verdict == CORRECT


@dataclass(frozen=True)
class Check:
    claims: Claims
    verdicts: tuple[Verdict, ...]
    # What the diagnosis found out about how the person worked, where a slip named needs it:
    # {"learning_rate": η} when their updates use another rate than the spec's.
    inferred: Mapping[str, Fraction] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def verdict(self, key: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.key == key), None)


def truth(spec: Spec, step: symbolic.SymbolicStep, points: list[training.Point] | None,
          wanted: Iterable[str] = ()) -> tuple[dict[str, mpmath.mpf], set[str]]:
    """Every quantity a claim can name, from the symbolic engine (see `engines.quantities`),
    and the keys of those that are exact by nature: an exact zero (a zero factor made it so)
    or the slope of a piecewise-linear activation (0, 1, the leak). Other exact numbers (a
    sigmoid's 1/4 at 0) are rounded by people like any other. Values inside a run's steps
    (a sample's pass, the epoch error) are computed for the steps `wanted` keys name."""
    values = quantities(spec, step, points or ())
    wanted = list(wanted)
    inside = sorted({int(k.split(".")[1]) for k in wanted if _INSIDE.match(k)})
    if inside and points:
        values |= run_quantities(spec, step.derivation, points, inside)
    after = sorted({int(k.split(".")[1]) for k in wanted if _AFTER.match(k)})
    if after and points:
        values |= outputs_after(spec, step.derivation, points, after)
    net = spec.network
    piecewise = {f"activation_derivative.{n}" for layer in range(1, net.depth + 1)
                 if ACTIVATIONS[net.activations[layer - 1]].piecewise_linear for n in net.neurons(layer)}
    exact = {k for k, x in values.items() if x == 0 or _INSIDE.sub("", k) in piecewise}
    return {k: to_mp(x) for k, x in values.items()}, exact


def sign_of(claims: Claims, key: str) -> int:
    """−1 where the claims' convention writes `key` with the other sign than ours, else 1."""
    return -1 if key.startswith(NEGATED.get(claims.notation, ())) else 1


def check(claims: Claims, step: symbolic.SymbolicStep, tolerance: Tolerance = Tolerance()) -> Check:
    """Judge every claim (see the module docstring)."""
    spec = claims.spec
    wants_history = any(c.key.startswith("history.") for c in claims.claims)
    points = training.symbolic_run(spec, step.derivation) if wants_history else None
    true, exact = truth(spec, step, points, [c.key for c in claims.claims])
    by_key = {c.key: c for c in claims.claims}
    with mpmath.workdps(max(paper.PRECISION, step.digits)):  # a saturated step needs more
        # In our convention from here on: a Mitchell δ is read as −δ.
        written = {c.key: sign_of(claims, c.key) * mp(c.value) for c in claims.claims}
        plain = paper.work(spec)
        _self_check(plain.value, true)
        carried = paper.work(spec, claimed=written)
        runs = _carried_runs(spec, claims, written)
        spread = _spread(spec, claims, written, carried, exact)

        def carried_from(key: str, sources: list[str]) -> mpmath.mpf:
            return mpmath.fsum(spread[s].get(key, 0) for s in sources if s in spread)

        # Against what the person's own numbers give: their own rounding and that of every
        # claim it was computed from.
        tol = {c.key: tolerance.of(c, true[c.key], carried_from(c.key, list(spread)), c.key in exact)
               for c in claims.claims}
        diagnoser = Diagnoser(spec, written, plain, carried, tol.__getitem__)
        verdicts: dict[str, Verdict] = {}
        for claim in sorted(claims.claims, key=lambda c: _order(c.key, plain.value)):
            key, c = claim.key, written[claim.key]
            sources = tuple(sorted(carried.sources.get(key, frozenset()) | runs.sources.get(key, frozenset())))
            person = runs.value.get(key, carried.value.get(key))
            upstream_wrong = tuple(s for s in sources if s in verdicts and not verdicts[s].ok)
            # Against the truth: only the rounding of claims that are right can excuse a gap.
            right = [s for s in spread if s in verdicts and verdicts[s].ok]
            to_truth = tolerance.of(claim, true[key], carried_from(key, right), key in exact)
            if abs(c - true[key]) <= to_truth or (person is not None and not upstream_wrong and sources
                                                  and abs(c - person) <= tol[key]):
                verdict, follows = CORRECT, ()
            elif person is not None and upstream_wrong and abs(c - person) <= tol[key]:
                verdict, follows = FOLLOWS, upstream_wrong
            else:
                verdict, follows = WRONG, ()
            finding = Finding({}, ())
            if verdict != CORRECT:
                finding = diagnoser.diagnose(key, c, true[key], person, pairs=verdict == WRONG)
            sign = sign_of(claims, key)
            verdicts[key] = Verdict(by_key[key], sign * true[key], verdict, to_truth,
                                    None if person is None else sign * person, follows,
                                    tuple(finding.named), {s: sign * v for s, v in finding.named.items()},
                                    finding.dropped)
    ordered = tuple(verdicts[c.key] for c in claims.claims)
    # The rate is reported where the slip is named, or ruled out (the reader sees which η).
    tried = {s for v in ordered for d in (*v.diagnosis, *(slip for slip, _ in v.dropped)) for s in parts(d)}
    inferred = {"learning_rate": diagnoser.learning_rate} if "wrong_learning_rate" in tried else {}
    return Check(claims, ordered, inferred)


def _spread(spec: Spec, claims: Claims, written: Mapping[str, mpmath.mpf], carried: Paper,
            exact: set[str]) -> dict[str, dict[str, mpmath.mpf]]:
    """How far the rounding of each claim can move every number that follows from it.

    Each claim a person wrote is off from what they computed by up to its `rounding`;
    redoing the step with that claim moved by that much shows how much every later number
    moves (to first order: the moves are tiny). By claim, then by the key moved; one paper
    step per claim. A number exact by nature is not moved: it has no rounding.
    """
    out: dict[str, dict[str, mpmath.mpf]] = {}
    for claim in claims.claims:
        half = rounding(claim, written[claim.key], claim.key in exact)
        if not half or claim.key not in carried.value:
            continue
        nudged = {**written, claim.key: written[claim.key] + half}
        moved = paper.work(spec, claimed=nudged)
        # A number the claim makes infinite (−log 0 from an output written 0.0) has no
        # spread to speak of: it is not a number the person carried.
        out[claim.key] = {k: abs(v - carried.value[k]) for k, v in moved.value.items()
                          if k in carried.value and k != claim.key
                          and mpmath.isfinite(v) and mpmath.isfinite(carried.value[k])}
    return out


def _order(key: str, known: Mapping[str, mpmath.mpf]) -> tuple[int, int]:
    """Claims are judged in the order the step computes them, so a claim's earlier
    claims have their verdicts first."""
    keys = list(known)
    if key in known:
        return (0, keys.index(key))
    return (1, int(key.split(".")[1]) if key.startswith("history.") else 0)


def _self_check(paper: Mapping[str, mpmath.mpf], true: Mapping[str, mpmath.mpf]) -> None:
    for key, value in paper.items():
        if key in true and abs(value - true[key]) > SELF_CHECK * max(1, abs(true[key])):
            raise CheckerDisagrees(f"{key}: the paper recomputation gives {mpmath.nstr(value, 20)}, "
                                   f"the engines {mpmath.nstr(true[key], 20)}")


@dataclass
class _Runs:
    value: dict[str, mpmath.mpf]
    sources: dict[str, frozenset[str]]


def _carried_runs(spec: Spec, claims: Claims, written: Mapping[str, mpmath.mpf]) -> _Runs:
    """The run's later steps as the person carries them: each step starts from the
    parameters they wrote for the step before (where they wrote them)."""
    steps = sorted({int(c.key.split(".")[1]) for c in claims.claims if c.key.startswith("history.")})
    out = _Runs({}, {})
    if not steps:
        return out
    labels = [p.label for p in spec.network.parameters]
    state = {p.label: mp(p.value) for p in spec.network.parameters}
    earlier: frozenset[str] = frozenset()
    for n in range(1, max(steps) + 1):
        state = paper.run(spec, state)
        for label in labels:
            out.value[f"history.{n}.{label}"] = state[label]
            out.sources[f"history.{n}.{label}"] = earlier
        out.value[f"history.{n}.cost"] = paper.dataset_cost(
            spec, {k: written.get(f"history.{n}.{k}", state[k]) for k in labels})
        mine = frozenset(k for k in (f"history.{n}.{label}" for label in labels) if k in written)
        out.sources[f"history.{n}.cost"] = mine | earlier
        state = {k: written.get(f"history.{n}.{k}", state[k]) for k in labels}
        earlier = mine or earlier
    return out
