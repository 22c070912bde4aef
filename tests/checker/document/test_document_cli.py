"""`explainer check DOCUMENT --spec SPEC`: the table, the JSON, the walkthrough section, --extract,
and bad input."""

from __future__ import annotations

import json

from explainer import examples
from explainer.cli.command import main
from tests.conftest import TESTS

HERE = TESTS / "checker" / "document"
SPEC = str(examples.seed_spec())


def test_a_right_homework_exits_0_with_its_table(capsys):
    assert main(["check", str(HERE / "homework.md"), "--spec", SPEC]) == 0
    out = capsys.readouterr().out
    assert "18 claims: 18 right, 0 wrong, 0 carried forward" in out
    assert "18 numbers read as claims (seed notation)" in out and "0 wrong." in out


def test_a_wrong_step_exits_1_and_names_its_line(tmp_path, capsys):
    planted = tmp_path / "homework.md"
    planted.write_text((HERE / "homework.md").read_text(encoding="utf-8").replace("= 0.19375$$", "= 0.19475$$"),
                       encoding="utf-8")
    line = next(k for k, t in enumerate(planted.read_text().split("\n"), 1) if "0.19475" in t)
    assert main(["check", str(planted), "--spec", SPEC]) == 1
    out = capsys.readouterr().out
    assert f"line {line}: 0.082794 + 0.11096 = 0.19475" in out


def test_the_json_has_every_step_every_given_and_the_line_of_each_claim(tmp_path, capsys):
    assert main(["check", str(HERE / "seed-equations.txt"), "--spec", SPEC, "--format", "json",
                 "-o", str(tmp_path)]) == 1
    data = json.loads((tmp_path / "seed-equations.json").read_text(encoding="utf-8"))
    assert {"arithmetic", "given", "unread", "claims"} <= set(data)
    assert all(set(s) == {"line", "text", "shown", "recomputed", "verdict"} for s in data["arithmetic"])
    assert all(s["verdict"] == "correct" for s in data["arithmetic"])
    w5 = next(c for c in data["claims"] if c["key"] == "gradient.w5")
    assert isinstance(w5["line"], int) and w5["verdict"] == "follows_from_earlier"
    assert all(set(u) == {"line", "text", "why"} for u in data["unread"])


def test_extract_writes_the_claims_read_which_check_the_same(tmp_path, capsys):
    extracted = tmp_path / "claims.toml"
    assert main(["check", str(HERE / "seed-equations.txt"), "--spec", SPEC, "--extract", str(extracted)]) == 1
    from_document = capsys.readouterr().out
    text = extracted.read_text(encoding="utf-8")
    assert "# line" in text and "[claims.gradient]" in text
    assert main(["check", str(extracted)]) == 1
    again = capsys.readouterr().out
    assert "26 claims: 5 right, 6 wrong, 15 carried forward" in from_document
    assert "26 claims: 5 right, 6 wrong, 15 carried forward" in again


def test_the_walkthrough_gets_a_section_on_the_document_whose_text_is_never_math(tmp_path, capsys):
    hostile = tmp_path / "hostile.md"
    hostile.write_text(
        "$$o_{h1} = 0.41338 \\input{/etc/passwd}$$\n\n"
        "Note <script>alert(1)</script> 0.123 of something.\n\n"
        "$$0.3 \\cdot 2 = 0.7$$\n", encoding="utf-8")
    status = main(["check", str(hostile), "--spec", SPEC, "--format", "html,md,tex", "-o", str(tmp_path)])
    assert status == 1  # 0.3 · 2 is not 0.7
    html = (tmp_path / "hostile.html").read_text(encoding="utf-8")
    assert "Your document, line by line" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    tex = (tmp_path / "hostile.tex").read_text(encoding="utf-8")
    assert "\\input{/etc/passwd}" not in tex


def test_a_document_without_a_spec_is_one_line_exit_2(capsys):
    assert main(["check", str(HERE / "homework.md")]) == 2
    err = capsys.readouterr().err
    assert "homework.md: a document is read against a spec: add --spec SPEC.toml" in err
    assert len(err.strip().splitlines()) == 1


def test_spec_and_extract_are_for_documents(tmp_path, capsys):
    assert main(["check", str(examples.seed_claims()), "--spec", SPEC]) == 2
    assert "--spec: a claims file names its own spec" in capsys.readouterr().err
    assert main(["check", str(examples.seed_claims()), "--extract", str(tmp_path / "x.toml")]) == 2
    assert "--extract: writes the claims read from a document" in capsys.readouterr().err


def test_a_document_that_is_not_text_is_one_line_exit_2(tmp_path, capsys):
    binary = tmp_path / "notes.md"
    binary.write_bytes(b"\xff\xfe\x00 not utf-8")
    assert main(["check", str(binary), "--spec", SPEC]) == 2
    err = capsys.readouterr().err
    assert "notes.md: not UTF-8 text" in err and len(err.strip().splitlines()) == 1


def test_the_readme_example_prints_what_the_readme_shows(tmp_path, capsys):
    import re

    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("### Checking a worked example as it is written"):]
    document = re.search(r"```markdown\n(.*?)```", part, re.S).group(1)
    shown = re.search(r"```\n(claim .*?)```", part, re.S).group(1)
    (tmp_path / "worked.md").write_text(document, encoding="utf-8")
    assert main(["check", str(tmp_path / "worked.md"), "--spec", SPEC]) == 1
    out = capsys.readouterr().out.replace(str(tmp_path / "worked.md"), "worked.md")
    assert out == shown
