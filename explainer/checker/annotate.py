"""A checked walkthrough: the person's numbers beside the derivation of the true ones.

`annotate` takes the walkthrough `explain` builds and adds, for a claims check:

* after the overview, a section listing every claim — what was written, the true
  value to as many digits, the verdict — and one explanation per slip found, with
  the slipped and the correct formula and the numbers that show it;
* after every derivation of a claimed quantity, a marked note: right, wrong (with
  the slip that reproduces it), or carried forward from earlier wrong numbers.
"""

from __future__ import annotations

import dataclasses

from explainer.checker.diagnosis import JOIN, parts
from explainer.checker.slips import CATALOGUE
from explainer.checker.verdicts import CORRECT, FOLLOWS, Check, Verdict
from explainer.spec.reader import count
from explainer.walkthrough.context import inline
from explainer.walkthrough.document import Block, Document, Equation, Math, Paragraph, Row, Section, Table, Text
from explainer.walkthrough.formatting import show_like
from explainer.walkthrough.notation import Notation
from explainer.walkthrough.presets import preset

# Claims name their quantities as the seed walkthrough does (gradient.w5, delta.L1), so a
# checked walkthrough is written in the seed's notation — or in Mitchell's, where the claims
# follow that convention (their δ is the error term −∂E/∂net).
SEED = Notation()
MARKS_AS_NOTES = 2  # claims about one derivation shown as notes; more become a small table
TONES = {CORRECT: "correct", FOLLOWS: "follows", "wrong": "wrong"}
VERDICT_WORDS = {CORRECT: "right", FOLLOWS: "carried forward", "wrong": "wrong"}


def _slashed(top: str, bottom: str) -> str:
    """∂top/∂bottom on one line: fractions inside running text and tables are cramped."""
    return rf"\partial {top} / \partial {bottom}"


def symbols_for(check: Check) -> Notation:
    """The notation a checked walkthrough is written in (see `explainer.cli.check`)."""
    if check.claims.notation == "mitchell":
        return preset("mitchell", check.claims.spec.network)
    return SEED


def quantity(key: str, sym: Notation = SEED) -> str:
    """The LaTeX symbol of a claimed quantity: delta.L1 → δ_{L_1}, gradient.w5 → ∂C/∂w_5,
    step.w5 → η ∂C/∂w_5, change.w5 → Δw_5, error.L1 → o_{L_1} − exp_1."""
    parts = key.split(".")
    if parts[0] == "history":
        step, name = parts[1], parts[2]
        what = sym.C if name == "cost" else sym.param(name)
        return rf"{what}^{{({step})}}"
    after = parts[0] == "after"
    if after:
        parts = parts[1:]
    kind, name = parts[0], (parts[1] if len(parts) > 1 else "")
    # A convention's δ is written plainly: the number claimed is that convention's δ.
    delta = (rf"\delta_{{{sym.neuron(name)}}}" if sym.delta_sign < 0 else sym.delta(name)) if name else ""
    symbol = {
        "cost": lambda: sym.C,
        "input": lambda: sym.i(name),
        "output": lambda: sym.o(name),
        "activation_derivative": lambda: _slashed(sym.o(name), sym.i(name)),
        "cost_derivative": lambda: _slashed(sym.C, sym.o(name)),
        "weighted_sum": lambda: rf"\textstyle\sum w\, o \to {sym.neuron(name)}",
        "error": lambda: rf"{sym.o(name)} - {sym.expected(int(name[1:]))}",  # last layer: L1, L2, …
        "exponential": lambda: rf"e^{{{sym.i(name)}}}",
        "exponential_sum": lambda: r"\textstyle\sum e^{i}",
        "delta": lambda: delta,
        "gradient": lambda: _slashed(sym.C, sym.param(name)),
        "step": lambda: rf"\eta\, {_slashed(sym.C, sym.param(name))}",
        "change": lambda: rf"\Delta {sym.param(name)}",
        "updated": lambda: sym.updated(name),
    }[kind]()
    return f"{symbol}^{{+}}" if after else symbol


def written(v: Verdict) -> str:
    """The claimed number as the person wrote it, in LaTeX (1.5e-3 → 1.5 × 10^{-3})."""
    text = v.claim.written.replace("E", "e")
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def true_shown(v: Verdict) -> str:
    """The true value to as many significant digits as the claim has (at least 3)."""
    shown = show_like(v.true, v.claim.written)
    return f"{shown.relation} {shown.latex}"


def _names(keys: tuple[str, ...], sym: Notation) -> Math:
    return Math(",\\ ".join(quantity(k, sym) for k in keys))


def mark(v: Verdict, sym: Notation = SEED) -> Paragraph:
    """The note set beside the derivation of a claimed quantity."""
    you = Math(f"{quantity(v.key, sym)} = {written(v)}")
    if v.verdict == CORRECT:
        parts = inline(Text("Right. ", strong=True), "You wrote ", you, "; the true value is ",
                       Math(f"{quantity(v.key, sym)} {true_shown(v)}"), ".")
    elif v.verdict == FOLLOWS:
        parts = inline(Text("Carried forward. ", strong=True), "You wrote ", you, ". The true value is ",
                       Math(f"{quantity(v.key, sym)} {true_shown(v)}"),
                       ", but your number is exactly what follows from your own earlier ",
                       _names(v.follows_from, sym), ": no new mistake here.", *_slip_words(v))
    else:
        parts = inline(Text("Wrong. ", strong=True), "You wrote ", you, "; the true value is ",
                       Math(f"{quantity(v.key, sym)} {true_shown(v)}"), ".", *_slip_words(v))
    return Paragraph(parts, note=True, tone=TONES[v.verdict])


def _slip_words(v: Verdict) -> tuple:
    if not v.diagnosis:
        return inline(" No slip of the catalogue reproduces it.") if v.verdict != FOLLOWS else ()
    names = "; ".join(_title(s) for s in v.diagnosis)  # a pair: "a + b"
    return inline(f" It is what the slip “{names}” gives (see “Your numbers, checked”).")


def _title(slip_id: str) -> str:
    """A slip's id in words; a pair "a+b" as "a + b"."""
    return slip_id.replace("_", " ").replace(JOIN, " + ")


def claims_table(verdicts: tuple[Verdict, ...], caption: str, sym: Notation = SEED) -> Table:
    rows = tuple(
        (Math(quantity(v.key, sym)), Math(written(v)), Math(true_shown(v)),
         Text(VERDICT_WORDS[v.verdict]),
         Text(", ".join(_title(s) for s in v.diagnosis) if v.diagnosis else
              ("from " + ", ".join(v.follows_from) if v.follows_from else "")))
        for v in verdicts)
    return Table(header=(Text("Quantity"), Text("You wrote"), Text("True value"), Text("Verdict"),
                         Text("Slip")), rows=rows, align="lrrll", caption=caption)


def checked_section(check: Check) -> Section:
    sym = symbols_for(check)
    """The list of claims with verdicts, and one explanation per slip found."""
    verdicts = check.verdicts
    counts = _counts(check)
    blocks: list[Block] = [Paragraph(inline(
        f"You gave {count(len(verdicts), 'number')}. Right: {counts[CORRECT]}; wrong: {counts['wrong']}; "
        f"wrong only because they carry an earlier wrong number forward: {counts[FOLLOWS]}. A number "
        "is right when it is within half a unit of its last written digit of the true value, plus the "
        "rounding your earlier numbers carry into it (or of what your own right numbers give); a slope "
        "or a zero that is exact by nature must be exact. Each is also marked beside its derivation below.",
    ))]
    blocks.append(claims_table(verdicts, "Every claimed number, the true value to as many digits, and "
                                         "the slip that reproduces each wrong one.", sym))
    for slip_id in dict.fromkeys(s for v in verdicts for d in v.diagnosis for s in parts(d)):
        blocks += _slip_blocks(check, slip_id, sym)
    return Section("Your numbers, checked", "claims", tuple(blocks))


def _slip_blocks(check: Check, slip_id: str, sym: Notation) -> list[Block]:
    slip = CATALOGUE[slip_id]
    hits = [v for v in check.verdicts if any(slip_id in parts(d) for d in v.diagnosis)]
    example = next((v for v in hits if v.verdict == "wrong"), hits[0])
    entry = next(d for d in example.diagnosis if slip_id in parts(d))  # the slip, or a pair with it
    again = show_like(example.slipped[entry], example.claim.written)
    others = [_title(s) for s in parts(entry) if s != slip_id]
    together = f" together with “{others[0]}”" if others else ""
    paired = " (with another slip)" if others else ""
    return [
        Paragraph(inline(Text(f"The slip “{_title(slip_id)}”. ", strong=True), slip.explanation,
                         f" It reproduces {len(hits)} of your numbers{paired}.")),
        Equation((Row(r"\text{slipped}", ":", slip.wrong), Row(r"\text{correct}", ":", slip.right))),
        Paragraph(inline(
            f"For example, redoing the step with this slip{together} gives ",
            Math(f"{quantity(example.key, sym)} {again.relation} {again.latex}"), " — you wrote ",
            Math(written(example)), " — while the true value is ",
            Math(f"{quantity(example.key, sym)} {true_shown(example)}"), ".")),
    ]


def annotate(document: Document, check: Check) -> Document:
    """The walkthrough with the checked section after the overview and a mark after
    every derivation of a claimed quantity."""
    verdicts = {v.key: v for v in check.verdicts}
    sym = symbols_for(check)
    sections = []
    for section in document.sections:
        blocks: list[Block] = []
        for block in section.blocks:
            blocks.append(block)
            if isinstance(block, Equation):
                mine = tuple(verdicts[k] for k in block.keys if k in verdicts)
                if len(mine) > MARKS_AS_NOTES:  # a note each would bury the derivation
                    blocks.append(claims_table(mine, "Your numbers for the rows above.", sym))
                else:
                    blocks += [mark(v, sym) for v in mine]
        sections.append(dataclasses.replace(section, blocks=tuple(blocks)))
    # After the overview (the network and its notation), before the forward pass.
    anchors = [s.anchor for s in sections]
    at = anchors.index("notation") + 1 if "notation" in anchors else 1
    sections.insert(at, checked_section(check))
    counts = _counts(check)
    summary = (*document.summary, ("Your numbers", f"{counts[CORRECT]} right, {counts['wrong']} wrong, "
                                                   f"{counts[FOLLOWS]} carried forward"))
    return dataclasses.replace(document, sections=tuple(sections), summary=summary)


def _counts(check: Check) -> dict[str, int]:
    return {k: sum(1 for v in check.verdicts if v.verdict == k) for k in (CORRECT, "wrong", FOLLOWS)}
