"""Timing and formatting helpers: best-of-n timing, durations, Markdown tables, progress lines."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from explainer.output import render
from explainer.spec import Spec

REPEATS = 3
ONE_RUN_ABOVE = 200  # parameters: larger networks are timed once per stage

T = TypeVar("T")


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
