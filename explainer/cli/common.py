"""What the commands share: reading --format, failing cleanly, writing outputs, the PDF.

Every command checks its output folder before it starts working, renders
everything in memory (the PDF too), and then writes all its files together
(`files.write_together`), so a failure leaves the previous outputs as they were.
Bad input, a bad option and an output folder that cannot take the files are one
line on stderr and exit code 2; a PDF that cannot be made is exit code 3, after
the other formats are written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from explainer.engines.agreement import RELATIVE_TOLERANCE
from explainer.engines.precision import CORRECT_DIGITS
from explainer.output.pdf import PdfError, typeset

EXIT_OK, EXIT_FOUND, EXIT_BAD_INPUT, EXIT_PDF = 0, 1, 2, 3
DISAGREEMENT = f"DISAGREEMENT: the engines differ beyond {RELATIVE_TOLERANCE:g} relative"
MAX_DIGITS = CORRECT_DIGITS  # the symbolic values are good to at least this many significant digits


class UsageError(Exception):
    """A bad option value: the message names the option."""


def add_output_options(command: argparse.ArgumentParser, directory: str, formats: tuple[str, ...],
                       pdf_help: str, default: tuple[str, ...] | None = None) -> None:
    """-o DIR, --format (`default`, or every one of `formats`) and --pdf, as the commands share them."""
    command.add_argument("-o", "--output", type=Path, default=Path(directory),
                         help=f"directory to write into (default: ./{directory})")
    chosen = default or formats
    command.add_argument("--format", default=",".join(chosen),
                         help=f"comma-separated formats out of {','.join(formats)} "
                              f"(default: {'all' if chosen == formats else ','.join(chosen)})")
    command.add_argument("--pdf", action="store_true", help=pdf_help)


def fail(message: str) -> int:
    print(f"explainer: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def formats_from(text: str, allowed: tuple[str, ...], pdf: bool) -> list[str]:
    """The comma-separated --format list, checked; --pdf adds tex (the PDF's source) unless the
    slides are the LaTeX to typeset."""
    formats = list(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    if "pdf" in formats and "pdf" not in allowed:
        raise UsageError("--format: pdf is not a format here; use --pdf, which typesets the LaTeX into a PDF")
    unknown = [f for f in formats if f not in allowed]
    if unknown:
        raise UsageError(f"--format: unknown format {unknown[0]!r} (choose from {', '.join(allowed)})")
    if not formats:
        raise UsageError("--format: no format given")
    if pdf and "tex" not in formats and "slides" not in formats:
        formats.append("tex")
    return formats


def add_pdf(contents: dict, progress: Callable[[str], None]) -> int:
    """Typeset every LaTeX document in `contents` (the walkthrough's tex, the slides) into
    its PDF: EXIT_OK, or EXIT_PDF with the problem printed (and no PDF entry for it: the
    other formats are still written)."""
    status = EXIT_OK
    for source, target in (("tex", "pdf"), ("slides", "slides-pdf")):
        if source in contents:
            progress("typesetting the PDF" if source == "tex" else "typesetting the slides")
            pdf, made = make_pdf(str(contents[source]), "PDF" if source == "tex" else "slides PDF")
            if pdf is not None:
                contents[target] = pdf
            status = max(status, made)
    return status


def make_pdf(tex: str, label: str = "PDF") -> tuple[bytes | None, int]:
    """The PDF of `tex`, typeset in memory: (its bytes, EXIT_OK), or (None, EXIT_PDF) with
    the problem printed as one line (pdflatex missing, or the first LaTeX error)."""
    try:
        return typeset(tex), EXIT_OK
    except PdfError as err:
        print(f"explainer: error: {label}: {err}", file=sys.stderr)
        return None, EXIT_PDF
