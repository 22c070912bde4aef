"""How much room a figure's label takes, worked out before anything is typeset.

A figure is laid out in Python (`explainer.walkthrough.layout`) and only drawn by
TikZ and SVG, so the layout has to know each label's size before either of them
sets it. The labels are short pieces of math the walkthrough writes itself
(``w_{5} = 0.7``, ``b^{2}_{1} = 0.25 \\to\\, \\approx 0.253208``,
``\\mathrm{net}_{h1}``), so a small reader of that LaTeX, with the widths of
Computer Modern's glyphs and TeX's spacing between symbols, gives their width.

The widths are TeX's own (the .tfm files of cmr10 and cmmi10, in ems); the spacing
follows TeX's rules for ordinary symbols, binary operators and relations (a minus
right after a relation is a sign, not a subtraction). Scripts are set at
`SCRIPT` of the size, a little more than TeX's 70 %, because the smaller design
sizes of Computer Modern are wider. The estimate is meant to be a bound: a
label takes at most this room in the PDF (tests/walkthrough/test_label_size.py
typesets every label of several figures and checks it) and in the browser (whose
Latin Modern Math has the same widths; tests/output/test_browser.py measures it).
"""

from __future__ import annotations

import re
from functools import lru_cache

PT = 2.54 / 72.27  # one TeX point in cm

SCRIPT = 0.8  # a sub- or superscript's size against its base (TeX: 0.7; wider small designs)
SCRIPT_SPACE = 0.05  # TeX's \\scriptspace after a script, 0.5 pt, in ems
SLACK = 1.04  # kerning, rounding of the fonts' sizes, and a browser's font being a hair wider
BODY = 0.82  # a label's height in ems: a digit's 0.64 and a subscript's depth below the line
RAISED = 0.26  # more for a superscript (Nielsen's w^{3}_{12})
LOWERED = 0.16  # more for a comma in a subscript (h_{1,2}) or a parenthesis
LEADING = 0.3  # ems between the lines of a label of several lines
PATCH = 1.2  # pt of paper-coloured patch around a label's text, on each side

# Widths in ems of Computer Modern: digits and upright letters (cmr10), italic letters (cmmi10).
_DIGIT = 0.5
_UPRIGHT = dict(zip("abcdefghijklmnopqrstuvwxyz", (
    0.5, 0.556, 0.444, 0.556, 0.444, 0.306, 0.5, 0.556, 0.278, 0.306, 0.528, 0.278, 0.833, 0.556, 0.5,
    0.556, 0.528, 0.392, 0.394, 0.389, 0.556, 0.528, 0.722, 0.528, 0.528, 0.444), strict=True))
_ITALIC = dict(zip("abcdefghijklmnopqrstuvwxyz", (
    0.529, 0.429, 0.433, 0.520, 0.466, 0.490, 0.477, 0.576, 0.345, 0.412, 0.521, 0.298, 0.878, 0.600,
    0.485, 0.503, 0.446, 0.451, 0.469, 0.361, 0.572, 0.485, 0.716, 0.572, 0.490, 0.465), strict=True))
_SPACE = 0.333  # an interword space in text
_CAPITAL = 0.78  # the widest italic capitals (W is 0.94, most are 0.68 to 0.80)
_SYMBOL = {".": ("ord", 0.278), ",": ("punct", 0.278), "(": ("open", 0.389), ")": ("close", 0.389),
           "=": ("rel", 0.778), ":": ("rel", 0.278), "+": ("bin", 0.778), "-": ("bin", 0.778),
           "/": ("ord", 0.5),
           "'": ("ord", 0.3)}
_COMMANDS = {"to": ("rel", 1.0), "approx": ("rel", 0.778), "times": ("bin", 0.778), "cdot": ("bin", 0.278),
             "delta": ("ord", 0.444), "sigma": ("ord", 0.571), "eta": ("ord", 0.497), "alpha": ("ord", 0.640),
             "partial": ("ord", 0.566), "ldots": ("inner", 1.172), "infty": ("ord", 1.0),
             "colon": ("punct", 0.278)}
_SPACES = {",": 3 / 18, ":": 4 / 18, ";": 5 / 18, "quad": 1.0, " ": 1 / 3}
# TeX's spacing between two atoms (thin, medium, thick muskips, in ems): the row is the left atom.
_THIN, _MED, _THICK = 3 / 18, 4 / 18, 5 / 18
_BETWEEN = {("ord", "bin"): _MED, ("bin", "ord"): _MED, ("ord", "rel"): _THICK, ("rel", "ord"): _THICK,
            ("close", "rel"): _THICK, ("rel", "open"): _THICK, ("close", "bin"): _MED,
            ("bin", "open"): _MED, ("punct", "ord"): _THIN, ("ord", "inner"): _THIN,
            ("inner", "ord"): _THIN, ("inner", "rel"): _THICK, ("rel", "inner"): _THICK}
_TOKEN = re.compile(r"\\([a-zA-Z]+|.)|([{}_^])|(\s+)|(.)", re.DOTALL)


def lines(latex: str) -> tuple[str, ...]:
    """The lines of a label: its LaTeX split at ``\\\\``, as a renderer sets them, one under another."""
    return tuple(line.strip() for line in latex.split("\\\\"))


def width(latex: str, size: float) -> float:
    """The width in cm of a label (math, lines split at ``\\\\``) set at `size` points,
    padding not included: that of its longest line."""
    return max(_ems(line) for line in lines(latex)) * size * PT * SLACK


def height(latex: str, size: float) -> float:
    """The height in cm of a label set at `size` points, from the top of its tallest symbol
    to the bottom of its deepest, padding not included: its lines and LEADING between them.

    A digit stands 0.64 em tall and a subscript hangs about 0.15 em below the baseline;
    a superscript lifts the top, and a comma in a subscript or a parenthesis reaches lower.
    """
    ems = 0.0
    for line in lines(latex):
        ems += BODY + (RAISED if "^" in line else 0.0)
        ems += LOWERED if re.search(r"_\{[^{}]*,", line) or "(" in line else 0.0
    return (ems + LEADING * (len(lines(latex)) - 1)) * size * PT * SLACK


@lru_cache(maxsize=4096)
def _ems(latex: str) -> float:
    return _ems_of(list(_TOKEN.finditer(latex)))


def _ems_of(tokens: list[re.Match]) -> float:
    """The width in ems of a row of math, with TeX's spacing between its atoms."""
    total, previous = 0.0, None
    atoms = _atoms(tokens)
    for kind, ems in atoms:
        if kind == "bin" and previous in (None, "rel", "bin", "open", "punct"):
            kind = "ord"  # a sign, as in "= -0.4": no space around it
        if previous is not None and kind != "space":
            total += _BETWEEN.get((previous, kind), 0.0)
        total += ems
        if kind != "space":
            previous = kind
    return total


def _atoms(tokens: list[re.Match]) -> list[tuple[str, float]]:
    """The atoms of a token list, each as (TeX's class, width in ems); scripts are folded in."""
    atoms: list[tuple[str, float]] = []
    index = 0
    while index < len(tokens):
        command, special, blank, char = tokens[index].groups()
        index += 1
        if blank:
            continue
        if special in ("_", "^"):
            # A subscript and a superscript on one base stand one above the other.
            script, index = _argument(tokens, index)
            widest = _row(script)
            other_kind = "^" if special == "_" else "_"
            if index < len(tokens) and tokens[index].group(2) == other_kind:
                other, index = _argument(tokens, index + 1)
                widest = max(widest, _row(other))
            kind, ems = atoms.pop() if atoms else ("ord", 0.0)
            atoms.append((kind, ems + SCRIPT * widest + SCRIPT_SPACE))
            continue
        if special == "{":
            group, index = _group(tokens, index)
            atoms.append(("ord", _ems_of(group)))
        elif command is not None:
            index = _command(command, tokens, index, atoms)
        elif char is not None:
            atoms.append(_char(char))
    return atoms


def _row(tokens: list[re.Match]) -> float:
    """The width of a group's atoms side by side, without the spacing between them (a
    script is set in script style, where TeX adds no space around relations or operators)."""
    return sum(ems for _, ems in _atoms(tokens))


def _command(name: str, tokens: list[re.Match], index: int, atoms: list[tuple[str, float]]) -> int:
    if name in ("mathrm", "text", "operatorname"):
        group, index = _argument(tokens, index)
        text = "".join(m.group() for m in group)
        atoms.append(("ord", sum(_UPRIGHT.get(c, _DIGIT if c.isdigit() else _SPACE if c == " " else 0.75)
                                 for c in text)))
    elif name in _SPACES:
        atoms.append(("space", _SPACES[name]))
    elif name in ("left", "right", "bigl", "bigr"):
        pass  # the delimiter that follows is read as an open or close atom
    elif name in _COMMANDS:
        atoms.append(_COMMANDS[name])
    else:
        atoms.append(("ord", 1.0))  # an unknown command: a generous em
    return index


def _char(char: str) -> tuple[str, float]:
    if char.isdigit():
        return "ord", _DIGIT
    if char in _ITALIC:
        return "ord", _ITALIC[char]
    if char.isalpha():
        return "ord", _CAPITAL
    return _SYMBOL.get(char, ("ord", 0.778))


def _argument(tokens: list[re.Match], index: int) -> tuple[list[re.Match], int]:
    """The argument at `index`: a braced group, or one token."""
    while index < len(tokens) and tokens[index].group(3):
        index += 1
    if index < len(tokens) and tokens[index].group(2) == "{":
        return _group(tokens, index + 1)
    return tokens[index:index + 1], index + 1


def _group(tokens: list[re.Match], index: int) -> tuple[list[re.Match], int]:
    """The tokens up to the brace closing a group opened just before `index`."""
    depth, start = 1, index
    while index < len(tokens):
        special = tokens[index].group(2)
        depth += {"{": 1, "}": -1}.get(special, 0)
        if depth == 0:
            return tokens[start:index], index + 1
        index += 1
    return tokens[start:], index
