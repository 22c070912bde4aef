"""The `explainer` command: `explain`, `check` and `exercise` (see `explainer.cli.command`)."""

# NumPy and SymPy first, at the shallowest depth of the command's chain of imports:
# CPython 3.11 keeps Python frames in 16 KiB chunks and frees a chunk as soon as its
# frames return, so SymPy's deeply nested imports, started from deep inside ours,
# crossed a chunk boundary thousands of times (6,000 mmap/munmap pairs instead of
# 300), about 5 % of the default run (bench/paired.py, strace -c).
import numpy  # noqa: F401
import sympy  # noqa: F401

from explainer.cli.command import main, parser, run

__all__ = ["main", "parser", "run"]
