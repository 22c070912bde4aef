"""What the walkthrough says is true of the network in front of the reader, in its notation.

Each test pins one wording that was wrong: one sample said where there were two,
"samples 2 to 2", "For 0 of 6 parameters", captions in the seed's symbols under
another preset, a literal E_total in prose, Nielsen's weights called numbered, a
spaced solidus and a broken "3-4-2" in HTML, a check PDF that broke "½ Σ (o −"
across lines, and an exercise sheet that hyphenated a file name.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from explainer import examples
from explainer.checker.slips import CATALOGUE
from explainer.exercise.generate import Options, generate
from explainer.exercise.sheets import problem
from explainer.output.characters import tex_characters
from explainer.output.render import html_prose, render, tex_escape
from explainer.pipeline import explain
from explainer.spec import load_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.document import Math, NetworkFigure, Text
from explainer.walkthrough.sections.checks import _proof_words
from tests.conftest import TESTS


def prose(doc, anchor: str) -> str:
    """A section's prose and math (as LaTeX), run together."""
    (section,) = [s for s in doc.sections if s.anchor == anchor]
    return " ".join("".join(getattr(p, "text", "") or getattr(p, "latex", "") for p in block.parts)
                    for block in section.blocks if hasattr(block, "parts"))


def with_samples(tmp_path, extra: str, mode: str = ""):
    text = examples.seed_spec().read_text(encoding="utf-8")
    if mode:
        text = text.replace("steps = 1", f"steps = 1\nmode = \"{mode}\"")
    path = tmp_path / "two.toml"
    path.write_text(text + extra, encoding="utf-8")
    return explain(load_spec(path))


SECOND = "\n[[training.sample]]\ninput = [1, -1]\nexpected = [0.3, 0.9]\n"


def test_one_sample_is_one_sample_and_two_are_two(seed, tmp_path):
    assert "We train on one sample." in prose(build(seed), "network")
    two = prose(build(with_samples(tmp_path, SECOND)), "network")
    assert "We train on one sample" not in two and "We train on 2 samples" in two


def test_a_batch_of_two_says_sample_2(tmp_path):
    text = prose(build(with_samples(tmp_path, SECOND, mode="batch")), "update")
    assert "sample 2 goes through the same chain" in text and "samples 2 to 2" not in text


def test_the_proof_count_is_said_as_it_is():
    assert "For 0 of" not in _proof_words(0, 6)
    assert "for every one of the 6 parameters" in _proof_words(0, 6)
    assert _proof_words(6, 6).startswith("For every one of the 6 parameters it reduced")
    assert _proof_words(4, 6).startswith("For 4 of 6 parameters")


@pytest.mark.parametrize(("name", "symbol", "foreign"), [
    ("nielsen", "w^{3}_{11}", "w_{5}"), ("net-out", r"\mathrm{out}", "o_{h"),
])
def test_chain_rule_captions_follow_the_preset(seed, name, symbol, foreign):
    doc = build(replace(seed, spec=replace(seed.spec, notation=name)))
    (fig,) = [b for s in doc.sections if s.anchor == "last-layer"
              for b in s.blocks if isinstance(b, NetworkFigure)]
    math = " ".join(p.latex for p in fig.caption if isinstance(p, Math))
    words = " ".join(p.text for p in fig.caption if isinstance(p, Text))
    assert symbol in math and foreign not in math
    assert not re.search(r"\b(w5|L1|h1)\b|∂C/∂", words)


def test_net_out_prose_writes_the_total_error_as_math(seed):
    md = render(build(replace(seed, spec=replace(seed.spec, notation="net-out"))), "md")
    assert "E_total" not in md and "E\\_total" not in md
    assert r"how much the total error $E_{\mathrm{total}}$ changes" in md


def test_nielsen_does_not_call_its_weights_numbered(seed):
    text = prose(build(replace(seed, spec=replace(seed.spec, notation="nielsen"))), "network")
    assert "Weights are numbered" not in text and "named by where they sit" in text
    assert "Weights are numbered source by source" in prose(build(seed), "network")


def test_html_sets_a_solidus_without_space_and_keeps_a_shape_on_one_line(tmp_path):
    spec = generate(Options(layers=(3, 4, 2), count=1, seed=3))[0].spec
    html = render(build(explain(spec)), "html")
    assert '<mo lspace="0" rspace="0">&#x0002F;</mo>' in html and "<mo>&#x0002F;</mo>" not in html
    assert '<mo lspace="0" rspace="0">&#x02202;</mo>' in html and "<mo>&#x02202;</mo>" not in html
    assert '<span class="nowrap">3-4-2</span>' in html
    assert not re.search(r"[^>]3-4-2", html.replace('<span class="nowrap">3-4-2</span>', ""))


def test_the_half_of_the_other_convention_stays_on_one_line():
    text = CATALOGUE["extra_half"].explanation
    assert "½\u00a0Σ\u00a0(o\u00a0−\u00a0exp)²" in text  # no-break spaces inside the formula
    escaped = tex_escape(text)
    assert r"\DeclareUnicodeCharacter{00A0}{~}" in tex_characters(escaped)  # ~: a tie LaTeX never breaks
    # Any formula in prose: no line ends beside its minus sign, in LaTeX or in HTML.
    slip = tex_escape(CATALOGUE["activation_derivative_at_output"].explanation)
    assert "σ(o)(1\u00a0−\u00a0σ(o))" in slip and " − " not in slip
    assert "o(1\u00a0−\u00a0o)" in str(html_prose("σ′(i) = o(1 − o)"))


def test_an_exercise_sheet_never_breaks_a_file_name(tmp_path):
    exercise = generate(Options(layers=(2, 2, 2), count=1, seed=4))[0]
    sheet = problem(exercise, explain(exercise.spec))
    tex, html = render(sheet, "tex"), render(sheet, "html")
    assert rf"\mbox{{\texttt{{explainer check {exercise.stem}-claims.toml}}}}" in tex
    assert f'<code class="nowrap">explainer check {exercise.stem}-claims.toml</code>' in html


def test_the_worked_parameters_are_named_in_the_opening(seed):
    chosen = replace(seed, spec=replace(seed.spec, show=("w5", "b3")))
    text = prose(build(chosen), "network")
    assert "The walkthrough works" in text and "w_{5}, b_{3}" in text


def test_a_layer_of_one_neuron_is_a_layer_of_one_neuron(tmp_path):
    """XOR's 2-2-1 network: "a last layer of 1 neuron", never "1 neurons"."""
    path = tmp_path / "xor.toml"
    path.write_text('''title = "one output"
[network]
layers = [2, 2, 1]
activation = "sigmoid"
cost = "half_sum_squared"
[[network.layer]]
weights = [[0.5, -0.4], [0.3, 0.8]]
biases = [0.1, -0.1]
[[network.layer]]
weights = [[0.7, -0.6]]
biases = [0.2]
[training]
learning_rate = 0.5
[[training.sample]]
input = [1, 0]
expected = [1]
''', encoding="utf-8")
    text = prose(build(explain(load_spec(path))), "network")
    assert "a last layer of 1 neuron " in text and "1 neurons" not in text and "2 inputs" in text


def caption_of_first_figure(explanation) -> str:
    figure = next(b for s in build(explanation).sections for b in s.blocks if isinstance(b, NetworkFigure))
    return "".join(getattr(p, "text", "") or getattr(p, "latex", "") for p in figure.caption)


def test_the_figure_caption_says_where_the_biases_are(seed, tmp_path):
    """Each neuron's own bias, a layer's shared one, or none at all (then nothing of biases)."""
    assert "Arrows carry the weights; each bias is added inside its neuron." in caption_of_first_figure(seed)
    shared = caption_of_first_figure(explain(load_spec(TESTS / "specs" / "softmax-no-bias.toml")))
    assert "a layer's bias is added inside the neurons that take it" in shared
    text = examples.seed_spec().read_text(encoding="utf-8")
    text = re.sub(r"(?m)^biases = .*$", "", text)
    path = tmp_path / "none.toml"
    path.write_text(text, encoding="utf-8")
    spec = load_spec(path)
    assert all(mode == "none" for mode in spec.network.bias_modes)
    caption = caption_of_first_figure(explain(spec))
    assert "Arrows carry the weights." in caption and "bias" not in caption


def test_a_network_of_one_parameter_is_explained(tmp_path):
    """1-1 without a bias: one partial derivative (the gradient's vector has one entry, and no
    landscape needs two parameters)."""
    path = tmp_path / "one.toml"
    path.write_text('title = "one weight"\n[network]\nlayers = [1, 1]\nactivation = "tanh"\n'
                    'cost = "mean_squared"\n[[network.layer]]\nweights = [[0.5]]\n[training]\n'
                    'learning_rate = 0.1\n[[training.sample]]\ninput = [1]\nexpected = [0.2]\n',
                    encoding="utf-8")
    doc = build(explain(load_spec(path)))
    text = prose(doc, "gradient-descent")
    assert "The network has 1 parameter, so we need 1 partial derivative." in text
    assert "landscape" not in [s.anchor for s in doc.sections]


def test_a_number_beside_its_name_says_whether_it_is_rounded(seed):
    """The landscape's reading: the spec's b4 is exactly 0.35; b4 after the step and the
    costs are rounded, so ≈."""
    text = prose(build(seed), "landscape")
    assert "b_{4} = 0.35" in text and r"b^{+}_{4} \approx 0.333418" in text
    assert r"C \approx 0.193750" in text and r"C^{+} \approx 0.183940" in text
    assert "b^{+}_{4} = " not in text


def test_a_run_counts_its_steps_and_samples_in_words(tmp_path):
    """"1 step over 2 samples", never "step(s)" or "sample(s)", in the run section."""
    doc = build(with_samples(tmp_path, SECOND))
    text = prose(doc, "training-run")
    assert "1 step over 2 samples" in text and "(s)" not in text
