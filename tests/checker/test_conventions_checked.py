"""Claims in a textbook's convention: Mitchell's error term δ = −∂E/∂net and w ← w + Δw.

Han & Kamber's worked example prints Err_j = O_j(1 − O_j)(T_j − O_j): Mitchell's δ, the
negative of ours. Read in our convention every one of them is the wrong sign; with
`notation = "mitchell"` (in the claims file, its spec, or `--notation`) they are right.
"""

from __future__ import annotations

import json

from explainer.checker.claims import load_claims
from explainer.checker.verdicts import CORRECT, WRONG
from explainer.cli.command import main
from tests.checking import judge
from tests.conftest import TESTS

PUBLIC = TESTS / "checker" / "public"
MITCHELL = PUBLIC / "han-kamber-mitchell-claims.toml"


def test_the_textbook_error_terms_are_right_in_their_convention():
    claims = load_claims(MITCHELL)
    assert claims.notation == "mitchell"
    verdicts = {v.key: v for v in judge(claims).verdicts}
    assert {k: v.verdict for k, v in verdicts.items()} == dict.fromkeys(verdicts, CORRECT)
    assert verdicts["delta.L1"].true > 0  # reported in the claims' own convention: o(1 − o)(t − o)


def test_read_in_our_convention_the_same_numbers_have_the_wrong_sign(tmp_path):
    ours = tmp_path / "ours.toml"
    ours.write_text(MITCHELL.read_text(encoding="utf-8").replace('notation = "mitchell"\n', "")
                    .replace('spec = "han-kamber.toml"', f'spec = "{PUBLIC / "han-kamber.toml"}"'),
                    encoding="utf-8")
    verdicts = {v.key: v for v in judge(load_claims(ours)).verdicts}
    deltas = [v for k, v in verdicts.items() if k.startswith("delta.")]
    assert all(v.verdict != CORRECT for v in deltas)
    assert verdicts["delta.L1"].verdict == WRONG and verdicts["delta.L1"].diagnosis == ("sign_flip",)
    assert verdicts["updated.w7"].verdict == CORRECT  # the update is the same in both


def test_the_command_line_chooses_the_convention_and_the_walkthrough_writes_it(tmp_path, capsys):
    ours = tmp_path / "ours.toml"
    ours.write_text(MITCHELL.read_text(encoding="utf-8").replace('notation = "mitchell"\n', "")
                    .replace('spec = "han-kamber.toml"', f'spec = "{PUBLIC / "han-kamber.toml"}"'),
                    encoding="utf-8")
    assert main(["check", str(ours), "--format", "json"]) == 1
    assert main(["check", str(ours), "--notation", "mitchell", "--format", "json,md", "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "ours.json").read_text(encoding="utf-8"))
    assert {c["verdict"] for c in data["claims"]} == {CORRECT}
    md = (tmp_path / "ours.md").read_text(encoding="utf-8")
    assert r"You wrote $\delta_{L_{1}} = 0.1311$" in md  # their δ, plainly
    assert r"(-\delta_{L_{1}})" in md and r"p \leftarrow p + \Delta p" in md  # the textbook's formulas
    capsys.readouterr()
