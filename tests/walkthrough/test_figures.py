"""Figure highlights: the chain rule's path for a parameter, and before → after labels."""

from __future__ import annotations

from explainer.exercise.generate import Options, generate
from explainer.output.render import render
from explainer.walkthrough.build import build
from explainer.walkthrough.document import NetworkFigure
from explainer.walkthrough.sections.figures import chain_rule_path


def words(parts) -> str:
    """A caption's prose and math (as LaTeX), run together."""
    return "".join(getattr(part, "text", "") or getattr(part, "latex", "") for part in parts)


def figures(doc, anchor: str) -> list[NetworkFigure]:
    return [b for s in doc.sections if s.anchor == anchor for b in s.blocks
            if isinstance(b, NetworkFigure)]


def test_the_path_of_a_last_layer_weight_is_its_edge_and_neuron(seed_spec):
    net = seed_spec.network
    assert chain_rule_path(net, net.parameter("w5")) == ({"L1"}, {("h1", "L1")})
    assert chain_rule_path(net, net.parameter("b4")) == ({"L2"}, set())


def test_the_path_of_a_hidden_weight_runs_on_to_every_output(seed_spec):
    net = seed_spec.network
    neurons, edges = chain_rule_path(net, net.parameter("w1"))
    assert neurons == {"h1", "L1", "L2"}
    assert edges == {("x1", "h1"), ("h1", "L1"), ("h1", "L2")}


def test_a_deeper_path_fans_out_layer_by_layer():
    spec = generate(Options(layers=(2, 2, 2, 2), count=1, seed=3))[0].spec
    net = spec.network
    first = net.weight(1, 0, 0)  # x1 -> h1_1
    neurons, edges = chain_rule_path(net, first)
    assert neurons == {"h1_1", "h2_1", "h2_2", "L1", "L2"}
    assert edges == {("x1", "h1_1"), ("h1_1", "h2_1"), ("h1_1", "h2_2"),
                     *{(h, o) for h in ("h2_1", "h2_2") for o in ("L1", "L2")}}


def test_the_walkthrough_highlights_the_worked_parameters(seed):
    doc = build(seed)
    (last,) = figures(doc, "last-layer")
    (hidden,) = figures(doc, "hidden-layer")
    assert [n.name for n in last.neurons if n.highlight] == ["L1"]
    assert [(e.source, e.target) for e in last.edges if e.highlight] == [("h1", "L1")]
    assert [e.label for e in last.edges if e.label] == ["w_{5} = 0.7"]  # only the path is labelled
    assert {n.name for n in hidden.neurons if n.highlight} == {"h1", "L1", "L2"}
    assert {e.label for e in hidden.edges if e.label} == {"w_{1} = 0.3", "w_{5} = 0.7", "w_{6} = -0.3"}
    caption = words(hidden.caption)
    assert r"\partial C/\partial w_{1}" in caption and "w_{5}, w_{6}" in caption
    (overview,) = figures(doc, "network")
    assert not any(n.highlight for n in overview.neurons)


def test_the_update_figure_shows_the_values_after_the_step(seed):
    (fig,) = figures(build(seed), "update")
    labels = {e.label for e in fig.edges}
    assert r"w^{+}_{5} \approx 0.704876" in labels  # 0.70487559… rounded to 6 digits
    assert r"w^{+}_{1} \approx 0.306417" in labels
    assert {n.bias for n in fig.neurons if n.name == "L1"} == {r"b^{+}_{3} \approx 0.161794"}
    assert not fig.layout.unlabelled  # the seed's figure has room for every label


def test_every_format_draws_the_highlights(seed):
    doc = build(seed)
    (last,) = figures(doc, "last-layer")
    (path,) = [e for e in last.layout.edges if e.edge.highlight]
    assert (path.edge.source, path.edge.target) == ("h1", "L1")
    assert (rf"\draw[edge, highlight edge] ({path.x1:.3f}, {path.y1:.3f}) -- ({path.x2:.3f}, {path.y2:.3f});"
            in render(doc, "tex"))
    html = render(doc, "html")
    assert 'class="edge highlight"' in html and 'class="neuron output highlight"' in html
    assert "-highlight)" in html  # the highlighted arrowheads have their own marker
    md = render(doc, "md")
    assert "linkStyle 4 stroke:" in md and "style L1 stroke:" in md
    assert '"w5 = 0.7"' in md  # Mermaid shows the labels as plain text
    assert '"w⁺5 ≈ 0.704876"' in md  # the value after the step
