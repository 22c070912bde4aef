"""Shared fixtures: the seed example, explained once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from explainer import examples
from explainer.pipeline import explain
from explainer.spec import load_spec

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
SPECS = TESTS / "specs"  # spec files the tests share


@pytest.fixture(scope="session")
def seed_spec():
    return load_spec(examples.seed_spec())


@pytest.fixture(scope="session")
def seed(seed_spec):
    """The seed example through both engines and the agreement checks."""
    return explain(seed_spec)
