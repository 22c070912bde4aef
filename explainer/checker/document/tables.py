"""The numbers of a table: each row names a parameter or a neuron in its first cell, and each
column header says which of its numbers the column holds.

Headers are read as words — the value itself ("Before", "Value", "Initial"), the value after
the step ("After", "Updated", "New"), the expected value ("Expected", "Target") — or as a
formula in a generic parameter, ∂C/∂p (the gradient). A number in a column no header
explains is handed back unread.
"""

from __future__ import annotations

import re

from explainer.checker.document import nodes as n
from explainer.checker.document.latex import ParseError, parse
from explainer.checker.document.names import Named, Names
from explainer.checker.document.segments import Prose, Table

_BEFORE = re.compile(r"^(before|value|initial|start|old|current)\b", re.I)
_AFTER = re.compile(r"^(after|updated|new)\b", re.I)
_EXPECTED = re.compile(r"^(expected|target|wanted)\b", re.I)


def _math(cell: str) -> str:
    return re.sub(r"^\$+|\$+$", "", cell.strip()).strip()


def _node(cell: str) -> n.Node | None:
    text = _math(cell)
    if not text:
        return None
    try:
        return parse(text)
    except ParseError:
        return None


def _column(header: str, row: tuple[str, str, int], names: Names) -> Named | None:
    """What the column headed `header` holds for the row naming `row` (role, name, sign)."""
    role, name, _ = row
    words = re.sub(r"[*_`$]", "", header).strip()
    if _BEFORE.match(words):
        return names.named(_row_symbol(row, names))
    if _AFTER.match(words):
        kind = {"param": "updated", "output": "after.output", "input": "after.input"}.get(role)
        return None if kind is None else Named((f"{kind}.{name}",))
    if _EXPECTED.match(words) and role == "output":
        last = names.net.neurons(names.net.depth)
        if name in last:
            return Named((f"expected.{name}",), given=(names.spec.sample.expected[last.index(name)],))
        return None
    node = _node(header)
    if isinstance(node, n.Partial) and names.is_cost(node.top) and role == "param" \
            and isinstance(node.bottom, n.Sym) and names.role(node.bottom) is None:
        return Named((f"gradient.{name}",))  # ∂C/∂p in a generic p: the row's parameter
    return None


def _row_symbol(row: tuple[str, str, int], names: Names) -> n.Node:
    role, name, _ = row
    sym = names.sym
    latex = {"param": lambda: sym.param(name), "output": lambda: sym.o(name),
             "input": lambda: sym.i(name)}.get(role, lambda: "")()
    return parse(latex) if latex else n.Sym("")


def table_events(table: Table, names: Names) -> tuple[list[tuple[int, Named, n.Node, str]],
                                                         list[tuple[int, str, str]], list[Prose]]:
    """The numbers a table names — (line, what, number, row text) — those it does not, and
    the rows that are words and a value ("Cost after the step | 0.1839"), as prose."""
    found, missed, sentences = [], [], []
    for line, cells in table.rows:
        text = " | ".join(cells)
        first = _node(cells[0]) if cells else None
        row = names.role(first) if first is not None else None
        if row is None and cells and re.search(r"[A-Za-z]{3}", cells[0]) and "$" not in cells[0]:
            sentences.append(Prose(": ".join(cells), line))
            continue
        for header, cell in zip(table.header[1:], cells[1:], strict=False):
            value = _node(cell)
            if value is None or not n.is_numeric(value) or not n.numbers(value):
                continue
            named = _column(header, row, names) if row is not None else None
            if named is None:
                missed.append((line, text, f"the column {header!r} names no quantity this reader knows"
                               if row is not None else "the row names no neuron or parameter"))
            else:
                found.append((line, named, value, text))
    return found, missed, sentences
