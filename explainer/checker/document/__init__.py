"""Checking a worked example as it is written: a LaTeX or Markdown document (or plain text
with $$…$$ math) read against a spec, every claimed number and every arithmetic step.

    reading = load_document("article.md", spec)          # or read_text(text, "md", spec, name)
    claims = as_claims(reading, spec)                    # judged like a claims file

The stages: `segments` cuts the document into equations, tables and prose; `latex` parses
each side of an equation with a grammar; `names` says what a left-hand side names in a
notation preset (`algebra` by what it equals, where no symbol names it); `arithmetic`
recomputes the steps between numbers; `prose` and `tables` read the numbers outside
equations; `reading` puts it together; `report` and `extract` write it out.
"""

from __future__ import annotations

from pathlib import Path

from explainer.checker.document.reading import Reading, as_claims, read_text
from explainer.spec import Spec, SpecError
from explainer.spec.reader import read_file

KINDS = {".tex": "tex", ".md": "md", ".markdown": "md", ".txt": "txt"}

__all__ = ["KINDS", "Reading", "as_claims", "load_document", "read_text"]


def load_document(path: str | Path, spec: Spec, notation: str | None = None) -> Reading:
    """Read the document at `path` against `spec`; SpecError (one line) if it cannot be read."""
    path = Path(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise SpecError(str(path), "", f"expected a document ending in {', '.join(KINDS)}")
    raw, source = read_file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SpecError(source, "", f"not UTF-8 text (byte {err.start + 1})") from None
    return read_text(text, kind, spec, source, notation)
