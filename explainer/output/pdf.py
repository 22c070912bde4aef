"""Typesetting the LaTeX walkthrough into a PDF with pdflatex, safely.

The LaTeX source comes from `explainer.output.render.render(doc, "tex")`. Turning it into
a PDF means running a program that is, in principle, a full programming language
able to read and write files and run commands. We therefore run it boxed in:

* in a fresh temporary directory, never in the output directory, so auxiliary
  files (.aux, .log, .out) never litter the user's folder and a failed run leaves
  nothing behind;
* with ``-no-shell-escape``, so ``\\write18{...}`` cannot run commands, and with
  kpathsea's ``shell_escape=f`` in the environment as a second lock on that door;
* with ``openout_any=p`` and ``openin_any=p`` ("paranoid"), so TeX may not write
  or read files by absolute path, through ``..`` or as dotfiles: it can touch
  its own temporary directory and the TeX installation, nothing else;
* with ``-interaction=nonstopmode -halt-on-error`` and a timeout, so a broken
  source ends the run with an error instead of waiting for someone to type at a
  ``?`` prompt, and a runaway loop cannot hang the command forever.

Only when the run succeeds is the PDF copied to its destination, atomically.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from explainer.output.files import write_atomically

PDFLATEX = "pdflatex"
JOB_NAME = "walkthrough"
NO_PDFLATEX = ("pdflatex not found on PATH: install TeX Live to write PDF files (e.g. apt-get install "
               "texlive-latex-base texlive-latex-recommended texlive-pictures)")

# Some packages (hyperref's bookmarks, cross-references) need a second run to
# settle; LaTeX says so in its log with one of these phrases. Three runs are
# always enough for what our template uses, so we never loop for longer.
_RERUN_MARKERS = ("Rerun to get", "Label(s) may have changed")
MAX_RUNS = 3


class PdfError(Exception):
    """pdflatex could not turn the source into a PDF.

    The message is one line a person can act on: the first LaTeX error (the log
    line starting with "!") with the source line and the text TeX had read up to
    there, or that pdflatex timed out or is missing. For example::

        pdflatex failed: ! Undefined control sequence. (line 3 of walkthrough.tex, at \\foo)
    """


def pdflatex_available() -> bool:
    """Whether a `pdflatex` program is on PATH (tests and the CLI check before use)."""
    return shutil.which(PDFLATEX) is not None


def compile_pdf(tex_source: str, destination: Path, timeout: float = 120) -> None:
    """Typeset `tex_source` and write the PDF to `destination` atomically; on any
    failure `destination` is left untouched and PdfError is raised."""
    write_atomically(destination, typeset(tex_source, timeout))


def typeset(tex_source: str, timeout: float = 120) -> bytes:
    """The PDF of `tex_source`, typeset with pdflatex; PdfError if it cannot be made.

    The source is written as ``walkthrough.tex`` in a new temporary directory and
    compiled there (once, or again when LaTeX asks for a rerun). `timeout` is in
    seconds and covers each run. Nothing outside the temporary directory is written.
    """
    executable = shutil.which(PDFLATEX)
    if executable is None:
        raise PdfError(NO_PDFLATEX)

    with tempfile.TemporaryDirectory(prefix="explainer-tex-") as tmp:
        workdir = Path(tmp)
        (workdir / f"{JOB_NAME}.tex").write_text(tex_source, encoding="utf-8")
        log_path = workdir / f"{JOB_NAME}.log"
        pdf_path = workdir / f"{JOB_NAME}.pdf"

        for _ in range(MAX_RUNS):
            returncode = _run(executable, workdir, timeout)
            log = _read_log(log_path)
            if returncode != 0 or not pdf_path.is_file():
                raise PdfError(_failure_message(log, returncode))
            if not any(marker in log for marker in _RERUN_MARKERS):
                break
        return pdf_path.read_bytes()


def _run(executable: str, workdir: Path, timeout: float) -> int:
    """One pdflatex run in `workdir`; returns its exit status or raises PdfError on timeout."""
    command = [
        executable,
        "-interaction=nonstopmode",  # never stop at a "?" prompt waiting for input
        "-halt-on-error",  # the first error ends the run: later ones are usually echoes
        "-no-shell-escape",  # \write18 must not run commands
        f"{JOB_NAME}.tex",
    ]
    # A new session makes pdflatex the leader of its own process group, so on a
    # timeout we can stop it together with any helper it started (mktexpk
    # generating a font, say) instead of leaving orphans running.
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=_sandbox_environment(workdir),
        stdin=subprocess.DEVNULL,  # nothing to read from: a prompt gets end-of-file at once
        stdout=subprocess.DEVNULL,  # the same text is in the .log file, which we read instead
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise PdfError(f"pdflatex timed out after {timeout:g} seconds") from None
    except BaseException:
        # Ctrl-C signals only our own process group; pdflatex has its own, so stop it too.
        _stop(process)
        raise


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill pdflatex and anything it started, and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, AttributeError):
        # Already gone, or a system without process groups (Windows): kill the one process.
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    process.wait()


def _sandbox_environment(workdir: Path) -> dict[str, str]:
    """The environment for pdflatex: the caller's, with TeX's file access locked down.

    kpathsea (TeX's file-finding library) reads these variables in preference to
    its configuration file texmf.cnf, so they override whatever the local TeX
    installation was configured to allow.
    """
    env = dict(os.environ)
    env.update(
        openout_any="p",  # paranoid: write only below the working directory, no dotfiles
        # Paranoid reading too: no absolute paths, no .., no dotfiles; TeX still finds
        # its own packages and fonts, which it looks up by name, not by path.
        openin_any="p",
        shell_escape="f",  # false: no \write18 even if texmf.cnf would allow some commands
        # TEXMFOUTPUT is the one other place TeX may write under openout_any=p;
        # point it at the sandbox rather than inheriting somewhere else.
        TEXMFOUTPUT=str(workdir),
        # Reproducible output: pdfTeX takes the creation date, and the trailer ID it
        # derives from it, from SOURCE_DATE_EPOCH, so the same source always gives the
        # same bytes (exercise sheets promise that).
        SOURCE_DATE_EPOCH="0",
        FORCE_SOURCE_DATE="1",
    )
    return env


def _read_log(log_path: Path) -> str:
    # TeX writes its log in whatever bytes the input had, and breaks lines at
    # 79 bytes even inside a UTF-8 character, so decode forgivingly.
    try:
        return log_path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _failure_message(log: str, returncode: int) -> str:
    """One line naming the first LaTeX error in `log`, and where in the source it was."""
    lines = log.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("!"):
            message = f"pdflatex failed: {line.strip()}"
            # TeX follows an error with its context, ending in a line "l.<number> <text>"
            # whose text is the source line up to where TeX stopped reading.
            for context in lines[index + 1 : index + 12]:
                if context.startswith("l."):
                    number, _, read = context[2:].partition(" ")
                    if number.isdigit():
                        message += f" (line {number} of {JOB_NAME}.tex"
                        read = read.strip()
                        if read:
                            message += f", at {_tail(read, 60)}"
                        message += ")"
                    break
            return message
    return f"pdflatex failed with exit status {returncode} and no error line in its log"


def _tail(text: str, width: int) -> str:
    """The end of `text`, at most `width` characters, marked with … when cut."""
    return text if len(text) <= width else "…" + text[-(width - 1) :]
