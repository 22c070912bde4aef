"""Exact numbers as a person writes them, and how we read them.

Every number in a spec is kept exact: `0.1` is the fraction 1/10, not the float
0.1000000000000000055…, so that the symbolic engine starts from exactly what the
person wrote. Numbers arrive from TOML as ints, as `decimal.Decimal` (the loader
uses ``parse_float=Decimal``) or as strings such as ``"1/3"`` or ``"-0.25"``.
Strings are read by a strict grammar, never evaluated.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

# A decimal or a fraction of two integers, optionally signed; nothing else.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FRACTION = re.compile(r"([+-]?\d+)/(\d+)")


class NotANumber(ValueError):
    """Raised with a short, human reason when a value cannot be read as a number."""


def exact(value: object) -> Fraction:
    """Return `value` as an exact fraction, or raise NotANumber saying why."""
    if isinstance(value, bool):
        raise NotANumber("expected a number, found true/false")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Decimal):
        return _from_decimal(value)
    if isinstance(value, str):
        return _parse_string(value)
    raise NotANumber(f"expected a number, found {describe(value)}")


def _parse_string(text: str) -> Fraction:
    s = text.strip()
    if _NUMBER.fullmatch(s):
        if len(s) > 200:
            raise NotANumber("number is too long (more than 200 characters)")
        return _from_decimal(Decimal(s))
    m = _FRACTION.fullmatch(s)
    if m:
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if denominator == 0:
            raise NotANumber(f"{text!r} divides by zero")
        return Fraction(numerator, denominator)
    raise NotANumber(f"{text!r} is not a number (write e.g. 0.25 or \"1/3\")")


# Exponents beyond this are refused: 1e999999999 would otherwise become an integer
# with a billion digits, and no worked example needs numbers that large or small.
MAX_EXPONENT = 100


def _from_decimal(value: Decimal) -> Fraction:
    if not value.is_finite():
        raise NotANumber(f"expected a finite number, found {value}")
    if value and abs(value.adjusted()) > MAX_EXPONENT:
        raise NotANumber(f"{value} is out of range (magnitude must be within 1e±{MAX_EXPONENT})")
    return Fraction(value)


def describe(value: object) -> str:
    """A few words for the kind of a TOML value, for error messages."""
    if isinstance(value, bool):
        return "true/false"
    names = {list: "a list", dict: "a table", str: "text", int: "a number", Decimal: "a number"}
    return names.get(type(value), type(value).__name__)
