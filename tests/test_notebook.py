"""The example notebook runs from top to bottom in a real Jupyter kernel and shows what it promises."""

from __future__ import annotations

import json
import shutil

import pytest

from explainer import examples, explain
from tests.conftest import REPO

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = REPO / "examples" / "walkthrough.ipynb"


def test_the_notebook_is_stored_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.reads(NOTEBOOK.read_text(encoding="utf-8"), as_version=4))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_the_notebook_uses_only_the_public_api():
    """A notebook is what users copy from: it imports `explainer`'s public names only."""
    import ast

    import explainer

    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    imported = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom):
                    imported += [(node.module, alias.name) for alias in node.names]
                elif isinstance(node, ast.Import):
                    imported += [(alias.name, "") for alias in node.names]
    assert imported and all(module == "explainer" and name in explainer.__all__ for module, name in imported)


def test_the_notebook_runs_and_displays_the_walkthrough_and_the_check(tmp_path, monkeypatch):
    copy = tmp_path / NOTEBOOK.name
    shutil.copyfile(NOTEBOOK, copy)
    # The kernel is a new process: it must import this checkout's package, not another install.
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    notebook = nbformat.read(copy, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError if any cell fails

    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    walkthrough = next(h for h in html if h.startswith('<div class="bpx-walkthrough">'))
    assert walkthrough.count("<math") > 100 and "The hidden layer" in walkthrough
    table = next(h for h in html if h.startswith('<div class="bpx-check">'))
    assert '<span class="verdict wrong">WRONG</span>' in table
    assert "activation_derivative_at_output" in table
    markdown = [o.data["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert any("$$" in m for m in markdown)

    printed = "".join(o.text for o in outputs if o.output_type == "stream")
    values = explain(examples.seed_spec()).json()  # what this process computes, for comparison
    assert f"cost before the step: {values['cost']}\n" in printed
    assert f"dC/dw5:               {values['gradient']['w5']}\n" in printed
    last = "".join(notebook.cells[-1].outputs[0].data["text/plain"].split())  # pretty-printed
    assert last.startswith("(False,['activation_derivative.L1',")
