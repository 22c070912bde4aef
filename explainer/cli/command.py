"""The `explainer` command: the top-level parser, and which subcommand a run is.

    explainer                          explain the built-in seed example into ./output/
    explainer FILE.toml [OPTIONS]      explain a spec, or check a claims file (one naming its spec)
    explainer explain SPEC.toml [-o DIR] [--format tex,html,md,json,tex-body,figures,slides] [--pdf]
                      [--digits N] [--notation NAME] [--show LABELS] [--landscape P,Q]
    explainer check CLAIMS.toml [--format text,json,html,tex,md] [-o DIR] [--rel-tol X] [--abs-tol X]
    explainer exercise [--layers 2-2-2] [--seed N] [--count K] [-o DIR] [--format tex,html,md] [--pdf]

Each subcommand lives in a module of its own (`explain`, `check`, `exercise`);
`common` holds what they share. Exit codes: 0 success; 1 the independent
computations disagree (the walkthrough is still written, and says so), or a
claim is wrong; 2 bad input (one line naming the file, the key and the problem;
nothing is written); 3 the PDF could not be made.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tomllib
from pathlib import Path

from explainer.cli import check, exercise, explain

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
  explainer                                    the built-in example as tex, html, md and json, into ./output/
  explainer explain my-net.toml -o notes/      your network, the same four formats, into notes/
  explainer explain my-net.toml --format html --digits 4
  explainer explain my-net.toml --format tex --pdf
  explainer explain my-net.toml --notation nielsen
  explainer explain my-net.toml --format tex-body,figures,slides --pdf
                                               for lecture notes: the body to \\input, each
                                               figure on its own, and a Beamer deck
  explainer explain my-net.toml --show w5,w1,b3 --landscape w5,w1
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
    explain.add_parser(commands, EPILOG)
    check.add_parser(commands)
    exercise.add_parser(commands)
    return top


EXIT_BROKEN_PIPE = 141  # the shell's status for a command ended by SIGPIPE


def run() -> None:
    """The console script: `main`, then exit.

    Everything a run made stays alive until the process ends, so the full garbage
    collection Python makes on the way out walks every object (SymPy's caches alone
    hold tens of thousands) and frees nothing; `gc.freeze()` spares the command that
    walk, about 0.15 s. (`main` itself leaves the collector alone: tests call it
    many times in one process.)
    """
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of our output went away (`explainer check … | head`): say nothing more
        # and end as a command-line tool killed by SIGPIPE does (128 + 13). Python's own flush
        # at exit would raise again, so stdout points at /dev/null from here on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = EXIT_BROKEN_PIPE
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
        return check.run_check(args)
    if args.command == "exercise":
        return exercise.run_exercise(args)
    return explain.run_explain(args)


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
