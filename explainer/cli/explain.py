"""`explainer explain`: the walkthrough of one gradient-descent step, in every format.

    explainer explain SPEC.toml [-o DIR] [--format tex,html,md,json] [--pdf] [--digits N]
                                [--json-digits N] [--full] [--notation NAME] [--show LABELS]
                                [--landscape P,Q] [--no-limits]

Exit codes: 0 success; 1 the independent computations disagree (the walkthrough
is still written, and says so); 2 bad input; 3 the PDF could not be made.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from explainer import examples
from explainer.cli.common import (
    EXIT_OK,
    MAX_DIGITS,
    UsageError,
    add_output_options,
    add_pdf,
    fail,
    formats_from,
)
from explainer.cli.progress import Progress
from explainer.engines.agreement import RELATIVE_TOLERANCE
from explainer.output.documents import files_of
from explainer.output.files import ALL_FORMATS, DEFAULT_FORMATS, check_folder, write_outputs
from explainer.output.json_report import dumps, to_json
from explainer.output.paths import safe_stem
from explainer.pipeline import PROOF_LIMIT, SUMMARY_LIMIT, Explanation, check_run, explain, explain_and_present
from explainer.spec import NOTATIONS, Spec, SpecError, load_spec
from explainer.spec.reader import parameter_labels
from explainer.walkthrough.build import build
from explainer.walkthrough.context import DEFAULT_DIGITS
from explainer.walkthrough.formatting import counted, scientific, show

EXIT_DISAGREE = 1  # exit codes: see explainer.cli.common


def add_parser(commands: argparse._SubParsersAction, epilog: str) -> None:
    ex = commands.add_parser(
        "explain", help="write a step-by-step walkthrough of one gradient-descent step",
        description="Write a walkthrough of one gradient-descent step through the network in "
                    "SPEC (a TOML file; see the README for its format).",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("spec", nargs="?", type=Path, default=None,
                    help="the network spec (default: the built-in seed example)")
    add_output_options(ex, "output", ALL_FORMATS,
                       "also compile the .tex (and the slides) to PDF with pdflatex, if it is installed",
                       default=DEFAULT_FORMATS)
    ex.add_argument("--digits", type=int, default=DEFAULT_DIGITS,
                    help=f"significant digits shown in the walkthrough (default {DEFAULT_DIGITS}, "
                         f"at most {MAX_DIGITS}); every digit shown is correct")
    ex.add_argument("--full", action="store_true",
                    help="derive every parameter in full even for a large network (by default "
                         f"networks above {SUMMARY_LIMIT} parameters get a summarised walkthrough)")
    ex.add_argument("--json-digits", type=int, default=None, metavar="N",
                    help="write JSON values as decimal strings with N significant digits "
                         "instead of float64 numbers")
    ex.add_argument("--notation", default=None, metavar="NAME",
                    help=f"the symbols of the walkthrough, one of {', '.join(NOTATIONS)} "
                         "(default: the spec's `notation`, else seed)")
    ex.add_argument("--show", default=None, metavar="LABELS",
                    help="work these parameters in full, e.g. w5,w1,b3 (the rest stay in tables), "
                         "overriding the spec's [walkthrough] show")
    ex.add_argument("--landscape", default=None, metavar="P,Q",
                    help="draw the cost landscape over these two parameters, e.g. w5,w1 (default: "
                         "the spec's [walkthrough] landscape, else the two with the largest |∂C/∂p|)")
    ex.add_argument("--no-limits", action="store_true",
                    help="lift the size limits on parameters and training (see the README)")


def run_explain(args: argparse.Namespace) -> int:
    try:
        formats = formats_from(args.format, ALL_FORMATS, args.pdf)
        for option, value in (("--digits", args.digits), ("--json-digits", args.json_digits)):
            if value is not None and not 1 <= value <= MAX_DIGITS:
                raise UsageError(f"{option}: must be between 1 and {MAX_DIGITS}, found {value}")
        if args.notation is not None and args.notation not in NOTATIONS:
            raise UsageError(f"--notation: unknown notation {args.notation!r} "
                             f"(choose from {', '.join(NOTATIONS)})")
    except UsageError as err:
        return fail(str(err))
    spec_path = args.spec or examples.seed_spec()
    try:
        spec = with_options(load_spec(spec_path), args)
        # The run's float64 dry run is made by the pipeline, beside the symbolic engine's run.
        check_run(spec, limits=not args.no_limits, run=False)
        check_folder(args.output)
    except SpecError as err:
        return fail(str(err))

    with Progress() as progress:
        try:
            explanation, contents = explain_into_files(spec, formats, args, progress)
        except SpecError as err:  # a run that leaves float64's range
            progress.close()
            return fail(str(err))
        status = EXIT_OK if explanation.agrees else EXIT_DISAGREE
        if args.pdf:
            status = max(status, add_pdf(contents, progress))
    try:
        written = write_outputs(args.output, safe_stem(spec_path), contents)  # all or none
    except SpecError as err:
        return fail(str(err))
    print(summary(explanation, written))
    return status


def with_options(spec: Spec, args: argparse.Namespace) -> Spec:
    """The spec with what the command line says instead of its own settings (notation, the
    parameters worked in full, the landscape's parameters); a bad label is a SpecError."""
    if args.notation is not None:
        spec = replace(spec, notation=args.notation)
    if args.show is not None:
        spec = replace(spec, show=parameter_labels(args.show, spec.network, "--show"))
    if args.landscape is not None:
        spec = replace(spec, landscape=parameter_labels(args.landscape, spec.network, "--landscape", 2))
    return spec


def explain_into_files(spec: Spec, formats: list[str], args: argparse.Namespace,
                       progress: Progress) -> tuple[Explanation, dict[str, str | bytes | dict[str, str]]]:
    """The explanation and the text of every file `formats` asks for, in memory."""
    full = True if args.full else None
    walkthroughs = [fmt for fmt in formats if fmt != "json"]

    def present(explanation: Explanation) -> dict[str, str | bytes | dict[str, str]]:
        return files_of(explanation, build(explanation, args.digits, full), walkthroughs, args.digits, full)

    if walkthroughs:  # built and rendered while the proofs run (see explain_and_present)
        explanation, contents = explain_and_present(spec, full, present, progress)
    else:
        explanation, contents = explain(spec, full, rendering=False, progress=progress), {}
    if "json" in formats:
        data = to_json(explanation, args.json_digits)
        contents["json"] = dumps(data)
    return explanation, {fmt: contents[fmt] for fmt in formats}


def summary(explanation: Explanation, written: list[Path]) -> str:
    """The few lines a person reads in the terminal after a run."""
    spec, agreement = explanation.spec, explanation.agreement
    net = spec.network
    proofs = explanation.proofs.values()
    exact = sum(1 for p in proofs if p.method == "exact" and p.holds)
    held = sum(1 for p in proofs if p.holds)
    worst_n, worst_f = agreement.worst_numeric, agreement.worst_fd
    verdict = (f"all {len(agreement.comparisons)} gradients agree: chain rule (SymPy) = "
               "backpropagation (NumPy) = finite differences" if agreement.agrees else
               f"DISAGREEMENT: the computations differ beyond {RELATIVE_TOLERANCE:g} relative")
    lines = [
        spec.title,
        f"  network    {'-'.join(map(str, net.layers))}, {', '.join(dict.fromkeys(net.activations))}, "
        f"{net.cost}, {len(net.parameters)} parameters, " + (f"learning rate {show(spec.learning_rate, 6).text}"
                                                              if spec.steps_taken else "no learning rate"),
        *_costs(explanation),
        f"  agreement  {verdict}",
        f"             worst relative difference: NumPy {scientific(worst_n.numeric_discrepancy, latex=False)}"
        f" ({worst_n.label}), finite differences {scientific(worst_f.fd_discrepancy, latex=False)}"
        f" ({worst_f.label})",
        f"  proofs     {held} of {len(explanation.proofs)} chain-rule products equal diff(C) "
        f"({exact} exactly, {held - exact} by evaluation)" if explanation.proofs else
        "  proofs     none: a large network is proven where a walkthrough shows it, up to "
        f"{PROOF_LIMIT:,} parameters when it has several hidden layers (see the README)",
        f"  wrote      {', '.join(str(p) for p in written)}",
    ]
    if explanation.history:
        h = explanation.history
        gap = scientific(max(h.cost_discrepancy, h.parameter_discrepancy), latex=False)
        agree = "agree to" if h.agrees else "DISAGREE by"
        run = f"{counted(spec.steps, 'step')} over {counted(len(spec.samples), 'sample')}"
        lines.insert(3, f"  training   {run}, "
                        f"{spec.mode}: mean cost {show(h.first.cost, 6).text} -> "
                        f"{show(h.last.cost, 6).text} (engines {agree} {gap})")
    return "\n".join(lines)


SUMMARY_GRADIENTS = 6  # gradients a summary without a step lists (the files have every one)


def _costs(explanation: Explanation) -> list[str]:
    """The summary's cost line: before -> after the step; or, without a learning rate (no
    step), the cost and the first SUMMARY_GRADIENTS gradients."""
    step = explanation.symbolic
    before = step.values.cost
    if step.after is None:
        gradients = list(step.gradient.items())
        shown = ", ".join(f"{label} {show(g, 4).text}" for label, g in gradients[:SUMMARY_GRADIENTS])
        more = f", … ({len(gradients)} in all)" if len(gradients) > SUMMARY_GRADIENTS else ""
        return [f"  cost       {show(before, 6).text} (no learning rate: the gradients only, no step)",
                f"  gradients  {shown}{more}"]
    change = step.after.cost - before
    share = f", {show(change / before * 100, 3).text} %)" if before else ")"
    return [f"  cost       {show(before, 6).text} -> {show(step.after.cost, 6).text} "
            f"(change {show(change, 3).text}" + share]
