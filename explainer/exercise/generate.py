"""Exercise networks with nice numbers, and the questions a problem sheet asks about them.

A teacher wants a fresh network per student or per exam, with numbers a person
can work with on paper: weights, biases, inputs and targets with one or two
decimals, a learning rate like 0.1 or 0.5, and no intermediate value that is
unreadable. `generate` draws such networks from `random.Random(seed)`, so the
same seed always gives the same exercises:

    exercises = generate(Options(layers=(2, 2, 2), seed=1, count=3))

Each draw is written as the TOML text of a spec and read back with the spec
reader, so the file a teacher keeps (exercise-1.toml) is exactly the network the
sheets are about. A draw is kept only if it is "nice" (see `nice`): every neuron
input |i| ≤ 4, no sigmoid or tanh output within 0.02 of where it saturates, no
ReLU input within 0.05 of its kink, every ∂C/∂p at least 10⁻³ in size, and a step
that lowers the cost. That check uses the NumPy core, only to choose; every
number printed comes from the symbolic engine, as in any walkthrough.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from explainer.engines import numeric
from explainer.spec import Spec, parse_spec
from explainer.walkthrough import notation

SEED = notation.Notation()  # questions name quantities as claims files do: the seed notation
MAX_INPUT = 4.0  # |i| of every neuron at most this
SATURATION = 0.02  # sigmoid/softmax outputs stay this far from 0 and 1, tanh's from ±1
KINK = 0.05  # ReLU inputs stay this far from 0, where the slope jumps
MIN_GRADIENT = 1e-3  # a smaller ∂C/∂p is not worth computing by hand
MAX_TRIES = 5000  # draws per exercise before giving up on the options
LEARNING_RATES = ("0.1", "0.2", "0.5")
BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}
KINKED = ("relu", "leaky_relu")


class ExerciseError(Exception):
    """No nice network exists for these options, or not enough different ones."""


@dataclass(frozen=True)
class Options:
    layers: tuple[int, ...] = (2, 2, 2)
    activation: str = "sigmoid"
    cost: str = "sum_squared"
    seed: int = 1
    count: int = 1


@dataclass(frozen=True)
class Question:
    """One number the student computes: its claims key (``gradient.w5``), its symbol
    (LaTeX) and the number of the question on the sheet (1 to 5)."""

    number: int
    key: str
    symbol: str


@dataclass(frozen=True)
class Exercise:
    """Exercise `number`: its spec (and the TOML it was read from), and the parameters
    whose gradient and update question 3 and 4 ask for."""

    number: int
    spec: Spec
    toml: str
    chosen: tuple[str, ...]

    @property
    def stem(self) -> str:
        return f"exercise-{self.number}"

    def questions(self) -> list[Question]:
        """Every number asked, in the order of the sheet (and of the claims file)."""
        net = self.spec.network
        hidden_and_last = [n for layer in range(1, net.depth + 1) for n in net.neurons(layer)]
        return [
            *[Question(1, f"input.{n}", SEED.i(n)) for n in hidden_and_last],
            *[Question(1, f"output.{n}", SEED.o(n)) for n in hidden_and_last],
            Question(2, "cost", "C"),
            # ∂C/∂p with a slash: it sits in a table row, where a fraction would be cramped.
            *[Question(3, f"gradient.{p}", rf"\partial C / \partial {SEED.param(p)}")
              for p in self.chosen],
            *[Question(4, f"updated.{p}", SEED.updated(p)) for p in self.chosen],
            Question(5, "after.cost", "C^{+}"),
        ]


def generate(options: Options) -> list[Exercise]:
    """`options.count` different nice exercises, the same for the same options."""
    rng = random.Random(options.seed)
    exercises: list[Exercise] = []
    seen: set[str] = set()
    for number in range(1, options.count + 1):
        for _ in range(MAX_TRIES):
            body = _draw(rng, options)
            if body in seen:
                continue
            toml = f'title = "Exercise {number}"\n\n{body}'
            spec = parse_spec(toml.encode(), f"exercise-{number}.toml")
            if nice(spec):
                break
        else:
            raise ExerciseError(
                f"no nice {'-'.join(map(str, options.layers))} {options.activation} network with "
                f"{options.cost} found in {MAX_TRIES} draws for exercise {number}; try other "
                "--layers, --activation or --cost")
        seen.add(body)
        exercises.append(Exercise(number, spec, toml, _choose(rng, spec)))
    return exercises


def nice(spec: Spec) -> bool:
    """Whether every value of the step is readable on paper (see the module docstring)."""
    net = spec.network
    step = numeric.step(spec)
    for forward in (step.before, step.after):
        for layer in range(1, net.depth + 1):
            i, o = forward.i[layer], forward.o[layer]
            name = net.activations[layer - 1]
            if np.any(np.abs(i) > MAX_INPUT):
                return False
            if name in BOUNDED:
                low, high = BOUNDED[name]
                if np.any(o < low + SATURATION) or np.any(o > high - SATURATION):
                    return False
            if name in KINKED and np.any(np.abs(i) < KINK):
                return False
    gradients = np.array(list(step.backward.gradient.values()))
    return bool(np.all(np.abs(gradients) >= MIN_GRADIENT)) and step.after.cost < step.before.cost


def _choose(rng: random.Random, spec: Spec) -> tuple[str, ...]:
    """The parameters questions 3 and 4 ask about: a weight of the last layer, a weight
    of the first hidden layer (the longest chain), and a bias."""
    net = spec.network
    weights = [p.label for p in net.parameters if p.kind == "weight"]
    last = [p for p in weights if net.parameter(p).layer == net.depth]
    first = [p for p in weights if net.parameter(p).layer == 1] if net.depth > 1 else []
    biases = [p.label for p in net.parameters if p.kind == "bias"]
    return tuple(rng.choice(group) for group in (last, first, biases) if group)


# ---------------------------------------------------------------- drawing numbers


def _decimal(rng: random.Random, low: float, high: float, nonzero: bool = True) -> str:
    """A number in [low, high] with one decimal or (half the time) two, as TOML text."""
    places = rng.choice((1, 2))
    scale = 10**places
    while True:
        n = rng.randint(round(low * scale), round(high * scale))
        if n or not nonzero:
            break
    text = format(Decimal(n).scaleb(-places), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed(rng: random.Random, low: float, high: float) -> str:
    value = _decimal(rng, low, high)
    return value if rng.random() < 0.5 else f"-{value}"


def _targets(options: Options) -> tuple[float, float]:
    last = options.activation
    if last in ("sigmoid", "softmax") or "entropy" in options.cost:
        return 0.05, 0.95
    if last == "tanh":
        return -0.9, 0.9
    if last == "relu":
        return 0.1, 1.5
    return -1.5, 1.5


def _row(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _draw(rng: random.Random, options: Options) -> str:
    """The body of a spec (everything but its title) with freshly drawn numbers."""
    layers = options.layers
    lines = [
        "[network]",
        f"layers = {_row([str(n) for n in layers])}",
        f'activation = "{options.activation}"',
        f'cost = "{options.cost}"',
        'numbering = "source-major"',
    ]
    for before, size in itertools.pairwise(layers):
        weights = [_row([_signed(rng, 0.1, 1.0) for _ in range(before)]) for _ in range(size)]
        lines += ["", "[[network.layer]]", f"weights = [{', '.join(weights)}]",
                  f"biases = {_row([_signed(rng, 0.05, 0.5) for _ in range(size)])}"]
    low, high = _targets(options)
    lines += [
        "", "[training]", f"learning_rate = {rng.choice(LEARNING_RATES)}", "steps = 1",
        "", "[[training.sample]]",
        f"input = {_row([_signed(rng, 0.1, 2.0) for _ in range(layers[0])])}",
        f"expected = {_row([_decimal(rng, low, high) for _ in range(layers[-1])])}",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the claims template


def claims_template(exercise: Exercise) -> str:
    """A claims file for `explainer check` with every answer left for the student.

    TOML has no empty value, so each answer is a commented-out line ``# w5 = ``;
    the student removes the # and writes the number after the =.
    """
    by_section: dict[str, list[tuple[str, Question]]] = {}
    for q in exercise.questions():
        section, _, name = q.key.rpartition(".")
        by_section.setdefault(section, []).append((name, q))
    headings = {
        "": "question 2: the cost C before the step",
        "input": "question 1: the input i of every neuron",
        "output": "question 1: the output o of every neuron",
        "gradient": "question 3: the partial derivatives",
        "updated": "question 4: the values after the step",
        "after": "question 5: the cost after the step",
    }
    lines = [
        f"# Exercise {exercise.number}: your answers, checked by",
        f"#     explainer check {exercise.stem}-claims.toml",
        "# For each answer, remove the # at the start of its line and write your number after",
        "# the = sign (for example: h1 = 0.6225). Answers you leave commented out are not checked.",
        "# Write as many decimals as you computed: a number with k decimals may be off by one",
        "# unit in its last digit.",
        f'spec = "{exercise.stem}.toml"',
    ]
    for section in headings:  # [claims] itself first, then its sub-tables
        if section not in by_section:
            continue
        entries = by_section[section]
        lines += ["", "[claims" + (f".{section}" if section else "") + "]",
                  f"# {headings[section]}"]
        lines += [f"# {name} = " for name, _ in entries]
    return "\n".join(lines) + "\n"
