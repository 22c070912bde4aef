"""The smallest pieces of the walkthrough: prose, inline math, and a blank to write in.

A paragraph, a table cell or a caption is a run of these (`Inline`). Prose is plain
text that renderers escape for their format; math is LaTeX without delimiters.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Plain prose; `strong` sets it in bold (used sparingly, for key ideas); `code` marks a
    file name or a command to type, set in typewriter type and never broken across lines."""

    text: str
    strong: bool = False
    code: bool = False


@dataclass(frozen=True)
class Math:
    """Inline math: LaTeX without the $ delimiters."""

    latex: str


@dataclass(frozen=True)
class Blank:
    """An empty line to write an answer on (a problem sheet), `width` in cm."""

    width: float = 3.5


Inline = Text | Math | Blank
