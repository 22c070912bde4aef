"""backprop-explainer: derive, check and explain one gradient-descent step with backpropagation.

From Python or a Jupyter notebook:

    from explainer import explain, check
    step = explain("article.toml")      # a Walkthrough; a notebook cell shows it
    step.json()["gradient"]["w5"]       # any value of the step, as the JSON file has it
    check("article-claims.toml")        # a CheckResult: right, wrong or carried forward

See `explainer.api` for the objects these return; the `explainer` command
(`explainer.cli`) does the same from a terminal.
"""

from explainer.api import check, explain

__all__ = ["check", "explain"]
