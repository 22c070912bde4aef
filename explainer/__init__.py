"""backprop-explainer: derive, check and explain one gradient-descent step with backpropagation.

From Python or a Jupyter notebook:

    from explainer import check, examples, explain
    step = explain("article.toml")      # a Walkthrough; a notebook cell shows it
    step.json()["gradient"]["w5"]       # any value of the step, as the JSON file has it
    step.save("notes", "tex,html", pdf=True)
    check("article-claims.toml")        # a CheckResult: right, wrong or carried forward
    explain(examples.seed_spec())       # the built-in example (examples.seed_claims(): its claims)

See `explainer.api` for the objects these return; the `explainer` command
(`explainer.cli`) does the same from a terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from explainer.api import check, explain

__all__ = ["check", "examples", "explain"]


def __getattr__(name: str) -> object:
    # `explain` and `check` come from explainer.api, which loads the checker and every
    # renderer; importing them on first use keeps `import explainer.cli.command` (the command,
    # which loads only what its subcommand needs) from paying for all of it.
    if name == "examples":
        import explainer.examples as examples

        return examples
    if name in __all__:
        from explainer import api

        return getattr(api, name)
    raise AttributeError(f"module 'explainer' has no attribute {name!r}")
