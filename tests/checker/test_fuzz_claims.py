"""Fuzzing the claims loader: whatever the bytes, a Claims or one clean SpecError line.

As for specs (tests/spec/test_fuzz.py): arbitrary bytes, arbitrary TOML documents, and the
seed article's claims file with random mutations. The claims file names its spec by a
path relative to itself, so every document is parsed as if it sat beside the built-in
seed example; a mutated `spec` value may name any file, which must fail cleanly too.
"""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from explainer import examples
from explainer.checker.claims import Claims, parse_claims
from explainer.spec import SpecError
from tests.fuzzing import FUZZ, keys, toml_document, values

SOURCE = "fuzz-claims.toml"
FOLDER = examples.seed_spec().parent
SEED = examples.seed_claims().read_bytes()
SECTIONS = ["cost", "input", "output", "activation_derivative", "cost_derivative", "delta", "gradient",
            "updated", "after", "history", "h1", "L1", "w5", "b1", "x1", "1", "2"]
claim_keys = st.sampled_from(SECTIONS) | keys


def loads_or_fails_cleanly(raw: bytes) -> Claims | None:
    try:
        claims = parse_claims(raw, SOURCE, FOLDER)
    except SpecError as err:
        message = str(err)
        assert message.startswith(f"{SOURCE}: "), message
        assert len(message.splitlines()) == 1 and message.isprintable(), repr(message)
        return None
    assert isinstance(claims, Claims) and claims.claims
    return claims


def test_the_seed_claims_survive_the_writer():
    seed = tomllib.loads(SEED.decode("utf-8"), parse_float=Decimal)
    loaded = loads_or_fails_cleanly(toml_document(seed))
    assert loaded is not None and len(loaded.claims) == 26


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes(raw):
    loads_or_fails_cleanly(raw)


@FUZZ
@given(st.dictionaries(claim_keys, values, max_size=5))
def test_arbitrary_documents(table):
    loads_or_fails_cleanly(toml_document(table))


@FUZZ
@given(st.data())
def test_mutated_seed_claims(data):
    doc = copy.deepcopy(tomllib.loads(SEED.decode("utf-8"), parse_float=Decimal))
    for _ in range(data.draw(st.integers(1, 3))):
        table = doc
        path = []
        while isinstance(table, dict) and table and data.draw(st.booleans()):
            name = data.draw(st.sampled_from(sorted(table)))
            if not isinstance(table[name], dict):
                break
            path.append(name)
            table = table[name]
        if not isinstance(table, dict):
            continue
        action = data.draw(st.sampled_from(["drop", "replace", "add"]))
        if action == "drop" and table:
            del table[data.draw(st.sampled_from(sorted(table)))]
        elif action == "replace" and table:
            table[data.draw(st.sampled_from(sorted(table)))] = data.draw(values)
        else:
            table[data.draw(claim_keys)] = data.draw(values)
    loads_or_fails_cleanly(toml_document(doc))
