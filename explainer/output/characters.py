"""The characters LaTeX needs told about: what prose may hold that its fonts here lack.

A document declares exactly those its text uses (`tex_characters`): the standalone
walkthrough in its preamble, the body alone (and each figure file, and the slides) in
the lines they list for the reader's own preamble.
"""

from __future__ import annotations

import re

# Characters the text may hold that LaTeX's fonts here lack, and what to set instead; the
# default for several of them would pull in the TS1 fonts, which exist only as bitmaps here.
# A document declares those it uses (`tex_characters`), the body's opening comment lists them.
TEX_UNICODE = {
    "\u00A0": r"~",
    "\u00B0": r"\ensuremath{^\circ}",
    "\u00B1": r"\ensuremath{\pm}",
    "\u00B2": r"\ensuremath{^2}",
    "\u00B3": r"\ensuremath{^3}",
    "\u00B5": r"\ensuremath{\mu}",
    "\u00B7": r"\ensuremath{\cdot}",
    "\u00BD": r"\ensuremath{\tfrac{1}{2}}",
    "\u00D7": r"\ensuremath{\times}",
    "\u00F7": r"\ensuremath{\div}",
    "\u0394": r"\ensuremath{\Delta}",
    "\u03A3": r"\ensuremath{\Sigma}",
    "\u03B1": r"\ensuremath{\alpha}",
    "\u03B2": r"\ensuremath{\beta}",
    "\u03B3": r"\ensuremath{\gamma}",
    "\u03B4": r"\ensuremath{\delta}",
    "\u03B5": r"\ensuremath{\varepsilon}",
    "\u03B7": r"\ensuremath{\eta}",
    "\u03B8": r"\ensuremath{\theta}",
    "\u03BB": r"\ensuremath{\lambda}",
    "\u03BC": r"\ensuremath{\mu}",
    "\u03C3": r"\ensuremath{\sigma}",
    "\u03C6": r"\ensuremath{\varphi}",
    "\u2009": r"\,",
    "\u202F": r"\,",
    "\u2032": r"\ensuremath{'}",
    "\u2070": r"\ensuremath{^0}",
    "\u00B9": r"\ensuremath{^1}",
    "\u2074": r"\ensuremath{^4}",
    "\u2075": r"\ensuremath{^5}",
    "\u2076": r"\ensuremath{^6}",
    "\u207B": r"\ensuremath{^-}",
    "\u2080": r"\ensuremath{_0}",
    "\u2081": r"\ensuremath{_1}",
    "\u2082": r"\ensuremath{_2}",
    "\u2083": r"\ensuremath{_3}",
    "\u2084": r"\ensuremath{_4}",
    "\u208A": r"\ensuremath{_+}",
    "\u208B": r"\ensuremath{_-}",
    "\u2190": r"\ensuremath{\leftarrow}",
    "\u2192": r"\ensuremath{\rightarrow}",
    "\u21D2": r"\ensuremath{\Rightarrow}",
    "\u2202": r"\ensuremath{\partial}",
    "\u2207": r"\ensuremath{\nabla}",
    "\u2208": r"\ensuremath{\in}",
    "\u2211": r"\ensuremath{\sum}",
    "\u2212": r"\ensuremath{-}",
    "\u221A": r"\ensuremath{\surd}",
    "\u221E": r"\ensuremath{\infty}",
    "\u2248": r"\ensuremath{\approx}",
    "\u2260": r"\ensuremath{\neq}",
    "\u2264": r"\ensuremath{\leq}",
    "\u2265": r"\ensuremath{\geq}",
    "\u22C5": r"\ensuremath{\cdot}",
    "\u2713": r"\ensuremath{\checkmark}",
}
# Straight ASCII glyphs for the characters OT1's text fonts lack (tex_escape writes these
# commands); the typewriter font has them in their ASCII places, so copy-and-paste gives the
# character back. LaTeX takes \\$ from the TS1 fonts, because OT1's italic has a pound sign in
# the dollar's place; the upright fonts have a dollar there.
TEX_GLYPHS = {
    r"\textasciitilde": r"\DeclareTextCommand{\textasciitilde}{OT1}{\raisebox{-0.4ex}{\ttfamily\char`\~}}",
    r"\textasciicircum": r"\DeclareTextCommand{\textasciicircum}{OT1}{{\ttfamily\char`\^}}",
    r"\textquotedbl": r"\DeclareTextCommand{\textquotedbl}{OT1}{{\ttfamily\char`\"}}",
    r"\textunderscore": r"\DeclareTextCommand{\textunderscore}{OT1}{{\ttfamily\char`\_}}",
    r"\textdollar": r"\DeclareTextCommand{\textdollar}{OT1}{{\upshape\char`\$}}",
}


def tex_characters(text: str) -> str:
    """The preamble lines that give every character `text` uses a glyph: a declaration per
    character of TEX_UNICODE it holds, and the glyph of each TEX_GLYPHS command it writes."""
    # \_ and \$ are \textunderscore and \textdollar in text; a \\ before them is a line break.
    escaped = {r"\textunderscore": r"(?<!\\)\\_", r"\textdollar": r"(?<!\\)\\\$"}
    glyphs = [line for command, line in TEX_GLYPHS.items()
              if command + "{}" in text or (command in escaped and re.search(escaped[command], text))]
    used = sorted({c for c in text if c in TEX_UNICODE})
    return "\n".join(glyphs + [rf"\DeclareUnicodeCharacter{{{ord(c):04X}}}{{{TEX_UNICODE[c]}}}" for c in used])


