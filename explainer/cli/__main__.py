"""`python -m explainer.cli`: the `explainer` command."""

from explainer.cli.command import run

run()
