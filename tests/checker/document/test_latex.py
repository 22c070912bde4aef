"""The grammar reads what real documents contain, and nothing in them is ever run."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.checker.document import nodes as n
from explainer.checker.document.arithmetic import evaluate
from explainer.checker.document.latex import ParseError, parse
from explainer.checker.document.segments import chains_of


def value(text: str) -> float:
    """The value of a formula, every number in it taken as exact."""
    tree = parse(text)
    interval = evaluate(tree, frozenset(x.value for x in n.numbers(tree)))
    return float(interval.mid)


@pytest.mark.parametrize(("text", "expected"), [
    (r"0.7 \cdot 2", 1.4), (r"0.7 \times 2", 1.4), ("0.7 * 2", 1.4), ("0.7 · 2", 1.4), ("0.7 × 2", 1.4),
    ("0.7 − 0.1", 0.6), ("0.7 – 0.1", 0.6), ("0.7 — 0.1", 0.6),  # unicode minus, en and em dash
    (r"\left( 0.7 - 0.1 \right) \cdot 2", 1.2), (r"\bigl(0.7\bigr)^{2}", 0.49),
    (r"\tfrac{1}{2} + \dfrac{1}{4}", 0.75), (r"\frac12", None), (r"0.1(-0.5)", -0.05), ("2 (0.7 - 1)", -0.6),
    (r"\boldsymbol{0.7} + \text{ (from eq. 3)} 0.1", 0.8), (r"0.7 \tag{eq 1}\label{eq 1}", 0.7),
    (r"\frac{1}{1 + e^{0.35}}", 0.41338242108267), (r"\sigma(0)", 0.5), (r"\exp(0)", 1.0),
    (r"\tanh(0)", 0.0), ("0.5^2", 0.25), ("(-0.5)^{2}", 0.25), (r"\underbrace{0.7}_{w_5}", 0.7),
])
def test_real_spellings_are_read(text, expected):
    if expected is None:
        with pytest.raises(ParseError):
            parse(text)
    else:
        assert value(text) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_symbols_keep_their_scripts_whichever_order():
    assert parse(r"w^+_5") == parse(r"w_5^{+}") == parse(r"w_{5}^{+}") == n.Sym("w", "5", "+")
    assert parse(r"o_{h_{1}}") == parse("o_{h1}") == n.Sym("o", "h1")
    assert parse(r"E_{\text{total}}") == parse(r"E_{\mathrm{total}}") == n.Sym("E", "total")
    assert parse(r"\frac{\partial C}{\partial w_5}") == parse(r"\partial C / \partial w_5") == \
        n.Partial(n.Sym("C"), n.Sym("w", "5"))
    assert parse(r"\sigma'(O_{L1})") == n.Call("sigma", 1, n.Sym("O", "L1"))
    assert parse("0.220793…") == parse(r"0.220793\ldots") == n.Num(Fraction(220793, 10**6), "0.220793", 6, True)


def test_align_rows_continue_their_equation():
    body = r"""C & = (1 – 0.7)^2\\[0.8ex] & + (0.2 – 0.5)^2\\[0.8ex] & = 0.09 \\[0.8ex]
    & + 0.09 \\ &= 0.18 \\[0.8ex] \\[0.8ex] x_1 & = 2"""
    first, second = chains_of(body, 10, True, "")
    assert [s.text for s in first.sides] == ["C", "(1 – 0.7)^2 + (0.2 – 0.5)^2", "0.09 + 0.09", "0.18"]
    assert [s.line for s in first.sides] == [10, 10, 10, 11]
    assert [s.text for s in second.sides] == ["x_1", "2"] and second.line == 11


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*"0123456789.+-*/^_{}()[]&=\\ abcdefxyzσ∂·−…",
    r"\frac", r"\partial", r"\cdot", r"\left(", r"\right)", r"\begin{pmatrix}", r"\end{pmatrix}",
    r"\\", r"\sigma", r"\sum", r"\text{", r"\input{x}", r"\write18{ls}", "__import__('os')"]), max_size=30)
       .map("".join))
def test_any_text_parses_or_fails_cleanly(text):
    """Documents are data: whatever they hold is parsed or refused, never evaluated."""
    try:
        tree = parse(text)
    except ParseError:
        return
    assert isinstance(tree, n.Node)
