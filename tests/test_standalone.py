"""The repository stands alone: no test reads anything outside it.

A user's clone has nothing beside it. A test that reads `../shared/…` (as the
project's first tests did) passes on a developer's machine and fails in every
fresh clone, so this module reads the test suite itself and fails on any
reference that leaves the repository:

* in test modules: a path built above the repository (``REPO.parent``, three
  ``.parent`` steps from a test file, ``parents[2]``), a path component named
  ``shared``, or an absolute path into the folder that holds the repository;
* in the data files under tests/ (specs, claims): a ``spec = "…"`` that resolves
  outside the repository.

The package's copies of the contract examples are checked against the digests
of the contract files, so that they cannot drift from the contract unnoticed.
"""

from __future__ import annotations

import ast
import hashlib
import re
import tomllib
from pathlib import Path

import pytest

from explainer import examples

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
# Attribute chains that climb out: the repository's own parent, or three steps up from tests/x.py.
CLIMBS = re.compile(r"\b(REPO|ROOT|TOP)\s*\.\s*parent\b"
                    r"|(\.\s*parent\b\s*){3}|\.parents\s*\[\s*([2-9]|\d\d)\s*\]")
SHARED = re.compile(r"[/\\]shared([/\\]|$)|^shared[/\\]")  # "shared" alone is a bias mode
# The contract files (shared/examples/ beside the repository), as SHA-256 of their bytes.
CONTRACT = {
    "article.toml": "e3d36e2be0e266f80952b964aaf99351f6878f05ca064f3e0f9fc8b4746dd680",
    "article-claims.toml": "201fea758f12b9dbd78fdf61e20d70b4f2eb3327295866d649242f4d06427cfe",
}


def outside_references(source: str, outside: str) -> list[str]:
    """What in a test module's source refers to a path outside the repository."""
    found = [m.group(0) for m in CLIMBS.finditer(source)]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if SHARED.search(text) or text.startswith(outside):
                found.append(repr(text))
    return found


def test_the_detector_catches_what_it_is_for():
    outside = str(REPO.parent) + "/"
    for bad in ('SHARED = REPO.parent / "shared"', 'p = Path(__file__).parent.parent.parent / "x"',
                'p = Path(__file__).resolve().parents[2]', 'p = "../shared/examples/article.toml"',
                f'p = "{outside}shared/x.toml"', f'p = "{outside}other"'):
        assert outside_references(bad, outside), bad
    for fine in ('REPO = Path(__file__).resolve().parent.parent', 'x = "../../etc/passwd"',
                 'p = tmp_path / "shared-frozen.toml"', 'p = REPO / "tests" / "specs"'):
        assert not outside_references(fine, outside), fine


# This module is left out: its examples of what is refused are written in its source.
@pytest.mark.parametrize("module", sorted(str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py")
                                           if p.name != Path(__file__).name))
def test_no_test_module_refers_outside_the_repository(module):
    source = (TESTS / module).read_text(encoding="utf-8")
    assert outside_references(source, str(REPO.parent) + "/") == []


def test_no_test_data_file_names_a_spec_outside_the_repository():
    checked = 0
    for path in sorted(TESTS.rglob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # TOMLDecodeError is a ValueError
            continue  # the broken files of the bad-input corpus
        spec = data.get("spec") or data.get("spek")
        if isinstance(spec, str) and spec and "\0" not in spec:
            checked += 1
            target = (path.parent / spec).resolve()
            where = path.relative_to(REPO)
            assert target.is_relative_to(REPO), f"{where}: spec = {spec!r} leaves the repository"
    assert checked > 10  # the claims files of the corpus, at least


@pytest.mark.parametrize("name, shipped", [("article.toml", examples.seed_spec),
                                           ("article-claims.toml", examples.seed_claims)])
def test_the_package_carries_the_contract_examples_unchanged(name, shipped):
    assert shipped().name == name
    assert hashlib.sha256(shipped().read_bytes()).hexdigest() == CONTRACT[name]
