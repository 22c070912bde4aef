"""A worked example read: the claims its equations make, the numbers the spec gives as it
writes them, every arithmetic step, and what could not be read.

For each equation (`segments.Chain`): the left-hand side is named (`names.Names`) and the
number that ends the chain is that quantity's claim; a symbolic side followed by the same
formula with numbers in it (``2 (o_{L1} − exp_1) = 2 (0.712 − 1)``) gives a claim for
each symbol replaced by a number; each step between two sides made of numbers is
recomputed (`arithmetic`). A quantity written again later is the same claim if its
numbers agree; after the update, a forward quantity (an input, an output, the cost)
with a new value is the one after the step — as when a worked example checks that the
cost went down. Prose and tables are read the same way (`prose`). Every equation, prose
number or table cell with numbers that gives nothing is listed as unread, with why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from explainer.checker.claims import Claim, Claims
from explainer.checker.document import arithmetic, prose, segments
from explainer.checker.document import nodes as n
from explainer.checker.document.algebra import Algebra
from explainer.checker.document.latex import ParseError, normalise, parse
from explainer.checker.document.names import Named, Names, detect
from explainer.checker.document.tables import table_events
from explainer.spec import Spec

FORWARD = ("input.", "output.", "cost")  # what the pass after the step computes again


@dataclass(frozen=True)
class Read:
    """A number read as a claim: `key` in our convention (δ = ∂C/∂i), `value` the number as
    written (signed; `truncated` if cut short with an ellipsis), and `sign` × it the quantity
    (−1 for a Mitchell δ)."""

    key: str
    written: str
    value: Fraction
    decimals: int
    truncated: bool
    sign: int
    line: int
    source: str

    @property
    def stands_for(self) -> Fraction:
        """The quantity it claims, in our convention: a cut-short number's range's middle."""
        unit = Fraction(1, 10 ** self.decimals) if self.decimals >= 0 else Fraction(10 ** -self.decimals)
        away = (unit / 2 if self.value >= 0 else -unit / 2) if self.truncated else 0
        return self.sign * (self.value + away)

    @property
    def range(self) -> tuple[Fraction, Fraction]:
        """Every quantity it can stand for, given its rounding."""
        unit = Fraction(1, 10 ** self.decimals) if self.decimals >= 0 else Fraction(10 ** -self.decimals)
        middle = self.stands_for
        return middle - unit / 2, middle + unit / 2


@dataclass(frozen=True)
class Given:
    """A number the spec gives (a weight, an input, a target, η), as the document writes it."""

    what: str
    written: str
    spec: Fraction
    ok: bool
    line: int
    source: str


@dataclass(frozen=True)
class Step:
    """One step A = B between two sides made of numbers, recomputed."""

    line: int
    text: str
    shown: str
    recomputed: str
    verdict: str


@dataclass(frozen=True)
class Unread:
    line: int
    text: str
    why: str


@dataclass(frozen=True)
class Formula:
    """A formula of quantities (not one quantity) that a number is written for:
    C − C⁺ ≈ 0.0098, ∂i_{L2}/∂b_4 = 1. The true value is the formula's, judged with the step."""

    line: int
    text: str
    head: n.Node
    number: n.Node


@dataclass
class Reading:
    source: str
    notation: str
    spec: Spec
    read: list[Read] = field(default_factory=list)
    given: list[Given] = field(default_factory=list)
    arithmetic: list[Step] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    formulas: list[Formula] = field(default_factory=list)


@dataclass(frozen=True)
class Event:
    """Something a name says about a number, in document order."""

    line: int
    named: Named
    value: n.Node
    source: str


def read_text(text: str, kind: str, spec: Spec, source: str, notation: str | None = None) -> Reading:
    """Read a document's text (`kind` "tex", "md" or "txt") against `spec`."""
    doc = segments.read(text, kind)
    parsed = [[_parse(s.text) for s in chain.sides] for chain in doc.chains]
    heads = [nodes[0] for nodes in parsed if nodes and nodes[0] is not None]
    notation = notation or detect(spec, heads)
    names = Names(spec, notation)
    reading = Reading(source, notation, spec)
    exact = _exact(spec)
    events: list[Event] = []
    algebra = _LazyAlgebra(names)
    for chain, nodes in zip(doc.chains, parsed, strict=True):
        if not _has_numbers(chain, nodes):
            continue
        found, checked = _chain(chain, nodes, names, algebra, exact, reading)
        events += found
        if not found and not checked and not _whole_numbers_only(nodes):
            why = "not a formula this reader knows" if None in nodes else "nothing here names a quantity"
            reading.unread.append(Unread(chain.line, chain.source, why))
    sentences = []
    for table in doc.tables:
        found_cells, missed, words = table_events(table, names)
        events += [Event(line, named, value, text) for line, named, value, text in found_cells]
        reading.unread += [Unread(line, text, why) for line, text, why in missed]
        sentences += words
    said, loose = prose.read(doc.prose + sentences, names.sym.C)
    for s in said:
        if s.formula:
            reading.formulas.append(Formula(s.line, s.text, s.head, s.value))
            continue
        named = names.named(s.head)
        if named is None:
            reading.unread.append(Unread(s.line, s.text, "nothing here names a quantity"))
        else:
            events.append(Event(s.line, named, s.value, s.text))
    reading.unread += [Unread(x.line, x.text, "a number in prose that no name goes with") for x in loose]
    _settle(sorted(events, key=lambda e: e.line), reading)
    reading.unread.sort(key=lambda u: u.line)
    return reading


def _parse(text: str) -> n.Node | None:
    try:
        return parse(text)
    except ParseError:
        return None


def _exact(spec: Spec) -> frozenset[Fraction]:
    """The numbers the spec gives: exact wherever a document writes them."""
    net = spec.network
    values = {p.value for p in net.parameters} | ({spec.learning_rate} if spec.steps_taken else set())
    for sample in spec.samples:
        values |= set(sample.input) | set(sample.expected)
    return frozenset(Fraction(v) for v in values)


class _LazyAlgebra:
    """The derivation is built only when a left-hand side needs it (2 (o − exp) for ∂C/∂o)."""

    def __init__(self, names: Names) -> None:
        self.names, self._algebra = names, None

    def named(self, node: n.Node) -> Named | None:
        if self._algebra is None:
            self._algebra = Algebra(self.names)
        key = self._algebra.quantity(node)
        return None if key is None else Named((key,))

    def expresses(self, node: n.Node) -> bool:
        """Whether a formula is one of the step's quantities (so its value can be judged)."""
        if self._algebra is None:
            self._algebra = Algebra(self.names)
        return bool(n.symbols(node)) and self._algebra.expression(node) is not None


_DECIMAL_IN_TEXT = re.compile(r"\d*\.\d+")


def _has_numbers(chain: segments.Chain, nodes: list[n.Node | None]) -> bool:
    """Whether an equation holds a number worth reading: a side made of numbers, or a number
    with decimals (the 2 of a square or of 2 (o − exp) alone makes no formula a computation)."""
    if len(chain.sides) == 1 and nodes[0] is not None and \
            not any(x.decimals > 0 or x.truncated for x in n.numbers(nodes[0])):
        return False  # a whole number mentioned in passing ($\mathbf{1}$, the vector of ones)
    for node, side in zip(nodes, chain.sides, strict=True):
        if node is None:
            if _DECIMAL_IN_TEXT.search(normalise(side.text)):
                return True
        elif (n.numbers(node) and n.is_numeric(node)) or any(x.decimals > 0 or x.truncated
                                                              for x in n.numbers(node)):
            return True
    return False


def _whole_numbers_only(nodes: list[n.Node | None]) -> bool:
    """An equation of whole numbers whose left side names nothing is a definition (σ′(i) = 1,
    the slope of a linear activation), not a computation to check."""
    return all(node is not None for node in nodes) and all(
        x.decimals == 0 and not x.truncated for node in nodes for x in n.numbers(node))


def _chain(chain: segments.Chain, nodes: list[n.Node | None], names: Names, algebra: _LazyAlgebra,
           exact: frozenset[Fraction], reading: Reading) -> tuple[list[Event], bool]:
    """The events of one equation, and whether any step of it was recomputed (the steps go
    straight into `reading`)."""
    events: list[Event] = []
    checked = False
    numeric = [node is not None and n.is_numeric(node) for node in nodes]
    for k in range(1, len(nodes)):
        if numeric[k - 1] and numeric[k]:
            checked = _step(chain, k, nodes[k - 1], nodes[k], exact, reading, names.sigma(nodes[0])) or checked
        elif nodes[k - 1] is not None and nodes[k] is not None and numeric[k]:
            for symbol, number in n.substitutions(nodes[k - 1], nodes[k]) or []:
                named = names.named(symbol)
                if named is not None and len(named.keys) == 1:
                    events.append(Event(chain.sides[k].line, named, number, chain.source))
    head = nodes[0]
    if head is not None and not numeric[0] and len(nodes) > 1 and nodes[-1] is not None \
            and n.literals(nodes[-1]) is not None:
        named = names.named(head) or algebra.named(head)
        if named is not None:
            events.append(Event(chain.sides[-1].line, named, nodes[-1], chain.source))
        elif algebra.expresses(head):
            reading.formulas.append(Formula(chain.sides[-1].line, chain.source, head, nodes[-1]))
            checked = True
    return events, checked


def _step(chain: segments.Chain, k: int, left: n.Node, right: n.Node, exact: frozenset[Fraction],
          reading: Reading, sigma: Callable[[mpmath.mpf], mpmath.mpf] | None) -> bool:
    """One step of a chain recomputed; σ is the activation of the neuron the chain is about."""
    sigma = sigma or arithmetic.logistic
    try:
        a, b = arithmetic.evaluate(left, exact, sigma), arithmetic.evaluate(right, exact, sigma)
    except arithmetic.Unknown:
        return False
    verdict = "correct" if arithmetic.meets(a, b) else "wrong"
    text = f"{chain.sides[k - 1].text} = {chain.sides[k].text}"
    reading.arithmetic.append(Step(chain.sides[k].line, text, chain.sides[k].text, arithmetic.shown(a),
                                   verdict))
    return True


def _written(num: n.Num, sign: int) -> str:
    return ("-" if sign < 0 else "") + num.text + ("…" if num.truncated else "")


def _settle(events: list[Event], reading: Reading) -> None:
    """Claims from the events, in document order (see the module docstring)."""
    claimed: dict[str, Read] = {}
    updated_seen = False
    for event in events:
        literals = n.literals(event.value)
        named = event.named
        if literals is None or len(literals) != len(named.keys):
            reading.unread.append(Unread(event.line, event.source, "the number does not fit what is named"))
            continue
        for k, ((num, sign), key) in enumerate(zip(literals, named.keys, strict=True)):
            if named.given is not None:
                spec_value = named.given[k]
                ok = _stands_for(num, sign, spec_value)
                later = claimed.get(key.replace("param.", "updated.")) if key.startswith("param.") else None
                if not ok and later is not None and _agree(later, _read(later.key, num, sign, 1, event)):
                    continue  # after the update, a parameter written with its updated value
                given = Given(key, _written(num, sign), spec_value, ok, event.line, event.source)
                if not any((g.what, g.written) == (given.what, given.written) for g in reading.given):
                    reading.given.append(given)
                continue
            read = _read(key, num, sign, named.sign, event)
            earlier = claimed.get(key)
            if earlier is not None and _agree(earlier, read):
                continue  # the same number written again
            if earlier is not None and updated_seen and key.startswith(FORWARD):
                key = f"after.{key}"
                read = _read(key, num, sign, named.sign, event)
                earlier = claimed.get(key)
                if earlier is not None and _agree(earlier, read):
                    continue
            if earlier is not None:
                reading.unread.append(Unread(event.line, event.source,
                                             f"{key} written again as {read.written}, where line "
                                             f"{earlier.line} has {earlier.written}"))
                continue
            claimed[key] = read
            reading.read.append(read)
            updated_seen = updated_seen or key.startswith("updated.")


def _read(key: str, num: n.Num, sign: int, convention: int, event: Event) -> Read:
    return Read(key, _written(num, sign), sign * num.value, num.decimals, num.truncated, convention,
                event.line, event.source)


def _agree(a: Read, b: Read) -> bool:
    """Whether two writings of one quantity can be the same number, given their rounding."""
    (a_lo, a_hi), (b_lo, b_hi) = a.range, b.range
    return a_lo <= b_hi and b_lo <= a_hi


def _stands_for(num: n.Num, sign: int, value: Fraction) -> bool:
    """Whether a written number can stand for the spec's `value` (exactly, or rounded)."""
    if num.value.denominator == 1 and not num.truncated:
        return sign * num.value == value
    read = Read("", "", sign * num.value, num.decimals, num.truncated, 1, 0, "")
    lo, hi = read.range
    return lo <= value <= hi


def as_claims(reading: Reading, spec: Spec) -> Claims:
    """The claims a reading makes, as a claims file would make them: in Mitchell's
    convention where the document is written in it (its δ's are error terms)."""
    mitchell = reading.notation == "mitchell"
    out = []
    for r in reading.read:
        # the claim is f × the number written: our δ is −(Mitchell's), and a δ read with
        # sign −1 is the other convention's
        f = -r.sign if mitchell and r.key.startswith("delta.") else r.sign
        written = r.written.rstrip("…")
        out.append(Claim(r.key, written if f == 1 else _negated(written), f * r.sign * r.stands_for,
                         r.decimals, "written"))
    return Claims(reading.source, spec, tuple(out), "mitchell" if mitchell else "seed")


def _negated(text: str) -> str:
    return text[1:] if text.startswith("-") else "-" + text
