"""Saying what a long command is doing, on a terminal, without slowing a short one down.

    with Progress() as progress:
        progress("deriving the chain rule")
        ...
        progress("training: step 40 of 10,000")

A command that is done within `DELAY` seconds prints nothing. After that, one
status line on stderr shows the stage the command is in (``explainer: proving
the chain-rule products…``), rewritten in place as the stage changes, and erased
when the command finishes, so the terminal keeps only the command's own output.
When stderr is not a terminal (a pipe, a file, a test) nothing is printed at all.

A timer thread shows the line after the delay: the stages themselves only store
a string, which costs nothing, so reporting every step of a long run is cheap.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

DELAY = 2.0  # seconds of silence before the status line appears
CLEAR = "\r\x1b[K"  # back to the start of the line, erase it


class Progress:
    """A status line on stderr for a long command (see the module docstring).

    Call it with the current stage; use it as a context manager, or `close()` it,
    so that the line is erased before the command prints its result.
    """

    def __init__(self, stream: TextIO | None = None, delay: float | None = None,
                 enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.stage = ""
        self._shown = self._closed = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        if enabled:
            self._timer = threading.Timer(DELAY if delay is None else delay, self._show)
            self._timer.daemon = True
            self._timer.start()

    def __call__(self, stage: str) -> None:
        """The command is now doing `stage` (a few words, no trailing punctuation)."""
        self.stage = stage
        if self._shown:
            with self._lock:
                self._draw()

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self._shown = True
                self._draw()

    def _draw(self) -> None:
        if self._shown and self.stage:
            self.stream.write(f"{CLEAR}explainer: {self.stage}…")
            self.stream.flush()

    def close(self) -> None:
        """Stop the timer and erase the status line if it was shown."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._shown:
                self.stream.write(CLEAR)
                self.stream.flush()
            self._shown, self._closed = False, True

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def silent(stage: str) -> None:
    """A progress callback that says nothing (the Python API, and tests)."""
