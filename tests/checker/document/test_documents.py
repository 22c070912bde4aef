"""Worked examples checked as they are written: the seed article's own equations, a
student's Markdown homework, and a slip planted in it."""

from __future__ import annotations

import pytest

from explainer import examples
from explainer.checker.claims import load_claims
from explainer.checker.document import as_claims, load_document, read_text
from explainer.checker.verdicts import CORRECT, FOLLOWS, WRONG
from explainer.spec import load_spec
from tests.checking import judge
from tests.conftest import TESTS

HERE = TESTS / "checker" / "document"
SEED = load_spec(examples.seed_spec())


def test_the_seed_articles_equations_are_judged_as_its_claims_file_judges_them():
    reading = load_document(HERE / "seed-equations.txt", SEED)
    assert reading.notation == "seed"
    assert len(reading.read) > 18
    from_document = judge(as_claims(reading, SEED))
    built_in = {v.key: v for v in judge(load_claims(examples.seed_claims())).verdicts}
    assert {v.key for v in from_document.verdicts} == set(built_in)
    for v in from_document.verdicts:
        assert (v.verdict, v.diagnosis, v.follows_from) == \
            (built_in[v.key].verdict, built_in[v.key].diagnosis, built_in[v.key].follows_from), v.key
    verdicts = {v.key: v.verdict for v in from_document.verdicts}
    assert all(verdicts[k] == CORRECT for k in ("cost", "output.h1", "output.L1", "output.L2",
                                                "cost_derivative.L1"))
    wrong_or_carried = [v for v in from_document.verdicts if v.key.startswith(("gradient.", "updated."))]
    assert wrong_or_carried and all(v.verdict in (WRONG, FOLLOWS) for v in wrong_or_carried)
    assert all("activation_derivative_at_output" in v.diagnosis for v in wrong_or_carried)
    # its arithmetic is right: the slip is in a formula, not in a sum
    assert reading.arithmetic and all(s.verdict == "correct" for s in reading.arithmetic)
    assert all(g.ok for g in reading.given)


def test_the_article_read_tells_before_from_after_the_step():
    """y and the cost are written twice in the sanity check: first as before (the same numbers
    again), then after the update (new numbers)."""
    keys = {r.key: r.line for r in load_document(HERE / "seed-equations.txt", SEED).read}
    assert {"after.output.L1", "after.output.L2", "after.cost"} <= set(keys)
    assert keys["cost"] < keys["updated.w5"] < keys["after.cost"]


HOMEWORK = (HERE / "homework.md").read_text(encoding="utf-8")


def test_a_right_homework_is_right_line_by_line():
    reading = read_text(HOMEWORK, "md", SEED, "homework.md")
    assert len(reading.read) == 18 and len(reading.arithmetic) >= 18
    assert all(s.verdict == "correct" for s in reading.arithmetic)
    assert all(v.verdict == CORRECT for v in judge(as_claims(reading, SEED)).verdicts)
    assert reading.unread == []


@pytest.mark.parametrize(("right", "slipped"), [
    ("= 0.082794 + 0.11096 = 0.19375$$", "= 0.082794 + 0.11096 = 0.19475$$"),
    ("(-0.3) \\cdot 0.16582 = -0.13231$$", "(-0.3) \\cdot 0.16582 = -0.13321$$"),
    ("       &= 0.90637", "       &= 0.91637"),  # a row of an align: its own line
])
def test_a_planted_arithmetic_slip_is_reported_on_its_line_and_only_there(right, slipped):
    assert HOMEWORK.count(right) == 1
    planted = HOMEWORK.replace(right, slipped)
    line = next(k for k, text in enumerate(planted.split("\n"), start=1) if slipped in text)
    reading = read_text(planted, "md", SEED, "homework.md")
    wrong = [s for s in reading.arithmetic if s.verdict != "correct"]
    assert [s.line for s in wrong] == [line]
