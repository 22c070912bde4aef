"""Table 3: whole `explainer` commands timed in subprocesses against their targets."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from networks import layers_of, spec_text
from timing import REPEATS, markdown_table, progress, seconds

COMMAND_TIMEOUT = 600.0
TARGET_RATIO = 2.0  # `explainer` with no arguments vs importing sympy, numpy and jinja2
TARGET_EXPLAIN_SMALL = 3.0  # explainer explain 4-8-8-3.toml, all formats
TARGET_EXPLAIN_LARGE = 20.0  # explainer explain 64-32-10.toml --format json


def explainer_command() -> list[str]:
    """The `explainer` console script beside this Python (no pyenv shim), else on PATH."""
    beside = Path(sys.executable).parent / "explainer"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("explainer")
    return [found] if found else [sys.executable, "-m", "explainer.cli"]


def time_command(command: list[str], cwd: Path, repeats: int) -> tuple[float | None, int | None]:
    """Best wall time of a subprocess and its last exit code; (None, None) on timeout."""
    best, code = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=COMMAND_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return None, None
        best, code = min(best, time.perf_counter() - start), done.returncode
    return best, code


def command_table(quick: bool) -> str:
    exe = explainer_command()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmpdir = Path(tmp)
        for name in ("4-8-8-3", "64-32-10"):
            (tmpdir / f"{name}.toml").write_text(spec_text(layers_of(name)), encoding="utf-8")
        progress("commands: import baseline and `explainer` with no arguments")
        base, _ = time_command([sys.executable, "-c", "import sympy, numpy, jinja2"], tmpdir, REPEATS)
        bare, code = time_command(exe, tmpdir, REPEATS)

        def met(ok: bool) -> str:
            return "met" if ok else "MISSED"

        def exit_note(c: int | None) -> str:
            return "" if c in (0, None) else f" (exit {c})"

        rows.append(['`python -c "import sympy, numpy, jinja2"` (baseline)', "best of 3",
                     seconds(base) if base else "—", "", ""])
        if bare is not None and base:
            ratio = bare / base
            rows.append(["`explainer` (no arguments, in a temp dir)", "best of 3",
                         f"{seconds(bare)}{exit_note(code)} = {ratio:.2f}× baseline",
                         f"≤ {TARGET_RATIO:g}× baseline", met(ratio <= TARGET_RATIO and code == 0)])
        else:
            rows.append(["`explainer` (no arguments, in a temp dir)", "best of 3",
                         f"> {COMMAND_TIMEOUT:.0f} s", f"≤ {TARGET_RATIO:g}× baseline", "MISSED"])
        jobs = [("4-8-8-3", "tex,html,md,json", REPEATS, TARGET_EXPLAIN_SMALL)]
        if not quick:
            jobs.append(("64-32-10", "json", 1, TARGET_EXPLAIN_LARGE))
        for name, formats, repeats, target in jobs:
            progress(f"commands: explainer explain {name}.toml --format {formats}")
            command = [*exe, "explain", f"{name}.toml", "--format", formats, "-o", str(tmpdir / "out")]
            took, code = time_command(command, tmpdir, repeats)
            label = f"`explainer explain {name}.toml --format {formats}`"
            how = "best of 3" if repeats > 1 else "one run"
            if took is None:
                rows.append([label, how, f"> {COMMAND_TIMEOUT:.0f} s", f"≤ {target:g} s", "MISSED"])
            else:
                rows.append([label, how, seconds(took) + exit_note(code), f"≤ {target:g} s",
                             met(took <= target and code == 0)])
    header = ("command", "runs", "time", "target", "met?")
    return markdown_table(header, rows, left=2) + f"\n\n`explainer` run as `{' '.join(exe)}`."
