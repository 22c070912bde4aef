"""The PyTorch oracle: optional on a developer's machine, required in CI.

Every test that checks the engines against PyTorch autograd gets torch from
`require_torch()`, never from ``pytest.importorskip("torch")``. Where torch cannot be
imported, the test skips — unless the environment variable ``REQUIRE_ORACLE`` is set
(to anything but ``""`` or ``"0"``), as ``.ci/run`` sets it: then the test fails. A
skipped oracle looks like a green run, so a CI machine that lost torch would
otherwise pass without the one check that does not share our code.

Called at module level it skips or fails the whole module; inside a test or a
fixture, that test alone.
"""

from __future__ import annotations

import os
from types import ModuleType

import pytest

INSTALL = "pip install torch==2.13.0"


def oracle_required() -> bool:
    """Whether this run must have the oracle (REQUIRE_ORACLE set, and not to 0)."""
    return os.environ.get("REQUIRE_ORACLE", "") not in ("", "0")


def require_torch() -> ModuleType:
    """torch, or a skip where it is absent, or a failure where it is absent but required."""
    try:
        import torch
    except ImportError as err:
        if oracle_required():
            pytest.fail(f"REQUIRE_ORACLE is set but torch cannot be imported ({err}); {INSTALL}",
                        pytrace=False)
        pytest.skip(f"the PyTorch oracle is not installed ({err}); {INSTALL}", allow_module_level=True)
    return torch
