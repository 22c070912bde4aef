"""Helpers the checker's tests share: judging claims, and writing numbers as a person would."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import mpmath

from explainer.checker.claims import Claim, Claims
from explainer.checker.verdicts import check
from explainer.engines import symbolic


def judge(claims: Claims):
    spec = claims.spec
    return check(claims, symbolic.step(spec, symbolic.derive(spec.network)))


def claims_of(spec, values: dict, decimals: int) -> Claims:
    """Claims as a person would write them: each value rounded to `decimals` decimals."""
    out = []
    for key, value in values.items():
        exact = Decimal(mpmath.nstr(value, 40, min_fixed=-100, max_fixed=100))
        with localcontext() as context:
            context.prec = 200  # quantize needs every digit of a large value, e.g. a slipped 1e17
            rounded = exact.quantize(Decimal(1).scaleb(-decimals))
        out.append(Claim(key, str(rounded), Fraction(rounded), decimals))
    return Claims("<generated>", spec, tuple(out))
