"""Writing numbers to a chosen number of significant digits, truthfully.

Values arrive from the symbolic engine as exact SymPy Rationals (numbers the
person wrote) or as SymPy Floats with 60 digits (computed numbers). A value is
rounded half-to-even from those digits, so every digit shown is right. Whether
the shown number *is* the value or only approximates it decides the relation a
derivation writes before it: "=" or "≈".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

import sympy

from explainer.engines.precision import CORRECT_DIGITS, PRECISION

WORKING_DIGITS = 80


@dataclass(frozen=True)
class Shown:
    """A number as written: its LaTeX, its plain text and whether it is exact."""

    latex: str
    text: str
    exact: bool

    @property
    def relation(self) -> str:
        """The LaTeX relation to write before it: = when exact, ≈ when rounded."""
        return "=" if self.exact else r"\approx"

    @property
    def negative(self) -> bool:
        return self.text.startswith("−")


def to_decimal(value: object) -> tuple[Decimal, bool]:
    """The value as a Decimal, and whether that Decimal is the value exactly."""
    if isinstance(value, sympy.Rational | int | Fraction):
        q = Fraction(int(value.p), int(value.q)) if isinstance(value, sympy.Rational) else Fraction(value)
        with localcontext() as ctx:
            ctx.prec = WORKING_DIGITS
            d = Decimal(q.numerator) / Decimal(q.denominator)
        return d, Fraction(d) == q
    if isinstance(value, sympy.Float):
        return Decimal(str(value)), False
    if isinstance(value, float):
        return Decimal(repr(value)), False
    raise TypeError(f"cannot format {type(value).__name__}")


def show(value: object, digits: int) -> Shown:
    """Round to `digits` significant digits.

    An exact value drops trailing zeros (0.3 stays 0.3); a rounded one keeps
    them, because they are digits we vouch for (0.193750, not 0.19375). Very
    small or very large magnitudes use scientific notation (a × 10^k).
    """
    d, exact = to_decimal(value)
    if d == 0:
        return Shown("0", "0", exact)
    exponent = d.adjusted()
    quantum = Decimal(1).scaleb(exponent - digits + 1)
    with localcontext() as ctx:
        ctx.prec = WORKING_DIGITS
        rounded = d.quantize(quantum, rounding=ROUND_HALF_EVEN)
        if rounded.adjusted() != exponent:  # 0.9999996 rounds up to 1.00000, one digit fewer
            rounded = rounded.quantize(quantum.scaleb(1), rounding=ROUND_HALF_EVEN)
    exact = exact and rounded == d
    if -5 <= rounded.adjusted() < 9:
        body = _plain(rounded, exact)
        latex, text = body, body
    else:
        mantissa = _plain(rounded.scaleb(-rounded.adjusted()), exact)
        latex = rf"{mantissa} \times 10^{{{rounded.adjusted()}}}"
        text = f"{mantissa}e{rounded.adjusted()}"
    return Shown(latex, text.replace("-", "−"), exact)


def _plain(d: Decimal, exact: bool) -> str:
    s = format(d, "f")
    if exact and "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def scientific(value: float, digits: int = 2, latex: bool = True) -> str:
    """A small positive discrepancy, e.g. 3.2 × 10^{-16} in LaTeX or 3.2e-16 as text; 0 stays 0."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if latex else f"{mantissa}e{int(exponent)}"


def show_like(value: object, written: str) -> Shown:
    """`value` to as many significant digits as the number `written` has (at least 3,
    at most CORRECT_DIGITS): a true value set beside a person's number, digit for digit."""
    digits = len(Decimal(written).normalize().as_tuple().digits) if Decimal(written) else 3
    if not isinstance(value, sympy.Basic | int | Fraction | float):
        value = _decimal_if_short(sympy.Float(value, PRECISION))  # an mpmath number from the checker
    return show(value, max(3, min(digits, CORRECT_DIGITS)))


def _decimal_if_short(value: sympy.Float) -> sympy.Expr:
    """A checker's number that is a short decimal to CORRECT_DIGITS digits (−0.35, the sum of
    exact products, carried in binary as −0.34999…) as that decimal, so it is shown as exact
    (−0.35, not −0.350); any other number unchanged."""
    near = Decimal(show(value, CORRECT_DIGITS).text.replace("−", "-"))
    if len(near.normalize().as_tuple().digits) <= CORRECT_DIGITS // 2:
        q = Fraction(near)
        return sympy.Rational(q.numerator, q.denominator)
    return value


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number it takes: "1 neuron", "2 neurons", "10,000 steps"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
