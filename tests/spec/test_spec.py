"""The spec loader: the contract file, parameter labels, and clear errors."""

from __future__ import annotations

from fractions import Fraction

import pytest

from explainer import examples
from explainer.spec import SpecError, parse_spec
from tests.conftest import SPECS

SEED_TOML = examples.seed_spec().read_bytes()


def test_seed_spec_is_read_exactly(seed_spec):
    net = seed_spec.network
    assert net.layers == (2, 2, 2)
    assert net.activations == ("sigmoid", "sigmoid")
    assert seed_spec.learning_rate == Fraction(1, 10)  # exact, not the float 0.1
    assert seed_spec.sample.input == (2, 3)
    assert seed_spec.sample.expected == (1, Fraction(1, 5))


def test_source_major_labels_follow_the_seed(seed_spec):
    by_label = {p.label: p for p in seed_spec.network.parameters}
    # (layer, target j, source k, value) as the seed's figure labels them
    expected = {
        "w1": (1, 0, 0, "0.3"), "w2": (1, 1, 0, "0.2"), "w3": (1, 0, 1, "-0.4"),
        "w4": (1, 1, 1, "0.6"), "w5": (2, 0, 0, "0.7"), "w6": (2, 1, 0, "-0.3"),
        "w7": (2, 0, 1, "0.5"), "w8": (2, 1, 1, "-0.1"),
        "b1": (1, 0, None, "0.25"), "b2": (1, 1, None, "0.45"),
        "b3": (2, 0, None, "0.15"), "b4": (2, 1, None, "0.35"),
    }
    for label, (layer, j, k, value) in expected.items():
        p = by_label[label]
        assert (p.layer, p.target, p.source, p.value) == (layer, j, k, Fraction(value))


def test_target_major_numbering():
    text = SEED_TOML.replace(b'numbering = "source-major"', b'numbering = "target-major"')
    spec = parse_spec(text, "t.toml")
    by_label = {p.label: (p.layer, p.target, p.source) for p in spec.network.parameters}
    assert by_label["w2"] == (1, 0, 1)  # x2 -> h1
    assert by_label["w3"] == (1, 1, 0)  # x1 -> h2
    assert by_label["w6"] == (2, 0, 1)  # h2 -> L1


def test_neuron_names_tell_the_layer():
    spec = parse_spec((SPECS / "three-layer.toml").read_bytes(), "deep.toml")
    net = spec.network
    assert net.neurons(0) == ["x1", "x2"]
    assert net.neurons(1) == ["h1_1", "h1_2", "h1_3"]
    assert net.neurons(2) == ["h2_1", "h2_2"]
    assert net.neurons(3) == ["L1"]
    assert len(net.parameters) == 2 * 3 + 3 * 2 + 2 * 1 + 3 + 2 + 1





def test_fractions_as_strings_are_exact():
    spec = parse_spec((SPECS / "three-layer.toml").read_bytes(), "deep.toml")
    assert spec.learning_rate == Fraction(1, 2)
    assert spec.sample.input == (1, Fraction(-1, 3))


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        (b"layers = [2, 2, 2]", b"layers = [2, 3, 2]", "network.layer[1].weights",
         "expected 3 rows"),
        (b"biases = [0.25, 0.45]", b"biases = [0.25]", "network.layer[1].biases",
         "expected 2 numbers"),
        (b"learning_rate = 0.1", b"learning_rate = -0.1", "training.learning_rate",
         "must be positive"),
        (b'activation = "sigmoid"', b'activation = "sigmoidd"', "network.activation",
         "did you mean 'sigmoid'"),
        (b"steps = 1", b"stepz = 1", "training.stepz", "did you mean 'steps'"),
        (b"input = [2, 3]", b'input = [2, "three"]', "training.sample[1].input[2]",
         "not a number"),
        (b"input = [2, 3]", b"input = [2, nan]", "training.sample[1].input[2]", "finite"),
        (b"[0.2,  0.6]", b"[0.2,  0.6, 1]", "network.layer[1].weights[2]", "expected 2 numbers"),
        (b"input = [2, 3]", b"input = [2, 1e999999999]", "training.sample[1].input[2]",
         "out of range"),
    ],
)
def test_bad_specs_name_the_key_and_the_problem(old, new, key, words):
    assert old in SEED_TOML
    with pytest.raises(SpecError) as caught:
        parse_spec(SEED_TOML.replace(old, new, 1), "bad.toml")
    message = str(caught.value)
    assert message.startswith(f"bad.toml: {key}: "), message
    assert words in message
    assert "\n" not in message


def test_toml_syntax_error_is_one_line():
    with pytest.raises(SpecError) as caught:
        parse_spec(b"[network\nlayers = [", "broken.toml")
    assert str(caught.value).startswith("broken.toml: not valid TOML")
    assert "\n" not in str(caught.value)
