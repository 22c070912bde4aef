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

Tolerance: a number written with k decimals is right within one unit of its last
written digit, 10⁻ᵏ: half a unit for its own rounding and half a unit for rounding
carried from earlier steps the person did not write down; plus 10⁻¹² times
max(1, |value|), for numbers printed from floating-point arithmetic (whose last
digits are rounding noise, and which print 1e-17 for a derivative that is 0). ``--abs-tol`` and
``--rel-tol`` replace this rule with max(abs_tol, rel_tol·|true value|).

Every claim that is not correct is diagnosed: the whole step is recomputed under each
way each slip of the catalogue (`explainer.checker.slips`) can happen — once from the
network alone, once carrying the person's claims — and every slip that reproduces
the claimed number within its tolerance is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import mpmath

from explainer.checker import paper
from explainer.checker.claims import Claim, Claims
from explainer.checker.paper import mp
from explainer.checker.slips import twists
from explainer.engines import symbolic, training
from explainer.engines.mpeval import to_mp
from explainer.engines.quantities import quantities
from explainer.spec import Spec

CORRECT, WRONG, FOLLOWS = "correct", "wrong", "follows_from_earlier"
FLOAT_ALLOWANCE = mpmath.mpf("1e-12")  # × max(1, |value|): what floating point leaves in the last digits
SELF_CHECK = mpmath.mpf("1e-30")  # the paper computation must match the engines this closely


class CheckerDisagrees(RuntimeError):
    """The paper recomputation and the engines differ: a bug, never the person's fault."""


@dataclass(frozen=True)
class Tolerance:
    """How close a claim must be: one unit of its last digit by default, or the options."""

    absolute: float | None = None
    relative: float | None = None

    def of(self, claim: Claim, true: mpmath.mpf) -> mpmath.mpf:
        if self.absolute is not None or self.relative is not None:
            return max(mpmath.mpf(self.absolute or 0), mpmath.mpf(self.relative or 0) * abs(true))
        return mpmath.mpf(10) ** (-claim.decimals) + FLOAT_ALLOWANCE * max(1, abs(true))


@dataclass(frozen=True)
class Verdict:
    """What the checker says about one claim."""

    claim: Claim
    true: mpmath.mpf
    verdict: str
    tolerance: mpmath.mpf
    carried: mpmath.mpf | None  # what follows from the person's own earlier claims
    follows_from: tuple[str, ...]
    diagnosis: tuple[str, ...]  # catalogue slip ids reproducing the claimed number
    slipped: Mapping[str, mpmath.mpf]  # per diagnosed slip: the value it gives

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

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def verdict(self, key: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.key == key), None)


def truth(step: symbolic.SymbolicStep, points: list[training.Point] | None) -> dict[str, mpmath.mpf]:
    """Every quantity a claim can name, from the symbolic engine (see `engines.quantities`)."""
    return {k: to_mp(x) for k, x in quantities(step, points or ()).items()}


def check(claims: Claims, step: symbolic.SymbolicStep, tolerance: Tolerance = Tolerance()) -> Check:
    """Judge every claim (see the module docstring)."""
    spec = claims.spec
    wants_history = any(c.key.startswith("history.") for c in claims.claims)
    points = training.symbolic_run(spec, step.derivation) if wants_history else None
    true = truth(step, points)
    with mpmath.workdps(paper.PRECISION):
        written = {c.key: mp(c.value) for c in claims.claims}
        plain = paper.work(spec)
        _self_check(plain.value, true)
        carried = paper.work(spec, claimed=written)
        runs = _carried_runs(spec, claims, written)
        slip_worlds = [(sid, paper.work(spec, twist=t), paper.work(spec, claimed=written, twist=t))
                       for sid, t in twists(spec.network)]
        verdicts: dict[str, Verdict] = {}
        for claim in sorted(claims.claims, key=lambda c: _order(c.key, plain.value)):
            key, c = claim.key, written[claim.key]
            tol = tolerance.of(claim, true[key])
            sources = tuple(sorted(carried.sources.get(key, frozenset()) | runs.sources.get(key, frozenset())))
            person = runs.value.get(key, carried.value.get(key))
            upstream_wrong = tuple(s for s in sources if s in verdicts and not verdicts[s].ok)
            if abs(c - true[key]) <= tol or (person is not None and not upstream_wrong and sources
                                             and abs(c - person) <= tol):
                verdict, follows = CORRECT, ()
            elif person is not None and upstream_wrong and abs(c - person) <= tol:
                verdict, follows = FOLLOWS, upstream_wrong
            else:
                verdict, follows = WRONG, ()
            diagnosis: dict[str, mpmath.mpf] = {}
            if verdict != CORRECT:
                for sid, pure, with_claims in slip_worlds:
                    # A slip counts only where it changes the number: carrying the
                    # person's own claims, most slips upstream of them change nothing.
                    for world, without in ((pure, true[key]), (with_claims, person)):
                        value = world.value.get(key)
                        if (sid not in diagnosis and value is not None and abs(c - value) <= tol
                                and (without is None or abs(value - without) > tol)):
                            diagnosis[sid] = value
            verdicts[key] = Verdict(claim, true[key], verdict, tol, person, follows,
                                    tuple(diagnosis), diagnosis)
    ordered = tuple(verdicts[c.key] for c in claims.claims)
    return Check(claims, ordered)


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
