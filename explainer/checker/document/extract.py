"""`--extract`: the claims a document was read as, written as a claims file to correct and
rerun. Each claim carries the line it was read from as a comment; the spec is named
relative to the new file, as a claims file names it."""

from __future__ import annotations

import os
from pathlib import Path

from explainer.checker.claims import Claims

HEADER = """\
# The claims explainer read from {source}.
# Correct anything misread, add what it could not read, and run
#     explainer check {name}
"""


def _comment(text: str, width: int = 100) -> str:
    one = " ".join(text.split()).replace("\r", " ")
    return one if len(one) <= width else one[: width - 1] + "…"


def claims_toml(claims: Claims, lines: dict[str, tuple[int, str]], spec_path: Path, at: Path) -> str:
    """The claims file text; `lines` gives each key's line and source text, `at` is where the
    file will be written (the spec path is made relative to it)."""
    try:
        spec = os.path.relpath(spec_path.resolve(), at.resolve().parent)
    except ValueError:  # another drive: only an absolute path reaches it
        spec = str(spec_path.resolve())
    out = [HEADER.format(source=_comment(claims.source), name=at.name), f"spec = {_string(spec)}"]
    if claims.notation != "seed":
        out.append(f'notation = "{claims.notation}"')
    sections: dict[str, list[str]] = {}
    for c in claims.claims:
        section, _, name = c.key.rpartition(".")
        line, source = lines.get(c.key, (0, ""))
        note = f"  # line {line}: {_comment(source)}" if line else ""
        sections.setdefault(section, []).append(f'{name} = "{c.written}"{note}')
    out.append("")
    out.append("[claims]")
    out += sections.pop("", [])
    for section, entries in sections.items():
        out += ["", f"[claims.{section}]", *entries]
    return "\n".join(out) + "\n"


def _string(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
