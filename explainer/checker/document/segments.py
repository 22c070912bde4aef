"""A document cut into what the reader reads: equations (as chains of sides joined by = or
≈, with the line each side is on), tables, and the prose between them.

Markdown and plain text: display math in $$…$$ or \\[…\\], inline math in $…$, and LaTeX
environments written straight into the text (the seed article's \\begin{align}); code
blocks are skipped (a figure's Mermaid source is not prose). LaTeX: the same, plus \\(…\\),
the equation/align/gather family, % comments, and only the body of the document (no
preamble, no TikZ). Rows of an aligned environment are split at their top-level \\\\; a
row that starts with & continues the equation above it (with a new side where it starts
with = or ≈, else as more of the side above: ``& + (0.2 − 0.53)^2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from explainer.checker.document.latex import SIGNED_NUMBER

_ENVIRONMENTS = ("equation|align|aligned|alignat|gather|gathered|multline|eqnarray|displaymath|math|split"
                 "|flalign")
_DISPLAY = re.compile(rf"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\begin\{{({_ENVIRONMENTS})\*?\}}(.+?)"
                      rf"\\end\{{\3\*?\}}", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)([^$\n]+?)(?<!\\)\$(?!\$)|\\\((.+?)\\\)", re.S)
_SKIPPED_TEX = re.compile(r"\\begin\{(tikzpicture|verbatim|lstlisting|comment)\}.*?\\end\{\1\}", re.S)
_RELATION = re.compile(r"\\approx(?![A-Za-z])|\\simeq(?![A-Za-z])|:=|≈|(?<![<>!\\])=")
_LONE_NUMBER = re.compile(rf"\s*{SIGNED_NUMBER}\s*")
_ROW_BREAK = re.compile(r"\\\\(\s*\[[^\]]*\])?")
_SIDE_BY_SIDE = re.compile(r"[,;]\s*\\q?quad(?![A-Za-z])")


@dataclass(frozen=True)
class Side:
    text: str
    line: int


@dataclass
class Chain:
    """One equation: its sides in order (the first often names a quantity) and the
    relations between them, with the line it starts on and its text as written."""

    sides: list[Side]
    line: int
    source: str
    display: bool = True
    context: str = ""  # the prose just before it (a table's header for a cell)


@dataclass(frozen=True)
class Prose:
    text: str
    line: int


@dataclass
class Table:
    """A Markdown or LaTeX table: the header cells and each row's cells, as LaTeX-or-text."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class Document:
    chains: list[Chain] = field(default_factory=list)
    prose: list[Prose] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _blank(text: str, start: int, end: int) -> str:
    """`text` with [start, end) replaced by spaces, its newlines kept (line numbers hold)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def split_top(text: str, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    """`text` split where `pattern` matches outside braces and environments, with the offset
    of each part (and the match that ended it, kept with the part after)."""
    parts, depth, env, start, k = [], 0, 0, 0, 0
    while k < len(text):
        if text.startswith("\\begin{", k):
            env += 1
        elif text.startswith("\\end{", k):
            env -= 1
        char = text[k]
        if char == "\\" and k + 1 < len(text) and text[k + 1] in "{}":
            k += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and env == 0:
            m = pattern.match(text, k)
            if m and m.end() > k:
                parts.append((start, text[start:k]))
                start, k = k, m.end()
                continue
        k += 1
    parts.append((start, text[start:]))
    return parts


def chains_of(body: str, line: int, display: bool, context: str) -> list[Chain]:
    """The equations of one math segment that starts on `line`."""
    body = re.sub(r"\\(begin|end)\{(aligned|gathered|split|alignedat)\}(\{[^}]*\})?", " ", body)
    out: list[Chain] = []
    for offset, row in split_top(body, _ROW_BREAK):
        start = offset + _text_start(row)  # the row's line is where its text starts, not its \\
        row_line = line + body.count("\n", 0, start)
        row = _ROW_BREAK.sub(" ", row, count=1) if _ROW_BREAK.match(row) else row
        cells = split_top(row, re.compile("&"))
        lead = cells[0][1].strip()
        rest = " ".join(c.lstrip("&") for _, c in cells[1:])
        text = (lead + " " + rest).strip()
        if not text:
            continue
        continues = not lead and out
        sides = [(o, s) for o, s in split_top(text, _RELATION)]
        if continues:
            chain = out[-1]
            first = sides[0][1].strip()
            if first:  # more of the side above: + (0.2 − 0.53)^2, \cdot 0.22
                last = chain.sides[-1]
                chain.sides[-1] = Side(f"{last.text} {first}", last.line)
            for _, s in sides[1:]:
                chain.sides.append(Side(_RELATION.sub(" ", s, count=1).strip(), row_line))
            chain.source += " " + text
            continue
        # "a = 1, \quad b = 2": two equations side by side on one row.
        for _, part in split_top(text, _SIDE_BY_SIDE):
            part = _SIDE_BY_SIDE.sub(" ", part, count=1).strip() if _SIDE_BY_SIDE.match(part) else part
            new = [Side(_strip_relation(s), row_line) for _, s in split_top(part, _RELATION)]
            out.append(Chain(new, row_line, part, display, context))
    return out


def _text_start(row: str) -> int:
    """Where the text of a row starts: after the \\ that ends the row above, and blanks."""
    m = _ROW_BREAK.match(row)
    after = m.end() if m else 0
    return after + len(row[after:]) - len(row[after:].lstrip())


def _strip_relation(side: str) -> str:
    m = _RELATION.match(side)
    return (side[m.end():] if m else side).strip()


def read(text: str, kind: str) -> Document:
    """The chains, prose and tables of a document; `kind` is "tex", "md" or "txt"."""
    doc = Document()
    if kind == "tex":
        text = _tex_body(text)
    else:
        text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                      text, flags=re.S | re.M)
        text = _markdown_tables(text, doc)
    if kind == "tex":
        text = _tex_tables(text, doc)
    last_end = 0
    spans = []
    for m in _DISPLAY.finditer(text):
        body = m.group(1) or m.group(2) or m.group(4) or ""
        spans.append((m.start(), m.end(), body, m.start(m.lastindex or 1), True))
    taken = _mask(text, [(s, e) for s, e, *_ in spans])
    for m in _INLINE.finditer(taken):
        body = m.group(1) or m.group(2) or ""
        if _LONE_NUMBER.fullmatch(body):
            continue  # "went down by $0.0098$": a number in a sentence, read with the sentence
        spans.append((m.start(), m.end(), body, m.start(1) if m.group(1) else m.start(2), False))
    spans.sort()
    for start, end, body, body_start, display in spans:
        context = text[last_end:start]
        if context.strip():
            doc.prose.append(Prose(context, line_at(text, last_end)))
        doc.chains += chains_of(body, line_at(text, body_start), display, context[-300:])
        last_end = end
    if text[last_end:].strip():
        doc.prose.append(Prose(text[last_end:], line_at(text, last_end)))
    return doc


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = _blank(text, start, end)
    return text


def _tex_body(text: str) -> str:
    """The body of a LaTeX document, comments and TikZ blanked out (lines kept)."""
    text = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)
    begin = text.find("\\begin{document}")
    if begin >= 0:
        text = _blank(text, 0, begin + len("\\begin{document}"))
    for m in list(_SKIPPED_TEX.finditer(text)):
        text = _blank(text, m.start(), m.end())
    return text


def _markdown_tables(text: str, doc: Document) -> str:
    """Markdown tables into `doc.tables`, blanked out of the text."""
    lines = text.split("\n")
    k = 0
    while k < len(lines):
        if lines[k].lstrip().startswith("|") and k + 1 < len(lines) and \
                re.fullmatch(r"\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*", lines[k + 1]):
            table = Table(_cells(lines[k]))
            lines[k] = lines[k + 1] = ""
            k += 2
            while k < len(lines) and lines[k].lstrip().startswith("|"):
                table.rows.append((k + 1, _cells(lines[k])))
                lines[k] = ""
                k += 1
            doc.tables.append(table)
            continue
        k += 1
    return "\n".join(lines)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def _after_arguments(text: str, k: int, count: int) -> int:
    """Where a tabular's body starts: after `count` {…} arguments and any [pos] option."""
    while True:
        while k < len(text) and text[k].isspace():
            k += 1
        if text.startswith("[", k):
            k = text.index("]", k) + 1
        elif count and text.startswith("{", k):
            from explainer.checker.document.latex import brace_end

            k, count = brace_end(text, k), count - 1
        else:
            return k


def _tex_tables(text: str, doc: Document) -> str:
    """LaTeX tabular environments into `doc.tables` (first row the header), blanked out."""
    for m in list(re.finditer(r"\\begin\{(tabular\*?|tabularx|longtable)\}(.*?)\\end\{\1\}", text, re.S)):
        arguments = 2 if m.group(1) in ("tabular*", "tabularx") else 1
        body_start = _after_arguments(text, m.start(2), arguments)
        body = text[body_start:m.end(2)]
        rows = []
        for offset, row in split_top(body, _ROW_BREAK):
            row = _ROW_BREAK.sub(" ", row, count=1) if _ROW_BREAK.match(row) else row
            row = re.sub(r"\\(hline|toprule|midrule|bottomrule|cline\{[^}]*\})", " ", row)
            if row.strip():
                cells = [c.strip() for _, c in split_top(row, re.compile("&"))]
                rows.append((line_at(text, body_start + offset), [c.lstrip("&").strip() for c in cells]))
        if rows:
            doc.tables.append(Table(rows[0][1], rows[1:]))
        text = _blank(text, m.start(), m.end())
    return text
