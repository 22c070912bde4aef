#!/usr/bin/env python3
"""Benchmark of backprop-explainer: where the time of one explained step goes.

    python bench/run.py            full run (several minutes)
    python bench/run.py --quick    smoke run: the two small networks, 10 s caps

It prints Markdown tables on stdout (progress goes to stderr) and never asserts:
targets are printed as met or missed. Times are wall-clock `time.perf_counter`
seconds, the best of REPEATS runs for networks up to ONE_RUN_ABOVE parameters and
one run above. Before every timed derivation SymPy's cache is cleared, so each
derivation pays what a fresh `explainer` process pays.

The networks are the seed example (2-2-2, `explainer.cli.builtin_example()`) and
specs generated deterministically from `random.Random(SEED)`: weights and biases
uniform in [-0.5, 0.5], inputs and expected values uniform in [0, 1], all rounded
to 2 decimals; sigmoid, sum_squared, learning rate 0.1, one sample, one step.

Table 1, derivation: the chain rule with reused δ's against naive differentiation

    network          layer sizes, input layer first
    parameters       weights + biases
    derive           `symbolic.derive(net, prove=())`: every local expression and every
                     chain-rule product with the δ's of the layer after reused; no proof
    derive / param   derive ÷ parameters: about constant if derivation grows linearly
    proofs (shown)   `derive(net, prove=labels) − derive` for the labels `explainer explain`
                     proves by default (every parameter for a full walkthrough, the
                     representative ones for a summarised one)
    proofs (all)     `derive(net, prove=None) − derive`: every parameter proven; "> cap"
                     when derive(prove=None) did not finish within the cap
    naive            no reuse: build the full cost C(W, b, x, exp) as one expression, then
                     for every parameter `sympy.diff(C, p)` evaluated at the spec's values
                     with 60 digits (xreplace + evalf, as the engine evaluates its own
                     expressions); "> cap (k/n)" when only k of n were done within the cap
    naive / param    (naive − building C) ÷ parameters done: one diff and its evaluation,
                     which grows with the size of C instead of staying constant

Proofs and the naive approach run in a subprocess with a hard timeout, so the
script never hangs. Besides the four networks of the issue, full runs add a few
small SCALING networks on which the naive approach still finishes.

Table 2, the rest of the pipeline, per network

    evaluate     `symbolic.step(spec, derivation)`: 60-digit values before and after the step
    numeric      `numeric.step(spec)`: the float64 step
    agreement    `agreement.compare(spec, symbolic_step, numeric_step)`, finite differences included
    build        `walkthrough.build(explanation)`: the document model (summarised above 60
                 parameters, as `explainer explain` does by default), with
                 `explanation = walkthrough.Explanation(spec, symbolic_step, numeric_step,
                 agreement)` from the derivation above, which carries no proofs
    tex/html/md  `render.render(document, fmt)`; the render module's caches are cleared
                 before every run, so each pays what one `explainer` run pays
    json         `json.dumps(report.to_json(explanation), indent=2)`

Table 3, whole commands in subprocesses (best of 3 unless noted) against their targets.
Table 4, one SGD epoch on a 64-32-10 sigmoid network: the numeric core against PyTorch.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import itertools
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import sympy
from sympy.core.cache import clear_cache

from explainer import numeric, render, symbolic, walkthrough
from explainer.agreement import compare, relative
from explainer.cli import builtin_example
from explainer.report import to_json
from explainer.spec import Network, Sample, Spec, load_spec, parse_spec

SEED = 2024
SEED_EXAMPLE = "2-2-2"
MAIN = ("2-2-2", "4-8-8-3", "16-32-32-10", "64-32-10")
LARGE = ("16-32-32-10", "64-32-10")  # left out by --quick
SCALING = ("3-4-2", "4-6-3", "6-8-4", "8-12-6")  # small extras for table 1, full runs only
CAP = 60.0  # seconds allowed for all proofs, and for the naive approach, per network
QUICK_CAP = 10.0
SETUP_ALLOWANCE = 240.0  # a worker's import and derivation before its capped part starts
REPEATS = 3
ONE_RUN_ABOVE = 200  # parameters: larger networks are timed once per stage
FORMATS = ("tex", "html", "md")
PIPELINE = ("evaluate", "numeric", "agreement", "build", *FORMATS, "json")  # table 2's columns
COMMAND_TIMEOUT = 600.0
TARGET_RATIO = 2.0  # `explainer` with no arguments vs importing sympy, numpy and jinja2
TARGET_EXPLAIN_SMALL = 3.0  # explainer explain 4-8-8-3.toml, all formats
TARGET_EXPLAIN_LARGE = 20.0  # explainer explain 64-32-10.toml --format json
SGD_SAMPLES, SGD_BATCH, SGD_NETWORK = 1000, 32, "64-32-10"
SGD_TOLERANCE = 1e-9
SGD_TORCH_REPEATS = 10  # a torch epoch is short and, with 2 threads, sensitive to other load

T = TypeVar("T")


# ---------------------------------------------------------------- networks


def layers_of(name: str) -> tuple[int, ...]:
    return tuple(int(n) for n in name.split("-"))


def _number(rng: random.Random, low: float, high: float) -> str:
    return repr(round(rng.uniform(low, high), 2) + 0.0)  # + 0.0 turns -0.0 into 0.0


def spec_text(layers: Sequence[int], seed: int = SEED) -> str:
    """A sigmoid / sum_squared spec in TOML with random 2-decimal weights, biases and sample."""
    rng = random.Random(seed)
    name = "-".join(map(str, layers))
    lines = [f'title = "Benchmark network {name}"', "", "[network]", f"layers = {list(layers)}",
             'activation = "sigmoid"', 'cost = "sum_squared"', ""]
    for n_in, n_out in itertools.pairwise(layers):
        rows = [", ".join(_number(rng, -0.5, 0.5) for _ in range(n_in)) for _ in range(n_out)]
        biases = ", ".join(_number(rng, -0.5, 0.5) for _ in range(n_out))
        lines += ["[[network.layer]]", "weights = [", *(f"  [{row}]," for row in rows), "]",
                  f"biases = [{biases}]", ""]
    x = ", ".join(_number(rng, 0, 1) for _ in range(layers[0]))
    expected = ", ".join(_number(rng, 0, 1) for _ in range(layers[-1]))
    lines += ["[training]", "learning_rate = 0.1", "steps = 1", "", "[[training.sample]]",
              f"input = [{x}]", f"expected = [{expected}]"]
    return "\n".join(lines) + "\n"


def load_network(name: str) -> Spec:
    """The seed example for 2-2-2, a generated spec for any other layer sizes."""
    if name == SEED_EXAMPLE:
        return load_spec(builtin_example())
    return parse_spec(spec_text(layers_of(name)).encode(), "<bench>")


def shown_labels(net: Network) -> list[str] | None:
    """What `explainer explain` proves by default: None (every parameter) for a full
    walkthrough, the representative parameters for a summarised one."""
    summarised = getattr(walkthrough, "summarised", None)
    representative = getattr(walkthrough, "representative", None)
    if summarised is None or representative is None or not summarised(net):
        return None
    return list(representative(net))


def full_cost(d: symbolic.Derivation) -> sympy.Expr:
    """C(W, b, x, exp) as one expression: each layer's forward expressions substituted into
    the next, from the derivation's public fields (the engine's own helper for this has
    moved between modules while this benchmark was written)."""
    net = d.network
    full_o: dict[str, sympy.Expr] = {}
    for layer in range(net.depth + 1):
        below = {d.o[m]: full_o[m] for m in net.neurons(layer - 1)} if layer else {}
        inputs = {d.i[n]: d.input_expr[n].xreplace(below) for n in net.neurons(layer)}
        for n in net.neurons(layer):
            full_o[n] = d.output_expr[n].xreplace(inputs)
    return d.cost_expr.xreplace({d.o[n]: full_o[n] for n in full_o})


def spec_values(d: symbolic.Derivation, spec: Spec) -> dict[sympy.Symbol, sympy.Rational]:
    """Every symbol of the full cost at the spec's exact values."""
    known = {d.symbol[p.label]: symbolic.rational(p.value) for p in spec.network.parameters}
    for j, x in enumerate(spec.sample.input):
        known[d.symbol[f"x{j + 1}"]] = symbolic.rational(x)
    for j, e in enumerate(spec.sample.expected):
        known[d.symbol[f"exp{j + 1}"]] = symbolic.rational(e)
    return known


# ---------------------------------------------------------------- timing and formatting


def best_of(fn: Callable[[], T], repeats: int, before: Callable[[], None] | None = None) -> tuple[float, T]:
    """The shortest of `repeats` runs of fn (before() runs untimed ahead of each), and fn's result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]


def repeats_for(spec: Spec) -> int:
    return REPEATS if len(spec.network.parameters) <= ONE_RUN_ABOVE else 1


def seconds(t: float) -> str:
    """A duration with 3 significant digits: µs, ms or s."""
    if t < 1e-3:
        return f"{t * 1e6:.3g} µs"
    if t < 1:
        return f"{t * 1e3:.3g} ms"
    return f"{t:.3g} s" if t < 100 else f"{t:.0f} s"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """A Markdown table; the first `left` columns are left-aligned, the others right-aligned."""
    align = ["---" if n < left else "---:" for n in range(len(header))]
    lines = [header, align, *rows]
    return "\n".join("| " + " | ".join(str(c) for c in line) + " |" for line in lines)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def error_cell(err: BaseException) -> str:
    return f"error: {type(err).__name__}"


def clear_render_caches() -> None:
    """Forget the render module's caches (Jinja2 environments, converted MathML)."""
    for obj in vars(render).values():
        clear = getattr(obj, "cache_clear", None)
        if callable(clear):
            clear()


# ---------------------------------------------------------------- capped work in a subprocess


class _OutOfTime(BaseException):
    """Raised by SIGALRM in a worker; a BaseException so no `except Exception` swallows it."""


def _alarm(_signum: int, _frame: object) -> None:
    raise _OutOfTime


def _derive_baseline(net: Network) -> float:
    """derive(prove=()) with a cold SymPy cache: best of up to REPEATS runs within ~1 s."""
    best, spent = float("inf"), 0.0
    for _ in range(REPEATS):
        clear_cache()
        start = time.perf_counter()
        symbolic.derive(net, prove=())
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > 1:
            break
    return best


def worker(kind: str, name: str, cap: float) -> dict[str, Any]:
    """The capped measurements, run inside the subprocess (see `capped`)."""
    spec = load_network(name)
    net = spec.network
    total = len(net.parameters)
    signal.signal(signal.SIGALRM, _alarm)
    if kind in ("proofs-all", "proofs-shown"):
        baseline = _derive_baseline(net)
        labels = None if kind == "proofs-all" else shown_labels(net)
        clear_cache()
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            d = symbolic.derive(net, prove=labels)
        except _OutOfTime:
            return {"status": "timeout", "seconds": time.perf_counter() - start, "total": total}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        proofs = d.proofs.values()
        return {"status": "ok", "seconds": elapsed - baseline, "with_derive": elapsed,
                "proved": len(d.proofs), "held": sum(1 for p in proofs if p.holds), "total": total}
    if kind == "naive":
        d = symbolic.derive(net, prove=())
        known = spec_values(d, spec)
        expected = numeric.step(spec).backward.gradient
        done, worst = 0, 0.0
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, cap)
        build = None
        try:
            cost = full_cost(d)
            build = time.perf_counter() - start
            for p in net.parameters:
                derivative = sympy.diff(cost, d.symbol[p.label])
                value = derivative.xreplace(known).evalf(symbolic.PRECISION)
                worst = max(worst, relative(float(value), expected[p.label]))
                done += 1
        except _OutOfTime:
            return {"status": "timeout", "seconds": time.perf_counter() - start, "build": build,
                    "done": done, "total": total}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        return {"status": "ok", "seconds": time.perf_counter() - start, "build": build, "done": done,
                "total": total, "worst_vs_numeric": worst}
    raise ValueError(f"unknown worker {kind!r}")


def capped(kind: str, name: str, cap: float) -> dict[str, Any]:
    """Run `worker(kind, name, cap)` in a fresh Python; its JSON result, or a status."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, name, "--cap", str(cap)]
    # A session of its own: on a hard timeout the worker goes with any process it forked
    # (the engine proves in a forked pool), and nothing else.
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as child:
        try:
            out, err = child.communicate(timeout=cap + SETUP_ALLOWANCE)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return {"status": "killed"}
    if child.returncode != 0:
        return {"status": "error", "error": (err.strip().splitlines() or ["no output"])[-1]}
    return json.loads(out.strip().splitlines()[-1])


def proof_cell(result: dict[str, Any], cap: float) -> str:
    status = result["status"]
    if status == "ok":
        failed = result["proved"] - result["held"]
        note = f", {failed} FAILED" if failed else ""
        return f"{seconds(result['seconds'])} ({result['proved']}{note})"
    if status in ("timeout", "killed"):
        return f"> {cap:.0f} s"
    return f"error: {result['error'][:60]}"


def naive_cells(result: dict[str, Any], cap: float) -> tuple[str, str]:
    """The naive total, and its time per parameter after the full cost was built."""
    status = result["status"]
    if status not in ("ok", "timeout"):
        return (f"> {cap:.0f} s", "—") if status == "killed" else (f"error: {result['error'][:60]}", "—")
    done, total, build = result["done"], result["total"], result["build"]
    per = "—" if not done else seconds((result["seconds"] - build) / done)
    if status == "ok":
        return seconds(result["seconds"]), per
    if build is None:
        return f"> {cap:.0f} s (C not built)", per
    return f"> {cap:.0f} s ({done}/{total})", per


# ---------------------------------------------------------------- tables 1 and 2


@dataclasses.dataclass
class Measured:
    """What the in-process pass found for one network."""

    name: str
    parameters: int
    derive: float | None = None
    pipeline: list[str] = dataclasses.field(default_factory=list)  # table 2's cells after the name


def measure_pipeline(name: str, with_pipeline: bool) -> Measured:
    """derive, and (for table 2) evaluate, numeric, agreement, build and every format."""
    spec = load_network(name)
    repeats = repeats_for(spec)
    net = spec.network
    m = Measured(name, len(net.parameters))
    try:
        progress(f"{name}: derive ({len(net.parameters)} parameters, best of {repeats})")
        m.derive, derivation = best_of(lambda: symbolic.derive(net, prove=()), repeats, clear_cache)
        if not with_pipeline:
            return m
        progress(f"{name}: evaluate, numeric, agreement")
        t_eval, sym = best_of(lambda: symbolic.step(spec, derivation), repeats)
        t_num, num = best_of(lambda: numeric.step(spec), REPEATS)
        t_agree, agreement = best_of(lambda: compare(spec, sym, num), repeats)
        m.pipeline = [seconds(t_eval), seconds(t_num),
                      seconds(t_agree) + ("" if agreement.agrees else " (DISAGREE)")]
        explanation = walkthrough.Explanation(spec, sym, num, agreement)
        progress(f"{name}: build and render")
        t_build, document = best_of(lambda: walkthrough.build(explanation), repeats)
        m.pipeline.append(seconds(t_build))
        for fmt in FORMATS:
            t_fmt, _ = best_of(lambda fmt=fmt: render.render(document, fmt), repeats, clear_render_caches)
            m.pipeline.append(seconds(t_fmt))
        t_json, _ = best_of(lambda: json.dumps(to_json(explanation), indent=2, ensure_ascii=False),
                            repeats)
        m.pipeline.append(seconds(t_json))
    except Exception as err:  # a benchmark reports a broken stage and goes on
        progress(f"{name}: {type(err).__name__}: {err}")
        m.pipeline += [error_cell(err)] * (len(PIPELINE) - len(m.pipeline)) if with_pipeline else []
    return m


def derivation_row(m: Measured, cap: float) -> tuple[list[str], float | None]:
    """Table 1's cells for one network (the in-process derive and the capped workers), and
    where the naive approach finished, its worst relative difference from the numeric core."""
    net = load_network(m.name).network
    progress(f"{m.name}: all proofs (cap {cap:.0f} s)")
    all_proofs = capped("proofs-all", m.name, cap)
    if shown_labels(net) is None:
        shown = "= all"
    else:
        progress(f"{m.name}: proofs of the shown parameters (cap {cap:.0f} s)")
        shown = proof_cell(capped("proofs-shown", m.name, cap), cap)
    progress(f"{m.name}: naive sympy.diff of the full cost (cap {cap:.0f} s)")
    naive_result = capped("naive", m.name, cap)
    naive, naive_per = naive_cells(naive_result, cap)
    derive = "—" if m.derive is None else seconds(m.derive)
    per = "—" if m.derive is None else seconds(m.derive / m.parameters)
    row = [m.name, f"{m.parameters:,}", derive, per, shown, proof_cell(all_proofs, cap), naive, naive_per]
    return row, naive_result.get("worst_vs_numeric")


# ---------------------------------------------------------------- table 3: whole commands


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


# ---------------------------------------------------------------- table 4: numeric core vs PyTorch


def sgd_table() -> str:
    """One epoch of mini-batch SGD, float64, on the same data and initial weights."""
    try:
        import torch
    except ImportError:
        return "PyTorch is not installed (`pip install torch==2.13.0`): comparison skipped."
    spec = load_network(SGD_NETWORK)
    net = spec.network
    eta = float(spec.learning_rate)
    rng = np.random.default_rng(SEED)
    x = rng.random((SGD_SAMPLES, net.layers[0]))
    y = rng.random((SGD_SAMPLES, net.layers[-1]))
    samples = [Sample(tuple(map(Fraction, xi)), tuple(map(Fraction, yi))) for xi, yi in zip(x, y, strict=True)]
    batches = [tuple(samples[s:s + SGD_BATCH]) for s in range(0, SGD_SAMPLES, SGD_BATCH)]
    start_params = numeric.arrays(net, numeric.initial(net))

    def ours() -> numeric.Parameters:
        values = numeric.initial(net)
        for batch in batches:
            batch_spec = dataclasses.replace(spec, samples=batch)
            values = numeric.update(batch_spec, values, numeric.mean_gradient(batch_spec, values))
        return numeric.arrays(net, values)

    torch.set_num_threads(torch.get_num_threads())  # the default, stated
    xt = torch.tensor(x, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)

    def theirs() -> list[np.ndarray]:
        weights = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in start_params.W]
        biases = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in start_params.b]
        trained = [*weights, *biases]
        for s in range(0, SGD_SAMPLES, SGD_BATCH):
            h = xt[s:s + SGD_BATCH]
            for w, b in zip(weights, biases, strict=True):
                h = torch.sigmoid(h @ w.T + b)
            loss = ((h - yt[s:s + SGD_BATCH]) ** 2).sum(dim=1).mean()  # mean over the batch of C
            grads = torch.autograd.grad(loss, trained)
            with torch.no_grad():
                for p, g in zip(trained, grads, strict=True):
                    p -= eta * g
        return [p.detach().numpy() for p in trained]

    progress(f"SGD: numeric core, {SGD_SAMPLES} samples in batches of {SGD_BATCH}")
    t_ours, ours_params = best_of(ours, REPEATS)
    progress("SGD: PyTorch")
    t_torch, torch_params = best_of(theirs, SGD_TORCH_REPEATS)
    mine = [*ours_params.W, *ours_params.b]
    abs_diff = max(float(np.max(np.abs(a - b))) for a, b in zip(mine, torch_params, strict=True))
    rel_diff = max(float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)))
                   for a, b in zip(mine, torch_params, strict=True))
    rows = [
        ["`explainer.numeric` (NumPy, `mean_gradient` + `update` per batch)", seconds(t_ours)],
        [f"PyTorch {torch.__version__} autograd, manual tensors, {torch.get_num_threads()} threads",
         seconds(t_torch)],
        ["ratio ours / torch", f"{t_ours / t_torch:.1f}×"],
    ]
    n_batches = len(batches)
    rows[0][1] += f" (best of {REPEATS})"
    rows[1][1] += f" (best of {SGD_TORCH_REPEATS})"
    table = markdown_table(("implementation", "one epoch"), rows)
    verdict = "agree" if rel_diff <= SGD_TOLERANCE else "DO NOT agree"
    return (f"{SGD_NETWORK} sigmoid network ({len(net.parameters):,} parameters), float64, sum_squared "
            f"averaged over each mini-batch, η = {eta:g}, {SGD_SAMPLES:,} samples from "
            f"`numpy.random.default_rng({SEED})` in {n_batches} mini-batches of up to {SGD_BATCH}, one "
            f"epoch, same initial weights.\n\n{table}\n\nFinal weights and biases: max |ours − torch| = "
            f"{abs_diff:.2e}, max relative difference {rel_diff:.2e}: they {verdict} to "
            f"{SGD_TOLERANCE:g} relative.")


# ---------------------------------------------------------------- the run


def source_fingerprint() -> str:
    """A short hash of the explainer package's sources, to notice edits during a run."""
    package = Path(numeric.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def environment() -> str:
    import jinja2

    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent, check=False).stdout.strip()
    except OSError:
        commit = ""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{now} · {platform.platform()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
            f"SymPy {sympy.__version__} · NumPy {np.__version__} · Jinja2 {jinja2.__version__}"
            + (f" · commit {commit}" if commit else "") + f" · explainer sources {source_fingerprint()}"
            + f" · {load()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"skip {' and '.join(LARGE)} and the extra scaling networks, cap the "
                             f"capped measurements at {QUICK_CAP:g} s instead of {CAP:g} s")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "NETWORK"), help=argparse.SUPPRESS)
    parser.add_argument("--cap", type=float, default=CAP, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker, args.cap)))
        return 0

    cap = QUICK_CAP if args.quick else CAP
    start = source_fingerprint()
    networks = [n for n in MAIN if not (args.quick and n in LARGE)]
    print(f"# backprop-explainer benchmark{' (--quick)' if args.quick else ''}\n")
    print(environment() + "\n", flush=True)

    measured = {name: measure_pipeline(name, with_pipeline=True) for name in networks}
    extra = [] if args.quick else [measure_pipeline(name, with_pipeline=False) for name in SCALING]
    everything = sorted([*measured.values(), *extra], key=lambda m: m.parameters)
    header1 = ("network", "parameters", "derive", "derive / param", "proofs (shown)", "proofs (all)",
               "naive", "naive / param")
    results = [derivation_row(m, cap) for m in everything]
    print("## Derivation: chain rule with reused δ's vs naive sympy.diff of the full cost\n")
    print(markdown_table(header1, [row for row, _ in results]) + "\n")
    worst = [w for _, w in results if w is not None]
    print(f"Capped at {cap:g} s per cell (subprocess). Proof cells: time (number of proofs). "
          "\"(k/n)\": the naive approach had differentiated and evaluated k of n parameters "
          "when stopped, the earliest layer first; \"C not built\": building the full cost alone "
          "took longer. \"naive / param\" leaves out building the full cost once."
          + (f" Where it finished, its gradients match the numeric core's to {max(worst):.1e} "
             "(worst relative difference)." if worst else "") + "\n", flush=True)

    print("## Step pipeline (in process)\n")
    rows2 = [[name, *m.pipeline] for name, m in measured.items()]
    print(markdown_table(("network", *PIPELINE), rows2) + "\n", flush=True)

    print("## Whole commands\n")
    print(command_table(args.quick) + "\n", flush=True)

    print("## Numeric core vs PyTorch: one SGD epoch\n")
    print(sgd_table() + "\n")
    fingerprint = source_fingerprint()
    changed = "" if fingerprint == start else (f" The explainer sources CHANGED during the run "
                                               f"({start} → {fingerprint}): the tables mix versions.")
    print(f"Finished {datetime.datetime.now(datetime.UTC):%H:%M UTC}, {load()}.{changed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
