"""Every file a walkthrough can be written as, in memory: one home for what a format means.

`explainer explain` and the Python API's `Walkthrough.save` both ask `files_of` for the
text of each format: tex (a document of its own), tex-body (the walkthrough alone, to
\\input), html, md, slides (a Beamer deck of the step, explainer.walkthrough.deck) and
figures (each figure as a file of its own, TikZ and SVG); JSON is
`explainer.output.json_report`'s.
"""

from __future__ import annotations

from explainer.output.characters import tex_characters
from explainer.output.render import environment, render
from explainer.pipeline import Explanation
from explainer.walkthrough.deck import Deck, build_deck
from explainer.walkthrough.document import Document, Landscape, LayerFigure, Math, NetworkFigure, Plot, Text

FIGURES = (NetworkFigure, LayerFigure, Landscape, Plot)  # the blocks a figure file is written of
# The LaTeX documents --pdf typesets, and the format its PDF is written as.
TYPESET = {"tex": "pdf", "slides": "slides-pdf"}


def files_of(explanation: Explanation, document: Document, formats: list[str], digits: int,
             full: bool | None) -> dict[str, str | dict[str, str]]:
    """The text of every walkthrough format in `formats` (json aside)."""
    out: dict[str, str | dict[str, str]] = {}
    for fmt in formats:
        if fmt == "slides":
            out[fmt] = render_deck(build_deck(explanation, digits, full))
        elif fmt == "figures":
            out[fmt] = render_figures(document)
        elif fmt != "json":
            out[fmt] = render(document, fmt)
    return out


def render_deck(deck: Deck) -> str:
    """The Beamer slides of a deck (explainer.walkthrough.deck), as the text of one file."""
    template = environment("tex").get_template("slides.tex.j2")
    frames = template.render(deck=deck, characters="")
    return template.render(deck=deck, characters=tex_characters(frames))


def render_figures(document: Document) -> dict[str, str]:
    """Every figure of the document as files of its own, by the ends of their names: TikZ to
    \\input (``-figure-1.tex``) and SVG (``-figure-1.svg``), numbered as in the walkthrough."""
    tex, html = environment("tex"), environment("html")
    figures = [b for section in document.sections for b in section.blocks
               if isinstance(b, FIGURES) and not (isinstance(b, NetworkFigure) and not b.neurons)]
    files = {}
    for number, fig in enumerate(figures, start=1):
        caption = fig.caption if isinstance(fig.caption, str) else "".join(
            part.text if isinstance(part, Text) else f"${part.latex}$" if isinstance(part, Math) else ""
            for part in fig.caption)
        template = tex.get_template("figure.tex.j2")
        picture = template.render(doc=document, fig=fig, number=number, caption=caption, characters="")
        characters = tex_characters(picture[picture.index("\\begin{tikzpicture}"):])
        files[f"-figure-{number}.tex"] = template.render(doc=document, fig=fig, number=number,
                                                         caption=caption, characters=characters)
        files[f"-figure-{number}.svg"] = html.get_template("figure.svg.j2").render(fig=fig, number=number)
    return files
