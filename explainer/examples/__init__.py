"""The examples shipped with the package: the seed article's network and its printed numbers.

    from explainer import examples, explain, check
    explain(examples.seed_spec())      # the 2-2-2 sigmoid network of the seed article
    check(examples.seed_claims())      # the numbers that article prints, checked
    explain(examples.xor_spec())       # XOR trained for 10,000 full-batch steps

Both are files inside the installed package (``article.toml`` and
``article-claims.toml``), the project's contract examples byte for byte; the
claims file names its spec relative to itself, so it works wherever it lies.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _shipped(name: str) -> Path:
    return Path(str(resources.files(__name__) / name))


def seed_spec() -> Path:
    """The seed article's network: 2-2-2, sigmoid, the sum of squared errors, one sample."""
    return _shipped("article.toml")


def seed_claims() -> Path:
    """The numbers the seed article prints, as a claims file naming `seed_spec()`."""
    return _shipped("article-claims.toml")


def xor_spec() -> Path:
    """XOR on a 2-2-1 sigmoid network, its four samples full batch, 10,000 steps: the run a
    classroom demonstration trains until it has learnt the exclusive or."""
    return _shipped("xor.toml")
