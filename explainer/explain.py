"""The pipeline up to the walkthrough: spec → both engines → agreement.

    explanation = explain(load_spec("article.toml"))

Renderers and the JSON writer start from the returned `Explanation`.
"""

from __future__ import annotations

from explainer import history, numeric, symbolic
from explainer.agreement import compare
from explainer.spec import Spec
from explainer.walkthrough import Explanation


def explain(spec: Spec) -> Explanation:
    """Compute one step twice, independently, and compare the two with finite differences."""
    sym = symbolic.step(spec)
    num = numeric.step(spec)
    several = spec.steps > 1 or len(spec.samples) > 1
    return Explanation(spec, sym, num, compare(spec, sym, num),
                       history.run(spec, sym.derivation) if several else None)
