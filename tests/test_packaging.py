"""The wheel carries the templates and the built-in example, so `pip install .` works."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_wheel_ships_templates_and_examples(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(REPO)], check=True, capture_output=True, timeout=600)
    wheel = next(tmp_path.glob("backprop_explainer-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for fmt in ("tex", "html", "md"):
        assert f"explainer/templates/walkthrough.{fmt}.j2" in names
    assert "explainer/examples/article.toml" in names
    assert "explainer/examples/article-claims.toml" in names
    # The console script is `explainer.cli:run` (main, then exit without a last collection).
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "explainer = explainer.cli:run" in text
