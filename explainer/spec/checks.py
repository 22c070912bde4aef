"""The checks every input file needs: bytes to a TOML table, and checks of its values.

`read_file` and `read_toml` turn a file into its top-level TOML table, every way that can
fail a `SpecError`; `Checker` checks tables, numbers, lists and names, and knows the file
and key path to blame, so that a mistake is one clear line. The spec reader
(`explainer.spec.reader`) and the claims file (`explainer.checker.claims`) build on them.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from explainer.spec.model import SpecError
from explainer.spec.numbers import NotANumber, describe, exact, quote

# Layer sizes and step counts above this are refused outright: no file can hold the
# weights of such a layer, and the message stays readable. The limits a person may
# lift (--no-limits) are far below; see explainer.spec.limits.
MAX_COUNT = 10**9
# Anything but a tab or a space below U+0020, DEL, and the C1 controls and line
# separators: none belongs in a title, and some would break a LaTeX or Markdown line.
_CONTROL = re.compile("[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u2028\\u2029]")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def read_file(path: str | Path) -> tuple[bytes, str]:
    """The bytes of an input file and the name messages use for it."""
    source = str(path)
    try:
        return Path(path).read_bytes(), source
    except FileNotFoundError:
        raise SpecError(source, "", "file not found") from None
    except OSError as err:
        raise SpecError(source, "", f"cannot read the file ({err.strerror or err})") from None
    except ValueError:  # a NUL byte in the name: no such file can exist
        raise SpecError(source, "", "cannot read the file (its name holds a NUL byte)") from None


def read_toml(raw: bytes, source: str) -> dict:
    """Bytes to the top-level TOML table; every way this can fail is a SpecError."""
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as err:
        raise SpecError(source, "", f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset "
                                    f"{err.start}); save the file as UTF-8") from None
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(source, "", f"not valid TOML ({err})") from None
    except ValueError:  # tomllib passes int()'s refusal of more than 4,300 digits through
        raise SpecError(source, "", "not valid TOML (a whole number of more than 4,300 digits)") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise SpecError(source, "", "not valid TOML (arrays or tables nested too deeply)") from None
    if not data:
        raise SpecError(source, "", "the file is empty (it holds no keys or tables)")
    return data


def join(prefix: str, name: str) -> str:
    """The key path of `name` inside `prefix`; an odd key is quoted, as TOML would."""
    if not _BARE_KEY.fullmatch(name):
        name = json.dumps(name if len(name) <= 40 else name[:39] + "…")
    return f"{prefix}.{name}" if prefix else name


def count(n: int, noun: str) -> str:
    """"1 row", "3 rows"."""
    return f"{n} {noun}{'s' * (n != 1)}"


def show(value: Fraction) -> str:
    """An exact number, short: as an integer or as a decimal."""
    return str(value) if value.denominator == 1 else f"{float(value):.6g}"


class Checker:
    """Checks of TOML values that know the file and key path to blame."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> SpecError:
        return SpecError(self.source, key, problem)

    def table(self, data: object, key: str, allowed: tuple[str, ...] | list[str], required: tuple[str, ...],
              what: str = "") -> dict:
        """`data` as a table with only `allowed` keys and every `required` one. A key that
        names something (`what`: "neuron", "parameter") is refused as "no neuron 'h9' here"."""
        if not isinstance(data, dict):
            raise self.fail(key or "(top level)", f"expected a table, found {describe(data)}")
        for name in data:
            if name not in allowed:
                close = difflib.get_close_matches(name, list(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"{'known' if what else 'allowed'}: " \
                                                                   f"{', '.join(allowed)}"
                problem = f"no {what} {quote(name)} here ({hint})" if what else f"unknown key ({hint})"
                raise self.fail(join(key, name), problem)
        for name in required:
            if name not in data:
                raise self.fail(join(key, name), "missing")
        return data

    def number(self, value: object, key: str) -> Fraction:
        try:
            return exact(value)
        except NotANumber as err:
            raise self.fail(key, str(err)) from None

    def vector(self, value: object, key: str, length: int | None = None,
               what: str = "") -> tuple[Fraction, ...]:
        """A list of numbers; `what` says what each number is for, when the length is wrong."""
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of numbers, found {describe(value)}")
        if length is not None and len(value) != length:
            raise self.fail(key, f"expected {count(length, 'number')}{what}, found {len(value)}")
        return tuple(self.number(v, f"{key}[{n + 1}]") for n, v in enumerate(value))

    def name(self, value: object, key: str, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a name, found {describe(value)}")
        if value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            known = ", ".join(choices) if len(choices) <= 12 else ", ".join(choices[:12]) + ", …"
            raise self.fail(key, f"unknown name {quote(value)} ({hint}known: {known})")
        return value

    def integer(self, value: object, key: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, found {describe(value)}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}, found {value}")
        if value > MAX_COUNT:
            raise self.fail(key, f"must be at most {MAX_COUNT:,}, found {describe(value)}")
        return value

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected text, found {describe(value)}")
        bad = _CONTROL.search(value)
        if bad:
            raise self.fail(key, f"must be one line of text without control characters (found "
                                 f"U+{ord(bad.group()):04X} at position {bad.start() + 1})")
        return value
