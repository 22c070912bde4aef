"""Naming the slip behind a wrong number: one slip, or two at once, that fits every claim.

For each way each slip of the catalogue can happen in the network (`slips.twists`),
the whole step is redone twice (a `World`): from the network alone ("pure") and
carrying the person's own claims ("carried"). A slip explains a claimed number when
one of its worlds reproduces the number — and changes it, since a slip upstream of a
person's own claims changes nothing after them.

That is not enough: a slip changes more than one number. Halving the cost's
derivative by taking the cost with an extra ½ also halves the cost; if the person
wrote the cost right, they did not make that slip. So a slip is named for a claim
only if, in the world that reproduces it, every other claim the slip would change
is the number the slip gives. A candidate that fails this is `dropped`, with the
first claim that rules it out, so the report can say why.

When no single slip explains a wrong number, pairs of slips of different kinds are
tried (their `Twist`s merged), and a pair that reproduces it and fits every claim is
named as one entry, the two ids joined by "+" in catalogue order. The pairs are
built only when some number needs them: most checks never do.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import mpmath

from explainer.checker import paper
from explainer.checker.passes import Paper
from explainer.checker.slips import CATALOGUE, Twist, twists
from explainer.spec import Spec

ORDER = {slip_id: n for n, slip_id in enumerate(CATALOGUE)}
JOIN = "+"


def parts(diagnosis: str) -> list[str]:
    """The catalogue ids of a diagnosis entry: one, or the two of a pair."""
    return diagnosis.split(JOIN)


UPDATES = {"updated": -1, "change": -1, "step": 1}  # what each is, as a multiple of η·∂C/∂p (from p)
SIMPLEST = 6  # decimals tried for the learning rate the updates fit


def inferred_learning_rate(spec: Spec, written: Mapping[str, mpmath.mpf], carried: Paper,
                           tolerance: Callable[[str], mpmath.mpf]) -> Fraction | None:
    """The one learning rate, other than the spec's, that every update claimed fits, if any.

    Each claimed update (p⁺, the change p⁺ − p or the step η·∂C/∂p) with the person's own
    gradient g (as they carry it) pins η to an interval, by its tolerance; where two or more
    such intervals overlap and leave out the spec's η, the simplest decimal in the overlap is
    the rate the person used (0.65 rather than 0.6499987).
    """
    if not spec.steps_taken:  # no learning rate, no updates to fit one to
        return None
    eta = paper.mp(spec.learning_rate)
    low, high, count = mpmath.mpf("-inf"), mpmath.mpf("inf"), 0
    for key, value in written.items():
        kind, _, label = key.partition(".")
        if kind not in UPDATES or label in spec.frozen or f"step.{label}" not in carried.value:
            continue
        g = carried.value[f"step.{label}"] / eta  # the gradient the update uses (a batch's mean or sum)
        amount = value - paper.mp(spec.network.parameter(label).value) if kind == "updated" else value
        slack = tolerance(key)
        # The gradient the update was made from is rounded too: as written, or (not written)
        # at least as coarsely, relatively, as the update itself.
        g_slack = (tolerance(f"gradient.{label}") if f"gradient.{label}" in written
                   else abs(g) * slack / max(abs(amount), slack))
        if abs(g) <= 2 * g_slack:
            continue  # a gradient that rounding could make zero pins no rate
        ends = [a / (UPDATES[kind] * (g + d))  # η = amount / (±g), at the corners of both roundings
                for a in (amount - slack, amount + slack) for d in (-g_slack, g_slack)]
        low, high, count = max(low, min(ends)), min(high, max(ends)), count + 1
    if count < 2 or low > high or high <= 0 or low <= eta <= high:
        return None
    for decimals in range(1, SIMPLEST + 1):  # the simplest number in [low, high]
        step = mpmath.mpf(10) ** -decimals
        candidate = mpmath.ceil(max(low, 0) / step) * step
        if candidate <= high:
            return Fraction(int(mpmath.nint(candidate / step)), 10 ** decimals)
    return None


@dataclass(frozen=True)
class World:
    """The step redone with a slip (or a pair): from the network alone and carrying the claims."""

    slip: str
    pure: Paper
    carried: Paper


@dataclass(frozen=True)
class Finding:
    """What the diagnosis says of one claim: the slips named (with the value each gives)
    and the candidates dropped because another claim rules them out (with why)."""

    named: Mapping[str, mpmath.mpf]
    dropped: tuple[tuple[str, str], ...]


class Diagnoser:
    """Every slip world of one check, and the test of a slip against all the claims.

    `tolerance(key)` is how close a number written for `key` must be; `plain` is the
    step done right from the network, `carried` done right carrying the claims.
    """

    def __init__(self, spec: Spec, written: Mapping[str, mpmath.mpf], plain: Paper, carried: Paper,
                 tolerance: Callable[[str], mpmath.mpf]) -> None:
        self.spec, self.written, self.plain, self.carried = spec, written, plain, carried
        self.tolerance = tolerance
        self.learning_rate = inferred_learning_rate(spec, written, carried, tolerance)
        self._twists = twists(spec.network, self.learning_rate, spec.steps_taken)

    def _world(self, slip: str, twist: Twist) -> World:
        return World(slip, paper.work(self.spec, twist=twist),
                     paper.work(self.spec, claimed=self.written, twist=twist))

    @cached_property
    def singles(self) -> list[World]:
        return [self._world(slip, twist) for slip, twist in self._twists]

    @cached_property
    def pairs(self) -> list[World]:
        out = []
        for (a, ta), (b, tb) in itertools.combinations(self._twists, 2):
            if a == b:
                continue
            merged = ta.merged(tb)
            if merged is not None:
                first, second = sorted((a, b), key=ORDER.__getitem__)
                out.append(self._world(f"{first}{JOIN}{second}", merged))
        return out

    def diagnose(self, key: str, claimed: mpmath.mpf, true: mpmath.mpf, person: mpmath.mpf | None,
                 pairs: bool = True) -> Finding:
        """The slips that explain the number claimed for `key`, or, failing any and if
        `pairs`, the pairs of slips. The single slips ruled out are reported either way."""
        named, dropped = self._search(self.singles, key, claimed, true, person)
        if not named and pairs:
            named, _ = self._search(self.pairs, key, claimed, true, person)
        return Finding(named, tuple(dropped))

    def _search(self, worlds: list[World], key: str, claimed: mpmath.mpf, true: mpmath.mpf,
                person: mpmath.mpf | None) -> tuple[dict[str, mpmath.mpf], list[tuple[str, str]]]:
        tol = self.tolerance(key)
        named: dict[str, mpmath.mpf] = {}
        dropped: dict[str, str] = {}
        for world in worlds:
            if world.slip in named:
                continue
            # From the network alone, against the step done right; carrying the claims,
            # against the person's own numbers done right.
            for values, baseline, without in ((world.pure, self.plain, true),
                                              (world.carried, self.carried, person)):
                value = values.value.get(key)
                # A slip counts only where it changes the number: carrying the person's
                # own claims, most slips upstream of them change nothing.
                if value is None or abs(claimed - value) > tol or (without is not None
                                                                   and abs(value - without) <= tol):
                    continue
                conflict = self._conflict(key, values, baseline)
                if conflict is None:
                    named[world.slip] = value
                    dropped.pop(world.slip, None)
                    break
                dropped.setdefault(world.slip, conflict)
        return named, [(slip, why) for slip, why in dropped.items() if slip not in named]

    def _conflict(self, key: str, values: Paper, baseline: Paper) -> str | None:
        """The first other claim the slip would change to a number the person did not write,
        in words; None when the slip fits every claim."""
        for other, written in self.written.items():
            if other == key or other not in values.value or other not in baseline.value:
                continue
            tol = self.tolerance(other)
            slipped = values.value[other]
            if abs(slipped - baseline.value[other]) > tol and abs(written - slipped) > tol:
                return (f"it would also make {other} {mpmath.nstr(slipped, 6)}, "
                        f"where you wrote {mpmath.nstr(written, 6)}")
        return None
