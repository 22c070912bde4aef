"""The LaTeX template compiles to a PDF, prose is printed literally, and pdflatex stays boxed in.

These tests need pdflatex (TeX Live's latex-base, latex-recommended and pictures
collections); they are skipped where it is not installed. pdftotext (poppler) is
used, when present, to read the PDF's text back.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from explainer.output.pdf import PdfError, compile_pdf, pdflatex_available
from explainer.output.render import render
from explainer.walkthrough.document import (
    Document,
    Equation,
    FigureEdge,
    FigureNeuron,
    Math,
    NetworkFigure,
    Paragraph,
    Row,
    Section,
    Table,
    Text,
)
from explainer.walkthrough.layout import network_figure

needs_pdflatex = pytest.mark.skipif(not pdflatex_available(), reason="pdflatex is not on PATH")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext is not on PATH")
needs_pdffonts = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                    reason="pdffonts is not on PATH")

# Prose that would be commands, comments or math if it reached LaTeX unescaped.
NASTY = r"\input{/etc/passwd} % # $ & _ ^ ~ { } < > |"


def two_two_two_figure() -> NetworkFigure:
    """The 2-2-2 network of the seed article, laid out as the walkthrough lays it out."""
    layers = [["x1", "x2"], ["h1", "h2"], ["L1", "L2"]]
    biases = {"h1": "b_{1} = 0.25", "h2": "b_{2} = 0.45", "L1": "b_{3} = 0.15", "L2": "b_{4} = 0.35"}
    neurons = []
    for layer, names in enumerate(layers):
        for k, name in enumerate(names):
            symbol = f"{name[0]}_{{{name[1]}}}"
            neurons.append(FigureNeuron(
                name=name, label=symbol, layer=layer, index=k,
                bias=biases.get(name, ""),
                value=f"{symbol} = {k + 2}" if layer == 0 else "",
            ))
    # Source-major numbering: w1 x1->h1, w2 x1->h2, w3 x2->h1, w4 x2->h2, then w5.. likewise.
    connections = [
        ("x1", "h1", "0.3"), ("x1", "h2", "0.2"), ("x2", "h1", "-0.4"), ("x2", "h2", "0.6"),
        ("h1", "L1", "0.7"), ("h1", "L2", "-0.3"), ("h2", "L1", "0.5"), ("h2", "L2", "-0.1"),
    ]
    edges = [FigureEdge(source, target, f"w_{{{n}}} = {weight}")
             for n, (source, target, weight) in enumerate(connections, start=1)]
    return network_figure(neurons, edges, caption=(Text("The network & its 100% made-up weights."),))


def sample_document() -> Document:
    """A small walkthrough with every kind of block, a note, and hostile prose."""
    return Document(
        title="A tiny step — with $pecial_characters",
        subtitle="Testing #1 & only",
        summary=(("Network", "2-2-2, sigmoid"), ("Odd text", NASTY)),
        sections=(
            Section("The network", "network", (
                Paragraph((Text("Literal: "), Text(NASTY), Text(" end."))),
                two_two_two_figure(),
            )),
            Section("Forward pass", "forward-pass", (
                Paragraph((Text("The input of "), Math("h_{1}"), Text(" is:", strong=True))),
                Equation((
                    Row("i_{h_1}", "=", r"x_{1} w_{1} + x_{2} w_{3} + b_{1}"),
                    Row("", "=", r"2 \cdot 0.3 + 3 \cdot (-0.4) + 0.25"),
                    Row("", r"\approx", "-0.35"),
                )),
                Paragraph((Text("A note with math "), Math(r"\sigma'(z) = \sigma(z)(1 - \sigma(z))"),
                           Text(" and 50% of a ~ tilde.")), note=True),
            ), level=2),
            Section("Update", "update", (
                Table(
                    header=(Text("Parameter"), Text("Before"), Math(r"\partial C / \partial p"),
                            Text("After")),
                    rows=tuple((Math(f"w_{{{i}}}"), Math("0.3"), Math("-0.0642"), Text("0.306 & up"))
                               for i in range(1, 9)),
                    align="lrrr",
                    caption="Parameters before & after.",
                ),
            )),
        ),
    )


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


@needs_pdflatex
def test_walkthrough_compiles_to_pdf(tmp_path: Path) -> None:
    destination = tmp_path / "out" / "walkthrough.pdf"
    compile_pdf(render(sample_document(), "tex"), destination)
    assert destination.read_bytes().startswith(b"%PDF")
    # Only the PDF lands in the output directory: no .aux, .log or temporary files.
    assert sorted(p.name for p in destination.parent.iterdir()) == ["walkthrough.pdf"]


@needs_pdflatex
@needs_pdftotext
def test_special_characters_print_literally(tmp_path: Path) -> None:
    destination = tmp_path / "walkthrough.pdf"
    compile_pdf(render(sample_document(), "tex"), destination)
    text = pdf_text(destination)
    assert f"Literal: {NASTY} end." in " ".join(text.split())
    assert "$pecial_characters" in text
    assert "50% of a ~ tilde" in text
    assert "100% made-up" in text
    assert "0.306 & up" in text


@needs_pdflatex
@needs_pdffonts
def test_only_outline_fonts(tmp_path: Path) -> None:
    """No character fell back to a bitmap (Type 3) font, which prints and zooms badly."""
    destination = tmp_path / "walkthrough.pdf"
    compile_pdf(render(sample_document(), "tex"), destination)
    fonts = subprocess.run(["pdffonts", str(destination)], check=True,
                           capture_output=True, text=True).stdout
    assert "Type 1" in fonts
    assert "Type 3" not in fonts


@needs_pdflatex
def test_seed_walkthrough_compiles(seed, tmp_path: Path) -> None:
    """The real walkthrough of the seed example, as the CLI writes it, typesets."""
    from explainer.walkthrough.build import build

    destination = tmp_path / "article.pdf"
    compile_pdf(render(build(seed), "tex"), destination)
    assert destination.read_bytes().startswith(b"%PDF")


@needs_pdflatex
def test_broken_source_raises_with_the_latex_error(tmp_path: Path) -> None:
    destination = tmp_path / "broken.pdf"
    source = "\\documentclass{article}\n\\begin{document}\n\\undefinedcommand\n\\end{document}\n"
    with pytest.raises(PdfError) as caught:
        compile_pdf(source, destination)
    message = str(caught.value)
    assert "! Undefined control sequence." in message
    assert "line 3" in message
    assert "\n" not in message
    assert not destination.exists()


@needs_pdflatex
def test_timeout_is_reported(tmp_path: Path) -> None:
    looping = "\\documentclass{article}\n\\begin{document}\n\\def\\x{\\x}\\x\n\\end{document}\n"
    with pytest.raises(PdfError, match="timed out"):
        compile_pdf(looping, tmp_path / "loop.pdf", timeout=2)
    assert not (tmp_path / "loop.pdf").exists()


@needs_pdflatex
@pytest.mark.parametrize("command", [r"\write18", r"\immediate\write18"])
def test_shell_escape_does_not_run(tmp_path: Path, command: str) -> None:
    marker = Path("/tmp") / f"pwned-{uuid.uuid4().hex}"
    source = (
        "\\documentclass{article}\n\\begin{document}\n"
        f"Hello.{command}{{touch {marker}}}\n"
        "\\end{document}\n"
    )
    try:
        compile_pdf(source, tmp_path / "shell.pdf")
        assert (tmp_path / "shell.pdf").read_bytes().startswith(b"%PDF")
        assert not marker.exists()
    finally:
        marker.unlink(missing_ok=True)


@needs_pdflatex
def test_tex_cannot_read_or_write_outside_its_directory(tmp_path: Path) -> None:
    target = tmp_path / "written-by-tex.txt"
    writes = (
        "\\documentclass{article}\n\\begin{document}\nHello.\n"
        f"\\immediate\\openout5={target}\n\\immediate\\write5{{escaped}}\n"
        "\\immediate\\closeout5\n\\end{document}\n"
    )
    with pytest.raises(PdfError, match="write"):
        compile_pdf(writes, tmp_path / "writes.pdf")
    assert not target.exists()

    reads = "\\documentclass{article}\n\\begin{document}\n\\input{/etc/passwd}\n\\end{document}\n"
    # Refused, so LaTeX looks for /etc/passwd.tex instead and does not find it.
    with pytest.raises(PdfError, match="not found"):
        compile_pdf(reads, tmp_path / "reads.pdf")


def test_missing_pdflatex_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not pdflatex_available()
    with pytest.raises(PdfError, match="pdflatex not found"):
        compile_pdf("\\documentclass{article}", tmp_path / "x.pdf")
