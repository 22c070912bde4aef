"""The pipeline up to the walkthrough: spec → both engines → proofs → agreement.

    check_run(spec)                       # refuse what is too large or too extreme, first
    explanation = explain(spec)           # a proven, immutable Explanation

Renderers, the JSON writer, the checker and the exercise sheets all start from
the returned `Explanation`. This module also owns the policy of what is proven
and what a walkthrough summarises, so that the engines only compute and the
walkthrough only presents:

* a network of more than SUMMARY_LIMIT parameters gets a summarised walkthrough
  (every derivation written out for the `worked` parameters: those the spec's
  `show` names, else a `representative` weight and bias per layer; tables for
  the rest) unless `full` says otherwise;
* the chain-rule products are proven for every parameter of a walkthrough that
  shows them all, for the representative ones of a summarised walkthrough, and
  for none when no walkthrough is written (JSON only) or when the network is too
  deep and wide to prove in reasonable time (see PROOF_LIMIT).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TypeVar

from explainer.engines import numeric, proof, symbolic, training
from explainer.engines.agreement import Agreement, compare
from explainer.engines.dry_run import check_range, train_in_range
from explainer.engines.proof import Proof
from explainer.engines.symbolic import SymbolicStep
from explainer.engines.training import History
from explainer.spec import Network, Spec
from explainer.spec.limits import check_size

T = TypeVar("T")
Report = Callable[[str], None]  # told the stage a long computation is in (the command shows it)

# Above this many parameters a walkthrough is summarised unless asked otherwise.
SUMMARY_LIMIT = 60
# Networks with more than one hidden layer and more parameters than this are not proven:
# `sympy.diff` of the part of the full cost a first-layer weight touches grows fast with
# the width of the layers after it (16-32-32-10, 1,930 parameters: 12.6 s for its 6 shown
# proofs; see bench/README.md). Their gradients are still checked against NumPy and
# finite differences.
PROOF_LIMIT = 2000


def _quiet(stage: str) -> None:
    """The default `progress`: say nothing."""


@dataclass(frozen=True)
class Explanation:
    """Everything computed about one step: the spec, both engines, the proofs and the agreement."""

    spec: Spec
    symbolic: SymbolicStep
    numeric: numeric.Step
    agreement: Agreement
    proofs: Mapping[str, Proof]  # by parameter label: the chain-rule products proven (read-only)
    history: History | None = None  # several samples or steps: the whole run

    @property
    def agrees(self) -> bool:
        """Whether every comparison of the independent computations passed."""
        return self.agreement.agrees and (self.history is None or self.history.agrees)


def check_run(spec: Spec, limits: bool = True, run: bool = True) -> None:
    """Refuse a spec too large for a run (unless `limits` is off; see `explainer.spec.limits`)
    or with numbers beyond float64's range (`explainer.engines.dry_run`): a SpecError.

    `run=False` leaves the float64 dry run of a training run of several steps or samples
    to `explain`, which makes that run (the numeric core's) while the symbolic engine
    makes its own on another core, and raises the same SpecError.
    """
    if limits:
        check_size(spec)
    check_range(spec, run)


def explain(spec: Spec, full: bool | None = None, rendering: bool = True,
            progress: Report = _quiet) -> Explanation:
    """Compute one step twice, independently, prove the chain rule, and compare.

    `full` and `rendering` decide what is proven (see the module docstring and
    `to_prove`); `progress` is told each stage as it starts.
    """
    progress("deriving the chain rule")
    derivation = symbolic.derive(spec.network)
    labels = to_prove(spec, full, rendering)
    if not spec.is_run:  # the proofs first: they need both cores
        if labels:
            progress("proving the chain-rule products")
        return _computed(spec, derivation, proof.prove(derivation, labels), progress)
    # A run: the symbolic engine's run and the proofs on the other cores, the numeric core's here;
    # the proofs behind both runs, which take longer.
    with proof.start(derivation, labels, behind=True) as running, _start_run(spec, derivation, progress) as run:
        computed = _computed(spec, derivation, proof.expected(derivation, labels), progress, run)
        progress("proving the chain-rule products")
        return replace(computed, proofs=MappingProxyType(running.results()))


def explain_and_present(spec: Spec, full: bool | None, present: Callable[[Explanation], T],
                        progress: Report = _quiet) -> tuple[Explanation, T]:
    """`explain(spec, full)` and `present` of it, with the proofs running meanwhile.

    Proving is the slowest part of a small step, and it shares nothing with the rest.
    So the proofs start on the other cores at once, and everything else is computed
    here meanwhile; then `present` runs on an explanation whose proofs are the ones
    expected (each holds, by its network's route: `proof.expected`). A walkthrough
    shows only each proof's outcome (its route and whether it held), so when the
    proofs are in and every outcome is the expected one, what `present` made is
    exactly what it would make of the proven explanation; otherwise it runs again on
    that. Both explanations are complete, immutable objects: the result is always
    the proven explanation and `present` of it, as `explain` would give them.
    (A paired benchmark, bench/paired.py, measured this 12 % faster than proving
    first on the seed example.)
    """
    progress("deriving the chain rule")
    derivation = symbolic.derive(spec.network)
    labels = to_prove(spec, full, rendering=True)
    with proof.start(derivation, labels, behind=True) as running, _start_run(spec, derivation, progress) as run:
        expected = proof.expected(derivation, labels)
        provisional = _computed(spec, derivation, expected, progress, run)
        progress("writing the walkthrough while the chain rule is proven")
        shown = present(provisional)
        progress("proving the chain-rule products")
        proofs = running.results()
    explanation = replace(provisional, proofs=MappingProxyType(proofs))
    if any(proofs[label].outcome != expected[label].outcome for label in labels):
        shown = present(explanation)
    return explanation, shown


def _start_run(spec: Spec, derivation: symbolic.Derivation, progress: Report) -> AbstractContextManager:
    """The symbolic engine's training run, begun (on a core of its own where it is long),
    for a spec of several steps or samples (`Spec.is_run`); else nothing."""
    if not spec.is_run:
        return nullcontext()
    steps = f"{spec.steps:,}"
    return training.start(spec, derivation,
                          lambda n: progress(f"training: step {n:,} of {steps} (symbolic engine)"))


def _computed(spec: Spec, derivation: symbolic.Derivation, proofs: dict[str, Proof],
              progress: Report, run: training.Started | None = None) -> Explanation:
    """The explanation of the step `derivation` derives, with the given proofs, and of the
    training run `run` (the symbolic engine's, begun by `_start_run`)."""
    progress("computing the step with both engines")
    sym = symbolic.step(spec, derivation)
    num = numeric.step(spec)
    progress("checking every gradient by finite differences")
    agreement = compare(spec, sym, num)
    history = None
    if run is not None:
        progress("training: the numeric core's run")
        history = run.history(train_in_range(spec))
    return Explanation(spec, sym, num, agreement, MappingProxyType(proofs), history)


def to_prove(spec: Spec, full: bool | None, rendering: bool) -> list[str]:
    """The labels whose chain-rule products are proven: every parameter of a walkthrough
    that shows them all, the worked ones of a summarised walkthrough."""
    net = spec.network
    if not provable(net) or (summarised(net, full) and not rendering):
        return []
    if summarised(net, full):
        return worked(spec)
    return [p.label for p in net.parameters]


def provable(net: Network) -> bool:
    """Whether proving the shown products against the full cost finishes in reasonable time."""
    return net.depth < 3 or len(net.parameters) <= PROOF_LIMIT


def summarised(net: Network, full: bool | None = None) -> bool:
    """Whether a walkthrough of `net` is summarised: `full` decides when given."""
    return not full if full is not None else len(net.parameters) > SUMMARY_LIMIT


def worked(spec: Spec) -> list[str]:
    """The parameters a walkthrough works in full when it does not work them all: those the
    spec's `show` names (``--show``), else a `representative` few."""
    return list(spec.show) if spec.show else representative(spec.network)


def representative(net: Network) -> list[str]:
    """The parameters a summarised walkthrough derives in full: per layer, the weight
    from the first neuron before to the first neuron, and the bias of that neuron."""
    labels = []
    for layer in range(net.depth, 0, -1):
        labels.append(net.weight(layer, 0, 0).label)
        bias = net.bias_of(layer, 0)
        if bias is not None:
            labels.append(bias.label)
    return labels
