"""The Python API: `from explainer import explain, check`, the files it saves, what Jupyter shows."""

from __future__ import annotations

import json
import re

import pytest

import explainer
from explainer import check, examples, explain
from explainer.api import CheckResult, Walkthrough
from explainer.cli.command import main
from explainer.output.files import OutputError
from explainer.output.pdf import PdfError, pdflatex_available
from explainer.spec import SpecError

SCOPE = ".bpx-walkthrough"


@pytest.fixture(scope="module")
def walkthrough() -> Walkthrough:
    return explain(examples.seed_spec())


@pytest.fixture(scope="module")
def checked() -> CheckResult:
    return check(examples.seed_claims())


def test_the_package_exports_two_functions_and_the_examples():
    assert sorted(explainer.__all__) == ["check", "examples", "explain"]
    assert callable(explainer.explain) and callable(explainer.check)
    assert explainer.examples.seed_spec().is_file() and explainer.examples.seed_claims().is_file()


def test_saved_files_are_the_commands_files(walkthrough, tmp_path):
    formats = ["tex", "html", "md", "json"]
    assert main(["explain", str(examples.seed_spec()), "-o", str(tmp_path / "cli"),
                 "--format", ",".join(formats)]) == 0
    written = walkthrough.save(tmp_path / "api", formats)
    assert [p.name for p in written] == [f"article.{f}" for f in formats]
    for fmt in formats:
        assert (tmp_path / "api" / f"article.{fmt}").read_bytes() == \
               (tmp_path / "cli" / f"article.{fmt}").read_bytes(), fmt


def test_json_is_what_the_command_writes(walkthrough, tmp_path):
    assert main(["explain", str(examples.seed_spec()), "-o", str(tmp_path), "--format", "json"]) == 0
    assert walkthrough.json() == json.loads((tmp_path / "article.json").read_text())


def test_a_spec_as_bytes_or_loaded_gives_the_same_step(walkthrough):
    from_bytes = explain(examples.seed_spec().read_bytes())
    from_spec = explain(walkthrough.explanation.spec)
    assert from_bytes.json()["gradient"] == walkthrough.json()["gradient"] == from_spec.json()["gradient"]


def test_html_repr_is_a_fragment_not_a_page(walkthrough):
    fragment = walkthrough._repr_html_()
    assert fragment.startswith('<div class="bpx-walkthrough">')
    for page_only in ("<!DOCTYPE", "<html", "<head>", "<body", "<meta"):
        assert page_only not in fragment
    assert fragment.count("<math") > 100 and 'display="block"' in fragment
    assert "<svg" in fragment  # the network figure
    # The same walkthrough as the stand-alone page shows, element for element, its
    # element ids prefixed (see test_two_walkthroughs_in_one_notebook_keep_their_own_ids).
    page = walkthrough.html()
    body = page[page.index("<body>\n") + len("<body>\n"): page.index("</body>")]
    prefix = re.search(r'<h2 id="(bpx\d+-)toc-heading">', fragment).group(1)
    assert body in fragment.replace(prefix, "")


def _ids(html: str) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', html)


def test_two_walkthroughs_in_one_notebook_keep_their_own_ids(walkthrough):
    first, second = walkthrough._repr_html_(), walkthrough._repr_html_()
    notebook = first + second
    ids = _ids(notebook)
    assert len(ids) > 20 and len(ids) == len(set(ids))  # no id twice on the page
    for fragment in (first, second):
        own = set(_ids(fragment))
        # Every link, marker reference and label of a fragment points inside it.
        targets = re.findall(r'href="#([^"]+)"', fragment) + re.findall(r'url\(#([^)]+)\)', fragment)
        targets += re.findall(r'aria-labelledby="([^"]+)"', fragment)
        assert targets and set(targets) <= own
    page_ids = _ids(walkthrough.html())  # a page of its own keeps the plain ids
    assert "toc-heading" in page_ids and "figure-1" in page_ids


def _style(html: str) -> str:
    """The text of the page's first <style> element, without its comments."""
    css = html[html.index("<style>") + len("<style>"): html.index("</style>")]
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


def _rules(css: str) -> list[tuple[list[str], str]]:
    """Every style rule as (selectors, declarations); an @media block's rules are listed
    in their place, the at-rule's own prelude is not (its braces hold rules, not declarations)."""
    return [([s.strip() for s in prelude.split(",")], " ".join(body.split()))
            for prelude, body in re.findall(r"([^{}]*)\{([^{}]*)\}", css)]


def test_html_repr_styles_only_its_own_div(walkthrough):
    fragment = _rules(_style(walkthrough._repr_html_()))
    page = _rules(_style(walkthrough.html()))
    assert len(page) > 50
    # The page's rules, in their order and with their declarations, each confined to the
    # wrapper: html, body and :root become the wrapper itself, anything else lies inside it.
    confined = [([SCOPE if s in (":root", "html", "body") else f"{SCOPE} {s}" for s in selectors], body)
                for selectors, body in page
                if selectors != ["@page"] and not selectors[0].startswith("@font-face")]
    fonts = [rule for rule in page if rule[0][0].startswith("@font-face")]
    assert fonts and fragment[:len(fonts)] == fonts  # a font face styles nothing: kept as it is
    assert fragment[len(fonts):-1] == confined
    assert fragment[-1][0] == [SCOPE]  # the cell's own, smaller margins come last
    # Printing the notebook is the notebook's business; the page keeps its print margins.
    assert "@page" in _style(walkthrough.html()) and "@page" not in _style(walkthrough._repr_html_())


def test_markdown_repr_is_the_markdown_file(walkthrough):
    markdown = walkthrough._repr_markdown_()
    assert markdown == walkthrough.markdown()
    assert "$$" in markdown and r"\frac{\partial C}{\partial w_{5}}" in markdown
    assert not hasattr(walkthrough, "_repr_latex_")  # a whole LaTeX document is no math for MathJax


def test_latex_is_a_document(walkthrough):
    latex = walkthrough.latex()
    assert "\\documentclass" in latex and latex.rstrip().endswith("\\end{document}")


def test_user_text_is_escaped_in_the_fragment(tmp_path):
    spec = examples.seed_spec().read_text().replace(
        'title = "One gradient-descent step on a 2-2-2 sigmoid network"',
        'title = "<script>alert(1)</script> & <b>bold</b>"')
    fragment = explain(spec.encode())._repr_html_()
    assert "<script>" not in fragment and "<b>bold" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in fragment


def test_check_finds_the_seed_articles_slip(checked, capsys):
    assert not checked.ok
    assert len(checked.verdicts) == 26
    verdicts = {v.key: v.verdict for v in checked.verdicts}
    assert verdicts["cost"] == "correct" and verdicts["activation_derivative.L1"] == "wrong"
    assert verdicts["gradient.w5"] == "follows_from_earlier"
    assert main(["check"]) == 1
    assert capsys.readouterr().out == checked.table() + "\n"


def test_check_json_is_what_the_command_writes(checked, tmp_path):
    assert main(["check", "--format", "json", "-o", str(tmp_path)]) == 1
    assert checked.json() == json.loads((tmp_path / "article-claims.json").read_text())


def test_check_html_repr_colours_each_verdict(checked):
    html = checked._repr_html_()
    assert html.startswith('<div class="bpx-check">') and "<html" not in html
    assert html.count("<tr>") == 1 + len(checked.verdicts)
    assert '<span class="verdict wrong">WRONG</span>' in html
    assert '<span class="verdict follows_from_earlier">carried</span>' in html
    assert '<span class="verdict correct">ok</span>' in html
    assert "<strong>activation_derivative_at_output</strong>" in html  # the slip, explained
    assert "σ′(i) = o(1 − o)" in html
    assert "26 claims: 5 right, 6 wrong, 15 carried forward" in html


def test_check_markdown_repr_is_a_table(checked):
    markdown = checked._repr_markdown_()
    lines = markdown.splitlines()
    assert lines[0].startswith("| claim | claimed | true | verdict |")
    assert lines[1].startswith("| --- |")
    row = next(line for line in lines if line.startswith("| gradient.w5 |"))
    assert "| -0.052525710835624 | -0.048755904691400 | **carried** |" in row
    assert "activation\\_derivative\\_at\\_output" in markdown


def test_right_claims_are_ok(walkthrough, tmp_path):
    cost = walkthrough.json()["cost"]
    w5 = walkthrough.json()["updated"]["w5"]
    claims = tmp_path / "mine.toml"
    claims.write_text(f'spec = "{examples.seed_spec().as_posix()}"\n[claims]\ncost = {cost:.6f}\n'
                      f"[claims.updated]\nw5 = {w5:.5f}\n")
    result = check(claims)
    assert result.ok and [v.verdict for v in result.verdicts] == ["correct", "correct"]
    assert not check(claims, abs_tol=0.0).ok  # rounded numbers are not exact


@pytest.mark.parametrize("call, message", [
    (lambda: explain(b"title = "), "<spec text>: not valid TOML"),
    (lambda: explain("/nonexistent/net.toml"), "/nonexistent/net.toml: file not found"),
    (lambda: explain(examples.seed_spec(), digits=0), "explain(): digits: must be a whole number between 1"),
    (lambda: explain("[network]\nlayers = [2, 2]\n"), "explain(): spec: a str is the path of a spec file"),
    (lambda: explain(examples.seed_spec()).json(digits=31), "json(): digits: must be a whole number between 1"),
    (lambda: check("/nonexistent/claims.toml"), "/nonexistent/claims.toml: file not found"),
    (lambda: check(examples.seed_claims(), rel_tol=-1.0), "check(): rel_tol: must be a finite number ≥ 0"),
    (lambda: check(examples.seed_claims(), abs_tol=float("nan")),
     "check(): abs_tol: must be a finite number ≥ 0"),
])
def test_bad_input_raises_spec_error_in_one_line(call, message):
    with pytest.raises(SpecError) as err:
        call()
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_save_refuses_unknown_formats(walkthrough, tmp_path):
    with pytest.raises(SpecError, match=r"save\(\): formats: .*'docx'"):
        walkthrough.save(tmp_path, ["html", "docx"])
    with pytest.raises(SpecError, match=r"save\(\): formats: pdf is made from the LaTeX: pass pdf=True"):
        walkthrough.save(tmp_path, "html,pdf")
    with pytest.raises(SpecError, match=r"save\(\): formats: expected format names"):
        walkthrough.save(tmp_path, 42)  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("formats, names", [
    ("tex", ["article.tex"]),
    ("tex,html", ["article.tex", "article.html"]),
    (" md , json ", ["article.md", "article.json"]),
    (["html", "tex"], ["article.html", "article.tex"]),
    (("json",), ["article.json"]),
])
def test_save_takes_a_format_string_or_a_list(walkthrough, tmp_path, formats, names):
    written = walkthrough.save(tmp_path, formats)
    assert [p.name for p in written] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


@pytest.mark.skipif(not pdflatex_available(), reason="needs pdflatex")
def test_save_typesets_the_pdf(walkthrough, tmp_path):
    written = walkthrough.save(tmp_path, "md", pdf=True)
    assert [p.name for p in written] == ["article.md", "article.tex", "article.pdf"]
    assert (tmp_path / "article.pdf").read_bytes().startswith(b"%PDF-")


def test_save_without_pdflatex_raises_and_writes_nothing(walkthrough, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(PdfError, match="pdflatex not found on PATH"):
        walkthrough.save(tmp_path / "out", "md", pdf=True)
    assert not (tmp_path / "out").exists()


def test_save_into_a_file_or_below_one_is_one_clear_error(walkthrough, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    for target, problem in ((notes, "is a file, not a folder"),
                            (notes / "sub", f"cannot create the folder: {notes} is a file")):
        with pytest.raises(OutputError) as caught:
            walkthrough.save(target, "md")
        assert str(caught.value) == f"{target}: {problem}"
        assert isinstance(caught.value, SpecError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_explain_takes_a_notation(tmp_path):
    nielsen = explain(examples.seed_spec(), notation="nielsen")
    assert nielsen.explanation.spec.notation == "nielsen"
    assert "w^{3}_{11}" in nielsen.markdown() and "w_{5}" not in nielsen.markdown()
    with pytest.raises(SpecError, match=r"explain\(\): notation: unknown notation 'greek' \(choose from "):
        explain(examples.seed_spec(), notation="greek")


def test_wrong_argument_types_are_type_errors():
    with pytest.raises(TypeError):
        explain(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check(b"spec = 'x'")  # type: ignore[arg-type]
