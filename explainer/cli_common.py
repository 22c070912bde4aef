"""What the commands share: reading --format, failing cleanly, writing outputs, the PDF.

Every command renders everything in memory first and then writes all its files
together (`render.write_together`), so a failure leaves the previous outputs as
they were; bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from explainer.pdf import PdfError, compile_pdf, pdflatex_available
from explainer.render import FORMATS, write_together

EXIT_OK, EXIT_FOUND, EXIT_BAD_INPUT, EXIT_PDF = 0, 1, 2, 3
ALL_FORMATS = (*FORMATS, "json")  # what `explainer explain` writes
MAX_DIGITS = 30  # the symbolic values are good to at least this many significant digits
NO_PDFLATEX = ("no PDF: pdflatex is not on PATH (install TeX Live, e.g. apt-get install "
               "texlive-latex-base texlive-latex-recommended texlive-pictures)")


class UsageError(Exception):
    """A bad option value: the message names the option."""


def add_output_options(command: argparse.ArgumentParser, directory: str, formats: tuple[str, ...],
                       pdf_help: str) -> None:
    """-o DIR, --format (every one of `formats` by default) and --pdf, as the commands share them."""
    command.add_argument("-o", "--output", type=Path, default=Path(directory),
                         help=f"directory to write into (default: ./{directory})")
    command.add_argument("--format", default=",".join(formats),
                         help=f"comma-separated formats out of {','.join(formats)} (default: all)")
    command.add_argument("--pdf", action="store_true", help=pdf_help)


def fail(message: str) -> int:
    print(f"explainer: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def formats_from(text: str, allowed: tuple[str, ...], pdf: bool) -> list[str]:
    """The comma-separated --format list, checked; --pdf adds tex (the PDF's source)."""
    formats = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in allowed]
    if unknown:
        raise UsageError(f"--format: unknown format {unknown[0]!r} (choose from {', '.join(allowed)})")
    if not formats:
        raise UsageError("--format: no format given")
    if pdf and "tex" not in formats:
        formats.append("tex")
    return formats


def write_outputs(directory: Path, stem: str, contents: dict[str, str]) -> list[Path]:
    """Write STEM.FORMAT for every rendered format into `directory`, all or none."""
    paths = [directory / f"{stem}.{fmt}" for fmt in contents]
    write_together(dict(zip(paths, contents.values(), strict=True)))
    return paths


def make_pdf(tex: str, directory: Path, stem: str) -> tuple[Path | None, int]:
    """Compile the LaTeX to STEM.pdf; (its path or None, EXIT_OK or EXIT_PDF). Problems are
    printed: a missing pdflatex is a note, a failed compilation an error."""
    if not pdflatex_available():
        print(NO_PDFLATEX)  # a note, not an error: the other formats are written
        return None, EXIT_OK
    try:
        destination = directory / f"{stem}.pdf"
        compile_pdf(tex, destination)
        return destination, EXIT_OK
    except PdfError as err:
        print(f"explainer: error: PDF: {err}", file=sys.stderr)
        return None, EXIT_PDF
