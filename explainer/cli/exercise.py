"""`explainer exercise`: fresh networks with nice numbers, as problem and solution sheets.

    explainer exercise [--layers 2-2-2] [--activation sigmoid] [--cost sum_squared]
                       [--seed 1] [--count 1] [-o DIR] [--format tex,html,md] [--pdf]

For each exercise k it writes exercise-k.toml (the spec), exercise-k-problem.FMT,
exercise-k-solution.FMT and exercise-k-claims.toml (the answers left blank, for
`explainer check`), and one answer-key.FMT for all of them. The same options give
byte-identical files. Exit codes: 0 success; 1 the independent computations
disagree on some exercise; 2 bad options; 3 a PDF could not be made.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from explainer.cli.common import (
    DISAGREEMENT,
    EXIT_FOUND,
    EXIT_OK,
    UsageError,
    add_output_options,
    fail,
    formats_from,
    make_pdf,
)
from explainer.cli.progress import Progress
from explainer.functions import ACTIVATIONS, COSTS
from explainer.output.files import check_folder, write_together
from explainer.output.render import FORMATS, render
from explainer.pipeline import SUMMARY_LIMIT, explain
from explainer.spec import SpecError

if TYPE_CHECKING:
    from explainer.exercise.generate import Options

MAX_COUNT = 100
MAX_WIDTH = 6  # neurons per layer: a problem sheet is worked by hand

EPILOG = """\
examples:
  explainer exercise                                 one 2-2-2 sigmoid exercise into ./exercises/
  explainer exercise --seed 7 --count 30 -o exam     30 different exercises, one per student
  explainer exercise --layers 2-3-1 --activation tanh --cost half_sum_squared --pdf

The same options give byte-identical files (PDFs included).
exit codes: 0 ok, 1 the computations disagree, 2 bad options, 3 a PDF could not be made
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    ex = commands.add_parser(
        "exercise", help="generate exercise networks: problem sheets, solutions and an answer key",
        description="Generate COUNT different networks with nice numbers (one or two decimals, "
                    "every intermediate value readable) and write, for each, a problem sheet, "
                    "a solution sheet (the full walkthrough), the spec and a claims template "
                    "for explainer check, plus one answer key for all of them.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("--layers", default="2-2-2",
                    help="neurons per layer, inputs first, joined by - (default: 2-2-2)")
    ex.add_argument("--activation", default="sigmoid",
                    help=f"the activation of every layer, one of {', '.join(ACTIVATIONS)} "
                         "(default: sigmoid)")
    ex.add_argument("--cost", default="sum_squared",
                    help=f"the cost, one of {', '.join(COSTS)} (default: sum_squared)")
    ex.add_argument("--seed", type=int, default=1, help="the random seed (default: 1)")
    ex.add_argument("--count", type=int, default=1,
                    help=f"how many exercises, 1 to {MAX_COUNT} (default: 1)")
    add_output_options(ex, "exercises", FORMATS,
                       "also compile every .tex to PDF with pdflatex, if it is installed")


def options_from(args: argparse.Namespace) -> Options:
    """The generation options, checked; UsageError names the bad option."""
    # The generator is loaded when this command runs, not whenever `explainer` starts.
    from explainer.exercise.generate import Options

    parts = args.layers.split("-")
    if not all(p.strip().isdigit() for p in parts) or len(parts) < 2:
        raise UsageError(f"--layers: expected sizes joined by -, such as 2-2-2, found {args.layers!r}")
    layers = tuple(int(p) for p in parts)
    if not all(1 <= n <= MAX_WIDTH for n in layers):
        raise UsageError(f"--layers: every layer needs 1 to {MAX_WIDTH} neurons, found {args.layers!r}")
    parameters = sum(a * b + b for a, b in itertools.pairwise(layers))
    if parameters > SUMMARY_LIMIT:
        raise UsageError(f"--layers: {parameters} parameters is too many to work by hand "
                         f"(at most {SUMMARY_LIMIT})")
    if args.activation not in ACTIVATIONS:
        raise UsageError(f"--activation: unknown activation {args.activation!r} "
                         f"(choose from {', '.join(ACTIVATIONS)})")
    if args.cost not in COSTS:
        raise UsageError(f"--cost: unknown cost {args.cost!r} (choose from {', '.join(COSTS)})")
    if not 1 <= args.count <= MAX_COUNT:
        raise UsageError(f"--count: must be between 1 and {MAX_COUNT}, found {args.count}")
    return Options(layers, args.activation, args.cost, args.seed, args.count)


def run_exercise(args: argparse.Namespace) -> int:
    from explainer.exercise.generate import ExerciseError, claims_template, generate
    from explainer.exercise.sheets import answer_key, problem, solution

    try:
        formats = formats_from(args.format, FORMATS, args.pdf)
        options = options_from(args)
        exercises = generate(options)
    except UsageError as err:
        return fail(str(err))
    except SpecError as err:  # a combination the spec reader refuses, e.g. softmax in a hidden layer
        return fail(f"--layers/--activation/--cost: {err.problem}")
    except ExerciseError as err:
        return fail(str(err))

    try:
        check_folder(args.output)
    except SpecError as err:
        return fail(str(err))
    files: dict[Path, str | bytes] = {}
    status = EXIT_OK
    count = len(exercises)
    with Progress() as progress:
        solved = []
        for k, exercise in enumerate(exercises, 1):
            progress(f"exercise {k} of {count}: solving it with both engines")
            solved.append((exercise, explain(exercise.spec)))
        documents = {}
        for exercise, explanation in solved:
            files[args.output / f"{exercise.stem}.toml"] = exercise.toml
            files[args.output / f"{exercise.stem}-claims.toml"] = claims_template(exercise)
            documents[f"{exercise.stem}-problem"] = problem(exercise, explanation)
            documents[f"{exercise.stem}-solution"] = solution(exercise, explanation)
        documents["answer-key"] = answer_key(solved, options.seed)
        progress("writing the sheets")
        for stem, document in documents.items():
            for fmt in formats:
                files[args.output / f"{stem}.{fmt}"] = render(document, fmt)
        agrees = all(e.agrees for _, e in solved)
        if not agrees:
            status = EXIT_FOUND
        if args.pdf:
            for k, stem in enumerate(documents, 1):
                progress(f"typesetting PDF {k} of {len(documents)}")
                pdf, pdf_status = make_pdf(str(files[args.output / f"{stem}.tex"]), f"{stem}.pdf")
                if pdf is not None:
                    files[args.output / f"{stem}.pdf"] = pdf
                status = max(status, pdf_status)
    try:
        write_together(files)  # all or none
    except SpecError as err:
        return fail(str(err))
    print(f"{len(exercises)} exercise(s), seed {options.seed}: "
          f"{'-'.join(map(str, options.layers))} {options.activation}, {options.cost}")
    if not agrees:
        print(f"{DISAGREEMENT} on some exercise")
    print(f"wrote {len(files)} files into {args.output}")
    return status
