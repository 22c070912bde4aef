"""Numbers written in the prose of a worked example, next to a name that says what they are.

The shapes worked examples use: a symbol set equal to a number or a list of numbers
outside math mode ("x = [2, 3]", "y = [0.7122 0.5331]", "η = 0.1"), the cost named in
words ("… and a cost of 0.1839862418540884", "the total error is 0.2984", "Cost after the
step: 0.1839"), its decrease ("the cost went down by 0.0098", a formula: C − C⁺) and the
learning rate named in words ("a learning rate of 0.5"). Anything else in prose that looks
computed (a number with decimals) is handed back unread, so nothing is dropped silently;
whole numbers ("part 2", "4 comments"), percentages (a comment on a result: "5.06 % of its
value") and LaTeX lengths (0.5em) are not computed values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from explainer.checker.document import nodes as n
from explainer.checker.document.latex import SIGNED_NUMBER, ParseError, parse
from explainer.checker.document.segments import Prose

NUMBER = SIGNED_NUMBER
_LIST = rf"\[\s*{NUMBER}(?:\s*[,;]?\s+{NUMBER}|\s*[,;]\s*{NUMBER})*\s*\]"
_EQUALS = re.compile(rf"(?<![\w\\])(?P<name>[A-Za-zηδσ][A-Za-z0-9_^+{{}}]*)\s*=\s*"
                     rf"(?P<value>{_LIST}|{NUMBER})(?!\.?\d)")
_AFTER = re.compile(rf"\b(?:cost|total error|loss)\s+after\s+the\s+(?:step|update)[\s:*]*(?P<value>{NUMBER})"
                    rf"(?!\.?\d)", re.I)
_BEFORE = re.compile(rf"\b(?:cost|total error|loss)\s+before\s+the\s+(?:step|update)[\s:*]*(?P<value>{NUMBER})"
                     rf"(?!\.?\d)", re.I)
_DECREASE = re.compile(rf"\b(?:cost|total error|loss)\s+"
                       rf"(?:went down|fell|dropped|decreased|decreases|falls|goes down)\s+by\s+"
                       rf"(?P<value>{NUMBER})(?!\.?\d)", re.I)
# "the cost is 0.19", "a cost of 0.19", and a label, "Cost: 0.19" (also **Cost:** in Markdown)
_COST = re.compile(rf"\b(?:cost|total error|loss)\b"
                   rf"(?:\s*:\**|(?:\s+(?:would\s+be|is|was|of|becomes|equals|:|now)){{1,2}})"
                   rf"\s+(?P<value>{NUMBER})(?!\.?\d)", re.I)
_RATE = re.compile(rf"\blearning[- ]rate\b[\s:*]*(?:(?:of|is|was|η|eta|=)[\s:*]*){{0,3}}=?\s*"
                   rf"(?P<value>{NUMBER})(?!\.?\d)", re.I)
_DECIMAL = re.compile(r"(?<![\w.])[-−–]?\d+\.\d+…?(?!\.?\d)(?!\s*\\?%)")
_LENGTH = re.compile(r"\d*\.?\d+\s*(?:em|ex|pt|cm|mm|bp|\\(?:linewidth|textwidth|baselineskip|columnwidth))\b")


@dataclass(frozen=True)
class Said:
    """A number (or list) in prose with what names it: a symbol, or the cost or η in words."""

    line: int
    text: str
    head: n.Node
    value: n.Node
    formula: bool = False  # the head is a formula of quantities (C − C⁺), not one quantity


@dataclass(frozen=True)
class Loose:
    """A computed-looking number in prose that nothing names."""

    line: int
    text: str


def _value(text: str) -> n.Node:
    if text.startswith("["):
        entries = re.findall(NUMBER, text)
        return n.Matrix(tuple((parse(e),) for e in entries))
    return parse(text)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    right = min([k for k in (text.find(". ", end), text.find("\n", end)) if k >= 0] or [len(text)])
    return " ".join(text[left:right + 1].split())


def read(prose: list[Prose], cost: str) -> tuple[list[Said], list[Loose]]:
    """What the prose says (`cost` is the notation's symbol for the cost, as LaTeX)."""
    heads = {_EQUALS: None, _AFTER: f"{cost}^{{+}}", _BEFORE: cost, _DECREASE: f"{cost} - {cost}^{{+}}",
             _COST: cost, _RATE: r"\eta"}
    said: list[Said] = []
    loose: list[Loose] = []
    for block in prose:
        text, used = _LENGTH.sub(lambda m: " " * len(m.group(0)), block.text.replace("$", " ")), []
        for pattern, head_latex in heads.items():
            for m in pattern.finditer(text):
                if any(s < m.end("value") and m.start("value") < e for s, e in used):
                    continue
                try:
                    head = parse(m.group("name") if head_latex is None else head_latex)
                    value = _value(m.group("value"))
                except (ParseError, ValueError):
                    continue
                used.append((m.start("value"), m.end("value")))
                line = block.line + text.count("\n", 0, m.start())
                said.append(Said(line, _sentence(text, m.start(), m.end()), head, value, pattern is _DECREASE))
        for m in _DECIMAL.finditer(text):
            if not any(s <= m.start() < e for s, e in used):
                line = block.line + text.count("\n", 0, m.start())
                loose.append(Loose(line, _sentence(text, m.start(), m.end())))
    said.sort(key=lambda s: s.line)
    return said, loose
