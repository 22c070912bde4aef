"""Turning a walkthrough `Document` into files: the Jinja2 environments and their filters.

Templates hold presentation only. Each format has its own environment:

* LaTeX uses ``<< >>``, ``<% %>`` and ``<# #>`` as delimiters, because ``{{``,
  ``{%`` and ``{#`` occur in ordinary LaTeX; prose goes through `tex_escape`.
* HTML autoescapes everything; math goes through `mathml` (latex2mathml).
* Markdown escapes prose with `md_escape` and keeps math as ``$…$`` / ``$$…$$``.

Writing the rendered text into files is `explainer.output.files`' job.
"""

from __future__ import annotations

import itertools
import re
from functools import cache, lru_cache
from pathlib import Path

import jinja2
import markupsafe
from markupsafe import Markup

from explainer.output.characters import tex_characters
from explainer.walkthrough.deck import Reveal
from explainer.walkthrough.document import (
    Blank,
    Document,
    Equation,
    Landscape,
    LayerFigure,
    Math,
    NetworkFigure,
    Paragraph,
    Plot,
    Table,
    Text,
)

FORMATS = ("tex", "html", "md")


def templates_dir() -> Path:
    """Where the templates are: inside the installed package (explainer/templates, see
    pyproject.toml), or at the repository top in a checkout."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


# ---------------------------------------------------------------- escaping

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    # OT1 text fonts print these as ¡ ¿ — ”; the LaTeX template's preamble gives them glyphs.
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}", '"': r"\textquotedbl{}",
    "\n": " ",  # a blank line would end a paragraph, a table cell or a macro argument
    "`": r"\textasciigrave{}",  # TeX's fonts print ` as ‘, `` as “, and !` ?` as ¡ ¿
}
_TEX_RE = re.compile("|".join(re.escape(c) for c in _TEX_SPECIAL))
# -- and --- would print as dashes and '' as ”; "-{}" and "'{}" end the ligature. A
# single ' stays: it prints as the apostrophe ’, as prose wants.
_TEX_LIGATURES = re.compile(r"([-'])(?=\1)")


def held_together(text: str) -> str:
    """Prose with the spaces around a minus sign made no-break spaces: "(o − exp)" in a
    sentence is a formula, which no line should end inside (prose's dashes are — and –)."""
    return str(text).replace(" \u2212 ", "\u00a0\u2212\u00a0")


def tex_escape(text: str) -> str:
    """Make user or prose text safe inside a LaTeX document: nothing in it can be a command,
    it prints as written (no quote or dash ligatures), and a formula in it stays on one line."""
    return _TEX_LIGATURES.sub(r"\1{}", _TEX_RE.sub(lambda m: _TEX_SPECIAL[m.group()], held_together(text)))


_MD_RE = re.compile(r"([\\`*_\[\]<>|$~&])")  # & too, or "&lt;" would show as "<"
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+\.)(?=\s|$)", re.MULTILINE)


def md_escape(text: str) -> str:
    """Escape Markdown so user text shows as written: no emphasis, links, HTML, math or headings."""
    escaped = _MD_RE.sub(r"\\\1", str(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


_SUPERSCRIPTS = str.maketrans("0123456789+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺")
_LATEX_TEXT = [
    (re.compile(r"\\colon"), ":"),
    (re.compile(r"\\ldots"), "…"),
    (re.compile(r"\\times\b"), "×"),
    (re.compile(r"\\text\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\to\b"), "→"),
    (re.compile(r"\\approx\b"), "≈"),
    (re.compile(r"\\,\s*"), " "),
    (re.compile(r"\\mathrm\{([^{}]*)\}"), r"\1"),
    # Fences: \bigl( and \left( are the bare parenthesis in plain text.
    (re.compile(r"\\(?:bigl|bigr|Bigl|Bigr|left|right)(?![A-Za-z])\s*"), ""),
    # A numeric superscript (Nielsen's layer, a^{2}_{1}) as superscript digits: a²1, not a^21.
    (re.compile(r"\^\{(\d+|\+)\}"), lambda m: m.group(1).translate(_SUPERSCRIPTS)),
    (re.compile(r"\^\{([^{}]*)\}"), r"^\1"),
    (re.compile(r"_\{([^{}]*)\}"), r"\1"),
    (re.compile(r"[{}]"), ""),
]


def latex_to_text(latex: str) -> str:
    """A simple label such as ``w_{5} = 0.7`` as plain text (w5 = 0.7), for diagrams
    that cannot show math (Mermaid in Markdown)."""
    text = latex
    for pattern, replacement in _LATEX_TEXT:
        text = pattern.sub(replacement, text)
    return text.replace("-", "−")


_SHAPE = re.compile(r"\d+(?:-\d+)+")  # a network's shape, 3-4-2


def html_prose(text: str) -> Markup:
    """Prose for HTML, escaped, with a network's shape kept on one line (a browser may
    otherwise break "3-4-2" after a hyphen, leaving "3-4-" at the end of a line) and the
    spaces around a minus sign no-break spaces, as in LaTeX (`held_together`)."""
    escaped = str(markupsafe.escape(held_together(text)))
    return Markup(_SHAPE.sub(lambda m: f'<span class="nowrap">{m.group()}</span>', escaped))


def drawn_at(points, figure, left: float, top: float, width: float, height: float) -> str:
    """A landscape's points (data units) where the SVG draws them, "x,y x,y …": the figure's
    unit square (`Landscape.unit`) onto a drawing area, y turned downwards, to 0.1 px."""
    placed = []
    for point in points:
        u, v = figure.unit(point)
        placed.append(f"{left + u * width:.1f},{top + (1 - v) * height:.1f}")
    return " ".join(placed)


def mathml(latex: str, display: bool = False) -> Markup:
    """LaTeX math to a MathML element, for HTML that needs no script and no network."""
    return Markup(_converted(latex, display))


@lru_cache(maxsize=4096)
def _converted(latex: str, display: bool) -> str:
    # A walkthrough repeats many formulas (every ∂C/∂o, every factor); convert each once.
    # Imported on first use (70 ms): only HTML needs it, and `explainer explain` renders
    # while the proofs run on the other cores, so there the import costs half as much.
    from latex2mathml.converter import convert

    return convert(latex, display="block" if display else "inline")


# An <mo> that is not a closing bracket (or postfix !), directly followed by a bare - or +.
_CLOSERS = r"\)|\]|\}|\||!|&#x00029;|&#x0005D;|&#x0007D;|&#x0007C;|&#x02016;|&#x00021;|&#x027E9;"
_SIGN_AFTER_OPERATOR = re.compile(
    rf"(<mo\b[^>]*>(?!(?:{_CLOSERS})</mo>)[^<]*</mo>)<mo>(&#x02212;|&#x0002B;)</mo>"
)
# An innermost \left ... \right pair whose body holds nothing taller than a sub/superscript.
_FLAT_FENCES = re.compile(
    r'<mo stretchy="true"( fence="true" form="prefix">(?:(?!<mo stretchy="true"|<mfrac|<mtable'
    r'|<munder|<mover|<msqrt|<mroot|<mstyle displaystyle="true").)*?<mo )stretchy="true"'
    r'( fence="true" form="postfix">)'
)
# \bigl( and friends: a fence stretched to one fixed size.
_FIXED_FENCE = re.compile(r'<mo stretchy="true" fence="true" minsize="([^"]+)" maxsize="\1">')
# A solidus between two terms, as in ∂C/∂o, and the ∂ itself: TeX sets both as ordinary
# symbols, with no space around them.
_ORDINARY = ("<mo>&#x0002F;</mo>", "<mo>&#x02202;</mo>")


def tidy_mathml(markup: str) -> Markup:
    """Fixes to latex2mathml's output so that browsers space it as TeX would.

    * A sign after an operator or an opening bracket is unary: latex2mathml writes
      ``x = -0.4`` and ``(-0.4)`` as flat rows where the minus is a middle child,
      which browsers space as a subtraction (``= − 0.4``); ``form="prefix"`` fixes it.
    * ``\\left( ... \\right)`` becomes stretchy fences, and Chromium pads stretchy
      fences that do not actually stretch (``( −0.4 )``, crbug 40254692). Fences
      around content no taller than a subscript are made ``stretchy="false"``,
      innermost pair first, which is what TeX's ``\\left`` would draw anyway;
      ``\\bigl(`` (a fence stretched to a fixed size) becomes a non-stretchy
      fence drawn at that size.
    * A solidus and a ∂, as in ``\\partial C / \\partial o``, are ordinary symbols in TeX,
      set without space; browsers space them as operators (``∂C / ∂ o``), so their space goes.

    Each fix answers something latex2mathml (3.81) still writes and changes what
    Chromium draws: tests/output/test_html.py checks the first, tests/output/test_browser.py
    measures the second, so a fix that is no longer needed shows up there.

    Use after `mathml`: ``{{ latex | mathml | tidy_mathml }}``.
    """
    text = _SIGN_AFTER_OPERATOR.sub(r'\1<mo form="prefix">\2</mo>', str(markup))
    previous = None
    while previous != text:
        previous, text = text, _FLAT_FENCES.sub(r'<mo stretchy="false"\1stretchy="false"\2', text)
    text = _FIXED_FENCE.sub(r'<mo stretchy="false" fence="true" mathsize="\1">', text)
    for symbol in _ORDINARY:
        text = text.replace(symbol, symbol.replace("<mo>", '<mo lspace="0" rspace="0">'))
    return Markup(text)


# ---------------------------------------------------------------- environments


def _kind(block: object) -> str:
    return {
        Paragraph: "paragraph", Equation: "equation", Table: "table",
        NetworkFigure: "figure", LayerFigure: "layers", Landscape: "landscape", Plot: "plot", Text: "text",
        Math: "math", Reveal: "reveal",
        Blank: "blank",
    }[type(block)]


@cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja2's per-user cache of compiled templates (a private directory in the
    temp dir, checked for ownership by Jinja2): compiling the templates costs a
    fresh process more than rendering them. Without a usable temp dir, compile."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@cache
def environment(fmt: str) -> jinja2.Environment:
    """The Jinja2 environment for one output format."""
    loader = jinja2.FileSystemLoader(str(templates_dir()))
    common = dict(loader=loader, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                  trim_blocks=True, lstrip_blocks=True, bytecode_cache=_bytecode_cache())
    if fmt == "tex":
        env = jinja2.Environment(
            block_start_string="<%", block_end_string="%>",
            variable_start_string="<<", variable_end_string=">>",
            comment_start_string="<#", comment_end_string="#>",
            autoescape=False, **common,
        )
        env.filters["escape_text"] = tex_escape
        env.filters["overlay"] = lambda k: f"<{k}->"  # Beamer's "from the k-th click on"
    elif fmt == "html":
        env = jinja2.Environment(autoescape=True, **common)
        env.filters["mathml"] = mathml
        env.filters["prose"] = html_prose
        env.filters["drawn_at"] = drawn_at
        env.filters["tidy_mathml"] = tidy_mathml
    elif fmt == "md":
        env = jinja2.Environment(autoescape=False, **common)
        env.filters["escape_text"] = md_escape
        env.filters["plain"] = latex_to_text
    else:
        raise ValueError(f"unknown format {fmt!r}")
    env.filters["kind"] = _kind
    return env


def render(document: Document, fmt: str) -> str:
    """The document as the text of one file in `fmt`: tex (a document of its own), tex-body
    (the walkthrough alone, to \\input into another article), html or md."""
    if fmt in ("tex", "tex-body"):
        env = environment("tex")
        body = env.get_template("tex_body.j2").render(doc=document)
        characters = tex_characters(body + tex_escape(document.title) + tex_escape(document.subtitle))
        name = "walkthrough.tex.j2" if fmt == "tex" else "walkthrough-body.tex.j2"
        return env.get_template(name).render(doc=document, body=body, characters=characters)
    return environment(fmt).get_template(f"walkthrough.{fmt}.j2").render(doc=document)


_FRAGMENTS = itertools.count(1)  # numbers the fragments of this process, for their element ids


def render_fragment(document: Document) -> str:
    """The walkthrough as a piece of HTML to embed in another page (a Jupyter cell's output):
    one <div> holding its own style sheet, confined to that div (see html_style.css.j2).

    Its element ids (section anchors, figure markers) start with a prefix of its own,
    ``bpx1-``, ``bpx2-``, …, so that the contents of a second walkthrough in the same
    notebook link to its own sections and its arrows use its own markers.
    """
    template = environment("html").get_template("walkthrough_fragment.html.j2")
    return template.render(doc=document, ids=f"bpx{next(_FRAGMENTS)}-")
