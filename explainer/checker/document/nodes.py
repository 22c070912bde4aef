"""The parsed math of a worked example: a small tree a grammar builds from the LaTeX.

Nothing here evaluates anything; `explainer.checker.document.names` says which quantity a
tree names and `explainer.checker.document.arithmetic` computes the trees made of numbers.
Symbols keep their subscript and superscript as written (flattened: ``o_{h_{1}}`` has the
subscript ``h1``), because whether ``a^{2}_{1}`` is a square or Nielsen's activation of
neuron 1 of layer 2 depends on the notation, not on the grammar.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


class Node:
    """Any part of a formula."""


@dataclass(frozen=True)
class Num(Node):
    """A number as written: its exact value, its text, its digits after the point, and
    whether it was cut short with an ellipsis (0.220793… is at least 0.220793)."""

    value: Fraction
    text: str
    decimals: int
    truncated: bool = False


@dataclass(frozen=True)
class Sym(Node):
    """A letter or name (``w``, ``out``, ``\\delta``) with its subscript, superscript and
    primes, each flattened to plain text ("" where there is none)."""

    name: str
    sub: str = ""
    sup: str = ""
    primes: int = 0


@dataclass(frozen=True)
class Partial(Node):
    """∂top/∂bottom, as \\frac{\\partial top}{\\partial bottom} or ∂top/∂bottom."""

    top: Node
    bottom: Node


@dataclass(frozen=True)
class Call(Node):
    """A function applied: σ(i), σ′(o), exp(x), tanh(x), ln(x)."""

    func: str
    primes: int
    arg: Node


@dataclass(frozen=True)
class Add(Node):
    """A sum: each term with its sign (+1 or −1)."""

    terms: tuple[tuple[int, Node], ...]


@dataclass(frozen=True)
class Mul(Node):
    """A product (·, ×, *, or side by side), and ⊙ for `elementwise`."""

    factors: tuple[Node, ...]
    elementwise: bool = False


@dataclass(frozen=True)
class Div(Node):
    """a / b or \\frac{a}{b}."""

    top: Node
    bottom: Node


@dataclass(frozen=True)
class Neg(Node):
    value: Node


@dataclass(frozen=True)
class Pow(Node):
    """base^exponent; the exponent is a tree, or a mark: "+" (after the step), "T" (transpose)."""

    base: Node
    exponent: Node | str


@dataclass(frozen=True)
class Matrix(Node):
    """A pmatrix or bmatrix (a column vector is a matrix of one column)."""

    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Sum(Node):
    """Σ over an index (\\sum_{j} …), which only a notation can expand."""

    index: str
    body: Node


@dataclass(frozen=True)
class Gradient(Node):
    """∇ with an optional subscript: ∇C, ∇_{o} C."""

    sub: str
    of: Node


def symbols(node: Node) -> list[Sym]:
    """Every symbol in a tree, in order."""
    if isinstance(node, Sym):
        return [node]
    out: list[Sym] = []
    for child in children(node):
        out += symbols(child)
    return out


def numbers(node: Node) -> list[Num]:
    """Every number in a tree, in order."""
    if isinstance(node, Num):
        return [node]
    out: list[Num] = []
    for child in children(node):
        out += numbers(child)
    return out


def children(node: Node) -> list[Node]:
    if isinstance(node, Partial):
        return [node.top, node.bottom]
    if isinstance(node, Call):
        return [node.arg]
    if isinstance(node, Add):
        return [t for _, t in node.terms]
    if isinstance(node, Mul):
        return list(node.factors)
    if isinstance(node, Div):
        return [node.top, node.bottom]
    if isinstance(node, Neg):
        return [node.value]
    if isinstance(node, Pow):
        return [node.base] + ([node.exponent] if isinstance(node.exponent, Node) else [])
    if isinstance(node, Matrix):
        return [cell for row in node.rows for cell in row]
    if isinstance(node, Sum | Gradient):
        return [node.body if isinstance(node, Sum) else node.of]
    return []


def is_numeric(node: Node) -> bool:
    """Whether a tree is made of numbers alone (e, the base of exp, counts as a number)."""
    return not any(s.name != "e" or s.sub or s.primes for s in symbols(node)) and \
        not _has(node, (Partial, Sum, Gradient))


def _has(node: Node, kinds: tuple[type, ...]) -> bool:
    return isinstance(node, kinds) or any(_has(c, kinds) for c in children(node))


def replace_symbols(node: Node, f) -> Node:
    """The tree with every symbol s replaced by f(s) (a node), the rest rebuilt as it was."""
    if isinstance(node, Sym):
        return f(node)
    if isinstance(node, Partial):
        return Partial(replace_symbols(node.top, f), replace_symbols(node.bottom, f))
    if isinstance(node, Call):
        return Call(node.func, node.primes, replace_symbols(node.arg, f))
    if isinstance(node, Add):
        return Add(tuple((s, replace_symbols(t, f)) for s, t in node.terms))
    if isinstance(node, Mul):
        return Mul(tuple(replace_symbols(x, f) for x in node.factors), node.elementwise)
    if isinstance(node, Div):
        return Div(replace_symbols(node.top, f), replace_symbols(node.bottom, f))
    if isinstance(node, Neg):
        return Neg(replace_symbols(node.value, f))
    if isinstance(node, Pow):
        exponent = replace_symbols(node.exponent, f) if isinstance(node.exponent, Node) else node.exponent
        return Pow(replace_symbols(node.base, f), exponent)
    if isinstance(node, Matrix):
        return Matrix(tuple(tuple(replace_symbols(c, f) for c in row) for row in node.rows))
    if isinstance(node, Sum):
        return Sum(node.index, replace_symbols(node.body, f))
    if isinstance(node, Gradient):
        return Gradient(node.sub, replace_symbols(node.of, f))
    return node


def literal(node: Node) -> tuple[Num, int] | None:
    """A number as written, with its sign: 0.2, −0.3, −(−1), 4.39652 × 10^{-9}."""
    sign = 1
    while isinstance(node, Neg):
        node, sign = node.value, -sign
    if isinstance(node, Num):
        return node, sign
    scientific = _scientific(node)
    return None if scientific is None else (scientific[0], sign * scientific[1])


def _scientific(node: Node) -> tuple[Num, int] | None:
    """a × 10^k as the one number it is, its last digit where a's last digit lands: 4.39652 ×
    10^{-9} has 14 decimals (and 4.2 × 10^{3} has −2: it is rounded to hundreds)."""
    if not (isinstance(node, Mul) and not node.elementwise and len(node.factors) == 2):
        return None
    mantissa, power = node.factors
    found = literal(mantissa)
    if found is None or not isinstance(power, Pow):
        return None
    a, sign = found
    if not (isinstance(power, Pow) and isinstance(power.base, Num)
            and power.base.value == 10 and power.base.decimals == 0 and isinstance(power.exponent, Node)):
        return None
    k = literal(power.exponent)
    if k is None or k[0].decimals or k[0].value.denominator != 1:
        return None
    e = k[1] * int(k[0].value)
    return Num(a.value * Fraction(10) ** e, f"{a.text}e{e}", a.decimals - e, a.truncated), sign


def literals(node: Node) -> list[tuple[Num, int]] | None:
    """The numbers of a side that is one number or a matrix of numbers (row by row)."""
    if isinstance(node, Matrix):
        cells = [literal(c) for row in node.rows for c in row]
        return None if any(c is None for c in cells) else cells  # type: ignore[return-value]
    one = literal(node)
    return None if one is None else [one]


def substitutions(symbolic: Node, numbers: Node) -> list[tuple[Node, Node]] | None:
    """Where `numbers` is `symbolic` with numbers put in, each (symbol, number) pair."""
    if literal(numbers) is not None and not isinstance(symbolic, Num):
        if isinstance(symbolic, Neg):
            return [(symbolic.value, Neg(numbers))]
        return [(symbolic, numbers)]
    if type(symbolic) is not type(numbers):
        return None
    if isinstance(symbolic, Num):
        return []
    if isinstance(symbolic, Add) and isinstance(numbers, Add):
        if [s for s, _ in symbolic.terms] != [s for s, _ in numbers.terms]:
            return None
        pairs = zip((t for _, t in symbolic.terms), (t for _, t in numbers.terms), strict=True)
    elif isinstance(symbolic, Mul) and isinstance(numbers, Mul):
        if len(symbolic.factors) != len(numbers.factors):
            return None
        pairs = zip(symbolic.factors, numbers.factors, strict=True)
    elif isinstance(symbolic, Call) and isinstance(numbers, Call):
        if symbolic.func != numbers.func or symbolic.primes != numbers.primes:
            return None
        pairs = zip([symbolic.arg], [numbers.arg], strict=True)
    elif isinstance(symbolic, Pow) and isinstance(numbers, Pow):
        if not (isinstance(symbolic.exponent, Node) and isinstance(numbers.exponent, Node)):
            return None
        pairs = zip([symbolic.base, symbolic.exponent], [numbers.base, numbers.exponent], strict=True)
    elif isinstance(symbolic, Matrix) and isinstance(numbers, Matrix):
        if [len(r) for r in symbolic.rows] != [len(r) for r in numbers.rows]:
            return None
        pairs = zip([c for r in symbolic.rows for c in r], [c for r in numbers.rows for c in r], strict=True)
    else:
        pairs = zip(children(symbolic), children(numbers), strict=False)
        if len(children(symbolic)) != len(children(numbers)):
            return None
    out: list[tuple[Node, Node]] = []
    for a, b in pairs:
        if isinstance(a, Sym) and a.name == "e" and not a.sub and a == b:
            continue
        found = substitutions(a, b)
        if found is None:
            return None
        out += found
    return out
