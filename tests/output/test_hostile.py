"""Hostile input: user text is escaped in every format, nothing is executed, no file escapes
the output directory, and a failure half-way leaves the previous outputs as they were."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from explainer import cli, examples
from explainer.output import documents, pdf, render
from explainer.output.paths import safe_stem
from tests.conftest import REPO

SEED = examples.seed_spec().read_text(encoding="utf-8")
ATTACKS = [
    r"\input{/etc/passwd}", r"\write18{touch pwned}", r"\def\x{}", "%#$&_^~{}\\",
    "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "[link](javascript:alert(3))",
    "<b>bold</b>", "*em* `code` | &amp; --- ``q",
]
TITLE = " ".join(ATTACKS)
NEEDS_TEX = pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("pdftotext")),
                               reason="needs pdflatex and pdftotext")


def _spec(directory: Path, title: str = TITLE, name: str = "evil.toml") -> Path:
    line = next(x for x in SEED.splitlines() if x.startswith("title ="))
    path = directory / name
    # A TOML literal string: the title reaches the program exactly as written here.
    path.write_text(SEED.replace(line, f"title = '{title}'", 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """The hostile title's walkthrough in every format, explained once for the module."""
    tmp = tmp_path_factory.mktemp("hostile")
    out = tmp / "out"
    assert cli.main(["explain", str(_spec(tmp)), "-o", str(out)]) == 0
    return {p.suffix[1:]: p.read_text(encoding="utf-8") for p in out.iterdir()}


# ---------------------------------------------------------------- LaTeX

# What tex_escape may write: a special character only as one of these.
_TEX_ESCAPES = re.compile(r"\\(textbackslash|textasciicircum|textasciitilde|textless|textgreater|textbar"
                          r"|textquotedbl|textasciigrave)\{\}|\\[{}$&#%_]|[-']\{\}")


def test_tex_title_has_no_live_special_character(outputs):
    tex = outputs["tex"]
    line = next(x for x in tex.splitlines() if x.lstrip().startswith(r"{\LARGE\bfseries"))
    inner = line.strip()[len(r"{\LARGE\bfseries "):-len(r"\par}")]
    assert not re.search(r"[\\{}$&#%_^~]", _TEX_ESCAPES.sub("", inner)), inner
    for attack in (r"\input{/etc", r"\write18", r"\def\x"):
        assert attack not in tex


@NEEDS_TEX
def test_tex_title_prints_as_written_and_runs_nothing(tmp_path):
    """Compiled by the product (--pdf), the title reads back literally from the PDF."""
    out = tmp_path / "out"
    assert cli.main(["explain", str(_spec(tmp_path)), "-o", str(out), "--format", "tex", "--pdf"]) == 0
    text = subprocess.run(["pdftotext", str(out / "evil.pdf"), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert TITLE in " ".join(text.split())
    assert "root:" not in text  # nothing of /etc/passwd was read in
    assert not list(tmp_path.rglob("pwned"))


@NEEDS_TEX
def test_tex_escaping_holds_even_with_shell_escape_enabled(tmp_path, outputs):
    """-no-shell-escape is the second lock: with the door left open, the escaping alone must hold."""
    (tmp_path / "evil.tex").write_text(outputs["tex"], encoding="utf-8")
    subprocess.run(["pdflatex", "-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "evil.tex"],
                   cwd=tmp_path, capture_output=True, timeout=300, check=True)
    assert (tmp_path / "evil.pdf").is_file()
    assert not (tmp_path / "pwned").exists()


def test_pdflatex_runs_boxed(tmp_path, monkeypatch):
    """-no-shell-escape, paranoid file access, a temporary directory and a timeout, every run."""
    calls = []

    class FakePdflatex:
        def __init__(self, command, cwd, env, **kwargs):
            calls.append({"command": command, "cwd": Path(cwd), "env": env})
            self.pid = -1  # never used: wait() returns at once

        def wait(self, timeout=None):
            calls[-1]["timeout"] = timeout
            return 1  # a failed run: no PDF may be written

    monkeypatch.setattr(pdf.shutil, "which", lambda name: "/usr/bin/pdflatex")
    monkeypatch.setattr(pdf.subprocess, "Popen", FakePdflatex)
    destination = tmp_path / "out" / "x.pdf"
    with pytest.raises(pdf.PdfError):
        pdf.compile_pdf(r"\documentclass{article}", destination, timeout=7)
    (call,) = calls
    assert "-no-shell-escape" in call["command"] and "-shell-escape" not in call["command"]
    assert call["env"]["shell_escape"] == "f"
    assert call["env"]["openout_any"] == call["env"]["openin_any"] == "p"
    assert call["timeout"] == 7
    assert call["cwd"] != destination.parent and not call["cwd"].exists()  # a temporary, removed
    assert not destination.exists()


# ---------------------------------------------------------------- HTML


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <h1> and <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.open: list[str] = []
        self.text: dict[str, list[str]] = {"h1": [], "title": []}

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.open.append(tag)
        if tag in self.text:
            self.text[tag].append("")

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data):
        if self.open and self.open[-1] in self.text:
            self.text[self.open[-1]][-1] += data


def test_html_title_is_text_and_no_element_came_from_it(outputs):
    page = _Elements()
    page.feed(outputs["html"])
    assert page.text["h1"][0] == TITLE
    assert page.text["title"][0] == TITLE  # the page's; the figure's SVG has <title>s of its own
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "img", "b", "iframe"}
    attributes = [(name, value or "") for _, attrs in page.tags for name, value in attrs]
    assert not any(name.startswith("on") for name, _ in attributes)
    assert not any(value.strip().lower().startswith("javascript:") for _, value in attributes)


def test_every_html_template_is_autoescaped():
    env = render.environment("html")
    names = [p.name for p in render.templates_dir().iterdir() if "html" in p.name]
    assert names
    for name in names:
        assert env.autoescape is True or env.autoescape(name), name
        # |safe or Markup would switch autoescaping off for one value: none may reach user text.
        source = (render.templates_dir() / name).read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", source), name


# ---------------------------------------------------------------- Markdown and JSON

_MD_SPECIAL = set("\\`*_[]<>|$~&")


def test_md_title_has_every_special_character_escaped(outputs):
    heading = next(x for x in outputs["md"].splitlines() if x.startswith("# "))[2:]
    shown, n = [], 0
    while n < len(heading):
        if heading[n] == "\\":  # a backslash escape: the next character shows as itself
            shown.append(heading[n + 1])
            n += 2
            continue
        assert heading[n] not in _MD_SPECIAL, (heading, n)
        shown.append(heading[n])
        n += 1
    assert "".join(shown) == TITLE


def test_json_keeps_the_title_as_data(outputs):
    assert json.loads(outputs["json"])["title"] == TITLE


# ---------------------------------------------------------------- nothing executed


# lambdify is not here: it compiles the engine's own expressions, whose symbols are
# the program's labels (w1, x1, …), never text from a file.
_EVALUATORS = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "S"}


def test_no_module_calls_an_evaluator():
    """No code path can evaluate a user string: no call to anything that would."""
    for path in sorted((REPO / "explainer").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name == "compile" and isinstance(func, ast.Attribute):
                    continue  # re.compile builds a pattern, it runs nothing
                assert name not in _EVALUATORS, f"{path.name}:{node.lineno} calls {name}"
            if isinstance(node, ast.ImportFrom):
                assert "parsing" not in (node.module or ""), f"{path.name} imports {node.module}"


# ---------------------------------------------------------------- file names


@pytest.mark.parametrize(("text", "stem"), [
    ("../../etc/passwd", "passwd"), ("/etc/cron.d/x.toml", "x"), ("..", "walkthrough"),
    ("..toml", "walkthrough"), (".toml", "walkthrough"), ("", "walkthrough"), ("-rf.toml", "rf"),
    ("a\x00b.toml", "a_b"), ("..\\..\\win.toml", "win"), ("net.v2.toml", "net.v2"),
    ("line\nbreak.toml", "line_break"), ("réseau.toml", "réseau"), ("x" * 300 + ".toml", "x" * 100),
])
def test_safe_stem(text, stem):
    assert safe_stem(text) == stem


@pytest.mark.parametrize("name", ["..toml", ".toml", "-rf.toml", "a b;c.toml", "new\nline.toml"])
def test_outputs_stay_in_the_output_directory(tmp_path, name):
    spec = _spec(tmp_path, "plain", name)
    out = tmp_path / "out"
    assert cli.main(["explain", str(spec), "-o", str(out), "--format", "json"]) == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != spec]
    assert [p.parent for p in written] == [out]
    assert written[0].name == f"{safe_stem(name)}.json"


def test_a_symlink_in_the_output_directory_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    out = tmp_path / "out"
    out.mkdir()
    (out / "evil.json").symlink_to(victim)
    assert cli.main(["explain", str(_spec(tmp_path, "plain")), "-o", str(out), "--format", "json"]) == 0
    assert victim.read_text() == "untouched"
    assert not (out / "evil.json").is_symlink()


# ---------------------------------------------------------------- nothing half-written


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


@pytest.mark.parametrize("failure", ["render", "write"])
def test_a_failure_mid_run_leaves_the_previous_outputs(tmp_path, monkeypatch, failure):
    """The last format fails to render, or the third file fails half-way through writing:
    every file of the previous run is as it was, and no temporary file is left."""
    out = tmp_path / "out"
    args = ["explain", str(_spec(tmp_path, "first run")), "-o", str(out), "--format", "tex,html,md"]
    assert cli.main(args) == 0
    before = _snapshot(out)
    _spec(tmp_path, "second run")
    real_render = documents.render

    def failing_render(document, fmt):
        if fmt == "md":
            if failure == "render":
                raise RuntimeError("planted failure")
            return "\ud800"  # a lone surrogate: encoding it fails after tex and html are written
        return real_render(document, fmt)

    monkeypatch.setattr(documents, "render", failing_render)  # what every format is rendered by
    with pytest.raises((RuntimeError, UnicodeEncodeError)):
        cli.main(args)
    assert _snapshot(out) == before
    assert sorted(os.listdir(out)) == ["evil.html", "evil.md", "evil.tex"]
