"""Notation presets: the same derivation and the same numbers in the seed's, Nielsen's and
Mazur's (net/out) symbols; the spec key and the command-line option that choose one."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest

from explainer import examples
from explainer.cli.command import main
from explainer.output.pdf import compile_pdf, pdflatex_available
from explainer.output.render import render
from explainer.pipeline import explain
from explainer.spec import NOTATIONS, SpecError, load_spec, parse_spec
from explainer.walkthrough.build import build
from tests.conftest import SPECS

DECIMAL = re.compile(r"-?\d+\.\d+")
# Where a figure puts things: its coordinates, angles and type sizes, which differ between
# presets as their labels differ in length (the layout gives each label the room it needs).
GEOMETRY = re.compile(r"\((-?\d+\.\d+), (-?\d+\.\d+)\)|rotate=-?\d+\.\d+|minimum size=\d+\.\d+cm"
                      r"|\\fontsize\{[\d.]+\}\{[\d.]+\}")

# What only one preset writes: its neuron input, output and cost symbols.
OWN = {
    "seed": [r"i_{h_{1}}", r"o_{L_{1}}", r"\delta_{L_{1}}", r"\mathrm{exp}_{1}", "w_{5}"],
    "nielsen": ["z^{2}_{1}", "a^{3}_{1}", r"\delta^{3}_{1}", "w^{3}_{11}", "b^{2}_{1}", "(BP1)",
                "(BP2)", "(BP3)", "(BP4)"],
    "net-out": [r"\mathrm{net}_{h1}", r"\mathrm{out}_{o1}", r"\delta_{o1}", r"\mathrm{target}_{o1}",
                r"E_{\mathrm{total}}", "w_{5}"],
    "mitchell": [r"\mathrm{net}", r"\mathrm{net}_{h_{1}}", "o_{L_", r"(-\delta_{L_{1}})", "t_{1}",
                 r"\theta_{1}", r"\Delta p", r"p \leftarrow p + \Delta p"],
}
# Symbols that would betray another preset's notation leaking in.
FOREIGN = {
    "seed": [r"i_{h_", r"o_{L_", r"\mathrm{exp}"],
    "nielsen": ["z^{2}_", "a^{2}_", "w^{3}_", "(BP1)"],
    "net-out": [r"\mathrm{net}", r"\mathrm{out}", r"\mathrm{target}", "E_{"],
    "mitchell": [r"(-\delta_{", r"\theta^{+}_{"],
}


def in_notation(explanation, name: str):
    return dataclasses.replace(explanation, spec=dataclasses.replace(explanation.spec, notation=name))


@pytest.fixture(scope="module")
def rendered(seed):
    """The seed walkthrough in every preset and every text format."""
    return {name: {fmt: render(build(in_notation(seed, name)), fmt) for fmt in ("md", "tex", "html")}
            for name in NOTATIONS}


@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_every_preset_shows_the_same_numbers(rendered, fmt):
    """The same numbers in every preset; Mitchell's update adds −η ∂E/∂p, so there the same
    numbers up to their sign, and each neuron's error term once more, by its own name."""
    # A figure's labels write − where LaTeX has -; a layer too crowded for labels has a matrix.
    def numbers_in(text: str) -> list[str]:
        return DECIMAL.findall(GEOMETRY.sub("", text).replace("−", "-"))

    numbers = {name: Counter(numbers_in(rendered[name][fmt])) for name in NOTATIONS}
    assert numbers["seed"]["-0.0487559"] >= 2  # ∂C/∂w5: its derivation and the update table
    assert sum(numbers["seed"].values()) > 300
    unsigned = {name: Counter(n.lstrip("-") for n in numbers_in(rendered[name][fmt])) for name in NOTATIONS}
    for name in NOTATIONS:
        if name == "mitchell":
            assert not unsigned["seed"] - unsigned[name], name
            error_terms = [line for line in rendered[name][fmt].splitlines()
                           if line.lstrip().startswith(r"\delta_")]
            deltas = Counter(d.lstrip("-") for d in numbers_in("\n".join(error_terms)))
            assert unsigned[name] - unsigned["seed"] == deltas and deltas
        else:
            assert numbers[name] == numbers["seed"], name


@pytest.mark.parametrize("name", NOTATIONS)
@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_each_preset_writes_its_own_symbols_only(rendered, name, fmt):
    text = rendered[name][fmt]
    for symbol in OWN[name]:
        assert symbol in text, symbol
    for other in NOTATIONS:
        for symbol in FOREIGN[other] if other != name else []:
            if symbol not in OWN[name]:
                assert symbol not in text, (other, symbol)


@pytest.mark.parametrize("name", NOTATIONS)
def test_html_shows_the_preset_as_mathml(rendered, name):
    html = rendered[name]["html"]
    assert "<math" in html and "\\frac" not in html
    upright = "".join(f'<mi mathvariant="normal">{c}</mi>' for c in "net")  # \mathrm{net}
    letter = {"seed": "<mi>i</mi>", "nielsen": "<mi>z</mi>", "net-out": upright, "mitchell": upright}[name]
    assert letter in html


def test_prose_names_the_symbols_in_the_preset(rendered):
    assert "That sum is the neuron's input" in rendered["seed"]["md"]
    assert "That sum is the neuron's weighted input $z$" in rendered["nielsen"]["md"]
    assert "That sum is the neuron's net input $\\mathrm{net}$" in rendered["net-out"]["md"]


def test_notation_is_read_from_the_spec_and_checked():
    toml = (SPECS / "half-shared-frozen.toml").read_text(encoding="utf-8")
    assert parse_spec(toml.encode(), "x.toml").notation == "seed"
    assert parse_spec(('notation = "net-out"\n' + toml).encode(), "x.toml").notation == "net-out"
    with pytest.raises(SpecError, match=r"^x\.toml: notation: unknown name 'nielson' \(did you mean "
                                        r"'nielsen'\? known: seed, nielsen, net-out, mitchell\)$"):
        parse_spec(('notation = "nielson"\n' + toml).encode(), "x.toml")
    with pytest.raises(SpecError, match=r"notaton: unknown key \(did you mean 'notation'\?\)"):
        parse_spec(('notaton = "seed"\n' + toml).encode(), "x.toml")
    with pytest.raises(SpecError, match=r"notation: expected a name, found"):
        parse_spec(("notation = 3\n" + toml).encode(), "x.toml")


def test_command_line_overrides_the_spec(tmp_path, capsys):
    spec = tmp_path / "mazur.toml"
    spec.write_text('notation = "net-out"\n' + (SPECS / "half-shared-frozen.toml").read_text(
        encoding="utf-8"), encoding="utf-8")
    assert main(["explain", str(spec), "--format", "md", "-o", str(tmp_path / "a")]) == 0
    assert r"\mathrm{net}_{h1}" in (tmp_path / "a" / "mazur.md").read_text(encoding="utf-8")
    assert main(["explain", str(spec), "--notation", "nielsen", "--format", "md",
                 "-o", str(tmp_path / "b")]) == 0
    text = (tmp_path / "b" / "mazur.md").read_text(encoding="utf-8")
    assert "z^{2}_{1}" in text and r"\mathrm{net}" not in text
    capsys.readouterr()


def test_unknown_notation_option_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["explain", "--notation", "mazur", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == ("explainer: error: --notation: unknown notation 'mazur' "
                   "(choose from seed, nielsen, net-out, mitchell)\n")
    assert not out.exists()





def test_softmax_shared_and_missing_biases_in_every_preset():
    """Every format renders in every preset, with the same numbers, for a network with a
    softmax layer, a shared bias and a layer without bias."""
    explanation = explain(parse_spec((SPECS / "softmax-no-bias.toml").read_bytes(), "softmax.toml"))
    numbers = {}
    for name in NOTATIONS:
        doc = build(in_notation(explanation, name))
        text = {fmt: render(doc, fmt) for fmt in ("md", "html", "tex")}
        assert "<math" in text["html"] and r"\begin{document}" in text["tex"]
        numbers[name] = Counter(DECIMAL.findall(text["md"]))
    assert numbers["nielsen"] == numbers["seed"] == numbers["net-out"]


@pytest.mark.skipif(not pdflatex_available(), reason="needs pdflatex")
@pytest.mark.parametrize("name", ["nielsen", "net-out"])
def test_every_preset_compiles_to_pdf(seed, name, tmp_path):
    destination = tmp_path / f"{name}.pdf"
    compile_pdf(render(build(in_notation(seed, name)), "tex"), destination)
    assert destination.read_bytes().startswith(b"%PDF")


def test_claims_check_stays_in_the_seed_notation(tmp_path, capsys):
    """Claims name quantities the seed's way (gradient.w5), so their walkthrough does too."""
    spec = tmp_path / "article.toml"
    builtin = examples.seed_spec()
    spec.write_text('notation = "nielsen"\n' + builtin.read_text(encoding="utf-8"), encoding="utf-8")
    claims = tmp_path / "claims.toml"
    claims.write_text('spec = "article.toml"\n[claims.gradient]\nw5 = -0.0488\n', encoding="utf-8")
    assert main(["check", str(claims), "--format", "md", "-o", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "claims.md").read_text(encoding="utf-8")
    assert r"\partial C / \partial w_{5}" in text and "z^{2}_" not in text
    assert load_spec(spec).notation == "nielsen"
    capsys.readouterr()
