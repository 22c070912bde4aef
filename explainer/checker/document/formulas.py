"""Formulas of the step's quantities that a document writes a number for — the decrease of
the cost C − C⁺, a local derivative ∂i_{L2}/∂b_4 = 1, a sum over the parameters — judged
against the true values, as steps of the document's arithmetic are."""

from __future__ import annotations

import mpmath

from explainer.checker.document import arithmetic
from explainer.checker.document.algebra import Algebra
from explainer.checker.document.names import Names
from explainer.checker.document.nodes import literal
from explainer.checker.document.reading import Reading, Step
from explainer.engines.mpeval import to_mp
from explainer.engines.symbolic import SymbolicStep


def judge(reading: Reading, names: Names, step: SymbolicStep) -> list[Step]:
    """One step per formula: right when the number written can stand for the formula's value."""
    if not reading.formulas:
        return []
    algebra = Algebra(names, step.derivation)
    values = algebra.values(step)
    out = []
    for f in reading.formulas:
        expr = algebra.expression(f.head)
        number = literal(f.number)
        if expr is None or number is None:
            continue
        with mpmath.workdps(arithmetic.DIGITS):
            true = expr.xreplace(values)
            if true.free_symbols:
                continue  # a symbol the step has no value for
            value = to_mp(true.evalf(arithmetic.DIGITS))
            written = arithmetic.literal(number[0], frozenset())
            if number[1] < 0:
                written = -written
            verdict = "correct" if written.meets(arithmetic.Interval.point(value)) else "wrong"
        out.append(Step(f.line, f.text, number[0].text, mpmath.nstr(value, 12), verdict))
    return out
