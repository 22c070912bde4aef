"""`explainer check`: verify numbers computed by hand.

    explainer check CLAIMS.toml [--format text,json,html,tex,md] [-o DIR]
                                [--rel-tol X] [--abs-tol X] [--digits N] [--pdf]

The claims file names its spec (see `explainer.checker.claims`). The terminal table is
printed for `text` (the default); the other formats are written into DIR as
CLAIMS-STEM.json, .html, .tex, .md (and .pdf). Exit codes: 0 every claim is right;
1 some claim is wrong or carries an earlier wrong one forward (or the engines
disagree); 2 bad input; 3 the PDF could not be made.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from pathlib import Path

from explainer import examples
from explainer.cli.common import (
    DISAGREEMENT,
    EXIT_FOUND,
    EXIT_OK,
    MAX_DIGITS,
    UsageError,
    add_pdf,
    fail,
    formats_from,
)
from explainer.cli.progress import Progress
from explainer.output.files import check_folder, write_outputs
from explainer.output.paths import safe_stem
from explainer.output.render import FORMATS, render
from explainer.pipeline import check_run, explain
from explainer.spec import NOTATIONS, SpecError
from explainer.walkthrough.build import build
from explainer.walkthrough.context import DEFAULT_DIGITS

CHECK_FORMATS = ("text", "json", *FORMATS)

EPILOG = """\
examples:
  explainer check                                      the seed article's numbers, checked
  explainer check my-claims.toml                       the table in the terminal
  explainer check my-claims.toml --format html -o out  an annotated walkthrough
  explainer check my-claims.toml --abs-tol 0.001       accept anything within 0.001

A number written with k decimals is right within half a unit of its last digit (its
own rounding), plus the rounding your earlier numbers carry into it, plus
1e-12 * max(1, |true|) for floating-point noise; a slope or a zero exact by nature must
be exact; --abs-tol/--rel-tol replace that rule with max(abs-tol, rel-tol * |true|).

exit codes: 0 all claims right, 1 some claim wrong or carried forward, 2 bad input,
3 the PDF could not be made
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    ch = commands.add_parser(
        "check", help="check numbers computed by hand, carry errors forward and name the slip",
        description="Check the numbers in CLAIMS (a TOML file naming its spec; see the README): "
                    "which are right, which are wrong, what the right value is, and which classic "
                    "slip reproduces each wrong one.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ch.add_argument("claims", type=Path, nargs="?", default=None,
                    help="the claims file (default: the seed article's printed numbers, built in)")
    ch.add_argument("-o", "--output", type=Path, default=Path("output"),
                    help="directory for json/html/tex/md/pdf (default: ./output)")
    ch.add_argument("--format", default="text",
                    help=f"comma-separated formats out of {','.join(CHECK_FORMATS)} (default: text)")
    ch.add_argument("--rel-tol", type=float, default=None, metavar="X",
                    help="a claim is right within X times the true value (replaces the digits rule)")
    ch.add_argument("--abs-tol", type=float, default=None, metavar="X",
                    help="a claim is right within X of the true value (replaces the digits rule)")
    ch.add_argument("--digits", type=int, default=DEFAULT_DIGITS,
                    help=f"significant digits of the walkthrough's own numbers (default {DEFAULT_DIGITS})")
    ch.add_argument("--pdf", action="store_true", help="also compile the .tex to PDF")
    ch.add_argument("--notation", choices=NOTATIONS, default=None,
                    help="the convention the numbers are written in (default: the claims file's "
                         "`notation`, else its spec's); under mitchell a delta is −∂E/∂net")
    ch.add_argument("--no-limits", action="store_true",
                    help="lift the size limits on parameters and training (see the README)")


def run_check(args: argparse.Namespace) -> int:
    # The checker is loaded when this command runs, not whenever the `explainer`
    # command starts: `explainer explain` has no use for it.
    from explainer.checker.annotate import annotate
    from explainer.checker.claims import load_claims
    from explainer.checker.report import to_json, to_text
    from explainer.checker.verdicts import CheckerDisagrees, Tolerance, check

    try:
        formats = formats_from(args.format, CHECK_FORMATS, args.pdf)
        for option, value in (("--rel-tol", args.rel_tol), ("--abs-tol", args.abs_tol)):
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise UsageError(f"{option}: must be a finite number ≥ 0, found {value}")
        if not 1 <= args.digits <= MAX_DIGITS:
            raise UsageError(f"--digits: must be between 1 and {MAX_DIGITS}, found {args.digits}")
    except UsageError as err:
        return fail(str(err))
    if args.claims is None:
        args.claims = examples.seed_claims()
    try:
        claims = load_claims(args.claims)
        if args.notation is not None:  # the command line overrides the file and its spec
            claims = replace(claims, notation=args.notation)
        check_run(claims.spec, limits=not args.no_limits)
    except SpecError as err:
        return fail(str(err))

    walkthrough = [f for f in formats if f in FORMATS]
    try:
        if walkthrough or "json" in formats:
            check_folder(args.output)
    except SpecError as err:
        return fail(str(err))
    with Progress() as progress:
        # Claims name quantities as the seed walkthrough does, so the checked one uses its notation,
        # or Mitchell's where the claims follow that convention (see checker.annotate).
        written_in = "mitchell" if claims.notation == "mitchell" else "seed"
        explanation = explain(replace(claims.spec, notation=written_in), None, rendering=bool(walkthrough),
                              progress=progress)
        progress("checking the claims and trying every slip of the catalogue")
        try:
            result = check(claims, explanation.symbolic, Tolerance(args.abs_tol, args.rel_tol))
        except CheckerDisagrees as err:  # a bug in this tool, never in the claims: say so, judge nothing
            progress.close()
            print(f"explainer: error: the paper recomputation disagrees with the engines: {err}",
                  file=sys.stderr)
            return EXIT_FOUND
        contents: dict[str, str | bytes] = {}
        if "json" in formats:
            contents["json"] = json.dumps(to_json(result, str(claims.spec.source)), indent=2,
                                          ensure_ascii=False) + "\n"
        if walkthrough:
            progress("writing the checked walkthrough")
            document = annotate(build(explanation, args.digits), result)
            for fmt in walkthrough:
                contents[fmt] = render(document, fmt)
        status = EXIT_OK if result.ok and explanation.agrees else EXIT_FOUND
        if args.pdf:
            status = max(status, add_pdf(contents, progress))
    try:
        written = write_outputs(args.output, safe_stem(args.claims), contents)  # all or none
    except SpecError as err:
        return fail(str(err))
    if "text" in formats:
        print(to_text(result))
    if not explanation.agrees:
        print(f"{DISAGREEMENT}; the true values are in doubt",
              file=sys.stderr)
    if written:
        print(f"wrote {', '.join(str(p) for p in written)}")
    return status
