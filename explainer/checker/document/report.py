"""What a checked document adds to the check's report: its arithmetic, the numbers the spec
gives as it writes them, and what could not be read.

In the terminal, a few lines after the claims table; in the JSON, `arithmetic` (one entry
per step recomputed: `line`, `text`, `shown`, `recomputed`, `verdict`), `given` (the spec's
numbers as written: `line`, `what`, `written`, `spec`, `verdict`), `unread` (`line`, `text`,
`why`) and, per claim, the `line` it was read from; in a walkthrough, a section that lists
the document's wrong steps and unread lines by line number. The document's own text is
always plain text here, never math: a renderer escapes it, so nothing a document holds is
set as LaTeX.
"""

from __future__ import annotations

from fractions import Fraction

from explainer.checker.document import formulas
from explainer.checker.document.names import Names
from explainer.checker.document.reading import Reading
from explainer.engines.symbolic import SymbolicStep
from explainer.spec.reader import count
from explainer.walkthrough.document import Paragraph, Section, Table, Text
from explainer.walkthrough.formatting import show

SHOWN = 3  # wrong steps and unread lines listed in the terminal; the JSON has them all


def judge_formulas(reading: Reading, step: SymbolicStep) -> None:
    """Add the verdicts on the document's formulas of quantities to its arithmetic, in line order."""
    names = Names(reading.spec, reading.notation)
    reading.arithmetic = sorted(reading.arithmetic + formulas.judge(reading, names, step), key=lambda s: s.line)


def wrong_steps(reading: Reading) -> list:
    return [s for s in reading.arithmetic if s.verdict != "correct"]


def wrong_givens(reading: Reading) -> list:
    return [g for g in reading.given if not g.ok]


def found_anything_wrong(reading: Reading) -> bool:
    return bool(wrong_steps(reading) or wrong_givens(reading))


def _short(text: str, width: int = 90) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def _spec(value: Fraction) -> str:
    return show(value, 12).text


def text_lines(reading: Reading) -> list[str]:
    """The lines printed after the claims table."""
    steps, wrong = reading.arithmetic, wrong_steps(reading)
    lines = [f"{reading.source}: {count(len(reading.read), 'number')} read as claims ({reading.notation} "
             f"notation), {count(len(steps), 'arithmetic step')} recomputed, {len(wrong)} wrong."]
    for s in wrong[:SHOWN]:
        lines.append(f"  line {s.line}: {_short(s.text)}  (recomputed: {s.recomputed})")
    for g in wrong_givens(reading)[:SHOWN]:
        lines.append(f"  line {g.line}: {g.what} written {g.written}, but the spec gives {_spec(g.spec)}")
    if reading.unread:
        lines.append(f"{count(len(reading.unread), 'line')} with numbers could not be read (--format json "
                     "lists them all; --extract writes what was read, to correct and complete):")
        lines += [f"  line {u.line}: {_short(u.text, 70)}  ({u.why})" for u in reading.unread[:SHOWN]]
        if len(reading.unread) > SHOWN:
            lines.append(f"  … and {len(reading.unread) - SHOWN} more")
    return lines


def extend_json(data: dict, reading: Reading) -> dict:
    """The check's JSON with the document's lines added."""
    lines = {r.key: r.line for r in reading.read}
    for claim in data["claims"]:
        claim["line"] = lines.get(claim["key"])
    return {
        **data,
        "document": reading.source,
        "notation": reading.notation,
        "arithmetic": [{"line": s.line, "text": s.text, "shown": s.shown, "recomputed": s.recomputed,
                        "verdict": s.verdict} for s in reading.arithmetic],
        "given": [{"line": g.line, "what": g.what, "written": g.written, "spec": _spec(g.spec),
                   "verdict": "correct" if g.ok else "wrong"} for g in reading.given],
        "unread": [{"line": u.line, "text": u.text, "why": u.why} for u in reading.unread],
    }


def section(reading: Reading) -> Section:
    """The walkthrough's section on the document: every wrong step and every unread line."""
    steps, wrong = reading.arithmetic, wrong_steps(reading)
    blocks: list = [Paragraph((Text(
        f"Read from {reading.source} ({reading.notation} notation): {count(len(reading.read), 'number')} "
        f"as claims, and {count(len(steps), 'arithmetic step')} recomputed within the rounding its "
        f"numbers show ({len(steps) - len(wrong)} right, {len(wrong)} wrong). Lines with numbers that "
        f"could not be read: {len(reading.unread)}."),))]
    if wrong or wrong_givens(reading):
        rows = tuple((Text(str(s.line)), Text(_short(s.text, 70)), Text(s.recomputed), Text("wrong"))
                     for s in wrong)
        rows += tuple((Text(str(g.line)), Text(f"{g.what} = {g.written}"), Text(_spec(g.spec)),
                       Text("not the spec's")) for g in wrong_givens(reading))
        blocks.append(Table(header=(Text("Line"), Text("As written"), Text("Recomputed"), Text("Verdict")),
                            rows=rows, align="rlrl", caption="Steps of the document that do not hold."))
    if reading.unread:
        rows = tuple((Text(str(u.line)), Text(_short(u.text, 70)), Text(u.why)) for u in reading.unread)
        blocks.append(Table(header=(Text("Line"), Text("Text"), Text("Why it was not read")), rows=rows,
                            align="rll", caption="Lines with numbers this reader could not read."))
    return Section("Your document, line by line", "document", tuple(blocks))
