"""The `explainer` command.

    explainer                          explain the built-in seed example into ./output/
    explainer FILE.toml [OPTIONS]      explain a spec, or check a claims file (one naming its spec)
    explainer explain SPEC.toml [-o DIR] [--format tex,html,md,json] [--pdf] [--digits N] [--notation NAME]
    explainer check CLAIMS.toml [--format text,json,html,tex,md] [-o DIR] [--rel-tol X] [--abs-tol X]
    explainer exercise [--layers 2-2-2] [--seed N] [--count K] [-o DIR] [--format tex,html,md] [--pdf]

Exit codes: 0 success; 1 the independent computations disagree (the walkthrough
is still written, and says so); 2 bad input (one line naming the file, the key
and the problem; nothing is written); 3 the PDF could not be made.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

from explainer import cli_check, cli_common, cli_exercise, examples
from explainer.cli_common import (
    ALL_FORMATS,
    EXIT_OK,
    MAX_DIGITS,
    UsageError,
    add_pdf,
    fail,
    formats_from,
    write_outputs,
)
from explainer.files import check_folder
from explainer.formatting import scientific, show
from explainer.limits import check_run
from explainer.paths import safe_stem
from explainer.pipeline import explain, explain_and_present
from explainer.progress import Progress
from explainer.render import render
from explainer.report import to_json
from explainer.spec import NOTATIONS, Spec, SpecError, load_spec
from explainer.walkthrough import DEFAULT_DIGITS, Explanation, build

EXIT_DISAGREE = 1  # exit codes: see explainer.cli_common

DESCRIPTION = """\
Derive, check and explain one gradient-descent step with backpropagation through a
small neural network, the way a careful teacher does on paper, with every number
computed twice: by the chain rule in SymPy (exact inputs, 60 digits, each chain-rule
product proven equal to direct differentiation) and by a hand-written NumPy training
step, both checked against finite differences.

Run without arguments to explain the built-in example (the seed article's 2-2-2
sigmoid network) into ./output/.
"""

EPILOG = """\
examples:
  explainer                                    the built-in example, all formats, into ./output/
  explainer explain my-net.toml -o notes/      your network, all formats, into notes/
  explainer explain my-net.toml --format html --digits 4
  explainer explain my-net.toml --format tex --pdf
  explainer explain my-net.toml --notation nielsen
  explainer my-net.toml                        the same as explainer explain my-net.toml
  explainer my-claims.toml                     a claims file (spec = "…" at its top): explainer check

exit codes: 0 ok, 1 the computations disagree, 2 bad input, 3 the PDF could not be made
"""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="explainer", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    ex = commands.add_parser(
        "explain", help="write a step-by-step walkthrough of one gradient-descent step",
        description="Write a walkthrough of one gradient-descent step through the network in "
                    "SPEC (a TOML file; see the README for its format).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("spec", nargs="?", type=Path, default=None,
                    help="the network spec (default: the built-in seed example)")
    cli_common.add_output_options(ex, "output", ALL_FORMATS,
                                  "also compile the .tex to PDF with pdflatex, if it is installed")
    ex.add_argument("--digits", type=int, default=DEFAULT_DIGITS,
                    help=f"significant digits shown in the walkthrough (default {DEFAULT_DIGITS}, "
                         f"at most {MAX_DIGITS}); every digit shown is correct")
    ex.add_argument("--full", action="store_true",
                    help="derive every parameter in full even for a large network (by default "
                         "networks above 60 parameters get a summarised walkthrough)")
    ex.add_argument("--json-digits", type=int, default=None, metavar="N",
                    help="write JSON values as decimal strings with N significant digits "
                         "instead of float64 numbers")
    ex.add_argument("--notation", default=None, metavar="NAME",
                    help=f"the symbols of the walkthrough, one of {', '.join(NOTATIONS)} "
                         "(default: the spec's `notation`, else seed)")
    ex.add_argument("--no-limits", action="store_true",
                    help="lift the size limits on parameters and training (see the README)")
    cli_check.add_parser(commands)
    cli_exercise.add_parser(commands)
    return top


def run() -> None:
    """The console script: `main`, then exit.

    Everything a run made stays alive until the process ends, so the full garbage
    collection Python makes on the way out walks every object (SymPy's caches alone
    hold tens of thousands) and frees nothing; `gc.freeze()` spares the command that
    walk, about 0.15 s. (`main` itself leaves the collector alone: tests call it
    many times in one process.)
    """
    status = main()
    gc.freeze()
    sys.exit(status)


COMMANDS = ("explain", "check", "exercise")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "explain")  # `explainer`, `explainer -o DIR`: the built-in example
    elif argv[0] not in COMMANDS and not argv[0].startswith("-"):
        command = command_for(Path(argv[0]))
        if command is not None:  # `explainer FILE.toml`: the subcommand the file calls for
            argv.insert(0, command)
    args = parser().parse_args(argv)
    if args.command == "check":
        return cli_check.run_check(args)
    if args.command == "exercise":
        return cli_exercise.run_exercise(args)
    return run_explain(args)


def command_for(path: Path) -> str | None:
    """The subcommand for `explainer FILE`: check for a claims file (it names its spec at
    the top, ``spec = "…"``), explain for anything else that looks like a file; None for
    a word that is neither (argparse then says which subcommands there are)."""
    if not path.is_file():
        return "explain" if path.suffix.lower() == ".toml" else None
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return "explain"  # which reads the file again and says what is wrong with it
    return "check" if "spec" in data and "network" not in data else "explain"


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
        spec = load_spec(spec_path)
        check_run(spec, limits=not args.no_limits)
        check_folder(args.output)
    except SpecError as err:
        return fail(str(err))
    if args.notation is not None:  # the command line overrides the spec
        spec = replace(spec, notation=args.notation)

    with Progress() as progress:
        explanation, contents = explain_into_files(spec, formats, args, progress)
        status = EXIT_OK if explanation.agrees else EXIT_DISAGREE
        if args.pdf:
            status = max(status, add_pdf(contents, progress))
    try:
        written = write_outputs(args.output, safe_stem(spec_path), contents)  # all or none
    except SpecError as err:
        return fail(str(err))
    print(summary(explanation, written))
    return status


def explain_into_files(spec: Spec, formats: list[str], args: argparse.Namespace,
                       progress: Progress) -> tuple[Explanation, dict[str, str | bytes]]:
    """The explanation and the text of every file `formats` asks for, in memory."""
    full = True if args.full else None
    walkthroughs = [fmt for fmt in formats if fmt != "json"]

    def present(explanation: Explanation) -> dict[str, str]:
        # Render everything in memory first, so a failure leaves no partial set of files.
        document = build(explanation, args.digits, full)
        return {fmt: render(document, fmt) for fmt in walkthroughs}

    if walkthroughs:  # built and rendered while the proofs run (see explain_and_present)
        explanation, rendered = explain_and_present(spec, full, present, progress)
    else:
        explanation, rendered = explain(spec, full, rendering=False, progress=progress), {}
    contents: dict[str, str | bytes] = {}
    for fmt in formats:
        if fmt == "json":
            data = to_json(explanation, args.json_digits)
            contents[fmt] = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        else:
            contents[fmt] = rendered[fmt]
    return explanation, contents


def summary(explanation: Explanation, written: list[Path]) -> str:
    """The few lines a person reads in the terminal after a run."""
    spec, step, agreement = explanation.spec, explanation.symbolic, explanation.agreement
    net = spec.network
    before, after = step.values.cost, step.after.cost
    change = after - before
    proofs = step.derivation.proofs.values()
    exact = sum(1 for p in proofs if p.method == "exact" and p.holds)
    held = sum(1 for p in proofs if p.holds)
    worst_n, worst_f = agreement.worst_numeric, agreement.worst_fd
    verdict = (f"all {len(agreement.comparisons)} gradients agree: chain rule (SymPy) = "
               "backpropagation (NumPy) = finite differences" if agreement.agrees else
               "DISAGREEMENT: the computations differ beyond 1e-10 relative")
    lines = [
        spec.title,
        f"  network    {'-'.join(map(str, net.layers))}, {', '.join(dict.fromkeys(net.activations))}, "
        f"{net.cost}, {len(net.parameters)} parameters, learning rate {show(spec.learning_rate, 6).text}",
        f"  cost       {show(before, 6).text} -> {show(after, 6).text} "
        f"(change {show(change, 3).text}" + (f", {show(change / before * 100, 3).text} %)" if before else ")"),
        f"  agreement  {verdict}",
        f"             worst relative difference: NumPy {scientific(worst_n.numeric_discrepancy, latex=False)}"
        f" ({worst_n.label}), finite differences {scientific(worst_f.fd_discrepancy, latex=False)}"
        f" ({worst_f.label})",
        f"  proofs     {held} of {len(step.derivation.proofs)} chain-rule products equal diff(C) "
        f"({exact} exactly, {held - exact} by evaluation)" if step.derivation.proofs else
        "  proofs     none: a large network is proven where a walkthrough shows it, up to "
        "2,000 parameters when it has several hidden layers (see the README)",
        f"  wrote      {', '.join(str(p) for p in written)}",
    ]
    if explanation.history:
        h = explanation.history
        first, last = h.points[0], h.points[-1]
        gap = scientific(max(h.cost_discrepancy, h.parameter_discrepancy), latex=False)
        lines.insert(3, f"  training   {spec.steps} step(s) over {len(spec.samples)} sample(s), "
                        f"{spec.mode}: mean cost {show(first.cost, 6).text} -> "
                        f"{show(last.cost, 6).text} (engines agree to {gap})")
    return "\n".join(lines)


if __name__ == "__main__":
    run()
