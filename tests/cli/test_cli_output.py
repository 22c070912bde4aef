"""What a user meets around the computation: output folders, exit codes, the file alone, progress.

* An output folder that cannot take the files (-o on a file, below a file, or on a
  folder this user may not write) is one line ``explainer: error: PATH: …``, exit 2,
  nothing written — for all three subcommands.
* --pdf without pdflatex writes the other formats and exits 3; --format pdf says
  to use --pdf.
* ``explainer FILE.toml`` explains a spec and checks a claims file.
* A long command says on a terminal what it is doing, and nothing elsewhere.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from explainer import examples
from explainer.cli import progress
from explainer.cli.command import main
from explainer.spec import load_spec

COMMANDS = {
    "explain": ["explain", "--format", "md,json"],
    "check": ["check", "--format", "json,md"],
    "exercise": ["exercise", "--format", "md"],
}


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explainer.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=300)


def unwritable(folder: Path) -> Path:
    """A folder this process cannot write into, even as root (where chattr can say so)."""
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK) and shutil.which("chattr"):  # root ignores the mode
        subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if os.access(folder, os.W_OK):
        folder.chmod(0o755)
        pytest.skip("no way to make a folder unwritable for this user here")
    return folder


def release(folder: Path) -> None:
    if shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("where", ["a file", "below a file", "an unwritable folder"])
def test_an_output_folder_that_cannot_take_the_files_is_one_line_and_exit_2(tmp_path, command, where):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    if where == "a file":
        target, problem = notes, "is a file, not a folder"
    elif where == "below a file":
        target, problem = notes / "out", f"cannot create the folder: {notes} is a file"
    else:
        target, problem = unwritable(tmp_path / "locked"), "cannot write into this folder (permission denied)"
    before = snapshot(tmp_path)
    try:
        result = run(*COMMANDS[command], "-o", str(target), cwd=tmp_path)
        after = snapshot(tmp_path)
    finally:
        if where == "an unwritable folder":
            release(target)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"explainer: error: {target}: {problem}\n"
    assert result.stdout == ""
    assert after == before  # nothing written, nothing changed


def test_an_unwritable_parent_is_named(tmp_path):
    locked = unwritable(tmp_path / "locked")
    try:
        result = run("explain", "-o", str(locked / "new"), cwd=tmp_path)
    finally:
        release(locked)
    assert result.returncode == 2
    assert result.stderr == (f"explainer: error: {locked / 'new'}: cannot create the folder: "
                             f"no permission to write in {locked}\n")
    assert not (locked / "new").exists()


def test_pdf_without_pdflatex_writes_the_rest_and_exits_3(tmp_path):
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = run("explain", "-o", str(tmp_path), "--format", "md", "--pdf", cwd=tmp_path, env=env)
    assert result.returncode == 3
    assert result.stderr.startswith("explainer: error: PDF: pdflatex not found on PATH")
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.md", "article.tex"]
    assert "wrote      " in result.stdout


@pytest.mark.parametrize("command", ["explain", "check", "exercise"])
def test_format_pdf_points_to_the_pdf_option(tmp_path, command, capsys):
    assert main([command, "--format", "tex,pdf", "-o", str(tmp_path / "o")]) == 2
    assert "use --pdf" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_the_file_alone_explains_a_spec(tmp_path):
    result = run(str(examples.seed_spec()), "-o", str(tmp_path / "o"), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "all 12 gradients agree" in result.stdout
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["article.json"]


def test_the_file_alone_checks_a_claims_file(tmp_path):
    result = run(str(examples.seed_claims()), cwd=tmp_path)
    assert result.returncode == 1  # the seed article's numbers hold a slip
    assert "activation_derivative_at_output" in result.stdout
    assert "26 claims: 5 right, 6 wrong, 15 carried forward" in result.stdout


def test_the_file_alone_with_a_broken_or_missing_file_says_what_is_wrong(tmp_path):
    (tmp_path / "broken.toml").write_text("title = \n")
    result = run("broken.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("explainer: error: broken.toml: not valid TOML")
    result = run("missing.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "explainer: error: missing.toml: file not found\n"
    result = run("explian", cwd=tmp_path)  # a misspelt subcommand is not a file
    assert result.returncode == 2 and "invalid choice: 'explian'" in result.stderr


def test_options_alone_explain_the_built_in_example(tmp_path):
    assert main(["-o", str(tmp_path), "--format", "json"]) == 0
    assert (tmp_path / "article.json").is_file()


def test_the_summary_lists_activations_in_layer_order(tmp_path, capsys):
    spec = tmp_path / "net.toml"
    text = examples.seed_spec().read_text()
    for old, new in (('activation = "sigmoid"', 'activation = ["tanh", "softmax"]'),
                     ('cost = "sum_squared"', 'cost = "cross_entropy"'),
                     ("expected = [1, 0.2]", "expected = [0.8, 0.2]")):
        text = text.replace(old, new)
    spec.write_text(text)
    assert load_spec(spec).network.activations == ("tanh", "softmax")
    assert main(["explain", str(spec), "-o", str(tmp_path), "--format", "json"]) == 0
    assert "  network    2-2-2, tanh, softmax, cross_entropy, 12 parameters" in capsys.readouterr().out


class Terminal(io.StringIO):
    """Stands in for a terminal's stderr."""

    def isatty(self) -> bool:
        return True


def test_progress_is_silent_when_quick_or_not_on_a_terminal():
    quiet = Terminal()
    with progress.Progress(quiet, delay=5) as report:
        report("deriving")
    assert quiet.getvalue() == ""  # done before the delay
    piped = io.StringIO()  # not a terminal
    with progress.Progress(piped, delay=0) as report:
        report("deriving")
        report("proving")
    assert piped.getvalue() == ""


def test_progress_shows_the_stage_after_the_delay_and_erases_it():
    screen = Terminal()
    with progress.Progress(screen, delay=0.01) as report:
        report("deriving the chain rule")
        report._timer.join()  # the delay has passed
        report("training: step 2 of 3")
    out = screen.getvalue()
    assert out == (f"{progress.CLEAR}explainer: deriving the chain rule…"
                   f"{progress.CLEAR}explainer: training: step 2 of 3…{progress.CLEAR}")


def test_a_long_command_reports_its_stages_on_a_terminal(tmp_path, monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(sys, "stderr", screen)
    spec = tmp_path / "run.toml"
    spec.write_text(examples.seed_spec().read_text().replace("steps = 1", "steps = 3"))
    assert main(["explain", str(spec), "-o", str(tmp_path), "--format", "json"]) == 0
    assert main(["exercise", "--count", "2", "-o", str(tmp_path / "ex"), "--format", "md"]) == 0
    out = screen.getvalue()
    assert "explainer: training: step 3 of 3 (symbolic engine)…" in out
    assert "explainer: exercise 2 of 2: solving it with both engines…" in out
    assert out.endswith(progress.CLEAR)


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    """`explainer check | head -1` when head has already gone (its end of the pipe is closed
    before the command writes, so the write fails every time): no traceback, and the status a
    command ended by SIGPIPE has."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone
    try:
        result = subprocess.run([sys.executable, "-m", "explainer.cli", "check", "-o", str(tmp_path / "out")],
                                cwd=tmp_path, stdout=write, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write)
    assert b"Traceback" not in result.stderr and result.returncode == 141, result.stderr[-500:]
