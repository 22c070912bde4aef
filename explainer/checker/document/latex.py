"""From the LaTeX of one side of an equation to a tree of `explainer.checker.document.nodes`.

Two steps. `normalise` rewrites what real documents contain into one spelling: unicode
minus signs, en dashes, · and × become -, \\cdot and \\times; sizing and spacing commands
(\\left, \\bigl, \\,, \\quad), wrappers that only style (\\boldsymbol, \\mathrm, \\text inside a
subscript, \\underbrace) and the leftovers of layout (\\tag, \\label, \\eqref) go. Then a
grammar (lark, LALR) reads the normalised text: sums, products written with ·, × or side
by side, fractions, ∂ fractions, powers, function calls (σ, σ′, exp, ln, tanh), matrices,
Σ and ∇. The grammar is the only reader: nothing is ever evaluated as code.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

from explainer.checker.document import nodes as n

# One spelling for what documents write many ways (unicode first, as typed in Markdown).
_UNICODE = {
    "−": "-", "–": "-", "—": "-", "‐": "-", "‒": "-", "·": r" \cdot ", "⋅": r" \cdot ", "∙": r" \cdot ",
    "×": r" \times ", "σ": r"\sigma ", "η": r"\eta ", "δ": r"\delta ", "Δ": r"\Delta ", "∂": r"\partial ",
    "∇": r"\nabla ", "≈": r" \approx ", "∑": r"\sum ", "Σ": r"\sum ", "′": "'", "’": "'", "⊙": r" \odot ",
    "²": "^2", "³": "^3", "θ": r"\theta ", "α": r"\alpha ", "\u00a0": " ", "…": "…",
}
_DROP = re.compile(
    r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg|middle)(?![A-Za-z])\.?"
    r"|\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits|quad|qquad|nonumber|notag)(?![A-Za-z])"
    r"|(?<!\\)\\[,;:! ]|~")
_ELLIPSIS = re.compile(r"\\(?:ldots|dots|cdots)(?![A-Za-z])|\.\.\.")
# \cmd{…} that only styles its content: keep the content.
_STYLE = ("boldsymbol", "mathbf", "bm", "mathit", "mathrm", "textrm", "mathsf", "operatorname", "mathnormal")
_FUNCTIONS = {"sigma": "sigma", "exp": "exp", "ln": "ln", "log": "ln", "tanh": "tanh", "relu": "relu"}
_NAMED_FUNCTIONS = re.compile(r"(?<![A-Za-z\\])(ReLU|relu|sigmoid)(?=\s*[('])")


def brace_end(text: str, start: int) -> int:
    """The index just after the group that opens with the brace at `start`."""
    depth = 0
    for k in range(start, len(text)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and (k == 0 or text[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k + 1
    return len(text)


def _unwrap(text: str, command: str, keep: bool, drop_script: bool = False) -> str:
    r"""Replace every \command{X} by X (`keep`) or by nothing; with `drop_script`, a
    following _{…} or ^{…} goes too (the label of \underbrace)."""
    pattern = re.compile(rf"\\{command}(?![A-Za-z])\s*(?=\{{)")
    while (m := pattern.search(text)) is not None:
        end = brace_end(text, m.end())
        inner = text[m.end() + 1:end - 1]
        if drop_script:
            script = re.match(r"\s*[_^]\s*", text[end:])
            if script:
                after = end + script.end()
                end = brace_end(text, after) if text[after:after + 1] == "{" else after + 1
        text = text[:m.start()] + (f"{{{inner}}}" if keep else " ") + text[end:]
    return text


def _text_outside_scripts(text: str) -> str:
    r"""\text{…} inside a subscript or superscript is part of a name (E_{\text{total}}); at the
    top level it is prose (\text{ (from }), which no formula holds."""
    text = re.sub(r"([_^])\s*\{\s*\\text\s*\{([^{}]*)\}\s*\}", r"\1{\2}", text)  # _{\text{X}}
    text = re.sub(r"([_^])\s*\\text\s*\{([^{}]*)\}", r"\1{\2}", text)  # _\text{X}
    return _unwrap(text, "text", keep=False)


def normalise(text: str) -> str:
    """One spelling for one side of an equation (see the module docstring)."""
    for old, new in _UNICODE.items():
        text = text.replace(old, new)
    text = re.sub(r"\\(?:tag|label|eqref|ref)\*?\s*\{[^{}]*\}", " ", text)
    text = _ELLIPSIS.sub("…", text)
    text = text.replace(r"\prime", "'").replace("^{'}", "'").replace("^'", "'")
    text = re.sub(r"\\[td]frac(?![A-Za-z])", r"\\frac", text)
    text = _text_outside_scripts(text)
    for command in _STYLE:
        text = _unwrap(text, command, keep=True)
    for command in ("underbrace", "overbrace", "underset", "overset"):
        text = _unwrap(text, command, keep=True, drop_script=command.endswith("brace"))
    text = _NAMED_FUNCTIONS.sub(lambda m: r"\sigma" if m.group(1) == "sigmoid" else r"\relu", text)
    text = _DROP.sub(" ", text)
    text = re.sub(r"\{\s*\}", " ", text)  # {} left by the above
    return re.sub(r"\s+", " ", text).strip()


# A number as documents write it: 2, 0.7, .5, 1.5e-3, and cut short with an ellipsis, 0.2207…
NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?…?"
SIGNED_NUMBER = rf"[-−–]?{NUMBER}"  # as prose writes one, with a sign of any dash

GRAMMAR = r"""
?start: expr
?expr: sum
?sum: product
    | sum "+" product        -> add
    | sum "-" product        -> sub
?product: unary
    | product MUL unary      -> mul
    | product "\\odot" unary -> odot
    | product "/" unary      -> div
    | product plain          -> mul
?unary: "-" unary            -> neg
    | "+" unary
    | plain
?plain: postfix
    | "\\partial" plain      -> partial
    | "\\sum" SCRIPT? unary  -> sum
    | "\\nabla" SCRIPT? plain -> nabla
?postfix: atom
    | postfix SCRIPT         -> script
    | postfix PRIME          -> prime
atom: NUMBER                 -> number
    | NAME                   -> name
    | CMD                    -> name
    | FUNC PRIME* "(" expr ")"      -> call
    | FUNC SCRIPT PRIME* "(" expr ")" -> call
    | "(" expr ")"           -> group
    | "[" expr "]"           -> group
    | "{" expr "}"           -> group
    | "\\frac" "{" expr "}" "{" expr "}" -> frac
    | BEGIN rows END         -> matrix
rows: row ("\\\\" row)* "\\\\"?
row: expr ("&" expr)*

MUL: "\\cdot" | "\\times" | "*"
PRIME: "'"
NUMBER: /@NUMBER@/
NAME: /[A-Za-z]+/
FUNC.2: /\\(sigma|exp|ln|log|tanh|relu)(?![A-Za-z])/
CMD: /\\(?!(frac|partial|sum|nabla|cdot|times|odot|begin|end|sigma|exp|ln|log|tanh|relu)(?![A-Za-z]))[A-Za-z]+/
SCRIPT: /[_^](\{([^{}]|\{([^{}]|\{[^{}]*\})*\})*\}|\\[A-Za-z]+|[A-Za-z0-9+*])/
BEGIN: /\\begin\{[pbvBV]?matrix\}/
END: /\\end\{[pbvBV]?matrix\}/
%ignore " "
"""


@cache
def _parser():
    import lark  # a grammar library, loaded only when a document is read

    return lark.Lark(GRAMMAR.replace("@NUMBER@", NUMBER), parser="lalr", maybe_placeholders=False)


class ParseError(ValueError):
    """The text is not a formula this grammar reads."""


def parse(text: str) -> n.Node:
    """The tree of one side of an equation, from its LaTeX (normalised here)."""
    import lark

    normal = normalise(text)
    if not normal:
        raise ParseError("nothing to read")
    try:
        return _builder_class()().transform(_parser().parse(normal))
    except lark.exceptions.VisitError as err:  # a tree the grammar allows but no formula is
        raise ParseError(str(err.orig_exc)) from None
    except lark.exceptions.LarkError as err:
        raise ParseError(str(err).splitlines()[0]) from None


def flat(script: str) -> str:
    """A subscript or superscript as plain text: {h_{1}} → h1, {\\text{total}} → total."""
    body = script[1:] if script[:1] in "_^" else script
    body = re.sub(r"\\(?:text|mathrm|mathit|textrm|operatorname)\s*", "", body)
    return re.sub(r"[{}_\s]", "", body)


def _script_node(script: str) -> n.Node | str:
    """A superscript as an exponent tree where it is one, else its flat text (+, T, (1))."""
    body = script[1:]
    inner = body[1:-1] if body.startswith("{") else body
    if inner.strip() in ("+", "T", "*"):
        return inner.strip()
    try:
        return parse(inner)
    except ParseError:
        return flat(script)


def _number(token: str) -> n.Num:
    truncated = token.endswith("…")
    text = token.rstrip("…")
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2]) - (int(exponent) if exponent else 0)
    return n.Num(Fraction(text), text, decimals, truncated)


@cache
def _builder_class():
    import lark

    class Build(lark.Transformer):
        def number(self, items):
            return _number(str(items[0]))

        def name(self, items):
            token = str(items[0])
            return n.Sym(token.lstrip("\\"))

        def call(self, items):
            func = _FUNCTIONS[str(items[0]).lstrip("\\")]
            primes = sum(1 for t in items[1:-1] if str(t) == "'")
            return n.Call(func, primes, items[-1])

        def group(self, items):
            return items[0]

        def frac(self, items):
            top, bottom = items
            if isinstance(top, _Partial) and isinstance(bottom, _Partial):
                return n.Partial(top.of, bottom.of)
            return n.Div(_plain(top), _plain(bottom))

        def div(self, items):
            top, bottom = items
            if isinstance(top, _Partial) and isinstance(bottom, _Partial):
                return n.Partial(top.of, bottom.of)
            return n.Div(_plain(top), _plain(bottom))

        def partial(self, items):
            return _Partial(items[0])

        def add(self, items):
            return _add(items[0], 1, items[1])

        def sub(self, items):
            return _add(items[0], -1, items[1])

        def mul(self, items):
            factors = [f for item in items if not isinstance(item, lark.Token) for f in _factors(item)]
            return n.Mul(tuple(_plain(f) for f in factors))

        def odot(self, items):
            return n.Mul((_plain(items[0]), _plain(items[1])), elementwise=True)

        def neg(self, items):
            return n.Neg(_plain(items[0]))

        def sum(self, items):
            index = flat(str(items[0])) if len(items) == 2 else ""
            return n.Sum(index, _plain(items[-1]))

        def nabla(self, items):
            sub = flat(str(items[0])) if len(items) == 2 else ""
            return n.Gradient(sub, _plain(items[-1]))

        def script(self, items):
            base, token = items
            script = str(token)
            if isinstance(base, n.Sym) and not (base.name == "e" and not base.sub and script[0] == "^"):
                if script[0] == "_" and not base.sub:
                    return n.Sym(base.name, flat(script), base.sup, base.primes)
                if script[0] == "^" and not base.sup:
                    return n.Sym(base.name, base.sub, flat(script), base.primes)
            if script[0] == "_":
                raise ParseError(f"a subscript on {type(base).__name__}")
            return n.Pow(_plain(base), _script_node(script))

        def prime(self, items):
            base = items[0]
            if isinstance(base, n.Sym):
                return n.Sym(base.name, base.sub, base.sup, base.primes + 1)
            raise ParseError("a prime on a formula")

        def matrix(self, items):
            return items[1]

        def rows(self, items):
            return n.Matrix(tuple(tuple(_plain(c) for c in row.children) for row in items))

    return Build


class _Partial(n.Node):
    """∂X inside a fraction, before the fraction makes it one side of ∂top/∂bottom."""

    def __init__(self, of: n.Node) -> None:
        self.of = of


def _plain(node: object) -> n.Node:
    if isinstance(node, _Partial):
        raise ParseError("∂ outside a fraction")
    return node  # type: ignore[return-value]


def _factors(node: n.Node) -> list[n.Node]:
    return list(node.factors) if isinstance(node, n.Mul) and not node.elementwise else [node]


def _add(left: n.Node, sign: int, right: n.Node) -> n.Add:
    terms = list(left.terms) if isinstance(left, n.Add) else [(1, _plain(left))]
    return n.Add((*terms, (sign, _plain(right))))
