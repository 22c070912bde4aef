"""How many digits the symbolic engine works with, and how many of them a reader may see.

The symbolic engine evaluates its expressions from the spec's exact numbers with
PRECISION significant digits. Rounding errors of a step's few hundred operations
cost far fewer than half of them, so CORRECT_DIGITS, the most a walkthrough
(`--digits`) or the JSON (`--json-digits`) may show, are correct digits: every
number printed is rounded from at least that many right ones.

A saturated neuron needs more. Its output o is 1 − 10^-k, and what the walkthrough
and the gradients are made of is 1 − o (in σ′ = o(1 − o), o − exp, ln(1 − o)): with
PRECISION digits, o is 1 and 1 − o nothing at all once k passes PRECISION. So the
engine measures k from its own values (`lost_digits`) and works with
`working_digits(k)`: PRECISION while that leaves CORRECT_DIGITS of 1 − o, else
PRECISION more than k.
"""

from __future__ import annotations

import math

PRECISION = 60
CORRECT_DIGITS = 30
# A training run's steps work with fewer: its values are kept to 32 digits (training.Trace), and
# its rounding, 10^-24 of float64's, stays far below what the comparison with the numeric core
# allows (see explainer.engines.training).
RUN_PRECISION = 40


def lost_digits(saturation: int, i: float) -> float:
    """About how many leading digits of o are 9s (or 0s) for a neuron whose output
    approaches its bound like e^(−saturation·|i|) (`Activation.saturation`)."""
    return saturation * abs(i) / math.log(10)


def working_digits(lost: float, base: int = PRECISION) -> int:
    """The digits to work with (`base` where nothing saturates) when some output is within
    10^-lost of its bound."""
    return base if lost <= base - CORRECT_DIGITS else base + math.ceil(lost)
