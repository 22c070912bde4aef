"""The room the layout gives a label holds the label as pdflatex sets it.

A figure is laid out before anything is typeset, from each label's size as
`explainer.walkthrough.label_size` estimates it. Here every label of several
figures (the seed's, before and after the step, a 3-4-2 network's, and the seed's
in Nielsen's notation, whose labels carry superscripts) is typeset at its own type
size, and its real width and height are read back from TeX: each must fit the room
the layout gave it (tests/output/test_browser.py checks the same in Chromium), and
the room must not be much larger than the label.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

import pytest

from explainer.exercise.generate import Options, generate
from explainer.pipeline import explain
from explainer.walkthrough.build import build
from explainer.walkthrough.document import NetworkFigure
from explainer.walkthrough.label_size import LEADING, PT, lines

pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")


@pytest.fixture(scope="module")
def labels(seed) -> list:
    other = explain(generate(Options(layers=(3, 4, 2), count=1, seed=3))[0].spec)
    nielsen = replace(seed, spec=replace(seed.spec, notation="nielsen"))
    found = {}
    for explanation in (seed, other, nielsen):
        for section in build(explanation).sections:
            for block in section.blocks:
                if isinstance(block, NetworkFigure):
                    for label in block.layout.labels:
                        found[label.latex, label.size] = label
    return list(found.values())


def typeset_sizes(labels, folder) -> list[tuple[float, float]]:
    """Each label's width and height (depth included) in cm, as TeX sets it: its widest line,
    and its lines' heights one under another, LEADING apart."""
    boxes, owners = [], []
    for n, label in enumerate(labels):
        for line in lines(label.latex):
            boxes.append(rf"\sbox0{{\fontsize{{{label.size}}}{{{label.size * 1.2:.1f}}}\selectfont${line}$}}"
                         rf"\typeout{{SIZE {len(owners)} \the\wd0\space\the\ht0\space\the\dp0}}")
            owners.append(n)
    (folder / "sizes.tex").write_text("\\documentclass[11pt]{article}\\usepackage{amsmath}\\begin{document}\n"
                                      + "\n".join(boxes) + "\n\\end{document}\n", encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "sizes.tex"], cwd=folder,
                         capture_output=True, text=True, timeout=120)
    found = re.findall(r"SIZE (\d+) ([\d.]+)pt\s*([\d.]+)pt\s*([\d.]+)pt", run.stdout.replace("\n", ""))
    assert len(found) == len(owners), run.stdout[-1500:]
    sizes = [[0.0, 0.0] for _ in labels]
    for (_, w, h, d), n in zip(found, owners, strict=True):
        sizes[n][0] = max(sizes[n][0], float(w) * PT)
        sizes[n][1] += (float(h) + float(d)) * PT
    for n, label in enumerate(labels):
        sizes[n][1] += LEADING * label.size * PT * (len(lines(label.latex)) - 1)
    return [(w, h) for w, h in sizes]


def test_every_label_fits_the_room_it_is_given(labels, tmp_path):
    assert len(labels) > 60
    sizes = typeset_sizes(labels, tmp_path)
    for label, (width, height) in zip(labels, sizes, strict=True):
        assert width <= label.width, (label.latex, width, label.width)
        assert height <= label.height, (label.latex, height, label.height)
        if label.kind != "name":  # a name's room is its circle
            assert label.width <= 1.25 * width + 0.15, (label.latex, width, label.width)
