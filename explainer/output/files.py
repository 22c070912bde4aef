"""Writing output files: all of them or none, and a folder that cannot take them is one clear line.

Every command renders everything in memory first and then writes all its files
together (`write_together`): each is written in full under a temporary name
beside its destination and only then renamed into place, so a failure leaves
every earlier output as it was and no half-written file behind.

Before a command starts its (possibly long) work, `check_folder` makes sure the
output folder can take files — it exists as a folder or can be created, and
this user may write there — and says in one line what is wrong if not:

    out.txt: is a file, not a folder
    out.txt/notes: cannot create the folder: out.txt is a file
    /srv/read-only: cannot write into this folder (permission denied)

Both raise `OutputError`, a `SpecError` (the one error bad input becomes), so the
command prints it as ``explainer: error: …`` with exit code 2 and the Python API
raises it as it is.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from explainer.output.render import FORMATS
from explainer.spec import SpecError

DEFAULT_FORMATS = (*FORMATS, "json")  # what `explainer explain` writes unless --format says otherwise
# Everything a walkthrough can be written as: also its LaTeX body alone (to \input), a Beamer
# deck of the step, and every figure as a file of its own (TikZ to \input, and SVG).
ALL_FORMATS = (*DEFAULT_FORMATS, "tex-body", "slides", "figures")
# How the file of a format is named after the stem: article.tex, article-body.tex, …
ENDINGS = {"tex-body": "-body.tex", "slides": "-slides.tex", "slides-pdf": "-slides.pdf"}


class OutputError(SpecError):
    """An output folder or file that cannot be written: ``PATH: PROBLEM``, one line."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(str(path), "", problem)


def check_folder(folder: str | Path) -> None:
    """Raise OutputError unless files can be written into `folder` (made if missing).

    Nothing is created: the folder itself is made only when the files are written.
    """
    folder = Path(folder)
    existing = folder
    while not existing.exists():  # the nearest part of the path that exists
        if existing.is_symlink():
            raise OutputError(folder, f"cannot create the folder: {existing} is a broken symbolic link")
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing == folder:
        if not folder.is_dir():
            raise OutputError(folder, "is a file, not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(folder, "cannot write into this folder (permission denied)")
        return
    if not existing.is_dir():
        raise OutputError(folder, f"cannot create the folder: {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(folder, f"cannot create the folder: no permission to write in {existing}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    write_together({path: content})


def write_together(files: dict[Path, str | bytes]) -> None:
    """Write several files so that a failure leaves every previous file as it was.

    Each file is first written in full under a temporary name beside its
    destination; only when all are written are they renamed into place (a rename
    within a directory replaces the old file at once, and replaces a symbolic link
    rather than writing through it). On any failure the temporary files, and the
    folders made for them, are removed; a failure of the file system (no space, no
    permission, a file where a folder should be) is an OutputError naming the path.
    """
    temporary: dict[Path, str] = {}
    made: list[Path] = []
    target: Path | None = None
    try:
        for path, content in files.items():
            target = path.parent
            _make_folder(path.parent, made)
            data = content.encode("utf-8") if isinstance(content, str) else content
            target = path
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            temporary[path] = tmp
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; outputs are ordinary files
        for path, tmp in temporary.items():
            target = path
            os.replace(tmp, path)
    except BaseException as err:
        for tmp in temporary.values():
            Path(tmp).unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(err, OSError):
            raise OutputError(target or "", f"cannot write ({err.strerror or err})") from None
        raise


def _make_folder(folder: Path, made: list[Path]) -> None:
    """Make `folder` and any missing parents, outermost first, adding each to `made`."""
    missing = []
    while not folder.is_dir() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def write_outputs(directory: Path, stem: str, contents: dict[str, str | bytes | dict[str, str]]) -> list[Path]:
    """Write the file of every rendered format into `directory`, all or none: STEM.FORMAT, or
    the ending ENDINGS gives it; a format of several files (figures) maps their endings to
    their contents (``{"-figure-1.tex": …}``)."""
    files: dict[Path, str | bytes] = {}
    for fmt, content in contents.items():
        if isinstance(content, dict):
            files |= {directory / f"{stem}{ending}": text for ending, text in content.items()}
        else:
            files[directory / f"{stem}{ENDINGS.get(fmt, '.' + fmt)}"] = content
    write_together(files)
    return list(files)
