"""A claims check as a terminal table and as JSON.

The table is for reading at a glance: one line per claim with what was written,
the true value to as many digits, the verdict and the slip. The JSON has a
`claims` list of objects with `key`, `claimed` (as written, a string), `true`,
`verdict`, `diagnosis` (slip ids, a pair as "a+b"), `dropped` (slips that would
reproduce the number but that another claim rules out, with why), `follows_from`
(claim keys) and `inferred` (`learning_rate` where the diagnosis names another), plus the
catalogue entries of the slips it names and `inferred`: what the diagnosis found out
about how the person worked (`learning_rate`, as an exact decimal string, where their
updates use another η than the spec's).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from explainer.checker.diagnosis import parts
from explainer.checker.slips import CATALOGUE
from explainer.checker.verdicts import CORRECT, FOLLOWS, Check, Verdict
from explainer.walkthrough.formatting import show, show_like

MARKS = {CORRECT: "ok", "wrong": "WRONG", FOLLOWS: "carried"}


def true_text(v: Verdict) -> str:
    """The true value with as many significant digits as the claim."""
    return show_like(v.true, v.claim.written).text.replace("−", "-")


def _few(keys: tuple[str, ...], shown: int = 3) -> str:
    """At most `shown` keys, and how many more (the JSON lists them all)."""
    more = f", … (+{len(keys) - shown})" if len(keys) > shown else ""
    return ", ".join(keys[:shown]) + more


HEADER = ("claim", "claimed", "true", "verdict", "diagnosis", "follows from")


def rows(check: Check) -> list[tuple[str, ...]]:
    """One row of text per claim, in the columns of `HEADER` (the table in any format)."""
    return [(v.key, v.claim.written, true_text(v), MARKS[v.verdict], ", ".join(v.diagnosis) or "-",
             _few(v.follows_from)) for v in check.verdicts]


def tally(check: Check) -> str:
    """The one-line verdict: how many claims are right, wrong and carried forward."""
    counts = {k: sum(1 for v in check.verdicts if v.verdict == k) for k in (CORRECT, "wrong", FOLLOWS)}
    return (f"{len(check.verdicts)} claims: {counts[CORRECT]} right, {counts['wrong']} wrong, "
            f"{counts[FOLLOWS]} carried forward (wrong only because they use an earlier wrong claim).")


def slips_found(check: Check) -> list[tuple[str, str]]:
    """Each slip the diagnosis names (either of a pair too), once, with its explanation
    (and, for another learning rate, the rate the updates use)."""
    return [(slip_id, CATALOGUE[slip_id].explanation + _inferred(check, slip_id)) for slip_id in _named(check)]


def _inferred(check: Check, slip_id: str) -> str:
    if slip_id != "wrong_learning_rate" or "learning_rate" not in check.inferred:
        return ""
    theirs, spec = (decimal(r) for r in (check.inferred["learning_rate"], check.claims.spec.learning_rate))
    return f" Your updates use η = {theirs}; the spec says η = {spec}."


def decimal(x: Fraction) -> str:
    """A learning rate as the decimal it is (13/20 → 0.65; 1/3 to 12 digits)."""
    return show(x, 12).text


def _named(check: Check) -> list[str]:
    return list(dict.fromkeys(s for v in check.verdicts for d in v.diagnosis for s in parts(d)))


def ruled_out(check: Check) -> list[str]:
    """One line per slip that reproduces a number but that another number rules out."""
    return [f"{slip}{_rate(check, slip)} does not explain {v.key}: {why}" for v in check.verdicts
            if v.verdict != CORRECT for slip, why in v.dropped]


def _rate(check: Check, slip: str) -> str:
    """The learning rate a wrong_learning_rate slip means, in brackets."""
    rate = check.inferred.get("learning_rate")
    return f" (η = {decimal(rate)})" if slip == "wrong_learning_rate" and rate is not None else ""


def to_text(check: Check) -> str:
    """The terminal table, then a one-line verdict and one line per slip found."""
    table = rows(check)
    widths = [max(len(r[k]) for r in [HEADER, *table]) for k in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in [HEADER, *table]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += ["", tally(check)]
    lines += [f"{slip_id}: {explanation}" for slip_id, explanation in slips_found(check)]
    lines += ruled_out(check)
    return "\n".join(lines)


def _inferred_for(check: Check, v: Verdict) -> dict[str, str]:
    """What the diagnosis of this claim found out: the learning rate, where it names another."""
    named = {s for d in v.diagnosis for s in parts(d)}
    return {k: decimal(x) for k, x in check.inferred.items() if "wrong_learning_rate" in named}


def to_json(check: Check, spec_path: str) -> dict:
    found = _named(check)
    return {
        "claims_file": check.claims.source,
        "spec": spec_path,
        "ok": check.ok,
        "claims": [{
            "key": v.key,
            "claimed": v.claim.written,
            "true": float(v.true),
            "true_digits": mpmath.nstr(v.true, 30, min_fixed=-30, max_fixed=30),
            "verdict": v.verdict,
            "diagnosis": list(v.diagnosis),
            "dropped": [{"slip": slip, "because": why} for slip, why in v.dropped],
            "follows_from": list(v.follows_from),
            "tolerance": float(v.tolerance),
            "inferred": _inferred_for(check, v),
        } for v in check.verdicts],
        "slips": {s: {"explanation": CATALOGUE[s].explanation, "slipped": CATALOGUE[s].wrong,
                      "correct": CATALOGUE[s].right} for s in found},
        "inferred": {k: decimal(x) for k, x in check.inferred.items()},
    }
