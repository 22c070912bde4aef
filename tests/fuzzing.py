"""What the fuzz tests share: the settings, random TOML keys and values, and a tiny TOML writer."""

from __future__ import annotations

import json
import math
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = ["title", "network", "training", "layers", "layer", "weights", "biases", "activation", "cost",
         "numbering", "leaky_slope", "learning_rate", "steps", "mode", "freeze", "sample", "input",
         "expected", "sigmoid", "softmax", "cross_entropy", "batch", "w1", "b1", "weights_layout",
         "rows-are-inputs", "rows-are-neurons", "first-weight"]
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
