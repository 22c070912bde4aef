"""The default run, paired: against another commit's, or against proving before presenting.

    python bench/paired.py --against 005b255 [--rounds 20] [ARGS…]
    python bench/paired.py --sequential [--rounds 20] [ARGS…]

Runs `python -m explainer.cli ARGS` (by default no arguments: the built-in example,
every format) as A, and B in turn, A B A B …, each in an empty temporary folder
with its own temporary directory (so the two never share Jinja2's template cache).
Each round gives one ratio A / B of wall times, so a machine that speeds up or slows
down during the run affects both sides of a pair alike; the median ratio is the
figure to quote. A is always this checkout; a ratio below 1 means A is faster.

B is either another commit (`--against REV`: checked out into a temporary git
worktree, byte-compiled like this one, as `pip install` does), or this checkout
with the walkthrough built after the proofs instead of while they run
(`--sequential`: `explain` then `present`, what `explain_and_present` must beat).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
# This checkout's command with the overlap turned off: prove, then build once.
SEQUENTIAL = """
import sys
import numpy, sympy
from explainer import pipeline
from explainer.cli import explain as command
def sequential(spec, full, present, progress=None):
    explanation = pipeline.explain(spec, full, True)
    return explanation, present(explanation)
command.explain_and_present = sequential
from explainer.cli import run
run()
"""


def timed(command: list[str], tree: Path) -> float:
    """Wall seconds of one run of `command` with `tree` on the path, in a fresh folder."""
    with tempfile.TemporaryDirectory() as folder:
        env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HOME": folder, "TMPDIR": folder}
        start = time.perf_counter()
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, check=False)
        took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    return took


@contextlib.contextmanager
def checked_out(revision: str) -> Iterator[Path]:
    """`revision` in a temporary git worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="paired-") as tmp:
        tree = Path(tmp) / "other"
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(tree), revision],
                       check=True, capture_output=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(tree)],
                           check=False, capture_output=True)


def pairs(a: tuple[list[str], Path], b: tuple[list[str], Path], rounds: int) -> None:
    """Time A and B in turn, `rounds` pairs after one warm-up pair, and print the figures."""
    a_times, b_times = [], []
    for n in range(rounds + 1):
        took_a, took_b = timed(*a), timed(*b)
        if n:  # round 0 warms the file cache and the template caches up
            a_times.append(took_a)
            b_times.append(took_b)
    ratios = [x / y for x, y in zip(a_times, b_times, strict=True)]
    print(f"rounds: {rounds} (after one warm-up round)")
    for name, values in (("A wall s", a_times), ("B wall s", b_times), ("A/B", ratios)):
        print(f"{name:9} median {statistics.median(values):.3f}  min {min(values):.3f}  max {max(values):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--against", metavar="REV", help="B: the default run of another git revision")
    which.add_argument("--sequential", action="store_true", help="B: this checkout, proving first")
    parser.add_argument("--rounds", type=int, default=20, help="A/B pairs (default 20)")
    parser.add_argument("args", nargs="*", help="arguments for both runs (default: none)")
    options = parser.parse_args()
    command = [sys.executable, "-m", "explainer.cli", *options.args]
    compileall.compile_dir(str(HERE / "explainer"), quiet=1)
    if options.sequential:
        print(f"A = this checkout, B = this checkout proving first; explainer {' '.join(options.args)}")
        pairs((command, HERE), ([sys.executable, "-c", SEQUENTIAL, *options.args], HERE), options.rounds)
        return
    with checked_out(options.against) as other:
        compileall.compile_dir(str(other / "explainer"), quiet=1)
        print(f"A = this checkout, B = {options.against}; explainer {' '.join(options.args)}")
        pairs((command, HERE), (command, other), options.rounds)


if __name__ == "__main__":
    main()
