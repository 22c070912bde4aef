"""Every step of an `=` chain whose sides are numbers, recomputed within the rounding its
numbers show.

A number written with k decimals stands for anything within half a unit of its last digit;
one cut short with an ellipsis (0.220793…) for anything from it to one unit further from 0;
whole numbers of up to LONG_INTEGER digits (the 2 of 2 (o − exp)) and the numbers the spec
gives (the weights, inputs, targets, η) are exact, unless written with trailing zeros (1.00000
is a rounded number); a longer whole number (373199) is a value rounded to its last digit. Each
side is computed as an interval from those (in 50-digit mpmath, far below any written
digit), and a step A = B is right when the two intervals meet, allowing the last digits
of numbers printed from floating-point arithmetic as a claim does. So a step is wrong only
when no reading of its numbers within their rounding makes it true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from explainer.checker.document import nodes as n
from explainer.checker.verdicts import FLOAT_ALLOWANCE

DIGITS = 50
LONG_INTEGER = 4  # whole numbers of more digits than this are rounded values, not constants


@dataclass(frozen=True)
class Interval:
    lo: mpmath.mpf
    hi: mpmath.mpf

    @staticmethod
    def point(x: mpmath.mpf) -> Interval:
        return Interval(x, x)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def __sub__(self, other: Interval) -> Interval:
        return self + (-other)

    def __mul__(self, other: Interval) -> Interval:
        ends = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(ends), max(ends))

    def __truediv__(self, other: Interval) -> Interval:
        if other.lo <= 0 <= other.hi:
            raise Unknown("a division by an interval holding 0")
        return self * Interval(1 / other.hi, 1 / other.lo)

    def monotone(self, f: Callable[[mpmath.mpf], mpmath.mpf]) -> Interval:
        return Interval(f(self.lo), f(self.hi))

    def power(self, k: Interval) -> Interval:
        if k.lo == k.hi and k.lo == int(k.lo):
            e = int(k.lo)
            ends = [self.lo ** e, self.hi ** e]
            low = mpmath.mpf(0) if e % 2 == 0 and self.lo <= 0 <= self.hi else min(ends)
            return Interval(low, max(ends))
        if self.lo <= 0:
            raise Unknown("a fractional power of a number that may be negative")
        ends = [a ** b for a in (self.lo, self.hi) for b in (k.lo, k.hi)]
        return Interval(min(ends), max(ends))

    @property
    def mid(self) -> mpmath.mpf:
        return (self.lo + self.hi) / 2

    def meets(self, other: Interval) -> bool:
        """Whether the two overlap, up to the float allowance of the larger magnitude."""
        slack = FLOAT_ALLOWANCE * max(1, abs(self.mid), abs(other.mid))
        return self.lo <= other.hi + slack and other.lo <= self.hi + slack


Value = Interval | list[list[Interval]]  # a number, or a matrix (a column vector is one column)


class Unknown(ValueError):
    """A side that is not a computation of numbers this module can do."""


def literal(num: n.Num, exact: frozenset[Fraction]) -> Interval:
    """The numbers a written number stands for (see the module docstring)."""
    x = mpmath.mpf(num.value.numerator) / num.value.denominator
    if num.truncated:
        return Interval(x, x + mpmath.mpf(10) ** -num.decimals)
    # Exact: an integer written as one (the 2 of 2 (o − exp)), or a number the spec gives as
    # written. A trailing zero after the point (1.00000, 1.50000) shows digits that were
    # rounded to: tanh(13.56) written 1.00000 is 0.999999999997, not 1.
    padded = num.decimals > 0 and num.text.rstrip().endswith("0")
    if num.value in exact and not padded:
        return Interval.point(x)
    if num.decimals == 0 and not num.truncated:
        digits = num.text.strip().lstrip("-")
        if len(digits) <= LONG_INTEGER:
            return Interval.point(x)  # 2 (o − exp), 1 − o, a square's 2: exact
        # A long whole number (373199, 1020770) is a value rounded to the digits shown, to
        # its last digit or, with trailing zeros (373200), to the last one that is not 0.
        half = mpmath.mpf(10) ** (len(digits) - len(digits.rstrip("0"))) / 2
        return Interval(x - half, x + half)
    half = mpmath.mpf(10) ** -num.decimals / 2
    return Interval(x - half, x + half)


def logistic(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


_FUNCTIONS: dict[str, Callable[[mpmath.mpf], mpmath.mpf]] = {
    "exp": mpmath.exp, "tanh": mpmath.tanh, "relu": lambda x: max(x, mpmath.mpf(0)),
}


def evaluate(node: n.Node, exact: frozenset[Fraction] = frozenset(),
             sigma: Callable[[mpmath.mpf], mpmath.mpf] = logistic) -> Value:
    """The interval of a tree of numbers; Unknown for anything else. `sigma` is what σ means
    here: the activation of the neuron the equation is about (the logistic function where no
    neuron says otherwise). Every function a document applies is increasing, so an interval
    maps to the interval between its ends' images."""
    with mpmath.workdps(DIGITS):
        return _eval(node, exact, {**_FUNCTIONS, "sigma": sigma})


def _eval(node: n.Node, exact: frozenset[Fraction], functions: dict) -> Value:
    if isinstance(node, n.Num):
        return literal(node, exact)
    if isinstance(node, n.Neg):
        return _map(_eval(node.value, exact, functions), lambda a: -a)
    if isinstance(node, n.Add):
        total: Value = Interval.point(mpmath.mpf(0))
        for sign, term in node.terms:
            value = _eval(term, exact, functions)
            total = _zip(total, value if sign > 0 else _map(value, lambda a: -a), lambda a, b: a + b)
        return total
    if isinstance(node, n.Mul):
        values = [_eval(f, exact, functions) for f in node.factors]
        out = values[0]
        for v in values[1:]:
            out = _zip(out, v, lambda a, b: a * b) if node.elementwise else _product(out, v)
        return out
    if isinstance(node, n.Div):
        top, bottom = _eval(node.top, exact, functions), _eval(node.bottom, exact, functions)
        if not isinstance(bottom, Interval):
            raise Unknown("a division by a matrix")
        return _map(top, lambda a: a / bottom)
    if isinstance(node, n.Pow):
        base = _eval(node.base, exact, functions) if not _is_e(node.base) else None
        if node.exponent == "T":
            if not isinstance(base, list):
                raise Unknown("a transposed number")
            return [list(row) for row in zip(*base, strict=True)]
        if not isinstance(node.exponent, n.Node):
            raise Unknown(f"the superscript {node.exponent}")
        k = _eval(node.exponent, exact, functions)
        if not isinstance(k, Interval):
            raise Unknown("a matrix as an exponent")
        if base is None:
            return k.monotone(mpmath.exp)
        return _map(base, lambda a: a.power(k))
    if isinstance(node, n.Call):
        if node.primes or node.func not in functions:
            raise Unknown(f"the function {node.func}")
        f = functions[node.func]
        return _map(_eval(node.arg, exact, functions), lambda a: a.monotone(f))
    if isinstance(node, n.Matrix):
        rows = [[_eval(c, exact, functions) for c in row] for row in node.rows]
        if any(not isinstance(c, Interval) for row in rows for c in row):
            raise Unknown("a matrix inside a matrix")
        return rows  # type: ignore[return-value]
    raise Unknown(f"{type(node).__name__} is not a number")


def _is_e(node: n.Node) -> bool:
    return isinstance(node, n.Sym) and node.name == "e" and not node.sub and not node.sup


def _map(value: Value, f: Callable[[Interval], Interval]) -> Value:
    if isinstance(value, Interval):
        return f(value)
    return [[f(c) for c in row] for row in value]


def _zip(a: Value, b: Value, f: Callable[[Interval, Interval], Interval]) -> Value:
    if isinstance(a, Interval) and isinstance(b, Interval):
        return f(a, b)
    if isinstance(a, Interval) or isinstance(b, Interval):
        raise Unknown("a number added to a matrix")
    if (len(a), len(a[0])) != (len(b), len(b[0])):
        raise Unknown("matrices of different shapes")
    return [[f(x, y) for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]


def _product(a: Value, b: Value) -> Value:
    if isinstance(a, Interval):
        return _map(b, lambda y: a * y)
    if isinstance(b, Interval):
        return _map(a, lambda x: x * b)
    if len(a[0]) != len(b):
        raise Unknown("matrices whose shapes do not multiply")
    zero = Interval.point(mpmath.mpf(0))
    out = []
    for row in a:
        cells = []
        for k in range(len(b[0])):
            total = zero
            for x, column in zip(row, b, strict=True):
                total = total + x * column[k]
            cells.append(total)
        out.append(cells)
    return out


def meets(a: Value, b: Value) -> bool:
    """Whether two sides agree within their rounding (entry by entry for matrices; a 1 × 1
    matrix, such as a row times a column, is its one number)."""
    a, b = _scalar(a), _scalar(b)
    if isinstance(a, Interval) and isinstance(b, Interval):
        return a.meets(b)
    if isinstance(a, Interval) or isinstance(b, Interval):
        return False
    if (len(a), len(a[0])) != (len(b), len(b[0])):
        return False
    return all(x.meets(y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True))


def _scalar(value: Value) -> Value:
    if isinstance(value, list) and len(value) == 1 and len(value[0]) == 1:
        return value[0][0]
    return value


def shown(value: Value, digits: int = 12) -> str:
    """A value for a report: the middle of each interval, to `digits` significant digits."""
    value = _scalar(value)
    if isinstance(value, Interval):
        return mpmath.nstr(value.mid, digits)
    return "[" + "; ".join(", ".join(mpmath.nstr(c.mid, digits) for c in row) for row in value) + "]"
