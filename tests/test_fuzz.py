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
import json
import math
import tomllib
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer import examples
from explainer.pipeline import check_run
from explainer.spec import Spec, SpecError, parse_spec

SOURCE = "fuzz.toml"
SEED = examples.seed_spec().read_bytes()
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = ["title", "network", "training", "layers", "layer", "weights", "biases", "activation", "cost",
         "numbering", "leaky_slope", "learning_rate", "steps", "mode", "freeze", "sample", "input",
         "expected", "sigmoid", "softmax", "cross_entropy", "batch", "w1", "b1"]
keys = st.sampled_from(NAMES) | st.text(max_size=12)
scalars = (
    st.booleans()
    | st.integers(min_value=-3, max_value=5)
    | st.integers()
    | st.sampled_from([10**120, -(10**300)])  # out of range (4,300+ digits: see the corpus)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["1/3", "1/0", "1e999", "abc", " 0.5 ", "-3/4", "nan", "1/" + "7" * 300, ""])
    | st.sampled_from(NAMES)
    | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)


# ---------------------------------------------------------------- a tiny TOML writer


def toml_key(key: str) -> str:
    return json.dumps(key)  # a basic string: JSON's escapes are TOML's


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)  # repr writes inf, -inf, 1e+100
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(table: dict) -> bytes:
    return "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in table.items()).encode("utf-8")


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


@FUZZ
@given(st.data())
def test_mutated_seed(data):
    tree = tomllib.loads(SEED.decode("utf-8"), parse_float=Decimal)
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
