"""The agreement section: why the reader can trust every number above."""

from __future__ import annotations

from explainer.engines.agreement import FD_STEP, RELATIVE_TOLERANCE, Agreement
from explainer.engines.differences import FD_REACH
from explainer.engines.precision import PRECISION
from explainer.engines.proof import EXACT
from explainer.pipeline import worked
from explainer.walkthrough.context import Context, inline
from explainer.walkthrough.document import Math, Paragraph, Section, Table, Text
from explainer.walkthrough.formatting import scientific, show

WITNESS_DIGITS = 12  # float64 results are shown to 12 digits, enough to see them agree


def _proof_words(exact: int, proven: int) -> str:
    """How the products were proven: reduced to exactly 0, or checked by evaluation."""
    evaluated = (f"checked by evaluating the difference at random points with {PRECISION} digits "
                 "(marked evaluated)")
    if proven and exact == proven:
        return (f"For every one of the {proven} parameters it reduced the difference between that "
                "derivative and the chain-rule product to exactly 0 (marked exact).")
    if exact == 0:
        return (f"The difference between that derivative and the chain-rule product is {evaluated}, "
                f"for every one of the {proven} parameters." if proven else "")
    return (f"For {exact} of {proven} parameters it reduced the difference between that derivative "
            f"and the chain-rule product to exactly 0 (marked exact); each other is {evaluated}.")


def sections(ctx: Context) -> list[Section]:
    agreement = ctx.explanation.agreement
    proofs = ctx.explanation.proofs
    n_exact = sum(1 for p in proofs.values() if p.method == EXACT and p.holds)
    rows = []
    chosen = set(worked(ctx.spec)) | {agreement.worst_numeric.label, agreement.worst_fd.label}
    for c in agreement.comparisons:
        if ctx.summary and c.label not in chosen:
            continue
        proof = proofs.get(c.label)
        rows.append((
            Math(ctx.sym.param(c.label)),
            Math(ctx.num(ctx.step.values.gradient[c.label]).latex),
            Math(show(c.numeric, WITNESS_DIGITS).latex),
            Math(show(c.finite_difference, WITNESS_DIGITS).latex),
            Math(scientific(c.numeric_discrepancy)),
            Math(scientific(c.fd_discrepancy)),
            Text("—" if proof is None else
                 ("exact" if proof.method == EXACT else "evaluated") if proof.holds else "FAILED"),
        ))
    worst_n, worst_f = agreement.worst_numeric, agreement.worst_fd
    verdict = (
        "All three agree on every parameter." if agreement.agrees else
        "The computations DISAGREE: at least one value above cannot be trusted."
    )
    blocks = (
        Paragraph(inline(
            "Every derivative in this walkthrough was computed in three independent ways, and "
            "the chain rule itself was checked against plain differentiation:",
        )),
        Paragraph(inline(
            Text("Chain rule, symbolically.", strong=True),
            f" SymPy builds each factor above as an expression and evaluates it from the exact "
            f"numbers of the spec with {PRECISION} digits. These are the values shown in the "
            "walkthrough.",
        )),
        Paragraph(inline(
            Text("Proof of each product.", strong=True),
            " SymPy also writes the cost as one big expression ",
            Math(ctx.cost_function),
            " and differentiates it directly. " + _proof_words(n_exact, len(proofs))
            + ("" if len(proofs) == len(ctx.net.parameters) else
               f" Differentiating the whole cost is slow for a network this size, so the proof "
               f"covers the {len(proofs)} parameters derived in full above; every gradient is "
               "still checked against NumPy and finite differences." if proofs else
               " For a network this deep and wide, differentiating the whole cost takes minutes "
               "per parameter, so no product was proven this way; every gradient is still "
               "checked against NumPy and finite differences."),
        )),
        Paragraph(inline(
            Text("Backpropagation in floating point.", strong=True),
            " A separate NumPy program, written by hand the way a training loop computes it, "
            "in 64-bit floating point.",
        )),
        Paragraph(inline(
            Text("Finite differences.", strong=True),
            " No derivative at all: the NumPy forward pass is run with each parameter nudged by ",
            Math(rf"\pm k h,\ k = 1, 2, 3,\ h = {scientific(FD_STEP, 1)}"),
            f" (less for a weight that multiplies a value beyond {FD_REACH / FD_STEP:g}: h times that value "
            "stays ", Math(scientific(FD_REACH, 1)), "), and the slope read off the costs with a "
            "sixth-order central difference, in long double, or with as many digits as it takes for a "
            "gradient too small for long double to see.",
        )),
        Table(
            header=(Text("Parameter"), Text("Chain rule"), Text("NumPy"),
                    Text("Finite differences"), Text("Rel. diff. NumPy"),
                    Text("Rel. diff. finite diff."), Text("Proof")),
            rows=tuple(rows), align="lrrrrrl",
            caption="The gradient from each witness, and how far apart they are.",
        ),
        Paragraph(inline(
            Text(verdict, strong=True),
            " The largest relative difference between the symbolic and the NumPy gradient is ",
            Math(scientific(worst_n.numeric_discrepancy)),
            " (", Math(ctx.sym.param(worst_n.label)), "); between the symbolic gradient and "
            "finite differences it is ",
            Math(scientific(worst_f.fd_discrepancy)),
            " (", Math(ctx.sym.param(worst_f.label)), "). ", *_costs(agreement),
            " relative. Anything above ",
            Math(scientific(RELATIVE_TOLERANCE, 1)),
            " (beyond what 64-bit rounding explains) makes the command fail with exit code 1.",
        ), note=True),
    )
    return [Section("Agreement", "agreement", blocks)]


def _costs(agreement: Agreement) -> tuple:
    """How far apart the engines' costs are: before and after the step, or, without a step
    (no learning rate), the one cost."""
    if agreement.after_cost_discrepancy is None:
        return ("The costs differ by ", Math(scientific(agreement.cost_discrepancy)))
    return ("The costs before and after the step differ by ", Math(scientific(agreement.cost_discrepancy)),
            " and ", Math(scientific(agreement.after_cost_discrepancy)))
