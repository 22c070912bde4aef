"""Table 5: long runs against one step, whole commands, as ratios measured in the same run.

Two demonstrations a new user tries: the seed network trained for 10,000 steps on its
one sample (the worked example's "after repeating this 10,000 times…"), and XOR on a
2-2-1 sigmoid network, 4 samples, 10,000 full-batch steps. Each is timed against the
same network's single step, `explainer explain SPEC --format json` in a subprocess,
the two commands alternating in PAIRS pairs (A B A B …, after one warm-up pair) so
that both meet the same load; the ratio is the median of the pairs' ratios. Target:
at most TARGET_RUN_RATIO.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from commands import COMMAND_TIMEOUT, explainer_command
from timing import markdown_table, progress, seconds

from explainer import examples

TARGET_RUN_RATIO = 2.0
PAIRS, QUICK_PAIRS = 15, 3
RUN_STEPS = 10_000

# The shipped example, as the single step the 10,000-step run is compared with.
XOR = examples.xor_spec().read_text(encoding="utf-8").replace(f"steps = {RUN_STEPS}\n", "steps = 1\n")


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds of the command, and the CPU seconds it and its worker processes used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=COMMAND_TIMEOUT, check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_table(quick: bool) -> str:
    exe = explainer_command()
    pairs = QUICK_PAIRS if quick else PAIRS
    seed = examples.seed_spec().read_text(encoding="utf-8")
    cases = [("2-2-2 seed network, 1 sample", seed), ("XOR, 2-2-1, 4 samples, full batch", XOR)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as tmp:
        tmpdir = Path(tmp)
        for name, text in cases:
            one, long = tmpdir / "one.toml", tmpdir / "long.toml"
            one.write_text(text, encoding="utf-8")
            long.write_text(text.replace("steps = 1\n", f"steps = {RUN_STEPS}\n"), encoding="utf-8")
            commands = [[*exe, "explain", str(path), "--format", "json", "-o", str(tmpdir / "out")]
                        for path in (one, long)]
            progress(f"runs: {name}, 1 step against {RUN_STEPS:,} steps, {pairs} pairs")
            for command in commands:  # warm-up pair: caches, byte code
                _timed(command, tmpdir)
            times = [(_timed(commands[0], tmpdir), _timed(commands[1], tmpdir)) for _ in range(pairs)]
            ratio = statistics.median(b[0] / a[0] for a, b in times)
            cpu = statistics.median(b[1] / a[1] for a, b in times)
            single = statistics.median(a[0] for a, _ in times)
            many = statistics.median(b[0] for _, b in times)
            rows.append([name, seconds(single), seconds(many), f"{ratio:.2f}×", f"{cpu:.2f}×",
                         f"≤ {TARGET_RUN_RATIO:g}×", "met" if ratio <= TARGET_RUN_RATIO else "MISSED"])
    header = ("network", "1 step (median)", f"{RUN_STEPS:,} steps (median)", "wall ratio (median of pairs)",
              "CPU ratio", "target (wall)", "met?")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"`explainer explain SPEC --format json`, the single step and the {RUN_STEPS:,}-step run of the "
            f"same network alternating, {pairs} pairs after a warm-up pair. \"CPU ratio\": the same for "
            "the CPU seconds of each command and its worker processes, which other load on the machine "
            f"changes less than the wall time (load average at the end: {load}).\n\n"
            + markdown_table(header, rows))
