"""The sheets of an exercise as walkthrough-model Documents: problem, solution, answer key.

    problem(exercise, explanation)      the network, the sample, η, and five questions
                                        with a blank line for every answer
    solution(exercise, explanation)     the full walkthrough of the step
    answer_key([(exercise, explanation), ...], seed)
                                        every answer of every exercise, in tables

The answers are the symbolic engine's numbers (`answer`), rounded half-to-even to
`KEY_DIGITS` significant digits, with ≈ where rounded. The problem sheet shows
only what the student is given: the spec's own numbers.
"""

from __future__ import annotations

import dataclasses

from explainer.engines.quantities import quantities
from explainer.exercise.generate import SEED, Exercise, Question
from explainer.functions import ACTIVATIONS
from explainer.pipeline import Explanation
from explainer.walkthrough import notation
from explainer.walkthrough.build import build
from explainer.walkthrough.context import DEFAULT_DIGITS, Context, inline
from explainer.walkthrough.document import (
    Blank,
    Document,
    Equation,
    Math,
    Paragraph,
    Row,
    Section,
    Table,
    Text,
)
from explainer.walkthrough.sections import overview

KEY_DIGITS = 4  # significant digits in the answer key

QUESTIONS = {
    1: ("The forward pass.", ("Compute the input ", Math("i"), " and the output ", Math("o"),
                              " of every neuron after the inputs.")),
    2: ("The cost.", ("Compute the cost ", Math("C"), " of the sample before the step.")),
    3: ("Backpropagation.", ("Compute these partial derivatives with the chain rule.",)),
    4: ("The update.", ("Take one gradient-descent step and give the new values of these "
                        "parameters.",)),
    5: ("The sanity check.", ("Update every parameter, feed the same input through the network "
                              "again and compute the new cost ", Math("C^{+}"),
                              ". Did the step lower the cost?")),
}


def answer(explanation: Explanation, key: str) -> object:
    """The true value of the quantity a claims key names, from the symbolic engine."""
    return quantities(explanation.spec, explanation.symbolic)[key]


def solution(exercise: Exercise, explanation: Explanation) -> Document:
    """The full walkthrough of the exercise's step, exactly as `explainer explain` writes it."""
    document = build(explanation, DEFAULT_DIGITS)
    return dataclasses.replace(document, title=f"Exercise {exercise.number}: solution")


def problem(exercise: Exercise, explanation: Explanation) -> Document:
    """The problem sheet: what is given, and the questions with room for the answers."""
    ctx = Context(explanation, DEFAULT_DIGITS)
    return Document(
        title=f"Exercise {exercise.number}",
        subtitle="One gradient-descent step by hand, with backpropagation: " + _network_words(ctx),
        sections=(_given(exercise, ctx), dataclasses.replace(_questions(exercise), new_page=True)),
    )


def _network_words(ctx: Context) -> str:
    acts = " and ".join(ACTIVATIONS[a].latex.words for a in dict.fromkeys(ctx.net.activations))
    return (f"a {overview.shape(ctx)} network with {acts} as activation and "
            f"{ctx.cost.latex.words} as cost.")


def _given(exercise: Exercise, ctx: Context) -> Section:
    net = ctx.net
    acts = [ACTIVATIONS[a].latex for a in dict.fromkeys(net.activations)]
    rows = [
        Row("i_{n}", "=", r"\sum_{k} w_{k \to n}\, o_{k} + b_{n}"),
        Row("o_{n}", "=", r"\sigma(i_{n})"),
        *[Row(*_split(ctx.sym.fill(act.formula))) for act in acts],
        *[Row(*_split(ctx.sym.fill(act.derivative))) for act in acts],
        Row(*_split(ctx.sym.fill(ctx.cost.latex.formula))),
        Row("p^{+}", "=", r"p - \eta\, \frac{\partial C}{\partial p}"),
    ]
    drawn = overview.figure(ctx)
    figure = dataclasses.replace(
        drawn, caption=inline(f"Exercise {exercise.number}: the network before the step, with every "
                              "weight and bias.") + overview.matrix_note(ctx, drawn))
    blocks = [
        Paragraph(inline(
            "Every neuron after the inputs adds its bias to the weighted sum of the outputs of "
            "the layer before (", Math(r"w_{k \to n}"), " is the weight on the arrow from ",
            Math("k"), " to ", Math("n"), "), and applies the activation. The output ",
            Math(r"y_{j}"), " of the last layer's neuron ", Math("L_{j}"), " is compared with the "
            "expected value ", Math(r"\mathrm{exp}_{j}"), " by the cost, and each parameter ",
            Math("p"), " moves against its partial derivative:",
        )),
        Equation(tuple(rows)),
        *([Paragraph(inline("The leaky ReLU's slope for negative inputs is ",
                            Math(rf"a = {ctx.num(net.leaky_slope).latex}"), "."))]
          if "leaky_relu" in net.activations else []),
        figure,
        Paragraph(inline(
            "The sample: the input is ",
            Math(notation.vector("x", [ctx.num(v).latex for v in ctx.spec.sample.input])),
            ", the expected output is ",
            Math(notation.vector(r"\mathrm{exp}", [ctx.num(e).latex for e in ctx.expected])),
            ", and the learning rate is ", Math(rf"\eta = {ctx.num(ctx.learning_rate).latex}"), ".",
        )),
        Paragraph(inline(
            "Keep at least four significant digits in every answer, and carry the unrounded "
            "values from one step to the next. To check your answers, write them into ",
            Text(f"{exercise.stem}-claims.toml", code=True),
            " (remove the # in front of each line you answer) and run ",
            Text(f"explainer check {exercise.stem}-claims.toml", code=True),
            ". It says which numbers are right, and for a wrong one which classic slip produces it.",
        ), note=True),
    ]
    return Section("The network", "network", tuple(blocks))


def _split(formula: str) -> tuple[str, str, str]:
    """A displayed formula "lhs = rhs" as the three parts of an aligned row."""
    lhs, _, rhs = formula.partition(" = ")
    return lhs, "=", rhs


def _questions(exercise: Exercise) -> Section:
    asked = exercise.questions()
    blocks: list = []
    for number, (title, task) in QUESTIONS.items():
        blocks.append(Paragraph(inline(Text(f"{number}. {title}", strong=True), " ", *task)))
        blocks.append(_blanks(number, [q for q in asked if q.number == number]))
    return Section("Questions", "questions", tuple(blocks))


def _blanks(number: int, asked: list[Question]) -> Table:
    """A table with a blank line for each answer of one question."""
    if number == 1:  # a neuron's input and output side by side
        names = [q.key.split(".")[1] for q in asked if q.key.startswith("input.")]
        rows = tuple((Math(SEED.neuron(n)), Blank(), Blank()) for n in names)
        return Table(header=(Text("Neuron"), Math("i"), Math("o")), rows=rows, align="lll")
    return Table(header=(Text("Quantity"), Text("Your answer")),
                 rows=tuple((Math(q.symbol), Blank()) for q in asked), align="ll")


def answer_key(solved: list[tuple[Exercise, Explanation]], seed: int) -> Document:
    """Every answer of every exercise, one table per exercise."""
    sections = []
    for exercise, explanation in solved:
        ctx = Context(explanation, KEY_DIGITS)
        rows = []
        for q in exercise.questions():
            shown = ctx.num(answer(explanation, q.key))
            rows.append((Text(str(q.number)), Math(q.symbol),
                         Math(f"{shown.relation} {shown.latex}")))
        words = _network_words(ctx)
        # The description is the table's caption, so that a page never separates the two.
        table = Table(header=(Text("Question"), Text("Quantity"), Text("Answer")), rows=tuple(rows),
                      align="clr",
                      caption=f"Exercise {exercise.number}: {words} Questions 3 and 4 ask about "
                              f"{', '.join(exercise.chosen)}.")
        blocks = (table,)
        sections.append(Section(f"Exercise {exercise.number}", exercise.stem, blocks))
    return Document(
        title="Answer key",
        subtitle=f"Exercises 1 to {len(solved)} (seed {seed}): every answer to {KEY_DIGITS} "
                 "significant digits, rounded from the symbolic engine's values; the solution "
                 "sheets work each one out in full.",
        sections=tuple(sections),
    )
