"""Build the walkthrough `Document` of one proven step.

    document = build(explanation, digits=6)

This decides what a reader sees and in what order: the sections follow the
seed article's path through one step — the network, the notation, the forward
pass, the cost, the gradient-descent rule, the last layer, the hidden layer(s),
the biases, the update, the sanity check, the cost landscape, the same step with matrices, a longer
run if there is one, and the agreement of the independent computations.
"""

from __future__ import annotations

from explainer.pipeline import Explanation, summarised
from explainer.walkthrough.context import DEFAULT_DIGITS, Context
from explainer.walkthrough.document import Document, Section
from explainer.walkthrough.sections import backward, checks, forward, landscape, matrix, overview, run, update

# In the order a reader meets them.
PARTS = (overview, forward, backward, update, landscape, matrix, run, checks)


def build(explanation: Explanation, digits: int = DEFAULT_DIGITS, full: bool | None = None) -> Document:
    """The walkthrough of one gradient-descent step, numbers to `digits` significant digits;
    summarised above SUMMARY_LIMIT parameters unless `full` says otherwise."""
    ctx = Context(explanation, digits, summarised(explanation.spec.network, full))
    sections: list[Section] = []
    for part in PARTS:
        sections.extend(part.sections(ctx))
    return Document(
        title=explanation.spec.title,
        subtitle=overview.subtitle(ctx),
        sections=tuple(sections),
        summary=overview.summary(ctx),
    )
