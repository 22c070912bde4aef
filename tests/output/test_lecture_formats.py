"""LaTeX for a teacher's own notes and lectures: the body alone, each figure alone, the slides.

The body (``--format tex-body``) goes into any article-class document with only the
preamble lines its opening comment lists; a figure file goes in with the same lines;
the slides (``--format slides``) are a Beamer deck with a frame per stage of the step,
each chain rule revealed one row per click. The documents are compiled here, with the
listed lines and nothing else.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from explainer import examples, explain
from explainer.cli.command import main
from explainer.output.characters import tex_characters
from explainer.output.documents import files_of, render_deck
from explainer.output.render import render
from explainer.walkthrough.build import build
from explainer.walkthrough.deck import Reveal, build_deck
from explainer.walkthrough.document import Landscape, LayerFigure, NetworkFigure, Plot
from tests.conftest import SPECS

NEEDS_TEX = pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")),
                               reason="pdflatex or pdftotext is not installed")
STAGES = ("The network", "The forward pass", "The cost", "The last layer", "The hidden layer", "The biases",
          "The update", "The sanity check", "The cost landscape")


def listed_preamble(tex: str) -> list[str]:
    """The preamble lines a body's (or a figure file's) opening comment lists."""
    lines = []
    for line in tex.splitlines():
        if not line.startswith("%"):
            break
        if line.startswith("% \\"):
            lines.append(line[2:])
    return lines


def pdflatex(folder: Path, name: str) -> str:
    """Compile folder/name.tex (twice, for the slides' frame numbers); the PDF's text."""
    for _ in range(2):
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                              f"{name}.tex"], cwd=folder, capture_output=True, text=True, timeout=240)
        assert run.returncode == 0, run.stdout[-2000:]
    return subprocess.run(["pdftotext", "-layout", f"{name}.pdf", "-"], cwd=folder, capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lecture")
    assert main(["explain", "--format", "tex-body,figures,slides", "-o", str(out)]) == 0
    return out


def test_the_body_has_no_preamble_and_lists_the_one_it_needs(written):
    body = (written / "article-body.tex").read_text(encoding="utf-8")
    assert "\\documentclass" not in body and "\\begin{document}" not in body
    listed = listed_preamble(body)
    assert "\\usepackage{pgfplots}" in listed and "\\usepackage{tikz}" in listed
    assert len(listed) == len(set(listed))
    # Exactly the characters its text uses are declared: no more, no fewer.
    text = body[body.index("\n\n"):]
    assert [line for line in listed if "Declare" in line] == tex_characters(text).splitlines()
    assert "\\section{The network}" in body and "\\section{The cost landscape}" in body


@NEEDS_TEX
def test_an_article_with_only_the_listed_preamble_inputs_the_body_and_a_figure(written, tmp_path):
    for path in written.iterdir():
        shutil.copy(path, tmp_path)
    listed = listed_preamble((written / "article-body.tex").read_text(encoding="utf-8"))
    figure_lines = listed_preamble((written / "article-figure-1.tex").read_text(encoding="utf-8"))
    assert set(figure_lines) <= set(listed) | {line for line in figure_lines if "Declare" in line}
    (tmp_path / "notes.tex").write_text(
        "\\documentclass{article}\n" + "\n".join(listed) + "\n\\begin{document}\n\\section{My notes}\n"
        "Before the worked example.\n\\input{article-body}\n\\begin{figure}\\centering\\input{article-figure-1}"
        "\\caption{The network, in my own words.}\\end{figure}\n\\end{document}\n", encoding="utf-8")
    text = pdflatex(tmp_path, "notes")
    assert "My notes" in text and "Forward pass" in text and "The cost landscape" in text
    assert "The network, in my own words." in text


def test_every_figure_is_a_file_of_its_own_in_tikz_and_svg(written):
    document = build(explain(examples.seed_spec()).explanation)
    figures = [b for s in document.sections for b in s.blocks
               if isinstance(b, NetworkFigure | LayerFigure | Landscape | Plot)]
    for number in range(1, len(figures) + 1):
        tikz = (written / f"article-figure-{number}.tex").read_text(encoding="utf-8")
        assert "\\begin{tikzpicture}" in tikz and "\\documentclass" not in tikz
        assert listed_preamble(tikz)
        svg = (written / f"article-figure-{number}.svg").read_text(encoding="utf-8")
        root = ET.fromstring(svg.split("?>", 1)[1])  # well-formed XML, as an SVG file must be
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "<style>" in svg
    assert not (written / f"article-figure-{len(figures) + 1}.tex").exists()
    assert "<math" in (written / "article-figure-1.svg").read_text(encoding="utf-8")  # the labels, as MathML


def test_the_slides_reveal_each_chain_rule_a_row_per_click(seed):
    deck = build_deck(seed)
    titles = [frame.title for frame in deck.frames]
    for stage in STAGES:
        assert any(title.startswith(stage) for title in titles), stage
    (last,) = [f for f in deck.frames if f.title == "The last layer"]
    reveal = next(item for item in last.items if isinstance(item, Reveal))
    assert len(reveal.rows) == 5  # the chain, its three factors one by one, the product
    assert reveal.rows[-1].rhs.endswith(r"\approx -0.04876")  # ∂C/∂w5 to the slides' 4 digits
    tex = render_deck(deck)
    assert "\\documentclass[aspectratio=169,11pt]{beamer}" in tex
    assert all(f"\\uncover<{k}->" in tex for k in range(1, 6))


@NEEDS_TEX
def test_the_slides_compile_with_a_frame_per_stage(written, tmp_path):
    shutil.copy(written / "article-slides.tex", tmp_path)
    text = pdflatex(tmp_path, "article-slides")
    for stage in STAGES:
        assert stage in text, stage
    info = subprocess.run(["pdfinfo", str(tmp_path / "article-slides.pdf")], capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > len(STAGES) + 10  # the reveals add a page per click


@NEEDS_TEX
def test_pdf_typesets_the_slides_without_the_walkthrough_when_only_slides_are_asked_for(tmp_path):
    spec = str(SPECS / "three-samples.toml")
    assert main(["explain", spec, "--format", "slides", "--pdf", "-o", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["three-samples-slides.pdf", "three-samples-slides.tex"]
    text = subprocess.run(["pdftotext", str(tmp_path / "three-samples-slides.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "The cost landscape" in text


def test_the_api_saves_what_the_command_writes(written, tmp_path):
    step = explain(examples.seed_spec())
    paths = step.save(tmp_path, "tex-body,figures,slides")
    assert sorted(p.name for p in paths) == sorted(p.name for p in written.iterdir())
    for path in paths:
        assert path.read_bytes() == (written / path.name).read_bytes(), path.name


def test_files_of_is_the_one_home_of_the_formats(seed):
    document = build(seed)
    files = files_of(seed, document, ["tex", "tex-body", "html"], 6, None)
    assert files["tex"] == render(document, "tex") and files["tex-body"] == render(document, "tex-body")
    body = files["tex-body"][files["tex-body"].index("\n\n") + 2:]  # after its opening comment
    assert body.strip() and body in files["tex"]  # the standalone document sets the same body
