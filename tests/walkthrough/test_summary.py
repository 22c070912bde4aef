"""Large networks get a summarised walkthrough unless asked otherwise."""

from __future__ import annotations

import itertools
import random

from explainer.cli.command import main
from explainer.pipeline import SUMMARY_LIMIT, explain, representative
from explainer.spec import parse_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.document import Equation, LayerFigure, NetworkFigure, Table


def network_toml(layers: list[int], seed: int = 3) -> str:
    rng = random.Random(seed)
    lines = [f"[network]\nlayers = {layers}"]
    for n_in, n_out in itertools.pairwise(layers):
        rows = [[round(rng.uniform(-0.5, 0.5), 2) for _ in range(n_in)] for _ in range(n_out)]
        biases = [round(rng.uniform(-0.5, 0.5), 2) for _ in range(n_out)]
        lines.append(f"[[network.layer]]\nweights = {rows}\nbiases = {biases}")
    inputs = [round(rng.uniform(0, 1), 2) for _ in range(layers[0])]
    expected = [round(rng.uniform(0, 1), 2) for _ in range(layers[-1])]
    lines.append(f"[training]\nlearning_rate = 0.1\n[[training.sample]]\ninput = {inputs}\n"
                 f"expected = {expected}")
    return "\n".join(lines) + "\n"


SPEC = parse_spec(network_toml([6, 8, 3]).encode(), "wide.toml")  # 83 parameters


def derived(doc) -> list[str]:
    return [b.rows[0].lhs for s in doc.sections for b in s.blocks
            if isinstance(b, Equation) and b.rows[0].lhs.startswith(
                (r"\frac{\partial C}{\partial w", r"\frac{\partial C}{\partial b"))
            and len(b.rows) >= 4 and s.anchor in ("last-layer", "hidden-layer", "biases")]


def test_large_network_is_summarised_and_proves_what_it_shows():
    assert len(SPEC.network.parameters) > SUMMARY_LIMIT
    e = explain(SPEC)
    assert sorted(e.proofs) == sorted(representative(SPEC.network))
    assert all(p.holds for p in e.proofs.values())
    assert e.agrees and len(e.agreement.comparisons) == len(SPEC.network.parameters)
    doc = build(e)
    assert len(derived(doc)) == len(representative(SPEC.network))
    blocks = [b for s in doc.sections for b in s.blocks]
    assert not any(isinstance(b, NetworkFigure) for b in blocks)  # a figure of layers instead
    (layers,) = [b for b in blocks if isinstance(b, LayerFigure)]
    assert len(layers.layers) == 3 and len(layers.arrows) == 2
    assert [line.latex for line in layers.layers[1].lines][:2] == [r"h_{1}, \ldots, h_{8}", r"\text{8 neurons}"]
    assert layers.arrows[0].label.lines == (r"W^{(1)} : 8 \times 6", "b^{(1)} : 8")
    update = next(b for s in doc.sections if s.anchor == "update" for b in s.blocks
                  if isinstance(b, Table))
    assert len(update.rows) == len(SPEC.network.parameters)


def test_full_derives_every_parameter(tmp_path):
    e = explain(SPEC, full=True)
    assert len(e.proofs) == len(SPEC.network.parameters)
    assert len(derived(build(e, full=True))) == len(SPEC.network.parameters)


def test_json_only_for_a_large_network_skips_proofs(tmp_path, capsys):
    path = tmp_path / "wide.toml"
    path.write_text(network_toml([6, 8, 3]))
    assert main(["explain", str(path), "-o", str(tmp_path), "--format", "json"]) == 0
    assert "proofs     none" in capsys.readouterr().out


def test_show_chooses_the_worked_parameters_of_a_summarised_walkthrough():
    """--show (the spec's [walkthrough] show) replaces the representative few: those are
    derived and proven, every other parameter stays in the tables."""
    chosen = ("w40", "w3", "b9")
    spec = parse_spec((network_toml([6, 8, 3]) + f"[walkthrough]\nshow = {list(chosen)}\n".replace("'", '"'))
                      .encode(), "wide.toml")
    assert spec.show == chosen
    e = explain(spec)
    assert sorted(e.proofs) == sorted(chosen)
    doc = build(e)
    shown = [b.keys[0] for s in doc.sections for b in s.blocks if isinstance(b, Equation)
             and b.keys and b.keys[0].startswith("gradient.")]
    assert sorted(shown) == sorted(f"gradient.{label}" for label in chosen)
    tables = [b for s in doc.sections if s.anchor in ("last-layer", "hidden-layer", "biases")
              for b in s.blocks if isinstance(b, Table)]
    tabled = sum(len(t.rows) for t in tables if "derived the same way" in t.caption)
    assert tabled == len(spec.network.parameters)


def test_show_in_a_small_walkthrough_works_only_those_and_tables_the_rest(seed, tmp_path):
    assert main(["explain", "--show", "w5,b3", "--format", "md", "-o", str(tmp_path)]) == 0
    md = (tmp_path / "article.md").read_text(encoding="utf-8")
    assert r"\frac{\partial C}{\partial w_{5}} &= \frac{\partial i_{L_{1}}}{\partial w_{5}}" in md
    assert r"\frac{\partial C}{\partial b_{3}} &=" in md
    assert r"\frac{\partial C}{\partial w_{8}} &=" not in md  # w8 is only in the table
    assert "Every weight of this layer, derived the same way." in md
    assert "The walkthrough works $w_{5}, b_{3}$ in full" in md


def test_show_with_a_label_the_network_does_not_have_is_one_line(tmp_path, capsys):
    assert main(["explain", "--show", "w5,w99", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("explainer: error: --show: no parameter 'w99' in this network")
    assert err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert main(["explain", "--landscape", "w5", "-o", str(tmp_path / "out")]) == 2
    assert "--landscape: expected 2 parameter labels, found 1" in capsys.readouterr().err


def test_the_api_takes_show_and_landscape_as_the_flags():
    from explainer import examples
    from explainer import explain as api_explain
    step = api_explain(examples.seed_spec(), show="w5,b3", landscape=["w1", "b2"])
    assert step.explanation.spec.show == ("w5", "b3") and step.explanation.spec.landscape == ("w1", "b2")
