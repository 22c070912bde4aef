"""Large networks get a summarised walkthrough unless asked otherwise."""

from __future__ import annotations

import itertools
import random

from explainer.cli.command import main
from explainer.pipeline import SUMMARY_LIMIT, explain, representative
from explainer.spec import parse_spec
from explainer.walkthrough.build import build
from explainer.walkthrough.document import Equation, NetworkFigure, Table


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
    assert not any(isinstance(b, NetworkFigure) for b in blocks)  # a layer table instead
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
