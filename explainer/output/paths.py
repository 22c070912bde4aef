"""Output file names derived from user input, kept inside the output directory.

The walkthrough of ``my-net.toml`` is written as ``my-net.tex``, ``my-net.html``…
in the ``-o`` directory. The stem comes from a name the user chose, so it is
cleaned before it becomes part of a path: no separators, no ``..``, no leading
dot (a hidden file) or dash (an option to the next command), no control
characters or NUL, and not so long that the file system refuses the name.
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_STEM = "walkthrough"
MAX_STEM = 100  # characters; with ".html" well under the usual 255-byte limit on a name
_UNSAFE = re.compile(r"[^\w.+-]")  # \w: letters and digits of any script, and "_"


def safe_stem(spec_path: str | Path) -> str:
    """The stem of the output files for `spec_path`: a plain name with no way out of a directory."""
    # PurePath.name drops every directory part, whichever separator the user typed.
    name = Path(str(spec_path).replace("\\", "/")).name
    stem = name[: -len(".toml")] if name.lower().endswith(".toml") else Path(name).stem
    stem = _UNSAFE.sub("_", stem).lstrip(".-")[:MAX_STEM]
    return stem if stem.strip("._") else DEFAULT_STEM
