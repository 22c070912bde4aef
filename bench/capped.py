"""Capped work in a subprocess: proofs and the naive approach, run by `run.py --worker` in a
fresh Python with a hard timeout, and the table cells made of their results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import sympy
from networks import full_cost, load_network, shown_labels, spec_values
from sympy.core.cache import clear_cache
from timing import REPEATS, seconds

from explainer.engines import numeric, proof, symbolic
from explainer.engines.agreement import relative
from explainer.engines.precision import PRECISION
from explainer.spec import Network

SETUP_ALLOWANCE = 240.0  # a worker's import and derivation before its capped part starts
RUN_SCRIPT = Path(__file__).resolve().with_name("run.py")  # its --worker option calls worker()


class _OutOfTime(BaseException):
    """Raised by SIGALRM in a worker; a BaseException so no `except Exception` swallows it."""


def _alarm(_signum: int, _frame: object) -> None:
    raise _OutOfTime


def _derive_baseline(net: Network) -> float:
    """derive(net) with a cold SymPy cache: best of up to REPEATS runs within ~1 s."""
    best, spent = float("inf"), 0.0
    for _ in range(REPEATS):
        clear_cache()
        start = time.perf_counter()
        symbolic.derive(net)
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
        labels = [p.label for p in net.parameters] if kind == "proofs-all" else shown_labels(spec)
        clear_cache()
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            proven = proof.prove(symbolic.derive(net), labels)
        except _OutOfTime:
            return {"status": "timeout", "seconds": time.perf_counter() - start, "total": total}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - start
        return {"status": "ok", "seconds": elapsed - baseline, "with_derive": elapsed,
                "proved": len(proven), "held": sum(1 for p in proven.values() if p.holds), "total": total}
    if kind == "naive":
        d = symbolic.derive(net)
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
                value = derivative.xreplace(known).evalf(PRECISION)
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
    command = [sys.executable, str(RUN_SCRIPT), "--worker", kind, name, "--cap", str(cap)]
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
