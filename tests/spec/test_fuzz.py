"""Fuzzing the spec loader: whatever the bytes, the outcome is a Spec or one clean SpecError line.

Three sources of input: arbitrary bytes; arbitrary TOML documents (random tables, lists
and scalars, written by the small TOML writer below); and the seed spec with a few
random mutations (a key dropped, a value replaced, a key added, a list entry repeated),
which reaches the checks deep inside a well-formed file. A spec that loads also goes
through the limits and the float64 dry run (`explainer.pipeline.check_run`), which must
equally end in nothing or a SpecError.
"""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explainer import examples
from explainer.pipeline import check_run
from explainer.spec import Spec, SpecError, parse_spec
from tests.conftest import SPECS
from tests.fuzzing import FUZZ, keys, toml_document, values

SOURCE = "fuzz.toml"
SEED = examples.seed_spec().read_bytes()
# The seed written with both layout options, so that mutations reach their checks.
ROW_VECTOR = (SPECS / "seed-rows-are-inputs-first-weight.toml").read_bytes()
# A batch run with the summed gradient, and the seed without a learning rate: mutations reach
# the checks of batch_gradient and of a missing learning rate.
BATCH_SUM = (SPECS / "batch-sum.toml").read_bytes()
NO_RATE = (SPECS / "no-learning-rate.toml").read_bytes()
# ---------------------------------------------------------------- the property


def loads_or_fails_cleanly(raw: bytes) -> Spec | None:
    """A Spec, or None after checking that the SpecError is one line naming the source."""
    try:
        spec = parse_spec(raw, SOURCE)
        check_run(spec)
    except SpecError as err:
        message = str(err)
        assert message.startswith(f"{SOURCE}: "), message
        assert len(message.splitlines()) == 1 and message.isprintable(), repr(message)
        return None
    assert isinstance(spec, Spec)
    return spec


def test_the_writer_round_trips_the_seed():
    """The fuzzing below is only as good as the writer: the seed must survive it unchanged."""
    seed = tomllib.loads(SEED.decode("utf-8"), parse_float=Decimal)
    assert tomllib.loads(toml_document(seed).decode("utf-8"), parse_float=Decimal) == seed
    assert loads_or_fails_cleanly(toml_document(seed)) == parse_spec(SEED, SOURCE)


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(raw):
    loads_or_fails_cleanly(raw)


@FUZZ
@given(st.binary(max_size=200))
def test_the_seed_with_bytes_spliced_in(noise):
    cut = len(noise) * 7 % len(SEED)
    loads_or_fails_cleanly(SEED[:cut] + noise + SEED[cut:])


@FUZZ
@given(st.dictionaries(keys, values, max_size=6))
def test_arbitrary_toml_documents(table):
    loads_or_fails_cleanly(toml_document(table))


def _paths(node: object, path: tuple = ()) -> list[tuple]:
    """Every place in a TOML tree, as the keys and indices leading to it."""
    found = [path] if path else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        found += _paths(child, (*path, key))
    return found


def _parent(tree: dict, path: tuple) -> object:
    for step in path[:-1]:
        tree = tree[step]
    return tree


@pytest.mark.parametrize("base", [SEED, ROW_VECTOR, BATCH_SUM, NO_RATE],
                         ids=["seed", "rows-are-inputs-first-weight", "batch-sum", "no-learning-rate"])
@FUZZ
@given(data=st.data())
def test_mutated_seed(base, data):
    tree = tomllib.loads(base.decode("utf-8"), parse_float=Decimal)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(tree)
        path = data.draw(st.sampled_from(paths))
        parent = _parent(tree, path)
        kind = data.draw(st.sampled_from(["drop", "replace", "add", "repeat"]))
        if kind == "drop":
            del parent[path[-1]]
        elif kind == "replace":
            parent[path[-1]] = data.draw(values)
        elif kind == "add" and isinstance(parent, dict):
            parent[data.draw(keys)] = data.draw(values)
        elif kind == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    loads_or_fails_cleanly(toml_document(tree))
