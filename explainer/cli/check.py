"""`explainer check`: verify numbers computed by hand.

    explainer check CLAIMS.toml [--format text,json,html,tex,md] [-o DIR]
                                [--rel-tol X] [--abs-tol X] [--digits N] [--pdf]
    explainer check DOCUMENT --spec SPEC.toml [--extract CLAIMS.toml] [same options]

The claims file names its spec (see `explainer.checker.claims`); a document (.tex, .md,
.txt) is read against the spec given (see `explainer.checker.document`), its arithmetic
recomputed line by line. The terminal table is
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
  explainer check article.md --spec net.toml           a worked example as it is written
  explainer check article.tex --spec net.toml --extract claims.toml
                                                       ... and the claims it read, to correct

A number written with k decimals is right within half a unit of its last digit (its
own rounding), plus the rounding your earlier numbers carry into it, plus
1e-12 * max(1, |true|) for floating-point noise; a slope or a zero exact by nature must
be exact; --abs-tol/--rel-tol replace that rule with max(abs-tol, rel-tol * |true|).

exit codes: 0 all claims right, 1 some claim wrong or carried forward (or, in a document,
an arithmetic step wrong or a given number not the spec's), 2 bad input, 3 the PDF could
not be made
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
                    help="the claims file, or a document (.tex, .md, .txt) with --spec (default: the "
                         "seed article's printed numbers, built in)")
    ch.add_argument("--spec", type=Path, default=None, metavar="SPEC",
                    help="the spec a document's numbers are read against (a claims file names its own)")
    ch.add_argument("--extract", type=Path, default=None, metavar="FILE",
                    help="write the claims read from a document into FILE, as a claims file")
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
    from explainer.checker.document import report as document_report
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
        claims, reading = _claims(args)
        check_run(claims.spec, limits=not args.no_limits)
        if reading is not None and args.extract is not None:
            _extract(args, claims, reading)
    except UsageError as err:
        return fail(str(err))
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
        if reading is not None:  # formulas of quantities (C − C⁺) need the true values
            document_report.judge_formulas(reading, explanation.symbolic)
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
            data = to_json(result, str(claims.spec.source))
            if reading is not None:
                data = document_report.extend_json(data, reading)
            contents["json"] = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if walkthrough:
            progress("writing the checked walkthrough")
            document = annotate(build(explanation, args.digits), result)
            if reading is not None:
                document = _with_document_section(document, reading)
            for fmt in walkthrough:
                contents[fmt] = render(document, fmt)
        found = reading is not None and document_report.found_anything_wrong(reading)
        status = EXIT_OK if result.ok and explanation.agrees and not found else EXIT_FOUND
        if args.pdf:
            status = max(status, add_pdf(contents, progress))
    try:
        written = write_outputs(args.output, safe_stem(args.claims), contents)  # all or none
    except SpecError as err:
        return fail(str(err))
    if "text" in formats:
        if result.verdicts or reading is None:
            print(to_text(result))
        if reading is not None:
            print("\n".join(document_report.text_lines(reading)))
    if not explanation.agrees:
        print(f"{DISAGREEMENT}; the true values are in doubt",
              file=sys.stderr)
    if written:
        print(f"wrote {', '.join(str(p) for p in written)}")
    return status


def _claims(args: argparse.Namespace):
    """The claims to check, and the reading of the document they come from (None for a
    claims file); UsageError or SpecError on bad input."""
    from explainer.checker.claims import load_claims
    from explainer.checker.document import KINDS, as_claims, load_document
    from explainer.spec import load_spec

    if args.claims.suffix.lower() in KINDS:
        if args.spec is None:
            raise UsageError(f"{args.claims}: a document is read against a spec: add --spec SPEC.toml")
        spec = load_spec(args.spec)
        reading = load_document(args.claims, spec, args.notation)
        return as_claims(reading, spec), reading
    if args.spec is not None:
        raise UsageError('--spec: a claims file names its own spec (spec = "…" at its top); '
                         "--spec is for a document (.tex, .md, .txt)")
    if args.extract is not None:
        raise UsageError("--extract: writes the claims read from a document (.tex, .md, .txt), "
                         f"and {args.claims} is a claims file")
    claims = load_claims(args.claims)
    if args.notation is not None:  # the command line overrides the file and its spec
        claims = replace(claims, notation=args.notation)
    return claims, None


def _extract(args: argparse.Namespace, claims, reading) -> None:
    """Write the claims read from the document as a claims file (before anything is judged)."""
    from explainer.checker.document.extract import claims_toml

    target: Path = args.extract
    if target.resolve() == args.claims.resolve():
        raise UsageError(f"--extract: {target} is the document itself")
    if not target.parent.is_dir():
        raise UsageError(f"--extract: the folder {target.parent} does not exist")
    lines = {r.key: (r.line, r.source) for r in reading.read}
    try:
        target.write_text(claims_toml(claims, lines, args.spec, target), encoding="utf-8")
    except OSError as err:
        raise UsageError(f"--extract: cannot write {target} ({err.strerror or err})") from None
    print(f"wrote {target}")


def _with_document_section(document, reading):
    """The checked walkthrough with the document's own section after the claims."""
    from explainer.checker.document.report import section

    sections = list(document.sections)
    anchors = [s.anchor for s in sections]
    at = anchors.index("claims") + 1 if "claims" in anchors else len(sections)
    sections.insert(at, section(reading))
    return replace(document, sections=tuple(sections))
