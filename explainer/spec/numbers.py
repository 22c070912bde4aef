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

# A decimal or a fraction of two integers, optionally signed; nothing else. [0-9]
# rather than \d: \d would also accept other scripts' digits, which no one means.
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_FRACTION = re.compile(r"([+-]?[0-9]+)/([0-9]+)")
MAX_STRING = 200  # characters in a number written as a string


class NotANumber(ValueError):
    """Raised with a short, human reason when a value cannot be read as a number."""


def exact(value: object) -> Fraction:
    """Return `value` as an exact fraction, or raise NotANumber saying why."""
    if isinstance(value, bool):
        raise NotANumber("expected a number, found true/false")
    if isinstance(value, int):
        return _from_int(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        return _from_decimal(value)
    if isinstance(value, str):
        return _parse_string(value)
    raise NotANumber(f"expected a number, found {describe(value)}")


def _parse_string(text: str) -> Fraction:
    s = text.strip()
    # Checked first: the grammar is linear, but int() of thousands of digits is not
    # (and Python refuses more than 4,300 digits with an exception of its own).
    if len(s) > MAX_STRING:
        raise NotANumber(f"{quote(text)} is too long for a number (more than {MAX_STRING} characters)")
    if _NUMBER.fullmatch(s):
        return _from_decimal(Decimal(s), quote(text))
    m = _FRACTION.fullmatch(s)
    if m:
        numerator, denominator = int(m.group(1)), int(m.group(2))
        if denominator == 0:
            raise NotANumber(f"{quote(text)} divides by zero")
        return _in_range(Fraction(numerator, denominator), quote(text))
    raise NotANumber(f"{quote(text)} is not a number (write e.g. 0.25 or \"1/3\")")


# Exponents beyond this are refused: 1e999999999 would otherwise become an integer
# with a billion digits, and no worked example needs numbers that large or small.
MAX_EXPONENT = 100
# Significant digits beyond this are refused too: exact fractions with thousand-digit
# denominators would slow the symbolic engine down for nothing a reader can see.
MAX_SIGNIFICANT = 100
_RANGE = f"magnitude must be within 1e±{MAX_EXPONENT}"


def _from_int(value: int) -> Fraction:
    if abs(value) >= 10 ** (MAX_EXPONENT + 1):
        # Not printed: it has over a hundred digits (and str() refuses beyond 4,300).
        digits = int(value.bit_length() * 0.30103) + 1
        raise NotANumber(f"a whole number of about {digits:,} digits is out of range ({_RANGE})")
    return Fraction(value)


def _from_decimal(value: Decimal, shown: str | None = None) -> Fraction:
    if not value.is_finite():
        raise NotANumber(f"expected a finite number, found {shown or value}")
    if shown is None:
        shown = f"{value:.6g}" if len(str(value)) > 30 else str(value)
    if value and abs(value.adjusted()) > MAX_EXPONENT:
        raise NotANumber(f"{shown} is out of range ({_RANGE})")
    if len(value.as_tuple().digits) > MAX_SIGNIFICANT:
        raise NotANumber(f"{shown} has more than {MAX_SIGNIFICANT} significant digits")
    return Fraction(value)


def _in_range(value: Fraction, shown: str) -> Fraction:
    """A fraction such as "1/1e150" written out: its size must be in range like any number."""
    if value and not 10 ** -MAX_EXPONENT <= abs(value) < 10 ** (MAX_EXPONENT + 1):
        raise NotANumber(f"{shown} is out of range ({_RANGE})")
    return value


def quote(text: str, limit: int = 40) -> str:
    """User text for a message: quoted, escapes for anything unprintable, cut at `limit`."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def describe(value: object) -> str:
    """A few words for a TOML value, for error messages: its kind, and a short number as itself."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | Decimal) and len(str(value)) <= 30:
        return str(value)
    names = {list: "a list", dict: "a table", str: "text", int: "a number", Decimal: "a number"}
    return names.get(type(value), type(value).__name__)
