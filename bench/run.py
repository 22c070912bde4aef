#!/usr/bin/env python3
"""Benchmark of backprop-explainer: where the time of one explained step goes.

    python bench/run.py            full run (several minutes)
    python bench/run.py --quick    smoke run: the two small networks, 10 s caps

It prints Markdown tables on stdout (progress goes to stderr) and never asserts:
targets are printed as met or missed. Times are wall-clock `time.perf_counter`
seconds, the best of REPEATS runs for networks up to ONE_RUN_ABOVE parameters and
one run above. Before every timed derivation SymPy's cache is cleared, so each
derivation pays what a fresh `explainer` process pays.

The networks are the seed example (2-2-2, `explainer.examples.seed_spec()`) and
specs generated deterministically from `random.Random(SEED)`: weights and biases
uniform in [-0.5, 0.5], inputs and expected values uniform in [0, 1], all rounded
to 2 decimals; sigmoid, sum_squared, learning rate 0.1, one sample, one step.

Table 1, derivation: the chain rule with reused δ's against naive differentiation

    network          layer sizes, input layer first
    parameters       weights + biases
    derive           `symbolic.derive(net)`: every local expression and every
                     chain-rule product with the δ's of the layer after reused; no proof
    derive / param   derive ÷ parameters: about constant if derivation grows linearly
    proofs (shown)   `proof.prove(derive(net), labels)` − derive for the labels `explainer explain`
                     proves by default (every parameter for a full walkthrough, the
                     representative ones for a summarised one)
    proofs (all)     the same for every parameter; "> cap" when it did not finish within
                     the cap
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
    build        `build(explanation)`: the document model (summarised above 60
                 parameters, as `explainer explain` does by default), with
                 `explanation = Explanation(spec, symbolic_step, numeric_step,
                 agreement)` from the derivation above, which carries no proofs
    tex/html/md  `render.render(document, fmt)`; the render module's caches are cleared
                 before every run, so each pays what one `explainer` run pays
    json         `json.dumps(report.to_json(explanation), indent=2)`

Table 3, whole commands in subprocesses (best of 3 unless noted) against their targets.
Table 4, one SGD epoch on a 64-32-10 sigmoid network: the numeric core against PyTorch.
Table 5, 10,000-step runs against one step of the same network, whole commands (bench/runs.py).
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import datetime
import hashlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import numpy as np
import sympy
from capped import capped, naive_cells, proof_cell, worker
from commands import command_table
from networks import LARGE, MAIN, SCALING, load_network, shown_labels
from runs import run_table
from sgd import sgd_table
from sympy.core.cache import clear_cache
from timing import (
    REPEATS,
    best_of,
    clear_render_caches,
    error_cell,
    markdown_table,
    progress,
    repeats_for,
    seconds,
)

import explainer
from explainer.engines import numeric, symbolic
from explainer.engines.agreement import compare
from explainer.output import render
from explainer.output.json_report import to_json
from explainer.pipeline import Explanation
from explainer.walkthrough.build import build

CAP = 60.0  # seconds allowed for all proofs, and for the naive approach, per network
QUICK_CAP = 10.0
FORMATS = ("tex", "html", "md")
PIPELINE = ("evaluate", "numeric", "agreement", "build", *FORMATS, "json")  # table 2's columns


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
        m.derive, derivation = best_of(lambda: symbolic.derive(net), repeats, clear_cache)
        if not with_pipeline:
            return m
        progress(f"{name}: evaluate, numeric, agreement")
        t_eval, sym = best_of(lambda: symbolic.step(spec, derivation), repeats)
        t_num, num = best_of(lambda: numeric.step(spec), REPEATS)
        t_agree, agreement = best_of(lambda: compare(spec, sym, num), repeats)
        m.pipeline = [seconds(t_eval), seconds(t_num),
                      seconds(t_agree) + ("" if agreement.agrees else " (DISAGREE)")]
        explanation = Explanation(spec, sym, num, agreement, MappingProxyType({}))
        progress(f"{name}: build and render")
        t_build, document = best_of(lambda: build(explanation), repeats)
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
    spec = load_network(m.name)
    net = spec.network
    progress(f"{m.name}: all proofs (cap {cap:.0f} s)")
    all_proofs = capped("proofs-all", m.name, cap)
    if len(shown_labels(spec)) == len(net.parameters):
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
    # Byte-compile the explainer package as `pip install` does for an installed package: this
    # environment sets PYTHONDONTWRITEBYTECODE=1 and the package is installed editable, so without
    # it every timed `explainer` process would recompile the sources it imports, which an installed
    # package never does.
    package = Path(explainer.__file__).parent
    progress(f"byte-compiling {package} as pip install does (PYTHONDONTWRITEBYTECODE, editable install)")
    compileall.compile_dir(package, quiet=1)
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

    print("## Long runs against one step\n")
    print(run_table(args.quick) + "\n", flush=True)
    fingerprint = source_fingerprint()
    changed = "" if fingerprint == start else (f" The explainer sources CHANGED during the run "
                                               f"({start} → {fingerprint}): the tables mix versions.")
    print(f"Finished {datetime.datetime.now(datetime.UTC):%H:%M UTC}, {load()}.{changed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
