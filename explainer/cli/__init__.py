"""The `explainer` command: `explain`, `check` and `exercise` (see `explainer.cli.command`)."""

from explainer.cli.command import main, parser, run

__all__ = ["main", "parser", "run"]
