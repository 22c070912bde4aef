"""The JSON report: every value of the step, keyed the way other tools expect.

Top-level keys (see DESIGN.md): ``weighted_sum`` (Σ w·o before the bias), ``input`` and
``output`` (per neuron: i and o; an input neuron's i and o are its value), for a softmax
layer ``exponential`` (e^i) and ``exponential_sum``, ``cost``, ``error`` (o − exp),
``cost_derivative`` (∂C/∂o of every neuron), ``activation_derivative`` (∂o/∂i) and
``delta`` (∂C/∂i) per non-input neuron, ``gradient`` and ``updated`` per parameter
label, ``after`` (``output`` per neuron and ``cost`` after the step) and ``checks``
(agreement and proofs). ``mode`` is "sgd" or "batch" and ``batch_gradient`` what a batch
step applies, "mean" or "sum". A spec without a learning rate stops at the gradients:
``learning_rate`` is null, and there are no ``updated`` or ``after`` keys (nor
``checks.after_cost_relative_difference``). Also ``title``, ``network``, ``learning_rate``,
``sample`` and ``parameters`` (values before the step), so the file stands on its own. A run of several
samples or steps adds ``history``: per step the mean cost over the samples and every
parameter (step 0 is before training), and ``checks`` the engines' largest differences
over the run and the allowance at its last step.

Numbers are the symbolic engine's values rounded to float64 (JSON numbers), or,
with `digits`, decimal strings with that many significant digits.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import mpmath

from explainer.engines.agreement import FD_STEP, RELATIVE_TOLERANCE
from explainer.engines.proof import EXACT, LAYERED, Proof
from explainer.engines.quantities import quantities, section
from explainer.engines.training import History
from explainer.pipeline import Explanation
from explainer.walkthrough.formatting import show, to_decimal


def number_writer(digits: int | None) -> Callable[[object], float | str]:
    """float64 by default; decimal strings with `digits` significant digits on request."""
    if digits is None:
        return lambda v: float(to_decimal(v)[0])
    return lambda v: show(v, digits).text.replace("−", "-")


def proof_detail(proof: Proof) -> str:
    """One sentence on how a chain-rule product was proven (the JSON's checks.proofs.*.detail)."""
    if proof.method == EXACT:
        return "SymPy reduced (chain-rule product − diff of the full cost) to 0"
    chain = ("chain rule (evaluated layer by layer)" if proof.chain == LAYERED else "chain-rule product")
    return (f"{chain} and diff of the full cost agree to {mpmath.nstr(proof.worst, 3)} (relative) at "
            f"{proof.points} random points with {proof.digits} digits")


def dumps(report: dict) -> str:
    """The report as the JSON file's text: indented, a run's history one step to a line.

    json.dumps indents with its pure-Python encoder, a quarter of a second for the
    130,000 numbers of a 10,000-step run; the history is written in one call of the C
    encoder instead, and broken into lines where one step's object ends and the next
    begins (its numbers and labels hold no braces), which reads better too.
    """
    steps = report.get("history")
    if not steps:
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    text = json.dumps({**report, "history": []}, indent=2, ensure_ascii=False)
    lines = json.dumps(steps, ensure_ascii=False)[1:-1].replace('}}, {"step"', '}},\n    {"step"')
    # No string in the report can hold this text: json.dumps escapes the quotes inside strings.
    return text.replace('"history": []', f'"history": [\n    {lines}\n  ]', 1) + "\n"


def history(run: History, digits: int | None) -> list[dict]:
    """Per step the mean cost and every parameter. A long run has tens of thousands of
    values, so float64 ones are read straight from the run's arrays."""
    labels = run.trace.labels
    if digits is None:
        rows = run.trace.hi.tolist()
        return [{"step": n, "cost": row[0], "parameters": dict(zip(labels, row[1:], strict=True))}
                for n, row in enumerate(rows)]
    num = number_writer(digits)
    out = []
    for n in range(run.steps + 1):
        point = run.point(n)
        out.append({"step": n, "cost": num(point.cost),
                    "parameters": {label: num(v) for label, v in point.parameters.items()}})
    return out


def to_json(explanation: Explanation, digits: int | None = None) -> dict:
    """The whole step as plain JSON-ready data."""
    num = number_writer(digits)
    spec, step, agreement = explanation.spec, explanation.symbolic, explanation.agreement
    net = spec.network
    values = quantities(spec, step)

    def per(mapping: dict) -> dict:
        return {k: num(v) for k, v in mapping.items()}

    def under(prefix: str) -> dict:
        return per(section(values, prefix))

    return {
        "title": spec.title,
        "network": {
            "layers": list(net.layers),
            "activation": list(net.activations),
            "cost": net.cost,
            "numbering": net.numbering,
            "neurons": [net.neurons(layer) for layer in range(net.depth + 1)],
        },
        "learning_rate": None if spec.learning_rate is None else num(spec.learning_rate),
        "sample": {
            "input": [num(x) for x in spec.sample.input],
            "expected": [num(e) for e in spec.sample.expected],
        },
        "parameters": per(step.parameters),
        "weighted_sum": under("weighted_sum"),
        "input": under("input"),
        **({"exponential": under("exponential"), "exponential_sum": num(values["exponential_sum"])}
           if "exponential_sum" in values else {}),
        "output": under("output"),
        "cost": num(values["cost"]),
        "error": under("error"),
        "cost_derivative": under("cost_derivative"),
        "activation_derivative": under("activation_derivative"),
        "delta": under("delta"),
        "gradient": under("gradient"),
        **({"updated": under("updated")} if step.updated is not None else {}),
        "mode": spec.mode,
        "batch_gradient": spec.batch_gradient,
        "frozen": sorted(spec.frozen, key=lambda label: [p.label for p in net.parameters].index(label)),
        **({"after": {"output": under("after.output"), "cost": num(values["after.cost"])}}
           if step.after is not None else {}),
        **({"history": history(explanation.history, digits)} if explanation.history else {}),
        "checks": {
            "agrees": explanation.agrees,
            **({"history_cost_difference": explanation.history.cost_discrepancy,
                "history_parameter_difference": explanation.history.parameter_discrepancy,
                "history_allowance": explanation.history.allowance}
               if explanation.history else {}),
            "relative_tolerance": RELATIVE_TOLERANCE,
            "finite_difference_step": FD_STEP,
            "cost_relative_difference": agreement.cost_discrepancy,
            **({"after_cost_relative_difference": agreement.after_cost_discrepancy}
               if agreement.after_cost_discrepancy is not None else {}),
            "worst_numeric": {
                "parameter": agreement.worst_numeric.label,
                "relative_difference": agreement.worst_numeric.numeric_discrepancy,
            },
            "worst_finite_difference": {
                "parameter": agreement.worst_fd.label,
                "relative_difference": agreement.worst_fd.fd_discrepancy,
            },
            "gradients": {
                c.label: {
                    "symbolic": c.symbolic,
                    "numeric": c.numeric,
                    "finite_difference": c.finite_difference,
                    "numeric_relative_difference": c.numeric_discrepancy,
                    "finite_difference_relative_difference": c.fd_discrepancy,
                    "agrees": c.agrees,
                }
                for c in agreement.comparisons
            },
            "proofs": {
                label: {"method": p.method, "holds": p.holds, "detail": proof_detail(p)}
                for label, p in explanation.proofs.items()
            },
        },
    }
