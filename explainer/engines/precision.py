"""How many digits the symbolic engine works with, and how many of them a reader may see.

The symbolic engine evaluates its expressions from the spec's exact numbers with
PRECISION significant digits. Rounding errors of a step's few hundred operations
cost far fewer than half of them, so CORRECT_DIGITS, the most a walkthrough
(`--digits`) or the JSON (`--json-digits`) may show, are correct digits: every
number printed is rounded from at least that many right ones.
"""

PRECISION = 60
CORRECT_DIGITS = 30
