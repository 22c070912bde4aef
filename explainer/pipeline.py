"""The pipeline up to the walkthrough: spec → both engines → agreement.

    explanation = explain(load_spec("article.toml"))

Renderers and the JSON writer start from the returned `Explanation`.
`explain_and_present` does the same and also presents it (builds and renders the
walkthrough) while the proofs run on the other cores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from explainer import history, numeric, proof, symbolic
from explainer.agreement import compare
from explainer.progress import silent
from explainer.spec import Network, Spec
from explainer.walkthrough import Explanation, provable, representative, summarised

T = TypeVar("T")
Report = Callable[[str], None]  # told the stage a long computation is in (see explainer.progress)


def explain(spec: Spec, full: bool | None = None, rendering: bool = True,
            progress: Report = silent) -> Explanation:
    """Compute one step twice, independently, and compare the two with finite differences.

    The chain-rule products are proven for every parameter, or, for a network
    large enough to get a summarised walkthrough (see `walkthrough.summarised`),
    for the parameters it derives in full — and for none when no walkthrough is
    rendered (JSON only): differentiating the whole cost of a large network per
    parameter is exactly the slow road the chain rule avoids.
    """
    labels = to_prove(spec.network, full, rendering)
    progress("deriving the chain rule" + (" and proving it" if labels else ""))
    derivation = symbolic.derive(spec.network, labels)
    return _explanation(spec, derivation, progress)


def explain_and_present(spec: Spec, full: bool | None, present: Callable[[Explanation], T],
                        progress: Report = silent) -> tuple[Explanation, T]:
    """`explain(spec, full)` and `present(explanation)`, with the proofs running meanwhile.

    Proving the chain-rule products is the slowest part of a small step, and the
    walkthrough shows only each proof's outcome (its route and that it held; see
    `proof.Proof.outcome`). So the proofs start on the other cores, and `present`
    runs here on the explanation with the outcomes the proofs are expected to have.
    When the proofs are done the explanation carries their real results; if any
    outcome differs from the expected one, `present` runs again. The result is
    always exactly `present` of the proven explanation, as `explain` would give it.
    `present` must only read the explanation (it may run twice).
    """
    labels = to_prove(spec.network, full, rendering=True)
    progress("deriving the chain rule")
    derivation = symbolic.derive(spec.network, prove=())
    with proof.start(derivation, labels, behind=True) as proving:
        expected = proof.expected(derivation, labels)
        derivation.proofs = expected
        explanation = _explanation(spec, derivation, progress)
        progress("writing the walkthrough while the chain rule is proven")
        shown = present(explanation)
        progress("proving the chain-rule products")
        derivation.proofs = proving.result()
    if any(derivation.proofs[label].outcome != expected[label].outcome for label in labels):
        shown = present(explanation)
    return explanation, shown


def to_prove(net: Network, full: bool | None, rendering: bool) -> list[str]:
    """The labels whose chain-rule products are proven."""
    if not provable(net) or (summarised(net, full) and not rendering):
        return []
    if summarised(net, full):
        return representative(net)
    return [p.label for p in net.parameters]


def _explanation(spec: Spec, derivation: symbolic.Derivation, progress: Report) -> Explanation:
    progress("computing the step with both engines")
    sym = symbolic.step(spec, derivation)
    num = numeric.step(spec)
    progress("checking every gradient by finite differences")
    agreement = compare(spec, sym, num)
    run = None
    if spec.steps > 1 or len(spec.samples) > 1:
        steps = f"{spec.steps:,}"
        run = history.run(spec, sym.derivation,
                          lambda n: progress(f"training: step {n:,} of {steps} (symbolic engine)"))
    return Explanation(spec, sym, num, agreement, run)
