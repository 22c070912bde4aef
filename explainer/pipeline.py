"""The pipeline up to the walkthrough: spec → both engines → agreement.

    explanation = explain(load_spec("article.toml"))

Renderers and the JSON writer start from the returned `Explanation`.
"""

from __future__ import annotations

from explainer import history, numeric, symbolic
from explainer.agreement import compare
from explainer.spec import Spec
from explainer.walkthrough import Explanation, provable, representative, summarised


def explain(spec: Spec, full: bool | None = None, rendering: bool = True) -> Explanation:
    """Compute one step twice, independently, and compare the two with finite differences.

    The chain-rule products are proven for every parameter, or, for a network
    large enough to get a summarised walkthrough (see `walkthrough.summarised`),
    for the parameters it derives in full — and for none when no walkthrough is
    rendered (JSON only): differentiating the whole cost of a large network per
    parameter is exactly the slow road the chain rule avoids.
    """
    net = spec.network
    if not provable(net) or (summarised(net, full) and not rendering):
        prove: list[str] | None = []
    elif summarised(net, full):
        prove = representative(net)
    else:
        prove = None  # every parameter
    sym = symbolic.step(spec, symbolic.derive(net, prove))
    num = numeric.step(spec)
    several = spec.steps > 1 or len(spec.samples) > 1
    return Explanation(spec, sym, num, compare(spec, sym, num),
                       history.run(spec, sym.derivation) if several else None)
