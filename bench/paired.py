"""The default run of this checkout against the default run of another commit, paired.

    python bench/paired.py --against 005b255 [--rounds 10] [-- ARGS…]

Checks the other commit out into a temporary git worktree, byte-compiles both
trees (as `pip install` does), and runs `python -m explainer.cli ARGS` (by
default no arguments: the built-in example, every format) from each, in turn,
A B A B …, each in an empty temporary folder. Each round gives one ratio
A / B of wall times, so a machine that speeds up or slows down during the run
affects both sides of a pair alike; the median ratio is the figure to quote.
A is this checkout, B the other commit: a ratio below 1 means this checkout is faster.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def timed(tree: Path, args: list[str], folder: Path) -> float:
    """Wall seconds of one `python -m explainer.cli ARGS` run of `tree`, in `folder`."""
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "explainer.cli", *args], cwd=folder, env=env,
                          capture_output=True, check=False)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{tree}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", required=True, help="the git revision to compare with (B)")
    parser.add_argument("--rounds", type=int, default=10, help="A/B pairs (default 10)")
    parser.add_argument("args", nargs="*", help="arguments for both runs (default: none)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paired-") as tmp:
        other = Path(tmp) / "other"
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(other), options.against],
                       check=True, capture_output=True)
        try:
            for tree in (HERE, other):
                compileall.compile_dir(str(tree / "explainer"), quiet=1)
            ratios, a_times, b_times = [], [], []
            for n in range(options.rounds + 1):  # round 0 warms both up and is not counted
                with tempfile.TemporaryDirectory() as a_dir, tempfile.TemporaryDirectory() as b_dir:
                    a = timed(HERE, options.args, Path(a_dir))
                    b = timed(other, options.args, Path(b_dir))
                if n:
                    ratios.append(a / b)
                    a_times.append(a)
                    b_times.append(b)
            print(f"A = this checkout, B = {options.against}; python -m explainer.cli {' '.join(options.args)}")
            print(f"rounds: {options.rounds} (after one warm-up round)")
            for name, values in (("A wall s", a_times), ("B wall s", b_times), ("A/B", ratios)):
                print(f"{name:9} median {statistics.median(values):.3f}  min {min(values):.3f}  "
                      f"max {max(values):.3f}")
        finally:
            subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(other)],
                           check=False, capture_output=True)


if __name__ == "__main__":
    main()
